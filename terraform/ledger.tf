# The usage ledger: a log sink copies every request and batch-shard line into BigQuery (one
# table, partitioned by day), where usage per caller per day is one query (README, "Operating").
locals {
  ledger_dataset_id = coalesce(var.usage_ledger.dataset_id, "${local.metric_prefix}_ledger")
}

resource "google_bigquery_dataset" "ledger" {
  count = local.operations.ledger ? 1 : 0

  project                         = var.project_id
  dataset_id                      = local.ledger_dataset_id
  location                        = var.usage_ledger.location
  description                     = "Embedding gateway usage ledger: request and batch-shard log lines (${var.name_prefix})."
  default_partition_expiration_ms = var.usage_ledger.partition_expiration_days == null ? null : var.usage_ledger.partition_expiration_days * 86400000
  delete_contents_on_destroy      = var.usage_ledger.delete_contents_on_destroy
  labels                          = var.labels

  depends_on = [google_project_service.operations]
}

resource "google_logging_project_sink" "ledger" {
  count = local.operations.ledger ? 1 : 0

  project     = var.project_id
  name        = "${var.name_prefix}-usage-ledger"
  description = "Request and batch-shard lines of the embedding gateway into BigQuery."
  destination = "bigquery.googleapis.com/projects/${var.project_id}/datasets/${google_bigquery_dataset.ledger[0].dataset_id}"
  filter      = "${local.gateway_logs} AND jsonPayload.event=(\"request\" OR \"batch_shard\")"
  # The sink writes as its own identity, granted on this dataset only.
  unique_writer_identity = true

  bigquery_options {
    use_partitioned_tables = true
  }
}

resource "google_bigquery_dataset_iam_member" "ledger_writer" {
  count = local.operations.ledger ? 1 : 0

  project    = var.project_id
  dataset_id = google_bigquery_dataset.ledger[0].dataset_id
  role       = "roles/bigquery.dataEditor"
  member     = google_logging_project_sink.ledger[0].writer_identity
}

resource "google_project_service" "operations" {
  for_each = var.enable_apis ? toset(concat(
    local.operations.log_metrics || local.operations.ledger ? ["logging.googleapis.com"] : [],
    local.operations.dashboard || local.operations.alerts ? ["monitoring.googleapis.com"] : [],
    local.operations.ledger ? ["bigquery.googleapis.com"] : [],
  )) : toset([])

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}
