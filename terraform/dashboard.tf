# One Cloud Monitoring dashboard: traffic, fallback share, latency, errors, cache, tokens per
# caller, throttling, Vertex failures, batch throughput and dead letters, instances.
locals {
  promql_selector = "{monitored_resource=\"cloud_run_revision\",service_name=~\"${var.name_prefix}-.*\"}"

  # A time series of a log-based metric on the gateway's functions, summed per group.
  series = {
    for name, type in local.metric_type : name => "metric.type=\"${type}\" AND ${local.on_gateway}"
  }

  dashboard_widgets = [
    {
      title = "Requests per second by route and status class"
      xyChart = { dataSets = [{
        plotType = "LINE"
        timeSeriesQuery = { timeSeriesFilter = {
          filter      = local.series.requests
          aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_RATE", crossSeriesReducer = "REDUCE_SUM", groupByFields = ["metric.label.route", "metric.label.status_class"] }
        } }
      }] }
    },
    {
      title = "Fallback share of embedding requests"
      xyChart = { dataSets = [{
        plotType = "LINE"
        timeSeriesQuery = { timeSeriesFilterRatio = {
          numerator   = { filter = local.series.fallbacks, aggregation = { alignmentPeriod = "300s", perSeriesAligner = "ALIGN_RATE", crossSeriesReducer = "REDUCE_SUM" } }
          denominator = { filter = "${local.series.requests} AND metric.label.provider=one_of(\"vertex\",\"local\")", aggregation = { alignmentPeriod = "300s", perSeriesAligner = "ALIGN_RATE", crossSeriesReducer = "REDUCE_SUM" } }
        } }
      }] }
    },
    {
      title = "Latency p50 / p95 / p99 by route (ms)"
      xyChart = { dataSets = [for p in ["50", "95", "99"] : {
        plotType       = "LINE"
        legendTemplate = "p${p} $${metric.labels.route}"
        timeSeriesQuery = { timeSeriesFilter = {
          filter      = local.series.request_latency
          aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_DELTA", crossSeriesReducer = "REDUCE_PERCENTILE_${p}", groupByFields = ["metric.label.route"] }
        } }
      }] }
    },
    {
      title = "Error rates: 5xx and 4xx share of requests"
      xyChart = { dataSets = [for class in ["5xx", "4xx"] : {
        plotType       = "LINE"
        legendTemplate = class
        timeSeriesQuery = { timeSeriesFilterRatio = {
          numerator   = { filter = "${local.series.requests} AND metric.label.status_class=\"${class}\"", aggregation = { alignmentPeriod = "300s", perSeriesAligner = "ALIGN_RATE", crossSeriesReducer = "REDUCE_SUM" } }
          denominator = { filter = local.series.requests, aggregation = { alignmentPeriod = "300s", perSeriesAligner = "ALIGN_RATE", crossSeriesReducer = "REDUCE_SUM" } }
        } }
      }] }
    },
    {
      title = "Cache hit ratio (vectors served from cache / texts)"
      xyChart = { dataSets = [{
        plotType        = "LINE"
        timeSeriesQuery = { prometheusQuery = "sum(rate(${local.promql_name.cached_texts}_sum${local.promql_selector}[5m])) / sum(rate(${local.promql_name.texts}_sum${local.promql_selector}[5m]))" }
      }] }
    },
    {
      title = "Tokens per minute by caller"
      xyChart = { dataSets = [{
        plotType        = "STACKED_AREA"
        timeSeriesQuery = { prometheusQuery = "sum by (caller) (rate(${local.promql_name.tokens}_sum${local.promql_selector}[5m])) * 60" }
      }] }
    },
    {
      title = "429s by type (rate_limited: caller limit; overloaded: instance queue)"
      xyChart = { dataSets = [{
        plotType = "STACKED_BAR"
        timeSeriesQuery = { timeSeriesFilter = {
          filter      = local.series.throttled
          aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_RATE", crossSeriesReducer = "REDUCE_SUM", groupByFields = ["metric.label.error_type", "metric.label.rate_limit"] }
        } }
      }] }
    },
    {
      title = "Vertex failures met by requests, by kind"
      xyChart = { dataSets = [{
        plotType = "STACKED_BAR"
        timeSeriesQuery = { timeSeriesFilter = {
          filter      = local.series.vertex_failures
          aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_RATE", crossSeriesReducer = "REDUCE_SUM", groupByFields = ["metric.label.failure"] }
        } }
      }] }
    },
    {
      title = "Truncated texts per minute by route"
      xyChart = { dataSets = [{
        plotType        = "LINE"
        timeSeriesQuery = { prometheusQuery = "sum by (route) (rate(${local.promql_name.truncations}_sum${local.promql_selector}[5m])) * 60" }
      }] }
    },
    {
      title = "Batch items per minute: published and failed"
      xyChart = { dataSets = [
        { plotType = "LINE", legendTemplate = "items", timeSeriesQuery = { prometheusQuery = "sum(rate(${local.promql_name.batch_items}_sum${local.promql_selector}[5m])) * 60" } },
        { plotType = "LINE", legendTemplate = "failed items", timeSeriesQuery = { prometheusQuery = "sum(rate(${local.promql_name.batch_errors}_sum${local.promql_selector}[5m])) * 60" } },
      ] }
    },
    {
      title = "Batch dead-letter depth (job messages waiting)"
      xyChart = { dataSets = [{
        plotType = "LINE"
        timeSeriesQuery = { timeSeriesFilter = {
          filter      = "metric.type=\"pubsub.googleapis.com/subscription/num_undelivered_messages\" AND resource.type=\"pubsub_subscription\" AND resource.label.subscription_id=\"${google_pubsub_subscription.dead_letter.name}\""
          aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_MAX", crossSeriesReducer = "REDUCE_SUM" }
        } }
      }] }
    },
    {
      title = "Instances by function"
      xyChart = { dataSets = [{
        plotType = "STACKED_AREA"
        timeSeriesQuery = { timeSeriesFilter = {
          filter      = "metric.type=\"run.googleapis.com/container/instance_count\" AND ${local.on_gateway}"
          aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_MAX", crossSeriesReducer = "REDUCE_SUM", groupByFields = ["resource.label.service_name"] }
        } }
      }] }
    },
  ]
}

resource "google_monitoring_dashboard" "gateway" {
  count = local.operations.dashboard ? 1 : 0

  project = var.project_id
  dashboard_json = jsonencode({
    displayName = "Embedding gateway (${var.name_prefix})"
    mosaicLayout = {
      columns = 48
      # Two tiles per row, in the order above.
      tiles = [for i, widget in local.dashboard_widgets : {
        xPos   = (i % 2) * 24
        yPos   = floor(i / 2) * 16
        width  = 24
        height = 16
        widget = widget
      }]
    }
  })

  # The dashboard reads the metrics; they must exist first.
  depends_on = [google_logging_metric.metric]
}
