locals {
  firestore_database_id = coalesce(var.firestore.database_id, "${var.name_prefix}-cache")

  # With AUTH on, the Redis URL carries the password, so it travels as a secret, not plain env.
  redis_url_secret = var.cache_store == "redis" && var.redis.auth_enabled ? [{ key = "REDIS_URL", secret = google_secret_manager_secret.redis_url[0].secret_id }] : []
}

# Firestore cache (the serverless default): a named database, so an existing (default) database
# in the project is left alone.
resource "google_firestore_database" "cache" {
  count = var.cache_store == "firestore" && var.firestore.create ? 1 : 0

  project     = var.project_id
  name        = local.firestore_database_id
  location_id = coalesce(var.firestore.location_id, var.region)
  type        = "FIRESTORE_NATIVE"

  depends_on = [google_project_service.service]
}

# Firestore deletes expired cache entries itself (up to a day late; the gateway checks expiry on read).
resource "google_firestore_field" "cache_ttl" {
  count = var.cache_store == "firestore" && var.firestore.create ? 1 : 0

  project    = var.project_id
  database   = google_firestore_database.cache[0].name
  collection = var.firestore.collection
  field      = "expiresAt"

  ttl_config {}

  # A TTL field needs no single-field index; skipping it saves index writes per cache entry.
  index_config {}
}

# The vector bytes are only ever read by document id: an index on them would cost a write per
# entry and buy nothing.
resource "google_firestore_field" "cache_vector" {
  count = var.cache_store == "firestore" && var.firestore.create ? 1 : 0

  project    = var.project_id
  database   = google_firestore_database.cache[0].name
  collection = var.firestore.collection
  field      = "v"

  index_config {}
}

# Memorystore for Redis, reached through a Serverless VPC Access connector.
resource "google_vpc_access_connector" "cache" {
  count = var.cache_store == "redis" ? 1 : 0

  project       = var.project_id
  region        = var.region
  name          = "${var.name_prefix}-cache"
  network       = var.redis.network
  ip_cidr_range = var.redis.connector_cidr

  depends_on = [google_project_service.service]
}

resource "google_redis_instance" "cache" {
  count = var.cache_store == "redis" ? 1 : 0

  project            = var.project_id
  region             = var.region
  name               = "${var.name_prefix}-cache"
  tier               = var.redis.tier
  memory_size_gb     = var.redis.memory_size_gb
  redis_version      = var.redis.redis_version
  authorized_network = "projects/${var.project_id}/global/networks/${var.redis.network}"
  auth_enabled       = var.redis.auth_enabled
  labels             = var.labels

  # A cache: evict the least recently used keys rather than refuse writes when full.
  redis_configs = {
    maxmemory-policy = "allkeys-lru"
  }

  depends_on = [google_project_service.service]
}

resource "google_secret_manager_secret" "redis_url" {
  count = var.cache_store == "redis" && var.redis.auth_enabled ? 1 : 0

  project   = var.project_id
  secret_id = "${var.name_prefix}-redis-url"
  labels    = var.labels

  replication {
    auto {}
  }

  depends_on = [google_project_service.service]
}

resource "google_secret_manager_secret_version" "redis_url" {
  count = var.cache_store == "redis" && var.redis.auth_enabled ? 1 : 0

  secret      = google_secret_manager_secret.redis_url[0].id
  secret_data = "redis://:${google_redis_instance.cache[0].auth_string}@${google_redis_instance.cache[0].host}:${google_redis_instance.cache[0].port}"
}

# Both function identities read the Redis URL secret, and only that one.
resource "google_secret_manager_secret_iam_member" "redis_url" {
  for_each = var.cache_store == "redis" && var.redis.auth_enabled ? {
    http  = google_service_account.http.member
    batch = google_service_account.batch.member
  } : {}

  project   = var.project_id
  secret_id = google_secret_manager_secret.redis_url[0].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = each.value
}
