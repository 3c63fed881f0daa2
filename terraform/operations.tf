# Which operations parts exist, from the switches alone (no resource is read here, so the test
# can evaluate this file with `terraform console` offline).
locals {
  operations = {
    log_metrics = var.log_metrics_enabled
    # Both are built on the log-based metrics.
    dashboard = var.log_metrics_enabled && var.dashboard_enabled
    alerts    = var.log_metrics_enabled && var.alerts_enabled
    ledger    = var.usage_ledger.enabled
  }

  # Metric names: underscores only, so PromQL names them plainly (logging_googleapis_com:user_<name>).
  metric_prefix = replace(var.name_prefix, "-", "_")

  # CALLER_LIMITS for every HTTP function, without the unset fields.
  operations_environment = length(var.caller_limits) == 0 ? {} : {
    CALLER_LIMITS = jsonencode({ for caller, l in var.caller_limits : caller => { for k, v in l : k => v if v != null } })
  }
}

check "operations_need_metrics" {
  assert {
    condition     = var.log_metrics_enabled || (!var.dashboard_enabled && !var.alerts_enabled)
    error_message = "dashboard_enabled and alerts_enabled need log_metrics_enabled = true; without the metrics neither is created."
  }
}
