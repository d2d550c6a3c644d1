"""The operator's dead-letter API, mounted by every service at ``/ops`` (``shared/web.py``).

``GET  /ops/dead-letters``         what this service dead-lettered (where, when, why)
``POST /ops/dead-letters/replay``  publish them again: one (``partition`` + ``offset``) or
                                   every one not yet replayed on a dead-letter topic

Operators only (a token of an organisation of type ``operator``); every other caller
gets 403, no token 401. The routes live in a sub-application mounted at ``/ops`` that
shares the service's state (its token verifier), so they sit beside the service's own
API without being part of it (the services' authorisation matrices list their own routes).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query
from pydantic import BaseModel, Field, model_validator

from shared.auth import Caller, OrgType, require_org_types
from shared.deadletters import DLQ_SUFFIX, list_dead_letters, replay
from shared.errors import InvalidInput
from shared.settings import Settings

Operator = Annotated[Caller, Depends(require_org_types(OrgType.operator))]
TopicName = Annotated[str, Field(min_length=5, max_length=249, pattern=r"^[A-Za-z0-9._-]+$")]


class ReplayRequest(BaseModel):
    topic: TopicName = Field(description="the dead-letter topic, <topic>.dlq")
    partition: int | None = Field(None, ge=0, le=10_000)
    offset: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _both_or_neither(self) -> ReplayRequest:
        if (self.partition is None) != (self.offset is None):
            raise ValueError("partition and offset go together (or neither: replay all)")
        return self


def _dlq_topic(topic: str) -> str:
    if not topic.endswith(DLQ_SUFFIX):
        raise InvalidInput(
            "topic", "not_a_dead_letter_topic",
            zh=f"主题须以 {DLQ_SUFFIX} 结尾", en=f"must end with {DLQ_SUFFIX}",
        )  # fmt: skip
    return topic


def dead_letter_app(service: str, settings: Settings, parent: FastAPI) -> FastAPI:
    """The ``/ops`` sub-application of ``service``."""
    ops = FastAPI(title=f"duijie-{service} operations", docs_url=None, redoc_url=None)
    ops.state = parent.state  # the same token verifier as the service's own routes

    from shared.web import install_error_handlers

    install_error_handlers(ops)

    @ops.get("/dead-letters", operation_id="operations-dead-letters")
    async def dead_letters(
        caller: Operator,
        topic: Annotated[str | None, Query(max_length=249)] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> dict[str, Any]:
        """Operators: what this service dead-lettered, oldest first, never the body."""
        entries = await list_dead_letters(
            settings, service=service, topic=_dlq_topic(topic) if topic else None
        )
        return {"items": [asdict(e) for e in entries[:limit]], "total": len(entries)}

    @ops.post("/dead-letters/replay", operation_id="operations-dead-letters-replay")
    async def replay_dead_letters(caller: Operator, body: ReplayRequest) -> dict[str, Any]:
        """Operators: publish dead letters again to their original topic."""
        at = None if body.partition is None else [(body.partition, body.offset or 0)]
        done = await replay(settings, topic=_dlq_topic(body.topic), at=at, service=service)
        return {"replayed": len(done), "items": [asdict(e) for e in done]}

    return ops
