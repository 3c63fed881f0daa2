# Public URL with API keys checked by the gateway, Memorystore for Redis as the shared cache,
# and one warm instance of the main route.
module "gateway" {
  source = "../.."

  project_id = var.project_id
  region     = var.region

  allow_unauthenticated_invocations = true
  auth_modes                        = ["api_key"]
  api_key_hashes                    = var.api_key_hashes

  cache_store = "redis"
  redis = {
    tier           = "BASIC"
    memory_size_gb = 1
    network        = var.network
    connector_cidr = var.connector_cidr
  }

  function_overrides = {
    embed = { min_instances = 1 }
  }

  # The browser pages: reachable here because the URLs are public and the gateway checks keys.
  playground = var.playground
}
