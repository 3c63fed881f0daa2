variable "project_id" {
  description = "Google Cloud project to deploy into."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a project ID (6-30 lowercase letters, digits or hyphens, starting with a letter), not a project number or name."
  }
}

variable "region" {
  description = "Region for the functions, the source bucket, the Serverless VPC Access connector and Memorystore."
  type        = string
  default     = "us-central1"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a Cloud Functions region such as us-central1 or europe-west4."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name (functions, service accounts, topics, bucket, secrets). Keep it short: service account IDs are limited to 30 characters."
  type        = string
  default     = "embed-gw"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,14}$", var.name_prefix))
    error_message = "name_prefix must be 1-15 characters: lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "dist_dir" {
  description = "Folder holding `npm run build` output, one sub-folder per function (dist/<function>). Null means the repository's dist/ beside this module."
  type        = string
  default     = null
}

variable "labels" {
  description = "Labels added to every resource that takes labels."
  type        = map(string)
  default     = {}
}

variable "enable_apis" {
  description = "Enable the Google APIs the gateway uses (google_project_service). Set false when the project's APIs are managed elsewhere."
  type        = bool
  default     = true
}

variable "function_defaults" {
  description = "Sizing of every HTTP function. Measured peak resident memory of the embed bundle: 230 MB for sequential requests, 350 MB for 8 concurrent requests of 4 long texts; 1Gi leaves room for the L1 cache (CACHE_L1_BYTES, 64 MB by default) and concurrent requests. min_instances is the cold-start lever: 0 scales to zero (first request loads the runtime and, on first local embedding, the model), 1 keeps one instance warm and billed. concurrency above 1 needs at least 1 CPU."
  type = object({
    memory          = optional(string, "1Gi")
    cpu             = optional(string, "1")
    min_instances   = optional(number, 0)
    max_instances   = optional(number, 10)
    concurrency     = optional(number, 8)
    timeout_seconds = optional(number, 60)
  })
  default = {}

  validation {
    condition     = can(regex("^[0-9]+(Mi|Gi)$", var.function_defaults.memory))
    error_message = "function_defaults.memory must look like 512Mi or 2Gi."
  }
  validation {
    condition     = var.function_defaults.min_instances >= 0 && var.function_defaults.max_instances >= 1 && var.function_defaults.min_instances <= var.function_defaults.max_instances
    error_message = "function_defaults needs 0 <= min_instances <= max_instances and max_instances >= 1."
  }
  validation {
    condition     = var.function_defaults.concurrency >= 1 && var.function_defaults.concurrency <= 1000
    error_message = "function_defaults.concurrency must be between 1 and 1000."
  }
  validation {
    condition     = var.function_defaults.timeout_seconds >= 1 && var.function_defaults.timeout_seconds <= 3600
    error_message = "function_defaults.timeout_seconds must be between 1 and 3600 (HTTP functions)."
  }
}

variable "batch_defaults" {
  description = "Sizing of the Pub/Sub batch function (embedBatch). A job shard holds its vectors in memory until published, hence more memory; one message per instance keeps a poison message from slowing its neighbours. timeout_seconds also sets the push subscription's ack deadline (at most 600)."
  type = object({
    memory          = optional(string, "2Gi")
    cpu             = optional(string, "1")
    min_instances   = optional(number, 0)
    max_instances   = optional(number, 5)
    concurrency     = optional(number, 1)
    timeout_seconds = optional(number, 540)
  })
  default = {}

  validation {
    condition     = can(regex("^[0-9]+(Mi|Gi)$", var.batch_defaults.memory))
    error_message = "batch_defaults.memory must look like 512Mi or 2Gi."
  }
  validation {
    condition     = var.batch_defaults.min_instances >= 0 && var.batch_defaults.max_instances >= 1 && var.batch_defaults.min_instances <= var.batch_defaults.max_instances
    error_message = "batch_defaults needs 0 <= min_instances <= max_instances and max_instances >= 1."
  }
  validation {
    condition     = var.batch_defaults.concurrency >= 1 && var.batch_defaults.concurrency <= 1000
    error_message = "batch_defaults.concurrency must be between 1 and 1000."
  }
  validation {
    condition     = var.batch_defaults.timeout_seconds >= 10 && var.batch_defaults.timeout_seconds <= 540
    error_message = "batch_defaults.timeout_seconds must be between 10 and 540 (event-driven functions)."
  }
}

