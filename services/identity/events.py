"""Identity's events: build the contract payloads and wrap them in envelopes (saved with the
change they belong to)."""

from __future__ import annotations

from pydantic import BaseModel

from services.identity.domain.organisations import EnterpriseProfile
from services.identity.domain.records import Organisation, User
from services.identity.domain.tiers import TierChange
from shared.events import Envelope, new_event
from shared.events.contracts.identity import (
    EnterpriseTierChanged,
    OrganisationRegistered,
    OrganisationRejected,
    OrganisationSnapshot,
    OrganisationUpdated,
    OrganisationVerified,
    UserRegistered,
)

SOURCE = "identity"


def snapshot(org: Organisation) -> OrganisationSnapshot:
    """The organisation as other services may know it (no personal data)."""
    p = org.profile
    cert = p.high_tech_certificate if isinstance(p, EnterpriseProfile) else None
    return OrganisationSnapshot(
        organisation_id=org.id,
        type=p.type.value,
        name=p.name,
        kind=getattr(p, "kind", None),
        district=getattr(p, "district", None),
        domains=[d.value for d in getattr(p, "domains", [])],
        credit_code=getattr(p, "credit_code", None),
        founding_date=p.founding_date if isinstance(p, EnterpriseProfile) else None,
        fund_type=getattr(p, "fund_type", None),
        high_tech_certificate_expires_on=cert.expires_on if cert else None,
        tiers=sorted(t.value for t in org.tiers.memberships),
    )


def _wrap(payload: BaseModel, org: Organisation, correlation_id: str | None) -> Envelope:
    return new_event(
        payload, subject=org.id, version=org.version, source=SOURCE, correlationid=correlation_id
    )


def registered(org: Organisation, correlation_id: str | None = None) -> Envelope:
    return _wrap(OrganisationRegistered(**snapshot(org).model_dump()), org, correlation_id)


def updated(org: Organisation, changed: list[str], correlation_id: str | None = None) -> Envelope:
    payload = OrganisationUpdated(**snapshot(org).model_dump(), changed_fields=sorted(changed))
    return _wrap(payload, org, correlation_id)


def verified(org: Organisation, correlation_id: str | None = None) -> Envelope:
    """An operator verified a self-sign-up (``org.sign_up`` holds who and when)."""
    record = org.sign_up
    assert record is not None and record.decided_at and record.decided_by_organisation_id
    payload = OrganisationVerified(
        **snapshot(org).model_dump(),
        verified_at=record.decided_at,
        verified_by_organisation_id=record.decided_by_organisation_id,
    )
    return _wrap(payload, org, correlation_id)


def rejected(org: Organisation, correlation_id: str | None = None) -> Envelope:
    """An operator rejected a self-sign-up: the organisation's facts and the reason only."""
    record = org.sign_up
    assert record is not None and record.decided_at and record.decided_by_organisation_id
    payload = OrganisationRejected(
        organisation_id=org.id,
        type=org.profile.type.value,
        name=org.profile.name,
        reason=record.rejection_reason or "",
        rejected_at=record.decided_at,
        rejected_by_organisation_id=record.decided_by_organisation_id,
    )
    return _wrap(payload, org, correlation_id)


def tier_changed(
    org: Organisation, change: TierChange, correlation_id: str | None = None
) -> Envelope:
    profile = org.profile
    assert isinstance(profile, EnterpriseProfile)
    payload = EnterpriseTierChanged(
        enterprise_id=org.id,
        enterprise_name=profile.name,
        district=profile.district.value,
        tier=change.tier.value,
        action=change.action,
        reason=change.reason,
        automatic=change.automatic,
        sequence=change.seq,
        changed_at=change.at,
        changed_by_organisation_id=change.by.organisation_id,
        tiers=sorted(t.value for t in org.tiers.memberships),
    )
    return _wrap(payload, org, correlation_id)


def user_registered(user: User, correlation_id: str | None = None) -> Envelope:
    """A user joined an organisation: id, organisation, name and role only (no e-mail)."""
    payload = UserRegistered(
        user_id=user.id,
        organisation_id=user.organisation_id,
        name=user.name,
        role=user.role.value,
        disabled=user.disabled,
    )
    return new_event(
        payload, subject=user.id, version=1, source=SOURCE, correlationid=correlation_id
    )
