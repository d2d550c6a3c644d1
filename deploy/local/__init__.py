"""The local stack: Kafka, OpenSearch and FerretDB fetched from package registries,
cached, started and health-checked without Docker, and run with the services under supervisord.

Run ``python -m deploy.local --help``.
"""
