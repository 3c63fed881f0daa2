# Private gateway: Cloud Run IAM admits only invoker_members (Google ID tokens), the cache is a
# Firestore database, jobs arrive on Pub/Sub with a dead-letter topic.
module "gateway" {
  source = "../.."

  project_id      = var.project_id
  region          = var.region
  invoker_members = var.invoker_members
  cache_store     = "firestore"

  function_defaults = {
    min_instances = var.min_instances
  }
}
