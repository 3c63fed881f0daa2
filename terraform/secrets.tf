# API keys, as the gateway reads them (API_KEYS): comma-separated name:sha256hex entries.
# The functions read version "latest" at instance start; add versions with gcloud (README).
resource "google_secret_manager_secret" "api_keys" {
  project   = var.project_id
  secret_id = "${var.name_prefix}-api-keys"
  labels    = var.labels

  replication {
    auto {}
  }

  depends_on = [google_project_service.service]
}

resource "google_secret_manager_secret_version" "api_keys" {
  # Whether keys were given is not itself secret; the hashes stay sensitive.
  count = nonsensitive(length(var.api_key_hashes) > 0) ? 1 : 0

  secret      = google_secret_manager_secret.api_keys.id
  secret_data = join(",", [for name, hash in var.api_key_hashes : "${name}:${lower(hash)}"])
}
