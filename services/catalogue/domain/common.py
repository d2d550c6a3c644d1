"""Vocabulary every catalogue record shares: domain codes, bounded price bands, reasons."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt

from shared.errors import InvalidInput
from shared.events.contracts._market import DOMAINS
from shared.limits import ShortText, Title

Yuan = Annotated[StrictInt, Field(ge=0, le=10_000_000_000_000)]


def _known_domain(code: str) -> str:
    if code not in DOMAINS:
        raise ValueError(f"未知领域代码 / unknown domain code: {code}")
    return code


DomainCode = Annotated[str, Field(max_length=40), AfterValidator(_known_domain)]


def _ordered(band: tuple[int, int]) -> tuple[int, int]:
    if band[0] > band[1]:
        raise ValueError("最低价不能高于最高价 / min must not exceed max")
    return band


Band = Annotated[tuple[Yuan, Yuan], AfterValidator(_ordered)]


class Parameter(BaseModel):
    """A key technical parameter (name and value, e.g. 防护等级 / IP67)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: Title  # type: ignore[valid-type]
    value: ShortText  # type: ignore[valid-type]


class FieldReason(BaseModel):
    """One field a review objects to, and why."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    field: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z_.0-9]+$")]
    reason: ShortText  # type: ignore[valid-type]


def require_reason(reason: str, field: str = "reason") -> str:
    if not reason.strip():
        raise InvalidInput(field, "reason_required", zh="必须说明原因", en="a reason is required")
    return reason
