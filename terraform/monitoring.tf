# Log-based metrics, the dashboard and the alert policies, all read from the gateway's own
# request and batch-shard log lines (field names: shared/observability/log-fields.ts, README
# "Operating"; test/terraform checks every filter below against those names).
locals {
  # The gateway's functions only (Cloud Functions gen2 run as Cloud Run services).
  gateway_logs  = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=~\"^${var.name_prefix}-\""
  request_lines = "${local.gateway_logs} AND jsonPayload.event=\"request\""
  shard_lines   = "${local.gateway_logs} AND jsonPayload.event=\"batch_shard\""

  # Milliseconds, 1 ms to ~9 minutes.
  latency_buckets = { scale = 1, growth_factor = 2, num_finite_buckets = 20 }
  # Counts (texts, tokens, items), 1 to ~500,000.
  count_buckets = { scale = 1, growth_factor = 4, num_finite_buckets = 10 }

  log_metrics = {
    requests = {
      description = "Requests by route, status class, provider, fallback reason and error type."
      filter      = local.request_lines
      labels = {
        route           = "EXTRACT(jsonPayload.route)"
        status_class    = "EXTRACT(jsonPayload.status_class)"
        provider        = "EXTRACT(jsonPayload.provider)"
        fallback_reason = "EXTRACT(jsonPayload.fallback_reason)"
        error_type      = "EXTRACT(jsonPayload.error_type)"
      }
    }
    request_latency = {
      description = "Request latency in milliseconds by route and provider."
      filter      = local.request_lines
      value       = "EXTRACT(jsonPayload.latency_ms)"
      unit        = "ms"
      buckets     = local.latency_buckets
      labels = {
        route    = "EXTRACT(jsonPayload.route)"
        provider = "EXTRACT(jsonPayload.provider)"
      }
    }
    fallbacks = {
      description = "Embedding requests the fallback model answered, by route and reason."
      filter      = "${local.request_lines} AND jsonPayload.fallback_reason:*"
      labels = {
        route  = "EXTRACT(jsonPayload.route)"
        reason = "EXTRACT(jsonPayload.fallback_reason)"
      }
    }
    vertex_failures = {
      description = "Requests that met a Vertex failure (answered by the fallback or failed), by failure kind: rate_limited, unavailable, server_error, deadline, breaker_open."
      filter      = "${local.request_lines} AND jsonPayload.upstream_failure:*"
      labels = {
        failure         = "EXTRACT(jsonPayload.upstream_failure)"
        fallback_reason = "EXTRACT(jsonPayload.fallback_reason)"
      }
    }
    tokens = {
      description = "Tokens the models read per request or batch shard, by caller, provider and route (sum it for tokens)."
      filter      = "(${local.request_lines} OR ${local.shard_lines}) AND jsonPayload.tokens>0"
      value       = "EXTRACT(jsonPayload.tokens)"
      unit        = "1"
      buckets     = local.count_buckets
      labels = {
        caller   = "EXTRACT(jsonPayload.caller)"
        provider = "EXTRACT(jsonPayload.provider)"
        route    = "EXTRACT(jsonPayload.route)"
      }
    }
    texts = {
      description = "Texts embedded per request, by route (the cache hit ratio's denominator)."
      filter      = "${local.request_lines} AND jsonPayload.texts>0"
      value       = "EXTRACT(jsonPayload.texts)"
      unit        = "1"
      buckets     = local.count_buckets
      labels      = { route = "EXTRACT(jsonPayload.route)" }
    }
    cached_texts = {
      description = "Vectors served from cache per request, by route (cache hits)."
      filter      = "${local.request_lines} AND jsonPayload.cached_texts>0"
      value       = "EXTRACT(jsonPayload.cached_texts)"
      unit        = "1"
      buckets     = local.count_buckets
      labels      = { route = "EXTRACT(jsonPayload.route)" }
    }
    truncations = {
      description = "Texts cut at the model's token limit per request, by route."
      filter      = "${local.request_lines} AND jsonPayload.truncated>0"
      value       = "EXTRACT(jsonPayload.truncated)"
      unit        = "1"
      buckets     = local.count_buckets
      labels      = { route = "EXTRACT(jsonPayload.route)" }
    }
    throttled = {
      description = "429 answers by type (rate_limited: the caller's own limit; overloaded: the instance's queue), route, caller and which limit."
      filter      = "${local.request_lines} AND httpRequest.status=429"
      labels = {
        error_type = "EXTRACT(jsonPayload.error_type)"
        route      = "EXTRACT(jsonPayload.route)"
        caller     = "EXTRACT(jsonPayload.caller)"
        rate_limit = "EXTRACT(jsonPayload.rate_limit)"
      }
    }
    batch_items = {
      description = "Items per published batch shard, by models and whether the fallback answered."
      filter      = local.shard_lines
      value       = "EXTRACT(jsonPayload.items)"
      unit        = "1"
      buckets     = local.count_buckets
      labels = {
        models        = "EXTRACT(jsonPayload.models)"
        fallback_used = "EXTRACT(jsonPayload.fallback_used)"
      }
    }
    batch_errors = {
      description = "Failed items per published batch shard (items with an error result)."
      filter      = "${local.shard_lines} AND jsonPayload.errors>0"
      value       = "EXTRACT(jsonPayload.errors)"
      unit        = "1"
      buckets     = local.count_buckets
      labels      = { models = "EXTRACT(jsonPayload.models)" }
    }
  }

  # One shape for every metric, so for_each gets a map of one object type.
  metrics = {
    for name, m in local.log_metrics : name => {
      description = m.description
      filter      = m.filter
      value       = try(m.value, null)
      unit        = try(m.unit, "1")
      buckets     = try(m.buckets, null)
      labels      = tomap(m.labels)
    }
  }

  metric_type = { for name, _ in local.log_metrics : name => "logging.googleapis.com/user/${local.metric_prefix}_${name}" }
  # PromQL's name for a user log-based metric.
  promql_name = { for name, _ in local.log_metrics : name => "logging_googleapis_com:user_${local.metric_prefix}_${name}" }
  on_gateway  = "resource.type=\"cloud_run_revision\" AND resource.label.service_name=monitoring.regex.full_match(\"${var.name_prefix}-.*\")"
}

resource "google_logging_metric" "metric" {
  for_each = local.operations.log_metrics ? local.metrics : {}

  project          = var.project_id
  name             = "${local.metric_prefix}_${each.key}"
  description      = each.value.description
  filter           = each.value.filter
  value_extractor  = each.value.value
  label_extractors = each.value.labels

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = each.value.value == null ? "INT64" : "DISTRIBUTION"
    unit        = each.value.unit

    dynamic "labels" {
      for_each = keys(each.value.labels)
      content {
        key        = labels.value
        value_type = "STRING"
      }
    }
  }

  dynamic "bucket_options" {
    for_each = each.value.buckets == null ? [] : [each.value.buckets]
    content {
      exponential_buckets {
        scale              = bucket_options.value.scale
        growth_factor      = bucket_options.value.growth_factor
        num_finite_buckets = bucket_options.value.num_finite_buckets
      }
    }
  }

  depends_on = [google_project_service.operations]
}
