variable "project_id" {
  description = "Google Cloud project to deploy into."
  type        = string
}

variable "region" {
  description = "Region for the functions, the connector and Memorystore."
  type        = string
  default     = "us-central1"
}

variable "network" {
  description = "VPC network for Memorystore and the Serverless VPC Access connector."
  type        = string
  default     = "default"
}

variable "connector_cidr" {
  description = "Unused /28 range in the network for the connector."
  type        = string
  default     = "10.8.0.0/28"
}

variable "api_key_hashes" {
  description = "name => sha256 hex of each API key; empty to manage the secret's versions with gcloud."
  type        = map(string)
  default     = {}
  sensitive   = true
}

variable "playground" {
  description = "Deploy the playground page and the API reference (they call the API with a key typed into the page)."
  type        = bool
  default     = false
}
