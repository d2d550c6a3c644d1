"""Vocabulary shared by the scenario market's models: bounded codes, yuan, domains."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StrictInt

from shared.events.contracts._market import DOMAINS


def _known_domain(code: str) -> str:
    if code not in DOMAINS:
        raise ValueError(f"未知领域代码 / unknown domain code: {code}")
    return code


DomainCode = Annotated[
    str, Field(max_length=40, pattern=r"^[a-z0-9_]+$"), AfterValidator(_known_domain)
]
Yuan = Annotated[StrictInt, Field(ge=0, le=10**13)]
TrlLevel = Annotated[StrictInt, Field(ge=1, le=9)]
CodeStr = Annotated[str, Field(max_length=40, pattern=r"^[a-z0-9_]+$")]
