locals {
  # Every function the code registers (shared/routes.ts), keyed by entry point.
  # Adding a function is one line here; test/terraform checks both lists agree.
  functions = {
    embed                 = { trigger = "http" }
    health                = { trigger = "http" }
    vertexPredict         = { trigger = "http" }
    openaiEmbeddings      = { trigger = "http" }
    chunk                 = { trigger = "http" }
    similarity            = { trigger = "http" }
    openaiModels          = { trigger = "http" }
    openaiModel           = { trigger = "http" }
    publisherModel        = { trigger = "http" }
    projectPublisherModel = { trigger = "http" }
    vertexEmbedContent    = { trigger = "http" }
    embedBatch            = { trigger = "pubsub" }
    jobStatus             = { trigger = "http" }
    # The browser pages and the API reference: deployed only with var.playground.
    playground = { trigger = "http", playground = true }
    openapi    = { trigger = "http", playground = true }
    docs       = { trigger = "http", playground = true }
  }

  # What this apply deploys: every function, less the pages unless var.playground asks for them.
  deployed_functions = { for name, f in local.functions : name => f if !try(f.playground, false) || var.playground }

  http_functions  = { for name, f in local.deployed_functions : name => f if f.trigger == "http" }
  batch_functions = { for name, f in local.deployed_functions : name => f if f.trigger == "pubsub" }

  # Every gen2 function also answers at https://REGION-PROJECT.cloudfunctions.net/NAME: one origin
  # for all of them, so the pages call the API functions without CORS. Known before apply, so the
  # page functions can carry the URLs without depending on the other functions' resources.
  function_origin = "https://${var.region}-${var.project_id}.cloudfunctions.net"
  route_urls      = { for name in keys(local.http_functions) : name => "${local.function_origin}/${local.service_names[name]}" }
  page_environment = {
    ROUTE_URLS = jsonencode(local.route_urls)
  }

  # Cloud Run service names are lowercase: embedBatch -> <prefix>-embed-batch.
  service_names = { for name in keys(local.functions) : name => "${var.name_prefix}-${lower(replace(name, "/([A-Z])/", "-$1"))}" }

  # Only the fields an override sets replace the defaults.
  overrides = { for name, o in var.function_overrides : name => { for k, v in o : k => v if v != null } }
  sizing = {
    for name, f in local.functions : name => merge(
      f.trigger == "pubsub" ? var.batch_defaults : var.function_defaults,
      # The pages serve a few fixed files and never load the model.
      try(f.playground, false) ? { memory = "256Mi" } : {},
      try(local.overrides[name], {}),
    )
  }

  dist_dir        = coalesce(var.dist_dir, "${path.module}/../dist")
  vertex_location = coalesce(var.vertex_location, var.region)

  api_keys_enabled = contains(var.auth_modes, "api_key")
  id_token_enabled = contains(var.auth_modes, "google_id_token")

  common_environment = merge(
    {
      GATEWAY_ENV          = "production"
      LOG_LEVEL            = var.log_level
      GOOGLE_CLOUD_PROJECT = var.project_id
      VERTEX_LOCATION      = local.vertex_location
      VERTEX_MODEL         = var.vertex_model
      FALLBACK             = tostring(var.fallback)
      CACHE_STORE          = var.cache_store
      RESULTS_TOPIC        = google_pubsub_topic.results.id
      # An empty auth_modes means Cloud Run's IAM check is the authentication (see variables.tf).
      AUTH_MODE             = join(",", var.auth_modes)
      ALLOW_UNAUTHENTICATED = tostring(length(var.auth_modes) == 0)
    },
    var.cache_store == "firestore" ? {
      FIRESTORE_DATABASE   = local.firestore_database_id
      FIRESTORE_COLLECTION = var.firestore.collection
    } : {},
    var.cache_store == "redis" && !var.redis.auth_enabled ? {
      REDIS_URL = "redis://${google_redis_instance.cache[0].host}:${google_redis_instance.cache[0].port}"
    } : {},
    local.id_token_enabled ? {
      ID_TOKEN_AUDIENCE           = var.id_token_audience
      ID_TOKEN_ALLOWED_PRINCIPALS = join(",", var.id_token_allowed_principals)
    } : {},
  )

  # Secrets reach the functions as environment variables resolved by Cloud Run at start.
  http_secrets = concat(
    local.api_keys_enabled ? [{ key = "API_KEYS", secret = google_secret_manager_secret.api_keys.secret_id }] : [],
    local.redis_url_secret,
  )
  batch_secrets = local.redis_url_secret
}

data "google_project" "this" {
  project_id = var.project_id
}

