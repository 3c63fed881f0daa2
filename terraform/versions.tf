terraform {
  # optional() object attributes with defaults, check blocks.
  required_version = ">= 1.5"

  required_providers {
    google = {
      source = "hashicorp/google"
      # Written and checked against the 6.x schema (npm run terraform-check, scripts/terraform-check).
      version = ">= 6.0, < 7.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.4"
    }
  }
}
