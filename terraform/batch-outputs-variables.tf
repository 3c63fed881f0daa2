# Where batch results land besides the results topic: a BigQuery table and/or JSONL files in
# Cloud Storage, written by Pub/Sub subscriptions with no code (README, "Batch results in
# BigQuery and Cloud Storage"). Both are off by default.

variable "batch_output" {
  description = "Default output of batch jobs that name none: shards (one message per job shard) or rows (one message per item and model, the BigQuery table's rows). Null: rows when batch_bigquery or batch_storage is enabled, else shards."
  type        = string
  default     = null

  validation {
    condition     = var.batch_output == null || contains(["shards", "rows"], coalesce(var.batch_output, "shards"))
    error_message = "batch_output must be shards, rows or null."
  }
}

variable "batch_bigquery" {
  description = "A BigQuery dataset and table (schemas/batch-rows.json; partitioned by day on created_at, clustered by job_id) filled by a BigQuery subscription on the results topic, with a view keeping the first row per (job_id, item_id, model). location: the dataset's (null: the region). partition_expiration_days: null keeps rows. max_delivery_attempts: before a row that cannot be written goes to the <prefix>-rows-dead-letter topic."
  type = object({
    enabled                    = optional(bool, false)
    dataset_id                 = optional(string)
    table_id                   = optional(string, "batch_rows")
    view_id                    = optional(string, "batch_rows_first")
    location                   = optional(string)
    partition_expiration_days  = optional(number)
    max_delivery_attempts      = optional(number, 5)
    delete_contents_on_destroy = optional(bool, false)
    deletion_protection        = optional(bool, true)
  })
  default = {}

  validation {
    condition     = var.batch_bigquery.max_delivery_attempts >= 5 && var.batch_bigquery.max_delivery_attempts <= 100
    error_message = "batch_bigquery.max_delivery_attempts must be between 5 and 100 (Pub/Sub's range)."
  }
}

variable "batch_storage" {
  description = "A Cloud Storage subscription on the results topic writing row messages as JSONL files to a bucket (<project>-<prefix>-batch-results unless bucket is set): files named <filename_prefix><datetime>_<uuid><filename_suffix>, a new file every max_duration or max_bytes; objects deleted after delete_after_days (null: kept)."
  type = object({
    enabled           = optional(bool, false)
    bucket            = optional(string)
    location          = optional(string)
    filename_prefix   = optional(string, "rows/")
    filename_suffix   = optional(string, ".jsonl")
    max_duration      = optional(string, "300s")
    max_bytes         = optional(number, 104857600)
    delete_after_days = optional(number, 30)
    force_destroy     = optional(bool, false)
  })
  default = {}

  validation {
    condition     = can(regex("^[0-9]+s$", var.batch_storage.max_duration)) && tonumber(trimsuffix(var.batch_storage.max_duration, "s")) >= 60 && tonumber(trimsuffix(var.batch_storage.max_duration, "s")) <= 600
    error_message = "batch_storage.max_duration must be \"60s\" to \"600s\" (Pub/Sub's range)."
  }
  validation {
    condition     = var.batch_storage.max_bytes >= 1000 && var.batch_storage.max_bytes <= 10737418240
    error_message = "batch_storage.max_bytes must be between 1000 and 10 GiB (Pub/Sub's range)."
  }
}

variable "batch_input_buckets" {
  description = "Buckets gs:// batch jobs may read input_uri files from: the batch function gets storage.objectViewer on each."
  type        = list(string)
  default     = []
}

variable "batch_output_buckets" {
  description = "Buckets gs:// batch jobs may write output_uri_prefix files to: the batch function gets storage.objectUser on each (it rewrites a shard's file on redelivery)."
  type        = list(string)
  default     = []
}