resource "google_project_service" "service" {
  for_each = var.enable_apis ? toset(concat(
    [
      "cloudfunctions.googleapis.com",
      "run.googleapis.com",
      "cloudbuild.googleapis.com",
      "artifactregistry.googleapis.com",
      "storage.googleapis.com",
      "pubsub.googleapis.com",
      "secretmanager.googleapis.com",
      "aiplatform.googleapis.com",
      "iam.googleapis.com",
    ],
    var.batch_trigger == "eventarc" ? ["eventarc.googleapis.com"] : [],
    var.cache_store == "firestore" ? ["firestore.googleapis.com"] : [],
    var.cache_store == "redis" ? ["redis.googleapis.com", "vpcaccess.googleapis.com", "compute.googleapis.com"] : [],
  )) : toset([])

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

resource "google_storage_bucket" "source" {
  project                     = var.project_id
  name                        = "${var.project_id}-${var.name_prefix}-source"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.force_destroy_source_bucket
  labels                      = var.labels

  lifecycle {
    precondition {
      condition     = length(setsubtract(keys(var.function_overrides), keys(local.functions))) == 0
      error_message = "function_overrides has keys that are not functions of this module: ${join(", ", setsubtract(keys(var.function_overrides), keys(local.functions)))}."
    }
    precondition {
      condition     = !var.allow_unauthenticated_invocations || length(var.auth_modes) > 0
      error_message = "allow_unauthenticated_invocations = true opens the functions to the internet; set auth_modes (api_key and/or google_id_token) so the gateway authenticates callers itself."
    }
    precondition {
      condition     = !local.id_token_enabled || (var.id_token_audience != null && length(var.id_token_allowed_principals) > 0)
      error_message = "auth_modes contains google_id_token: set id_token_audience and id_token_allowed_principals."
    }
  }

  depends_on = [google_project_service.service]
}

# One archive per function, named by content so a code change yields a new object and a redeploy.
data "archive_file" "source" {
  for_each = local.deployed_functions

  type        = "zip"
  source_dir  = "${local.dist_dir}/${each.key}"
  output_path = "${path.root}/.terraform/gateway-archives/${each.key}.zip"
}

resource "google_storage_bucket_object" "source" {
  for_each = local.deployed_functions

  bucket = google_storage_bucket.source.name
  name   = "${each.key}/${data.archive_file.source[each.key].output_md5}.zip"
  source = data.archive_file.source[each.key].output_path
}

resource "google_cloudfunctions2_function" "function" {
  for_each = local.deployed_functions

  project     = var.project_id
  location    = var.region
  name        = local.service_names[each.key]
  description = "Embedding gateway: ${each.key}"
  labels      = var.labels

  build_config {
    runtime         = "nodejs20"
    entry_point     = each.key
    service_account = var.build_service_account

    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source[each.key].name
      }
    }
  }

  service_config {
    available_memory                 = local.sizing[each.key].memory
    available_cpu                    = local.sizing[each.key].cpu
    min_instance_count               = local.sizing[each.key].min_instances
    max_instance_count               = local.sizing[each.key].max_instances
    max_instance_request_concurrency = local.sizing[each.key].concurrency
    timeout_seconds                  = local.sizing[each.key].timeout_seconds
    ingress_settings                 = each.value.trigger == "http" ? var.ingress_settings : var.batch_ingress_settings
    all_traffic_on_latest_revision   = true
    service_account_email            = each.value.trigger == "http" ? google_service_account.http.email : google_service_account.batch.email
    environment_variables            = merge(local.common_environment, try(each.value.playground, false) ? local.page_environment : {}, local.operations_environment, local.batch_outputs_environment, var.environment)
    vpc_connector                    = var.cache_store == "redis" ? google_vpc_access_connector.cache[0].id : null
    vpc_connector_egress_settings    = var.cache_store == "redis" ? "PRIVATE_RANGES_ONLY" : null

    dynamic "secret_environment_variables" {
      for_each = each.value.trigger == "http" ? local.http_secrets : local.batch_secrets
      content {
        key        = secret_environment_variables.value.key
        project_id = var.project_id
        secret     = secret_environment_variables.value.secret
        version    = "latest"
      }
    }
  }

  dynamic "event_trigger" {
    for_each = each.value.trigger == "pubsub" && var.batch_trigger == "eventarc" ? [each.key] : []
    content {
      trigger_region        = var.region
      event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
      pubsub_topic          = google_pubsub_topic.jobs.id
      retry_policy          = "RETRY_POLICY_RETRY"
      service_account_email = google_service_account.push.email
    }
  }

  depends_on = [
    google_project_service.service,
    google_secret_manager_secret_iam_member.http_api_keys,
    google_secret_manager_secret_version.api_keys,
    google_secret_manager_secret_version.redis_url,
    google_secret_manager_secret_iam_member.redis_url,
    google_project_iam_member.function,
    google_pubsub_topic_iam_member.batch_results,
  ]
}