variable "function_overrides" {
  description = "Per-function sizing, keyed by entry point (embed, health, vertexPredict, openaiEmbeddings, chunk, similarity, embedBatch, and with playground = true: playground, openapi, docs); unset fields take function_defaults (or batch_defaults for embedBatch). Example: { embed = { min_instances = 1 } }."
  type = map(object({
    memory          = optional(string)
    cpu             = optional(string)
    min_instances   = optional(number)
    max_instances   = optional(number)
    concurrency     = optional(number)
    timeout_seconds = optional(number)
  }))
  default = {}

  validation {
    condition     = alltrue([for o in values(var.function_overrides) : o.memory == null || can(regex("^[0-9]+(Mi|Gi)$", o.memory))])
    error_message = "function_overrides memory values must look like 512Mi or 2Gi."
  }
  validation {
    # Terraform evaluates both sides of ||, so nulls are replaced by passing values first.
    condition = alltrue([for o in values(var.function_overrides) : (
      coalesce(o.min_instances, 0) >= 0 && coalesce(o.max_instances, 1) >= 1 &&
      coalesce(o.concurrency, 1) >= 1 && coalesce(o.concurrency, 1) <= 1000 &&
      coalesce(o.timeout_seconds, 60) >= 1 && coalesce(o.timeout_seconds, 60) <= 3600
    )])
    error_message = "function_overrides: min_instances >= 0, max_instances >= 1, concurrency 1-1000, timeout_seconds 1-3600."
  }
}

variable "ingress_settings" {
  description = "Who can reach the HTTP functions at the network level: ALLOW_ALL (internet, still subject to IAM), ALLOW_INTERNAL_ONLY (VPC and same-project Google services), ALLOW_INTERNAL_AND_GCLB (plus an external HTTPS load balancer)."
  type        = string
  default     = "ALLOW_ALL"

  validation {
    condition     = contains(["ALLOW_ALL", "ALLOW_INTERNAL_ONLY", "ALLOW_INTERNAL_AND_GCLB"], var.ingress_settings)
    error_message = "ingress_settings must be ALLOW_ALL, ALLOW_INTERNAL_ONLY or ALLOW_INTERNAL_AND_GCLB."
  }
}

variable "batch_ingress_settings" {
  description = "Ingress of the batch function. Pub/Sub push reaches it at its URL and only the push service account may invoke it (IAM), so ALLOW_ALL is safe; if you restrict it, check in Cloud Run's ingress documentation that Pub/Sub push from your project counts as internal."
  type        = string
  default     = "ALLOW_ALL"

  validation {
    condition     = contains(["ALLOW_ALL", "ALLOW_INTERNAL_ONLY", "ALLOW_INTERNAL_AND_GCLB"], var.batch_ingress_settings)
    error_message = "batch_ingress_settings must be ALLOW_ALL, ALLOW_INTERNAL_ONLY or ALLOW_INTERNAL_AND_GCLB."
  }
}

variable "invoker_members" {
  description = "IAM members allowed to call the HTTP functions (roles/run.invoker on each), e.g. [\"serviceAccount:app@my-proj.iam.gserviceaccount.com\", \"group:search-team@example.com\"]. They call with a Google ID token whose audience is the function URL."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for m in var.invoker_members : can(regex("^(user|serviceAccount|group|domain|principal|principalSet):.+", m))])
    error_message = "invoker_members entries must be IAM members such as user:a@example.com, serviceAccount:x@p.iam.gserviceaccount.com, group:g@example.com or domain:example.com. To open the functions to everyone use allow_unauthenticated_invocations."
  }
}

variable "allow_unauthenticated_invocations" {
  description = "Grant roles/run.invoker to allUsers on the HTTP functions, so callers without a Google identity (API-key clients) get past Cloud Run's IAM check. The gateway then authenticates every call itself, so auth_modes must not be empty."
  type        = bool
  default     = false
}

variable "auth_modes" {
  description = "Caller authentication inside the gateway (AUTH_MODE): api_key (x-api-key or Authorization: Bearer <key>, keys in the Secret Manager secret), google_id_token (tokens for id_token_audience from id_token_allowed_principals). Empty means the gateway trusts Cloud Run's IAM check alone (ALLOW_UNAUTHENTICATED=true inside), which is only allowed while allow_unauthenticated_invocations is false."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for m in var.auth_modes : contains(["api_key", "google_id_token"], m)])
    error_message = "auth_modes entries must be api_key or google_id_token."
  }
}

variable "api_key_hashes" {
  description = "Optional API keys to store in the Secret Manager secret as its first version: name => sha256 hex of the key (never the key itself). Leave empty to add versions with gcloud instead (see README); Terraform then never sees the keys or their hashes."
  type        = map(string)
  default     = {}
  sensitive   = true

  validation {
    condition     = alltrue([for name, hash in var.api_key_hashes : can(regex("^[A-Za-z0-9_.-]+$", name)) && can(regex("^[0-9a-fA-F]{64}$", hash))])
    error_message = "api_key_hashes maps a key name (letters, digits, _ . -) to the 64-hex-digit sha256 of the key."
  }
}

variable "id_token_audience" {
  description = "Audience the gateway requires in Google ID tokens when auth_modes contains google_id_token (ID_TOKEN_AUDIENCE), e.g. a fixed string such as \"embedding-gateway\" your callers request tokens for."
  type        = string
  default     = null
}

variable "id_token_allowed_principals" {
  description = "Emails allowed in Google ID tokens when auth_modes contains google_id_token (ID_TOKEN_ALLOWED_PRINCIPALS)."
  type        = list(string)
  default     = []
}

