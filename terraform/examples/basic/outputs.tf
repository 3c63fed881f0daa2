output "function_urls" {
  description = "URL of every function, keyed by entry point."
  value       = module.gateway.function_urls
}

output "jobs_topic_id" {
  description = "Publish batch jobs here."
  value       = module.gateway.jobs_topic_id
}

output "results_topic_id" {
  description = "Batch results arrive here."
  value       = module.gateway.results_topic_id
}

output "dead_letter_topic_id" {
  description = "Job messages that kept failing land here."
  value       = module.gateway.dead_letter_topic_id
}
