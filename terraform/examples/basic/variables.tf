variable "project_id" {
  description = "Google Cloud project to deploy into."
  type        = string
}

variable "region" {
  description = "Region for the functions."
  type        = string
  default     = "us-central1"
}

variable "invoker_members" {
  description = "IAM members allowed to call the HTTP functions with a Google ID token."
  type        = list(string)
}

variable "min_instances" {
  description = "Warm instances per HTTP function (0 scales to zero)."
  type        = number
  default     = 0
}
