# Batch rows as JSONL files: a Cloud Storage subscription on the results topic batches row
# messages into objects (one JSON row per line), a new file every max_duration or max_bytes.

locals {
  batch_bucket = coalesce(var.batch_storage.bucket, "${var.project_id}-${var.name_prefix}-batch-results")
}

resource "google_storage_bucket" "batch_results" {
  count = local.batch_outputs.storage ? 1 : 0

  project                     = var.project_id
  name                        = local.batch_bucket
  location                    = coalesce(var.batch_storage.location, var.region)
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.batch_storage.force_destroy
  labels                      = var.labels

  dynamic "lifecycle_rule" {
    for_each = var.batch_storage.delete_after_days == null ? [] : [var.batch_storage.delete_after_days]
    content {
      condition {
        age            = lifecycle_rule.value
        matches_prefix = [var.batch_storage.filename_prefix]
      }
      action {
        type = "Delete"
      }
    }
  }

  depends_on = [google_project_service.service]
}

# The Pub/Sub service agent creates objects and reads the bucket's metadata, in this bucket only.
resource "google_storage_bucket_iam_member" "batch_results_writer" {
  for_each = local.batch_outputs.storage ? toset(["roles/storage.objectCreator", "roles/storage.legacyBucketReader"]) : toset([])

  bucket = google_storage_bucket.batch_results[0].name
  role   = each.value
  member = local.pubsub_service_agent
}

resource "google_pubsub_subscription" "batch_storage" {
  count = local.batch_outputs.storage ? 1 : 0

  project = var.project_id
  name    = "${var.name_prefix}-results-storage"
  topic   = google_pubsub_topic.results.id
  labels  = var.labels
  filter  = local.row_filter

  cloud_storage_config {
    bucket          = google_storage_bucket.batch_results[0].name
    filename_prefix = var.batch_storage.filename_prefix
    filename_suffix = var.batch_storage.filename_suffix
    max_duration    = var.batch_storage.max_duration
    max_bytes       = var.batch_storage.max_bytes
  }

  expiration_policy {
    ttl = ""
  }

  depends_on = [google_storage_bucket_iam_member.batch_results_writer]
}