variable "vertex_location" {
  description = "Vertex AI location for the embedding model (VERTEX_LOCATION). Null means region."
  type        = string
  default     = null
}

variable "vertex_model" {
  description = "Vertex AI publisher model for embeddings (VERTEX_MODEL)."
  type        = string
  default     = "text-multilingual-embedding-002"
}

variable "fallback" {
  description = "Whether online routes may answer from the bundled model when Vertex fails (FALLBACK). Batch jobs default to no fallback per job regardless."
  type        = bool
  default     = true
}

variable "cache_store" {
  description = "Shared (L2) vector cache: firestore (serverless, created here as a named database), redis (Memorystore plus a Serverless VPC Access connector) or none (per-instance L1 cache only)."
  type        = string
  default     = "firestore"

  validation {
    condition     = contains(["firestore", "redis", "none"], var.cache_store)
    error_message = "cache_store must be firestore, redis or none."
  }
}

variable "firestore" {
  description = "Firestore cache database (cache_store = firestore). database_id null means \"<name_prefix>-cache\"; location_id null means region. create = false uses an existing database of that ID. The cache collection gets a TTL policy on expiresAt."
  type = object({
    create      = optional(bool, true)
    database_id = optional(string)
    location_id = optional(string)
    collection  = optional(string, "embedding-cache")
  })
  default = {}
}

variable "redis" {
  description = "Memorystore for Redis (cache_store = redis): tier BASIC or STANDARD_HA, size in GB, the VPC network the instance and connector use, and the connector's unused /28 range."
  type = object({
    tier           = optional(string, "BASIC")
    memory_size_gb = optional(number, 1)
    redis_version  = optional(string, "REDIS_7_2")
    network        = optional(string, "default")
    connector_cidr = optional(string, "10.8.0.0/28")
    auth_enabled   = optional(bool, true)
  })
  default = {}

  validation {
    condition     = contains(["BASIC", "STANDARD_HA"], var.redis.tier)
    error_message = "redis.tier must be BASIC or STANDARD_HA."
  }
  validation {
    condition     = var.redis.memory_size_gb >= 1 && var.redis.memory_size_gb <= 300
    error_message = "redis.memory_size_gb must be between 1 and 300."
  }
  validation {
    condition     = can(cidrhost(var.redis.connector_cidr, 0)) && endswith(var.redis.connector_cidr, "/28")
    error_message = "redis.connector_cidr must be an unused /28 range in the network, e.g. 10.8.0.0/28."
  }
}

variable "batch_trigger" {
  description = "How jobs reach embedBatch. push_subscription (default): a Pub/Sub push subscription this module owns, with retry backoff and a dead-letter topic. eventarc: a Cloud Functions event trigger (retry policy RETRY_POLICY_RETRY); Eventarc then owns the subscription, so this module sets no dead-letter policy on it (see README)."
  type        = string
  default     = "push_subscription"

  validation {
    condition     = contains(["push_subscription", "eventarc"], var.batch_trigger)
    error_message = "batch_trigger must be push_subscription or eventarc."
  }
}

variable "batch_max_delivery_attempts" {
  description = "Deliveries of a job message before Pub/Sub moves it to the dead-letter topic (push_subscription only)."
  type        = number
  default     = 5

  validation {
    condition     = var.batch_max_delivery_attempts >= 5 && var.batch_max_delivery_attempts <= 100
    error_message = "batch_max_delivery_attempts must be between 5 and 100 (Pub/Sub's limits)."
  }
}

variable "message_retention" {
  description = "How long the dead-letter and results subscriptions keep unacknowledged messages."
  type        = string
  default     = "604800s"

  validation {
    condition     = can(regex("^[0-9]+s$", var.message_retention))
    error_message = "message_retention must be a duration in seconds such as 604800s (7 days; Pub/Sub allows 600s to 604800s)."
  }
}

variable "build_service_account" {
  description = "Service account Cloud Build uses to build the functions (full resource name projects/P/serviceAccounts/EMAIL). Null uses the project's default build account."
  type        = string
  default     = null
}

variable "playground" {
  description = "Deploy the browser pages: the playground (GET /), the OpenAPI document and its rendered reference (functions playground, openapi, docs). They sit behind the same Cloud Run IAM as the other functions (a browser reaches them when allow_unauthenticated_invocations = true with auth_modes = [\"api_key\"]); the pages hold no data and need no key, the calls they make carry the key typed into the page."
  type        = bool
  default     = false
}

variable "log_level" {
  description = "LOG_LEVEL of every function."
  type        = string
  default     = "info"

  validation {
    condition     = contains(["debug", "info", "warning", "error"], var.log_level)
    error_message = "log_level must be debug, info, warning or error."
  }
}

variable "environment" {
  description = "Extra environment variables for every function, for any setting in the README's Settings table (e.g. { MAX_INPUTS = \"500\" }). They override the module's own values."
  type        = map(string)
  default     = {}
}

variable "force_destroy_source_bucket" {
  description = "Let terraform destroy delete the source bucket with its archives in it."
  type        = bool
  default     = false
}
