output "function_urls" {
  description = "URL of every function, keyed by entry point (the batch function's URL accepts only pushes from the push service account)."
  value       = { for name, f in google_cloudfunctions2_function.function : name => f.service_config[0].uri }
}

output "http_function_urls" {
  description = "URLs of the HTTP functions, keyed by entry point."
  value       = { for name in keys(local.http_functions) : name => google_cloudfunctions2_function.function[name].service_config[0].uri }
}

output "jobs_topic_id" {
  description = "Pub/Sub topic to publish batch jobs to."
  value       = google_pubsub_topic.jobs.id
}

output "results_topic_id" {
  description = "Pub/Sub topic the batch function publishes results to."
  value       = google_pubsub_topic.results.id
}

output "dead_letter_topic_id" {
  description = "Pub/Sub topic that receives job messages after batch_max_delivery_attempts failed deliveries."
  value       = google_pubsub_topic.dead_letter.id
}

output "results_subscription_id" {
  description = "Pull subscription on the results topic."
  value       = google_pubsub_subscription.results.id
}

output "dead_letter_subscription_id" {
  description = "Pull subscription that keeps dead-lettered job messages."
  value       = google_pubsub_subscription.dead_letter.id
}

output "jobs_subscription_ids" {
  description = "Push subscriptions feeding the batch function (empty when batch_trigger = eventarc)."
  value       = { for name, s in google_pubsub_subscription.jobs : name => s.id }
}

output "api_keys_secret_id" {
  description = "Secret Manager secret holding the API keys (name:sha256 entries)."
  value       = google_secret_manager_secret.api_keys.secret_id
}

output "service_accounts" {
  description = "Identities of the HTTP functions, the batch function and the Pub/Sub push."
  value = {
    http  = google_service_account.http.email
    batch = google_service_account.batch.email
    push  = google_service_account.push.email
  }
}

output "cache" {
  description = "The shared cache store and where it lives."
  value = {
    store              = var.cache_store
    firestore_database = var.cache_store == "firestore" ? local.firestore_database_id : null
    redis_host         = var.cache_store == "redis" ? google_redis_instance.cache[0].host : null
  }
}

output "source_bucket" {
  description = "Bucket holding the function source archives."
  value       = google_storage_bucket.source.name
}

output "playground_url" {
  description = "The playground page (null unless playground = true). Its calls go to the other functions on the same cloudfunctions.net origin."
  value       = var.playground ? local.route_urls["playground"] : null
}

output "docs_url" {
  description = "The API reference (null unless playground = true); the document itself is at the openapi function's URL."
  value       = var.playground ? local.route_urls["docs"] : null
}
