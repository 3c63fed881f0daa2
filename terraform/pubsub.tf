resource "google_pubsub_topic" "jobs" {
  project    = var.project_id
  name       = "${var.name_prefix}-jobs"
  labels     = var.labels
  depends_on = [google_project_service.service]
}

resource "google_pubsub_topic" "results" {
  project    = var.project_id
  name       = "${var.name_prefix}-results"
  labels     = var.labels
  depends_on = [google_project_service.service]
}

resource "google_pubsub_topic" "dead_letter" {
  project    = var.project_id
  name       = "${var.name_prefix}-jobs-dead-letter"
  labels     = var.labels
  depends_on = [google_project_service.service]
}

# A gen2 Pub/Sub event trigger makes Eventarc create and own its push subscription, where this
# module could not set a dead-letter policy. So by default the module owns the subscription:
# it pushes the raw Pub/Sub envelope to the batch function at /projects/P/topics/T, which
# functions-framework turns into the same CloudEvent an event trigger would deliver.
resource "google_pubsub_subscription" "jobs" {
  for_each = var.batch_trigger == "push_subscription" ? local.batch_functions : {}

  project = var.project_id
  name    = "${local.service_names[each.key]}-push"
  topic   = google_pubsub_topic.jobs.id
  labels  = var.labels

  # Past the ack deadline Pub/Sub redelivers; give a job shard the function's whole timeout.
  ack_deadline_seconds = min(600, local.sizing[each.key].timeout_seconds)

  push_config {
    push_endpoint = "${google_cloudfunctions2_function.function[each.key].service_config[0].uri}/${google_pubsub_topic.jobs.id}"

    oidc_token {
      service_account_email = google_service_account.push.email
      audience              = google_cloudfunctions2_function.function[each.key].service_config[0].uri
    }
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = var.batch_max_delivery_attempts
  }

  depends_on = [
    google_cloud_run_service_iam_member.batch_invoker,
    google_service_account_iam_member.push_token_creator,
    google_pubsub_topic_iam_member.dead_letter_publisher,
  ]
}

# Messages on a topic without subscriptions are dropped: these keep dead letters and results
# until someone reads them.
resource "google_pubsub_subscription" "dead_letter" {
  project                    = var.project_id
  name                       = "${var.name_prefix}-jobs-dead-letter"
  topic                      = google_pubsub_topic.dead_letter.id
  labels                     = var.labels
  message_retention_duration = var.message_retention

  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_subscription" "results" {
  project                    = var.project_id
  name                       = "${var.name_prefix}-results"
  topic                      = google_pubsub_topic.results.id
  labels                     = var.labels
  message_retention_duration = var.message_retention

  expiration_policy {
    ttl = ""
  }
}
