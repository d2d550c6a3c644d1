"""Schemas for the AsyncAPI document FastStream generates for each service.

Subscribers receive raw bytes (so malformed messages can be dead-lettered rather than
crash the decoder), which would leave their AsyncAPI payload empty. These helpers give
FastStream a documentation-only annotation: the union of the typed envelopes a channel
carries, inlined so the document is self-contained, while validation stays a no-op.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import BaseModel, TypeAdapter, WithJsonSchema, create_model

from shared.events.envelope import Envelope
from shared.events.registry import registry, topic_name

if TYPE_CHECKING:
    from faststream.kafka import KafkaBroker

    from shared.settings import Settings


@cache
def typed_envelope(type_: str) -> type[BaseModel]:
    """``Envelope`` narrowed to one type: ``type`` is a constant, ``data`` its contract."""
    model = registry.model_for(type_)
    return create_model(
        f"{model.__name__}Event",
        __base__=Envelope,
        __doc__=model.__doc__,
        type=(Literal[type_], ...),  # type: ignore[valid-type]
        data=(model, ...),
    )


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(defs[node["$ref"].rsplit("/", 1)[1]], defs)
        return {k: _inline(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def envelope_json_schema(types: Iterable[str]) -> dict[str, Any]:
    """An inlined JSON schema of the envelopes of the given types (anyOf)."""
    models = tuple(typed_envelope(t) for t in sorted(set(types)))
    union: Any = models[0] if len(models) == 1 else Union[models]  # noqa: UP007
    schema = TypeAdapter(union).json_schema()
    defs = schema.pop("$defs", {})
    return _inline(schema, defs)


def documented_body(types: Iterable[str]) -> Any:
    """An annotation that documents the envelopes but accepts any body unchanged."""
    return Annotated[Any, WithJsonSchema(envelope_json_schema(types))]


def declare_publishers(
    broker: KafkaBroker, types: Iterable[str], settings: Settings | None = None, *, service: str
) -> None:
    """Register what a service publishes (via its outbox) so AsyncAPI lists it.

    The relay publishes with its own producer; these publishers exist for the document.
    """
    by_topic: dict[str, list[str]] = {}
    for t in types:
        by_topic.setdefault(registry.registration(t).topic, []).append(t)
    for base, ts in sorted(by_topic.items()):
        broker.publisher(
            topic_name(base, settings),
            title=f"{service}:publish:{base}",
            description="Events: " + ", ".join(sorted(ts)) + ". Key: aggregate id.",
            schema=documented_body(ts),
        )
