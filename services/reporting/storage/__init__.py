"""Reporting's own database: read-model snapshots (keyed shard documents) and alerts."""
