"""The CloudEvents 1.0 envelope every Duijie event travels in (JSON, structured mode).

The whole envelope is the Kafka value; the key is ``subject`` (the aggregate id), so
one aggregate's events stay in one partition and in order. A few attributes are also
copied into Kafka headers (``ce_id``, ``ce_type``, ``traceparent``, ``correlationid``)
so DLQ tooling and tracing can read them without parsing the body.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events.registry import registry
from shared.observability import current_correlation_id, current_traceparent, new_correlation_id


class Envelope(BaseModel):
    """A CloudEvents 1.0 event with Duijie's extension attributes."""

    # Unknown extension attributes from newer producers are kept, not rejected.
    model_config = ConfigDict(extra="allow")

    specversion: Literal["1.0"] = Field("1.0", description="CloudEvents spec version")
    id: str = Field(
        description="unique event id; consumers deduplicate on it", examples=["0b9f..."]
    )
    source: str = Field(description="producing service", examples=["/duijie/techtransfer"])
    type: str = Field(
        description="<service>.<entity>.<verb>, verb in the past tense",
        examples=["techtransfer.need.published"],
    )
    subject: str = Field(description="aggregate id; also the Kafka key", examples=["need-42"])
    time: datetime = Field(description="when the change happened (UTC)")
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str | None = Field(
        None,
        description="contract and schema version of data",
        examples=["urn:duijie:techtransfer.need.published:v1"],
    )
    data: dict[str, Any] = Field(description="the event payload (see the type's contract)")
    version: int = Field(ge=0, description="aggregate version after this change", examples=[3])
    correlationid: str | None = Field(None, description="ties events of one business flow")
    traceparent: str | None = Field(None, description="W3C trace context of the cause")

    @property
    def schema_version(self) -> int:
        """Schema version from ``dataschema`` (1 when absent: the oldest payloads)."""
        if self.dataschema and ":v" in self.dataschema:
            tail = self.dataschema.rsplit(":v", 1)[1]
            if tail.isdigit():
                return int(tail)
        return 1

    def payload(self) -> BaseModel:
        """The data validated by the contract registered for ``type``."""
        from shared.events.registry import model_for

        return model_for(self.type).model_validate(self.data)

    def to_json_bytes(self) -> bytes:
        return self.model_dump_json(exclude_none=True).encode()

    @classmethod
    def from_json_bytes(cls, raw: bytes | str) -> Envelope:
        return cls.model_validate_json(raw)

    def kafka_key(self) -> bytes:
        return self.subject.encode()

    def kafka_headers(self) -> dict[str, str]:
        headers = {"ce_id": self.id, "ce_type": self.type, "ce_specversion": self.specversion}
        if self.traceparent:
            headers["traceparent"] = self.traceparent
        if self.correlationid:
            headers["correlationid"] = self.correlationid
        return headers


def new_event(
    payload: BaseModel,
    *,
    subject: str,
    version: int,
    source: str,
    correlationid: str | None = None,
) -> Envelope:
    """Wrap a registered payload model in an envelope stamped from the current context.

    ``type`` comes from the payload model's registration; ``traceparent`` from the
    current span; ``correlationid`` from the argument, else the current request's,
    else a fresh one (a flow starts here).
    """
    reg = registry.registration_of(payload)
    return Envelope(
        id=str(uuid.uuid4()),
        source=source if source.startswith("/") else f"/duijie/{source}",
        type=reg.type,
        subject=subject,
        time=datetime.now(UTC),
        dataschema=f"urn:duijie:{reg.type}:v{reg.schema_version}",
        data=payload.model_dump(mode="json"),
        version=version,
        correlationid=correlationid or current_correlation_id() or new_correlation_id(),
        traceparent=current_traceparent(),
    )
