# Batch rows in BigQuery: a BigQuery subscription on the results topic writes each row message
# into the table whose schema is schemas/batch-rows.json (the encoder is tested against the same
# file). Pub/Sub is at least once, so a row can land twice: the view keeps the first per
# (job_id, item_id, model), and VECTOR_SEARCH reads the view.

locals {
  batch_dataset_id = coalesce(var.batch_bigquery.dataset_id, replace("${var.name_prefix}_batch", "-", "_"))
}

resource "google_project_service" "batch_bigquery" {
  for_each = var.enable_apis && local.batch_outputs.bigquery ? toset(["bigquery.googleapis.com"]) : toset([])

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

resource "google_bigquery_dataset" "batch" {
  count = local.batch_outputs.bigquery ? 1 : 0

  project                    = var.project_id
  dataset_id                 = local.batch_dataset_id
  location                   = coalesce(var.batch_bigquery.location, var.region)
  description                = "Embedding gateway batch results (${var.name_prefix})."
  delete_contents_on_destroy = var.batch_bigquery.delete_contents_on_destroy
  labels                     = var.labels

  depends_on = [google_project_service.batch_bigquery]
}

resource "google_bigquery_table" "batch_rows" {
  count = local.batch_outputs.bigquery ? 1 : 0

  project             = var.project_id
  dataset_id          = google_bigquery_dataset.batch[0].dataset_id
  table_id            = var.batch_bigquery.table_id
  description         = "One row per (item, model) of every batch job with output rows; written by ${var.name_prefix}-results-bigquery."
  schema              = file("${path.module}/schemas/batch-rows.json")
  clustering          = ["job_id"]
  deletion_protection = var.batch_bigquery.deletion_protection
  labels              = var.labels

  time_partitioning {
    type          = "DAY"
    field         = "created_at"
    expiration_ms = var.batch_bigquery.partition_expiration_days == null ? null : var.batch_bigquery.partition_expiration_days * 86400000
  }
}

resource "google_bigquery_table" "batch_rows_first" {
  count = local.batch_outputs.bigquery ? 1 : 0

  project             = var.project_id
  dataset_id          = google_bigquery_dataset.batch[0].dataset_id
  table_id            = var.batch_bigquery.view_id
  description         = "The first row per (job_id, item_id, model): what a deduplicating subscriber would keep."
  deletion_protection = false
  labels              = var.labels

  view {
    use_legacy_sql = false
    query          = <<-SQL
      SELECT * EXCEPT (subscription_name, message_id, publish_time, attributes)
      FROM `${var.project_id}.${google_bigquery_dataset.batch[0].dataset_id}.${google_bigquery_table.batch_rows[0].table_id}`
      WHERE TRUE
      QUALIFY ROW_NUMBER() OVER (PARTITION BY job_id, item_id, model ORDER BY created_at, publish_time) = 1
    SQL
  }
}

# Rows the table refuses (after max_delivery_attempts) wait here instead of blocking the backlog.
resource "google_pubsub_topic" "batch_rows_dead_letter" {
  count = local.batch_outputs.bigquery ? 1 : 0

  project    = var.project_id
  name       = "${var.name_prefix}-rows-dead-letter"
  labels     = var.labels
  depends_on = [google_project_service.service]
}

resource "google_pubsub_subscription" "batch_rows_dead_letter" {
  count = local.batch_outputs.bigquery ? 1 : 0

  project                    = var.project_id
  name                       = "${var.name_prefix}-rows-dead-letter"
  topic                      = google_pubsub_topic.batch_rows_dead_letter[0].id
  labels                     = var.labels
  message_retention_duration = var.message_retention

  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_subscription" "batch_bigquery" {
  count = local.batch_outputs.bigquery ? 1 : 0

  project = var.project_id
  name    = "${var.name_prefix}-results-bigquery"
  topic   = google_pubsub_topic.results.id
  labels  = var.labels
  filter  = local.row_filter

  bigquery_config {
    table            = "${var.project_id}.${google_bigquery_dataset.batch[0].dataset_id}.${google_bigquery_table.batch_rows[0].table_id}"
    use_table_schema = true
    # subscription_name, message_id, publish_time and attributes in their own columns.
    write_metadata      = true
    drop_unknown_fields = false
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.batch_rows_dead_letter[0].id
    max_delivery_attempts = var.batch_bigquery.max_delivery_attempts
  }

  expiration_policy {
    ttl = ""
  }

  depends_on = [
    google_bigquery_table_iam_member.batch_rows_writer,
    google_pubsub_topic_iam_member.batch_rows_dead_letter_publisher,
  ]
}

# The Pub/Sub service agent writes the table (and reads its metadata), on this table only.
resource "google_bigquery_table_iam_member" "batch_rows_writer" {
  count = local.batch_outputs.bigquery ? 1 : 0

  project    = var.project_id
  dataset_id = google_bigquery_dataset.batch[0].dataset_id
  table_id   = google_bigquery_table.batch_rows[0].table_id
  role       = "roles/bigquery.dataEditor"
  member     = local.pubsub_service_agent
}

resource "google_pubsub_topic_iam_member" "batch_rows_dead_letter_publisher" {
  count = local.batch_outputs.bigquery ? 1 : 0

  project = var.project_id
  topic   = google_pubsub_topic.batch_rows_dead_letter[0].name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_service_agent
}

resource "google_pubsub_subscription_iam_member" "batch_bigquery_dead_letter" {
  count = local.batch_outputs.bigquery ? 1 : 0

  project      = var.project_id
  subscription = google_pubsub_subscription.batch_bigquery[0].name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent
}
