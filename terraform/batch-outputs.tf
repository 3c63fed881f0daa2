locals {
  batch_outputs = {
    bigquery = var.batch_bigquery.enabled
    storage  = var.batch_storage.enabled
  }
  batch_output = coalesce(var.batch_output, local.batch_outputs.bigquery || local.batch_outputs.storage ? "rows" : "shards")

  batch_outputs_environment = {
    BATCH_OUTPUT = local.batch_output
  }

  # Only row messages carry this attribute: shard messages never reach the table or the files.
  row_filter = "attributes.format = \"row\""
}

# gs:// jobs: read input files, write Vertex-format output files.
resource "google_storage_bucket_iam_member" "batch_input" {
  for_each = toset(var.batch_input_buckets)

  bucket = each.value
  role   = "roles/storage.objectViewer"
  member = google_service_account.batch.member
}

resource "google_storage_bucket_iam_member" "batch_output" {
  for_each = toset(var.batch_output_buckets)

  bucket = each.value
  role   = "roles/storage.objectUser"
  member = google_service_account.batch.member
}

output "batch_output" {
  description = "What batch jobs that name no output get (BATCH_OUTPUT)."
  value       = local.batch_output
}

output "batch_bigquery" {
  description = "The rows table and its deduplicating view (project.dataset.table), when batch_bigquery is enabled."
  value = local.batch_outputs.bigquery ? {
    table = "${var.project_id}.${google_bigquery_dataset.batch[0].dataset_id}.${google_bigquery_table.batch_rows[0].table_id}"
    view  = "${var.project_id}.${google_bigquery_dataset.batch[0].dataset_id}.${google_bigquery_table.batch_rows_first[0].table_id}"
  } : null
}

output "batch_results_bucket" {
  description = "The bucket the Cloud Storage subscription writes JSONL rows to, when batch_storage is enabled."
  value       = local.batch_outputs.storage ? google_storage_bucket.batch_results[0].name : null
}
