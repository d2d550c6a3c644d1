"""The three engines of the local stack, each behind the same small interface."""

from __future__ import annotations

from deploy.local.config import LocalStack
from deploy.local.engines.base import Engine, EngineError
from deploy.local.engines.ferretdb import FerretDB
from deploy.local.engines.kafka import Kafka
from deploy.local.engines.opensearch import OpenSearch
from deploy.local.engines.smtp import SmtpSink


def all_engines(stack: LocalStack) -> list[Engine]:
    """Every engine, in the order they are started."""
    return [Kafka(stack), OpenSearch(stack), FerretDB(stack), SmtpSink(stack)]


__all__ = ["Engine", "EngineError", "FerretDB", "Kafka", "OpenSearch", "SmtpSink", "all_engines"]
