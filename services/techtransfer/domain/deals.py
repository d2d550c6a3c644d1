"""Deals reported after an accepted expression of interest, and 9(4) support eligibility.

Either side reports (reported); the other side confirms (confirmed) or disputes it with
a reason (disputed). A confirmed deal in which an enterprise takes on a university's or
institute's technology and puts it to use in Beijing (在京转化落地) yields a
support-eligibility record, as policy clause 9(4) says.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt

from .errors import Conflict, Forbidden, Invalid, zh
from .interest import Interest, InterestState
from .parties import RESEARCH_KINDS, OrgKind, Party
from .records import CooperationMode
from .transitions import Transition, step
from .tz import SHANGHAI

POLICY_CLAUSE = "9(4)"


class DealState(StrEnum):
    reported = "reported"
    confirmed = "confirmed"
    disputed = "disputed"


DEAL_TRANSITIONS: dict[tuple[DealState, str], tuple[DealState, str | None]] = {
    (DealState.reported, "confirm"): (DealState.confirmed, "confirmed"),
    (DealState.reported, "dispute"): (DealState.disputed, "disputed"),
}
DEAL_ACTIONS = ("confirm", "dispute")


class DealReport(BaseModel):
    """What the reporting side says was agreed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: CooperationMode
    contract_value_cny: StrictInt = Field(ge=0, le=10**13, description="contract value in yuan")
    signed_on: date
    in_beijing: bool = Field(description="technology transferred and put to use in Beijing")


class Deal(BaseModel):
    """A reported deal between the supplier and the recipient of a technology."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1)
    interest_id: str
    record_id: str
    record_kind: Literal["tech_offer", "tech_need"]
    supplier: Party = Field(description="the side that hands the technology over")
    recipient: Party = Field(description="the side that takes the technology on")
    reported_by: Party
    report: DealReport
    state: DealState = DealState.reported
    reported_at: AwareDatetime
    decided_at: AwareDatetime | None = None
    dispute_reason: str | None = None
    version: int = 1


class SupportEligibility(BaseModel):
    """A confirmed in-Beijing transfer that makes the recipient eligible for 9(4) support."""

    model_config = ConfigDict(frozen=True)

    deal_id: str
    beneficiary: Party
    supplier: Party
    mode: CooperationMode
    contract_value_cny: int
    signed_on: date
    policy_clause: str = POLICY_CLAUSE
    recorded_at: AwareDatetime


def sides(interest: Interest) -> tuple[Party, Party]:
    """(supplier, recipient) of the technology behind an expression of interest."""
    if interest.record_kind == "tech_offer":
        return interest.owner, interest.interested
    return interest.interested, interest.owner


def report_deal(
    deal_id: str,
    interest: Interest,
    actor: Party,
    report: DealReport,
    now: datetime,
    existing: Iterable[Deal] = (),
) -> Transition[Deal]:
    """Either side of an accepted expression reports a deal; ``existing`` are its deals."""
    supplier, recipient = sides(interest)
    if actor.org_id not in {supplier.org_id, recipient.org_id}:
        raise Forbidden(
            "actor",
            "only the two sides of the expression may report a deal",
            zh="只有合作意向双方可以报告成交",
        )
    if interest.state is not InterestState.accepted:
        raise Conflict(
            "interest_id",
            "a deal can be reported only after acceptance",
            zh="合作意向被接受后才能报告成交",
        )
    if report.signed_on > now.astimezone(SHANGHAI).date():
        raise Invalid(
            "signed_on",
            f"signing date {report.signed_on} is in the future",
            zh=f"签约日期 {report.signed_on} 在未来",
        )
    for other in existing:
        if other.interest_id == interest.id and other.state is not DealState.disputed:
            raise Conflict(
                "interest_id",
                f"deal {other.id} is already {other.state.value}",
                zh=f"成交 {other.id} 已是{zh(other.state)}状态",
            )
    deal = Deal(
        id=deal_id,
        interest_id=interest.id,
        record_id=interest.record_id,
        record_kind=interest.record_kind,
        supplier=supplier,
        recipient=recipient,
        reported_by=actor,
        report=report,
        reported_at=now,
    )
    return Transition[Deal](entity=deal, events=("reported",))


def _counterpart_acts(deal: Deal, actor: Party, action: str) -> None:
    if actor.org_id == deal.reported_by.org_id:
        raise Forbidden(
            "actor",
            f"the reporting side cannot {action} its own report",
            zh=f"报告方不能{zh(action)}自己的报告",
        )
    if actor.org_id not in {deal.supplier.org_id, deal.recipient.org_id}:
        raise Forbidden(
            "actor",
            f"only the other side of the deal may {action} it",
            zh=f"只有成交的另一方可以{zh(action)}",
        )


def _apply(deal: Deal, action: str, now: datetime, **changes: object) -> Transition[Deal]:
    state, event = step(DEAL_TRANSITIONS, deal.state, action, "deal")
    updated = deal.model_copy(
        update={"state": state, "decided_at": now, "version": deal.version + 1, **changes}
    )
    return Transition[Deal](entity=updated, events=(event,) if event else ())


def confirm_deal(deal: Deal, actor: Party, now: datetime) -> Transition[Deal]:
    """The other side confirms; then call ``support_eligibility`` on the result."""
    _counterpart_acts(deal, actor, "confirm")
    return _apply(deal, "confirm", now)


def dispute_deal(deal: Deal, actor: Party, reason: str, now: datetime) -> Transition[Deal]:
    """The other side says the report is wrong; either side may then report again."""
    _counterpart_acts(deal, actor, "dispute")
    reason = reason.strip()
    if not reason:
        raise Invalid(
            "reason", "a reason is required to dispute a deal", zh="对成交提出异议须说明理由"
        )
    return _apply(deal, "dispute", now, dispute_reason=reason[:1000])


def support_eligibility(deal: Deal, now: datetime) -> SupportEligibility | None:
    """The 9(4) record for a confirmed deal, or None when the deal does not qualify.

    Qualifies: confirmed, technology put to use in Beijing, supplied by a university or
    institute (高校院所), taken on by an enterprise. Enterprise-to-enterprise licences are
    recorded as deals but are outside 9(4).
    """
    qualifies = (
        deal.state is DealState.confirmed
        and deal.report.in_beijing
        and deal.supplier.kind in RESEARCH_KINDS
        and deal.recipient.kind is OrgKind.enterprise
    )
    if not qualifies:
        return None
    return SupportEligibility(
        deal_id=deal.id,
        beneficiary=deal.recipient,
        supplier=deal.supplier,
        mode=deal.report.mode,
        contract_value_cny=deal.report.contract_value_cny,
        signed_on=deal.report.signed_on,
        recorded_at=now,
    )
