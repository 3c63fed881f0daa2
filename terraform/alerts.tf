# Alert policies, each with its runbook (the README's "Operating" section says more), notifying
# var.notification_channels.
locals {
  t    = var.alert_thresholds
  rate = { alignment_period = "300s", per_series_aligner = "ALIGN_RATE", cross_series_reducer = "REDUCE_SUM" }

  alerts = {
    fallback_share = {
      name            = "Fallback share above ${local.t.fallback_share * 100}% for ${local.t.fallback_minutes} min"
      filter          = local.series.fallbacks
      denominator     = "${local.series.requests} AND metric.label.provider=one_of(\"vertex\",\"local\")"
      threshold       = local.t.fallback_share
      minutes         = local.t.fallback_minutes
      aggregation     = local.rate
      runbook         = "The bundled model has been answering instead of Vertex AI. Its vectors live in another space: retrieval callers against a Vertex index get poor results. Look at the dashboard's 'Vertex failures by kind': rate_limited means the project's Vertex quota is used up (raise it, or lower callers' tpm in caller_limits); unavailable/server_error/deadline mean Vertex is failing (check status.cloud.google.com); breaker_open follows either."
      comparison      = "COMPARISON_GT"
      severity        = "WARNING"
      evaluation_data = "EVALUATION_MISSING_DATA_INACTIVE"
    }
    server_errors = {
      name            = "5xx above ${local.t.error_ratio * 100}% of requests for ${local.t.error_minutes} min"
      filter          = "${local.series.requests} AND metric.label.status_class=\"5xx\""
      denominator     = local.series.requests
      threshold       = local.t.error_ratio
      minutes         = local.t.error_minutes
      aggregation     = local.rate
      runbook         = "Requests are failing on the gateway's side. In Logs Explorer, query jsonPayload.event=\"request\" AND httpRequest.status>=500 and read jsonPayload.error_type: upstream / upstream_timeout (Vertex failed and fallback was off or not possible: see upstream_failure), internal (a bug: the 'internal error' line beside it has the stack, same trace)."
      comparison      = "COMPARISON_GT"
      severity        = "ERROR"
      evaluation_data = "EVALUATION_MISSING_DATA_INACTIVE"
    }
    breaker_open = {
      name            = "Vertex AI circuit breaker open for ${local.t.breaker_minutes} min"
      filter          = "${local.series.vertex_failures} AND metric.label.failure=\"breaker_open\""
      denominator     = null
      threshold       = 0
      minutes         = local.t.breaker_minutes
      aggregation     = local.rate
      runbook         = "Requests keep meeting an open breaker: Vertex AI failed BREAKER_FAILURES times in a row and calls skip it for BREAKER_COOLDOWN_MS at a time. Online routes are on the fallback model (or answer 503 with fallback off). Find the failures that opened it under 'Vertex failures by kind'."
      comparison      = "COMPARISON_GT"
      severity        = "ERROR"
      evaluation_data = "EVALUATION_MISSING_DATA_INACTIVE"
    }
    vertex_rate_limited = {
      name            = "Vertex AI 429s above ${local.t.vertex_429_per_minute} per minute for ${local.t.vertex_429_minutes} min"
      filter          = "${local.series.vertex_failures} AND metric.label.failure=\"rate_limited\""
      denominator     = null
      threshold       = local.t.vertex_429_per_minute / 60
      minutes         = local.t.vertex_429_minutes
      aggregation     = local.rate
      runbook         = "Vertex AI answers RESOURCE_EXHAUSTED after retries: the project's quota for the model is used up. See 'Tokens per minute by caller' for who uses it; cap heavy callers with caller_limits (tpm), or ask for more quota (IAM & Admin > Quotas, aiplatform online prediction requests per base model)."
      comparison      = "COMPARISON_GT"
      severity        = "WARNING"
      evaluation_data = "EVALUATION_MISSING_DATA_INACTIVE"
    }
    dead_letter = {
      name            = "Batch job messages on the dead-letter topic"
      filter          = "metric.type=\"pubsub.googleapis.com/subscription/num_undelivered_messages\" AND resource.type=\"pubsub_subscription\" AND resource.label.subscription_id=\"${google_pubsub_subscription.dead_letter.name}\""
      denominator     = null
      threshold       = local.t.dead_letter_messages - 1
      minutes         = 1
      aggregation     = { alignment_period = "60s", per_series_aligner = "ALIGN_MAX", cross_series_reducer = "REDUCE_SUM" }
      runbook         = "Job messages failed batch_max_delivery_attempts deliveries and were moved to the dead-letter topic: their items have no results. Pull them (gcloud pubsub subscriptions pull ${google_pubsub_subscription.dead_letter.name} --limit=10), read the batch function's logs for the job_id, fix the cause, and republish the job to the jobs topic."
      comparison      = "COMPARISON_GT"
      severity        = "ERROR"
      evaluation_data = "EVALUATION_MISSING_DATA_NO_OP"
    }
  }
}

resource "google_monitoring_alert_policy" "alert" {
  for_each = local.operations.alerts ? local.alerts : {}

  project               = var.project_id
  display_name          = "${var.name_prefix}: ${each.value.name}"
  combiner              = "OR"
  severity              = each.value.severity
  notification_channels = var.notification_channels
  user_labels           = var.labels

  conditions {
    display_name = each.value.name

    condition_threshold {
      filter                  = each.value.filter
      denominator_filter      = each.value.denominator
      comparison              = each.value.comparison
      threshold_value         = each.value.threshold
      duration                = "${each.value.minutes * 60}s"
      evaluation_missing_data = each.value.evaluation_data

      aggregations {
        alignment_period     = each.value.aggregation.alignment_period
        per_series_aligner   = each.value.aggregation.per_series_aligner
        cross_series_reducer = each.value.aggregation.cross_series_reducer
      }

      dynamic "denominator_aggregations" {
        for_each = each.value.denominator == null ? [] : [each.value.aggregation]
        content {
          alignment_period     = denominator_aggregations.value.alignment_period
          per_series_aligner   = denominator_aggregations.value.per_series_aligner
          cross_series_reducer = denominator_aggregations.value.cross_series_reducer
        }
      }

      trigger {
        count = 1
      }
    }
  }

  documentation {
    content   = each.value.runbook
    mime_type = "text/markdown"
  }

  alert_strategy {
    auto_close = "1800s"
  }

  depends_on = [google_logging_metric.metric]
}
