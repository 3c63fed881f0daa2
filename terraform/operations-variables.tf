# Operating the gateway: log-based metrics, dashboard, alerts, usage ledger, per-caller limits.
# Each part is switched by its own variable (see README, "Operating").

variable "log_metrics_enabled" {
  description = "Create the log-based metrics (google_logging_metric) read from the gateway's request and batch-shard log lines. The dashboard and the alerts are built on them."
  type        = bool
  default     = true
}

variable "dashboard_enabled" {
  description = "Create the Cloud Monitoring dashboard (needs log_metrics_enabled)."
  type        = bool
  default     = true
}

variable "alerts_enabled" {
  description = "Create the alert policies (needs log_metrics_enabled): fallback share, 5xx ratio, breaker open, dead-lettered jobs, Vertex 429s."
  type        = bool
  default     = true
}

variable "notification_channels" {
  description = "Notification channel ids (projects/P/notificationChannels/N) every alert policy notifies. Empty: incidents open in the console only."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.notification_channels : can(regex("^projects/[^/]+/notificationChannels/[^/]+$", c))])
    error_message = "notification_channels entries must be channel ids like projects/my-proj/notificationChannels/123."
  }
}

variable "alert_thresholds" {
  description = "When the alerts fire: fallback_share (0-1) of embedding requests answered by the fallback for fallback_minutes; a 5xx share above error_ratio for error_minutes; Vertex 429s above vertex_429_per_minute for vertex_429_minutes; any dead-lettered job message (dead_letter_messages or more waiting); breaker_open as soon as requests meet an open breaker for breaker_minutes."
  type = object({
    fallback_share        = optional(number, 0.5)
    fallback_minutes      = optional(number, 60)
    error_ratio           = optional(number, 0.05)
    error_minutes         = optional(number, 10)
    vertex_429_per_minute = optional(number, 1)
    vertex_429_minutes    = optional(number, 10)
    breaker_minutes       = optional(number, 5)
    dead_letter_messages  = optional(number, 1)
  })
  default = {}

  validation {
    condition     = var.alert_thresholds.fallback_share > 0 && var.alert_thresholds.fallback_share <= 1 && var.alert_thresholds.error_ratio > 0 && var.alert_thresholds.error_ratio <= 1
    error_message = "alert_thresholds.fallback_share and alert_thresholds.error_ratio must be shares between 0 (exclusive) and 1."
  }

  validation {
    condition     = alltrue([for m in [var.alert_thresholds.fallback_minutes, var.alert_thresholds.error_minutes, var.alert_thresholds.vertex_429_minutes, var.alert_thresholds.breaker_minutes] : m >= 1 && m <= 1440 && floor(m) == m])
    error_message = "alert_thresholds *_minutes must be whole minutes from 1 to 1440."
  }
}

variable "usage_ledger" {
  description = "Optional usage ledger: a log sink that copies every request and batch-shard line into a BigQuery dataset (one partitioned table), for usage per caller per day (README has the query). partition_expiration_days = null keeps rows forever."
  type = object({
    enabled                    = optional(bool, false)
    dataset_id                 = optional(string)
    location                   = optional(string, "US")
    partition_expiration_days  = optional(number, 400)
    delete_contents_on_destroy = optional(bool, false)
  })
  default = {}

  validation {
    condition     = var.usage_ledger.dataset_id == null || can(regex("^[A-Za-z0-9_]{1,1024}$", coalesce(var.usage_ledger.dataset_id, "x")))
    error_message = "usage_ledger.dataset_id may hold only letters, digits and underscores."
  }
}

variable "caller_limits" {
  description = "Per-caller limits and permissions (CALLER_LIMITS), keyed by API key name or Google principal email; \"*\" applies to every other caller. rpm/tpm: requests and tokens per minute; routes: entry points the caller may call; models: selectors, providers or model ids it may embed with. Shared by every instance through Redis when cache_store = redis, else counted per instance."
  type = map(object({
    rpm    = optional(number)
    tpm    = optional(number)
    routes = optional(list(string))
    models = optional(list(string))
  }))
  default = {}

  validation {
    condition     = alltrue([for l in values(var.caller_limits) : (l.rpm == null || try(l.rpm >= 1 && floor(l.rpm) == l.rpm, false)) && (l.tpm == null || try(l.tpm >= 1 && floor(l.tpm) == l.tpm, false))])
    error_message = "caller_limits rpm and tpm must be whole numbers of at least 1."
  }
}
