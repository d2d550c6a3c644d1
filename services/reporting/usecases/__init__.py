"""Reporting's use cases: project events into the read model, checkpoint it, raise alerts,
build reports."""
