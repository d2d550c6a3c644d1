"""Who takes part: an organisation id and its kind, as identity vouches for them."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class OrgKind(StrEnum):
    """Kinds of organisation that matter to the tech-transfer rules."""

    enterprise = "enterprise"
    university = "university"
    institute = "institute"  # 科研院所 and 新型研发机构
    operator = "operator"


RESEARCH_KINDS = frozenset({OrgKind.university, OrgKind.institute})


class Party(BaseModel):
    """An organisation acting in the market (the signed-in user's organisation)."""

    model_config = ConfigDict(frozen=True)

    org_id: str = Field(min_length=1, description="identity's organisation id")
    kind: OrgKind = Field(description="kind of organisation")
