output "function_urls" {
  description = "URL of every function, keyed by entry point."
  value       = module.gateway.function_urls
}

output "api_keys_secret_id" {
  description = "Add API key versions to this secret."
  value       = module.gateway.api_keys_secret_id
}

output "jobs_topic_id" {
  description = "Publish batch jobs here."
  value       = module.gateway.jobs_topic_id
}

output "results_topic_id" {
  description = "Batch results arrive here."
  value       = module.gateway.results_topic_id
}

output "cache" {
  description = "The Redis instance backing the cache."
  value       = module.gateway.cache
}

output "playground_url" {
  description = "The playground page, when playground = true."
  value       = module.gateway.playground_url
}
