# Least privilege: one identity for the HTTP functions, one for the batch function, one that
# Pub/Sub (or Eventarc) uses to push jobs to the batch function. No primitive roles; every grant
# is an additive *_iam_member on the narrowest resource that takes it.

locals {
  pubsub_service_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"

  # Vertex AI has no per-model IAM: aiplatform.user on the project is the narrowest grant that
  # can call a publisher model's predict.
  http_project_roles = merge(
    { "roles/aiplatform.user" = "Call Vertex AI embeddings" },
    var.cache_store == "firestore" ? { "roles/datastore.user" = "Read and write the cache database" } : {},
  )
  batch_project_roles = merge(
    { "roles/aiplatform.user" = "Call Vertex AI embeddings" },
    var.cache_store == "firestore" ? { "roles/datastore.user" = "Cache and job state in the cache database" } : {},
  )

  # One map of every project-level grant, keyed "<identity> <role>", for one resource block.
  project_grants = merge(
    { for role, why in local.http_project_roles : "http ${role}" => { member = google_service_account.http.member, role = role, why = why } },
    { for role, why in local.batch_project_roles : "batch ${role}" => { member = google_service_account.batch.member, role = role, why = why } },
  )

  # Firestore honours IAM conditions on the database name, so datastore.user reaches only ours.
  firestore_condition = "resource.name == \"projects/${var.project_id}/databases/${local.firestore_database_id}\""

  invokers = concat(var.invoker_members, var.allow_unauthenticated_invocations ? ["allUsers"] : [])
  http_invoker_grants = {
    for pair in setproduct(keys(local.http_functions), local.invokers) : "${pair[0]} ${pair[1]}" => { function = pair[0], member = pair[1] }
  }
}

resource "google_service_account" "http" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-http"
  display_name = "Embedding gateway HTTP functions"
  depends_on   = [google_project_service.service]
}

resource "google_service_account" "batch" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-batch"
  display_name = "Embedding gateway batch function"
  depends_on   = [google_project_service.service]
}

resource "google_service_account" "push" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-push"
  display_name = "Embedding gateway: Pub/Sub push to the batch function"
  depends_on   = [google_project_service.service]
}

resource "google_project_iam_member" "function" {
  for_each = local.project_grants

  project = var.project_id
  role    = each.value.role
  member  = each.value.member

  dynamic "condition" {
    for_each = each.value.role == "roles/datastore.user" ? [local.firestore_condition] : []
    content {
      title       = "gateway-cache-database-only"
      description = each.value.why
      expression  = condition.value
    }
  }
}

# The API-key secret, and nothing else in Secret Manager, is readable by the HTTP functions.
resource "google_secret_manager_secret_iam_member" "http_api_keys" {
  project   = var.project_id
  secret_id = google_secret_manager_secret.api_keys.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.http.member
}

# The batch function publishes results, on the results topic only.
resource "google_pubsub_topic_iam_member" "batch_results" {
  project = var.project_id
  topic   = google_pubsub_topic.results.name
  role    = "roles/pubsub.publisher"
  member  = google_service_account.batch.member
}

resource "google_cloud_run_service_iam_member" "http_invoker" {
  for_each = local.http_invoker_grants

  project  = var.project_id
  location = var.region
  service  = google_cloudfunctions2_function.function[each.value.function].name
  role     = "roles/run.invoker"
  member   = each.value.member
}

# Only the push identity may invoke the batch function.
resource "google_cloud_run_service_iam_member" "batch_invoker" {
  for_each = local.batch_functions

  project  = var.project_id
  location = var.region
  service  = google_cloudfunctions2_function.function[each.key].name
  role     = "roles/run.invoker"
  member   = google_service_account.push.member
}

# Pub/Sub's service agent mints the OIDC token it pushes with.
resource "google_service_account_iam_member" "push_token_creator" {
  service_account_id = google_service_account.push.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_service_agent
}

# Dead-lettering: the service agent forwards from the jobs subscription to the dead-letter topic.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  project = var.project_id
  topic   = google_pubsub_topic.dead_letter.name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_service_agent
}

resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  for_each = google_pubsub_subscription.jobs

  project      = var.project_id
  subscription = each.value.name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent
}
