"""Event contracts published by the identity service.

Topics: ``identity.organisation`` (registered, updated, verified, rejected) and
``identity.enterprise`` (tier_changed), keyed by organisation id. Payloads carry
organisation facts only: names, organisation ids and registry data, never a person's
e-mail, password, hash or token.
Fields may be added later (with defaults); none is ever removed or renamed.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events import event_type

ORGANISATION_TOPIC = "identity.organisation"
ENTERPRISE_TOPIC = "identity.enterprise"

OrgTypeName = Literal[
    "enterprise", "university", "soe", "government", "investor", "headhunter", "operator"
]
TierName = Literal["cultivation", "small_to_scale", "scale_to_strong"]


class OrganisationSnapshot(BaseModel):
    """What other services may know about an organisation."""

    model_config = ConfigDict(extra="ignore")

    organisation_id: str = Field(
        description="identity's id of the organisation",
        examples=["5f1c0a7e9b3d4c2a8e6f0b1d2c3a4e5f"],
    )
    type: OrgTypeName = Field(description="organisation type", examples=["enterprise"])
    name: str = Field(description="registered name", examples=["北京示例智能科技有限公司"])
    kind: str | None = Field(
        None,
        description="university: university|research_institute|new_rnd_institution; "
        "government: district|department",
        examples=["district"],
    )
    district: str | None = Field(
        None,
        description="district code (16 districts + bda 北京经济技术开发区)",
        examples=["haidian"],
    )
    domains: list[str] = Field(
        default_factory=list, description="technology domain codes", examples=[["ai", "ic"]]
    )
    credit_code: str | None = Field(
        None, description="统一社会信用代码 (public registry data)", examples=["91110108551385082Q"]
    )
    founding_date: dt.date | None = Field(
        None, description="enterprise founding date", examples=["2023-05-04"]
    )
    fund_type: Literal["government", "vc"] | None = Field(
        None, description="investor fund type", examples=["vc"]
    )
    high_tech_certificate_expires_on: dt.date | None = Field(
        None,
        description="expiry of the high-tech enterprise certificate, if the enterprise has one",
        examples=["2026-12-01"],
    )
    tiers: list[TierName] = Field(
        default_factory=list,
        description="tier lists the enterprise is on after this change",
        examples=[["cultivation"]],
    )


@event_type("identity.organisation.registered", topic=ORGANISATION_TOPIC)
class OrganisationRegistered(OrganisationSnapshot):
    """An organisation joined the platform: an operator registered it (with its first admin
    user), or verified one that signed itself up (sent together with ``verified``; a
    self-sign-up is not announced before that)."""


@event_type("identity.organisation.updated", topic=ORGANISATION_TOPIC)
class OrganisationUpdated(OrganisationSnapshot):
    """An organisation's profile changed; carries the whole new snapshot."""

    changed_fields: list[str] = Field(
        default_factory=list, description="profile fields that changed", examples=[["domains"]]
    )


@event_type("identity.organisation.verified", topic=ORGANISATION_TOPIC)
class OrganisationVerified(OrganisationSnapshot):
    """An operator verified a self-signed-up organisation: from now on it may publish."""

    verified_at: dt.datetime = Field(
        description="when the operator verified it", examples=["2025-03-01T08:00:00+00:00"]
    )
    verified_by_organisation_id: str = Field(
        description="the operator organisation that verified it",
        examples=["a1b2c3d4e5f60718293a4b5c6d7e8f90"],
    )


@event_type("identity.organisation.rejected", topic=ORGANISATION_TOPIC)
class OrganisationRejected(BaseModel):
    """An operator turned a self-sign-up down (its credit code is free again)."""

    model_config = ConfigDict(extra="ignore")

    organisation_id: str = Field(
        description="identity's id of the organisation",
        examples=["5f1c0a7e9b3d4c2a8e6f0b1d2c3a4e5f"],
    )
    type: OrgTypeName = Field(description="organisation type", examples=["enterprise"])
    name: str = Field(
        description="the name it signed up with", examples=["北京示例智能科技有限公司"]
    )
    reason: str = Field(
        description="the operator's reason, shown to the organisation",
        examples=["统一社会信用代码与企业名称不符"],
    )
    rejected_at: dt.datetime = Field(
        description="when", examples=["2025-03-01T08:00:00+00:00"]
    )
    rejected_by_organisation_id: str = Field(
        description="the operator organisation that decided",
        examples=["a1b2c3d4e5f60718293a4b5c6d7e8f90"],
    )


@event_type("identity.enterprise.tier_changed", topic=ENTERPRISE_TOPIC)
class EnterpriseTierChanged(BaseModel):
    """An enterprise was added to or removed from a tier list (one history entry)."""

    model_config = ConfigDict(extra="ignore")

    enterprise_id: str = Field(
        description="organisation id of the enterprise",
        examples=["5f1c0a7e9b3d4c2a8e6f0b1d2c3a4e5f"],
    )
    enterprise_name: str = Field(
        description="enterprise name", examples=["北京示例智能科技有限公司"]
    )
    district: str = Field(description="enterprise's district code", examples=["haidian"])
    tier: TierName = Field(
        description="cultivation 培育清单 | small_to_scale 小升规 | scale_to_strong 规升强",
        examples=["cultivation"],
    )
    action: Literal["added", "removed"] = Field(description="what happened", examples=["added"])
    reason: str = Field(
        description="why, as recorded in the history",
        examples=["注册成立未满两年，自动纳入培育清单"],
    )
    automatic: bool = Field(
        description="true when the cultivation rule (policy clause 1) made the change",
        examples=[True],
    )
    sequence: int = Field(description="position in the enterprise's tier history", examples=[1])
    changed_at: dt.datetime = Field(description="when", examples=["2024-06-15T00:00:00+00:00"])
    changed_by_organisation_id: str | None = Field(
        None,
        description="organisation of whoever made a manual change (null when automatic)",
        examples=["a1b2c3d4e5f60718293a4b5c6d7e8f90"],
    )
    tiers: list[TierName] = Field(
        default_factory=list, description="tier lists after this change", examples=[["cultivation"]]
    )


# --- users (topic identity.user, keyed by user id) -------------------------------------
# Added for notifications, which must know who belongs to which organisation and in which
# language to write to them. Names and ids only: never an e-mail, phone, password or token.

USER_TOPIC = "identity.user"


class UserSnapshot(BaseModel):
    """What other services may know about a user."""

    model_config = ConfigDict(extra="ignore")

    user_id: str = Field(
        description="identity's id of the user", examples=["0b1d2c3a4e5f5f1c0a7e9b3d4c2a8e6f"]
    )
    organisation_id: str = Field(
        description="the user's organisation", examples=["5f1c0a7e9b3d4c2a8e6f0b1d2c3a4e5f"]
    )
    name: str = Field(description="display name", examples=["张伟"])
    role: Literal["admin", "member"] = Field(
        description="role inside the organisation", examples=["member"]
    )
    language: str = Field(
        "zh-CN", description="preferred language (BCP 47): zh-CN or en", examples=["zh-CN"]
    )
    disabled: bool = Field(False, description="true once the user may no longer sign in")


@event_type("identity.user.registered", topic=USER_TOPIC)
class UserRegistered(UserSnapshot):
    """A user was added to an organisation (its first admin, or by its admin/an operator)."""


@event_type("identity.user.updated", topic=USER_TOPIC)
class UserUpdated(UserSnapshot):
    """A user's name, role, language or disabled flag changed; carries the whole snapshot."""

    changed_fields: list[str] = Field(
        default_factory=list, description="fields that changed", examples=[["role"]]
    )
