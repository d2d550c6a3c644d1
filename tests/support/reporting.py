"""A known year (2025) of events across every market, and every figure it must give.

Built with the contracts' own models and ``new_event`` (as producers build them), with
the event times set to the story's dates. Used by the reporting unit tests (applied in
memory) and the reconciliation test (published over real Kafka).

The story: ent-a (海淀) and ent-b (朝阳) are enterprises, uni-1 a university, soe-1 an
SOE, hh-1 a headhunter, inv-1 an investor, dept-1 a department with no district.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel

from shared.events import Envelope, new_event
from shared.events.contracts import catalogue as cat
from shared.events.contracts import identity as idn
from shared.events.contracts import matching as mat
from shared.events.contracts import roadshows as rs
from shared.events.contracts import scenarios as scn
from shared.events.contracts import talent as tal
from shared.events.contracts import techtransfer as tt

BJ = dt.timezone(dt.timedelta(hours=8))
YEAR = 2025


def at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(YEAR, month, day, hour, tzinfo=BJ)


def _ev(payload: BaseModel, subject: str, when: dt.datetime, version: int = 1) -> Envelope:
    env = new_event(payload, subject=subject, version=version, source="test")
    return env.model_copy(update={"time": when.astimezone(dt.UTC)})


def _org(oid: str, type_: str, district: str | None, kind: str | None = None) -> Envelope:
    snap = idn.OrganisationRegistered(organisation_id=oid, type=type_, name=f"机构{oid}",
                                      district=district, kind=kind, domains=["ai"])  # fmt: skip
    return _ev(snap, oid, at(1, 1, 0))


def _tier(oid: str, district: str, seq: int, tier: str, action: str, when: dt.datetime,
          tiers: list[str]) -> Envelope:  # fmt: skip
    payload = idn.EnterpriseTierChanged(
        enterprise_id=oid, enterprise_name=f"机构{oid}", district=district, tier=tier,
        action=action, reason="区推荐", automatic=False, sequence=seq, changed_at=when, tiers=tiers,
    )  # fmt: skip
    return _ev(payload, oid, when, seq + 1)


def _match(demand: tuple[str, str, str], supply: tuple[str, str, str], when: dt.datetime
           ) -> Envelope:  # fmt: skip
    mid = f"{demand[0]}|{supply[0]}"
    payload = mat.MatchSuggested(
        match_id=mid, trigger="ranking", reason="entered_top", recipient_org_id=demand[2],
        demand_id=demand[0], demand_kind=demand[1], demand_org_id=demand[2],
        supply_id=supply[0], supply_kind=supply[1], supply_org_id=supply[2], score=5.0, rank=1,
    )  # fmt: skip
    return _ev(payload, mid, when)


def _interest(iid: str, need: str, owner: str, state: str, when: dt.datetime, v: int,
              expires: dt.datetime | None = None) -> Envelope:  # fmt: skip
    model = {"expressed": tt.InterestExpressed, "accepted": tt.InterestAccepted}[state]
    payload = model(interest_id=iid, record_id=need, record_kind="tech_need", owner_org_id=owner,
                    interested_org_id="uni-1", state=state, expires_at=expires)  # fmt: skip
    return _ev(payload, iid, when, v)


def _deal(did: str, need: str, owner: str, state: str, when: dt.datetime, v: int) -> Envelope:
    model = {"reported": tt.DealReported, "disputed": tt.DealDisputed}[state]
    payload = model(deal_id=did, record_id=need, record_kind="tech_need",
                    supplier_org_id="uni-1", recipient_org_id=owner, reported_by_org_id=owner,
                    state=state, mode="license", in_beijing=True)  # fmt: skip
    return _ev(payload, did, when, v)


def known_events() -> list[Envelope]:
    e: list[Envelope] = [
        _org("ent-a", "enterprise", "haidian"), _org("ent-b", "enterprise", "chaoyang"),
        _org("uni-1", "university", "haidian"), _org("soe-1", "soe", "xicheng"),
        _org("hh-1", "headhunter", "dongcheng"), _org("inv-1", "investor", "chaoyang"),
        _org("dept-1", "government", None, "department"),
        # tiers: ent-a cultivation -> small_to_scale in 2025; ent-b cultivation since 2024
        _tier("ent-a", "haidian", 1, "cultivation", "added", at(1, 15), ["cultivation"]),
        _tier("ent-a", "haidian", 2, "small_to_scale", "added", at(6, 1),
              ["cultivation", "small_to_scale"]),
        _tier("ent-a", "haidian", 3, "cultivation", "removed", at(6, 2), ["small_to_scale"]),
        _tier("ent-b", "chaoyang", 1, "cultivation", "added",
              dt.datetime(2024, 12, 1, tzinfo=BJ), ["cultivation"]),
    ]  # fmt: skip
    # techtransfer: off-1 (uni-1); need-1 goes all the way; need-2 hears nothing; need-3's
    # deal is disputed
    e += [
        _ev(tt.TechOfferPublished(id="off-1", owner_org_id="uni-1", title="固态电池", trl=6,
                                  domains=["energy"]), "off-1", at(2, 1)),
        _ev(tt.TechNeedPublished(id="need-1", owner_org_id="ent-a", title="储能热管理",
                                 domains=["energy"]), "need-1", at(3, 5)),
        _match(("need-1", "tech_need", "ent-a"), ("off-1", "tech_offer", "uni-1"), at(3, 5, 12)),
        _interest("int-1", "need-1", "ent-a", "expressed", at(3, 10), 1),
        _interest("int-1", "need-1", "ent-a", "accepted", at(3, 12), 2),
        _ev(tt.MeetingScheduled(meeting_id="mt-1", session_id="s-1", requester_org_id="uni-1",
                                invitee_org_id="ent-a", state="scheduled", slot=1, table=1),
            "mt-1", at(3, 20)),
        _deal("deal-1", "need-1", "ent-a", "reported", at(4, 2), 1),
        _ev(tt.TechNeedPublished(id="need-2", owner_org_id="ent-b", title="视觉检测",
                                 domains=["ai"]), "need-2", at(3, 15)),
        _ev(tt.TechNeedPublished(id="need-3", owner_org_id="ent-b", title="芯片封装",
                                 domains=["ic"]), "need-3", at(5, 1)),
        _interest("int-3", "need-3", "ent-b", "expressed", at(5, 3), 1, expires=at(5, 20)),
        _deal("deal-3", "need-3", "ent-b", "reported", at(5, 20), 1),
        _deal("deal-3", "need-3", "ent-b", "disputed", at(5, 25), 2),
    ]  # fmt: skip
    # catalogue: prod-1 applied -> listed -> docking -> purchased; prod-2 rejected
    app1: dict[str, Any] = {
        "application_id": "app-1",
        "owner_org_id": "ent-a",
        "title": "网关",
        "category": "product",
        "product_id": "prod-1",
        "status": "submitted",
    }
    app2 = {**app1, "application_id": "app-2", "owner_org_id": "ent-b", "product_id": "prod-2"}
    dock = {"docking_id": "dock-1", "need_id": "pn-1", "product_id": "prod-1",
            "soe_org_id": "soe-1", "supplier_org_id": "ent-a", "status": "accepted"}  # fmt: skip
    e += [
        _ev(cat.ApplicationSubmitted(**app1), "app-1", at(1, 10)),
        _ev(cat.ApplicationApproved(**{**app1, "status": "approved"}), "app-1", at(1, 20), 2),
        _ev(cat.CatalogueProductPublished(id="prod-1", owner_org_id="ent-a", title="网关",
                                          domains=["iov"]), "prod-1", at(1, 25)),
        _ev(cat.DockingAccepted(**dock), "dock-1", at(2, 10)),
        _ev(cat.DockingPurchased(**{**dock, "status": "purchased"}), "dock-1", at(3, 1), 2),
        _ev(cat.ApplicationSubmitted(**app2), "app-2", at(6, 1)),
        _ev(cat.ApplicationRejected(**{**app2, "status": "rejected"}), "app-2", at(6, 5), 2),
    ]  # fmt: skip
    # talent: dem-1 posted -> claimed -> candidate -> hired -> eligible
    claim = {
        "claim_id": "cl-1",
        "demand_id": "dem-1",
        "agency_id": "hh-1",
        "enterprise_org_id": "ent-b",
        "mode": "exclusive",
        "expires_at": at(5, 2),
    }
    cand = {
        "candidate_id": "ca-1",
        "demand_id": "dem-1",
        "agency_id": "hh-1",
        "enterprise_org_id": "ent-b",
        "person_hash": "0" * 32,
        "stage": "submitted",
    }
    place = {"placement_id": "ca-1", "demand_id": "dem-1", "agency_id": "hh-1",
             "enterprise_org_id": "ent-b", "role_title": "验证工程师", "hired_at": at(5, 1),
             "guarantee_ends_at": at(8, 1)}  # fmt: skip
    e += [
        _ev(tal.TalentDemandPublished(id="dem-1", owner_org_id="ent-b", title="验证工程师",
                                      seniority="senior", domains=["ic"]), "dem-1", at(4, 1)),
        _ev(tal.ClaimGranted(**claim), "cl-1", at(4, 2)),
        _ev(tal.CandidateSubmitted(**cand), "ca-1", at(4, 10)),
        _ev(tal.CandidateAdvanced(**{**cand, "stage": "hired"}), "ca-1", at(5, 1), 2),
        _ev(tal.PlacementStarted(**place), "ca-1", at(5, 1)),
        _ev(tal.PlacementQualified(**place), "ca-1", at(8, 1), 2),
    ]  # fmt: skip
    # scenarios: scn-1 (whole city) pushed to an enterprise's capability 36 hours later
    e += [
        _ev(scn.ScenarioPublished(id="scn-1", owner_org_id="dept-1", title="智慧园区",
                                  district="全市", domains=["ai"]), "scn-1", at(6, 1)),
        _match(("scn-1", "scenario", "dept-1"), ("cap-1", "capability", "ent-a"), at(6, 2, 22)),
    ]  # fmt: skip
    # roadshows: pit-1 pitched -> selected -> met -> invested; sessions in Jan-Mar, April's
    # cancelled
    app = {"application_id": "rs-2:pit-1", "roadshow_id": "rs-2", "roadshow_title": "二月路演",
           "pitch_id": "pit-1", "enterprise_org_id": "ent-a"}  # fmt: skip
    meet = {"meeting_id": "rm-1", "roadshow_id": "rs-2", "investor_org_id": "inv-1",
            "enterprise_org_id": "ent-a", "pitch_id": "pit-1"}  # fmt: skip
    e += [
        _ev(rs.PitchPublished(id="pit-1", owner_org_id="ent-a", title="A轮融资", stage="a",
                              ask_cny=50_000_000, domains=["energy"]), "pit-1", at(2, 1)),
        _ev(rs.ApplicationSelected(**app), "rs-2:pit-1", at(2, 10)),
        _ev(rs.MeetingScheduled(**meet, slot=1, table=2), "rm-1", at(2, 20)),
        _ev(rs.InvestmentConfirmed(followup_id="rm-1", stage="invested", amount_cny=30_000_000,
                                   invested_on=dt.date(YEAR, 3, 15),
                                   **{k: v for k, v in meet.items() if k != "roadshow_id"}),
            "rm-1", at(3, 16)),
    ]  # fmt: skip
    for month, cls in ((1, rs.RoadshowHeld), (2, rs.RoadshowHeld), (3, rs.RoadshowScheduled),
                       (4, rs.RoadshowCancelled)):  # fmt: skip
        rid = f"rs-{month}"
        facts: dict[str, Any] = {
            "roadshow_id": rid,
            "roadshow_title": f"{month}月路演",
            "domain": "ai",
            "month": f"{YEAR}-{month:02d}",
            "starts_at": at(month, 20),
            "organiser_org_id": "op-1",
        }
        extra: dict[str, Any] = {
            rs.RoadshowHeld: {"attended": 20, "no_shows": 1},
            rs.RoadshowScheduled: {"ends_at": at(month, 22), "pitch_slots": 6,
                                   "investor_seats": 30},
            rs.RoadshowCancelled: {"reason": "场地调整"},
        }[cls]  # fmt: skip
        e.append(_ev(cls(**facts, **extra), rid, at(month, 1)))
    return e


CITY_FUNNELS = {
    "techtransfer": {"published": 4, "interest": 2, "meeting": 1, "deal": 1, "deal_in_beijing": 1},
    "catalogue": {"applied": 2, "listed": 1, "docking": 1, "purchased": 1},
    "talent": {"posted": 1, "claimed": 1, "candidate": 1, "hired": 1, "eligible": 1},
    "scenarios": {"published": 1, "pushed": 1, "applied": 0, "awarded": 0},
    "roadshows": {"pitched": 1, "selected": 1, "met": 1, "invested": 1},
}
HAIDIAN_FUNNELS = {
    "techtransfer": {"published": 2, "interest": 1, "meeting": 1, "deal": 1, "deal_in_beijing": 1},
    "catalogue": {"applied": 1, "listed": 1, "docking": 1, "purchased": 1},
    "talent": {"posted": 0, "claimed": 0, "candidate": 0, "hired": 0, "eligible": 0},
    "scenarios": {"published": 0, "pushed": 0, "applied": 0, "awarded": 0},
    "roadshows": {"pitched": 1, "selected": 1, "met": 1, "invested": 1},
}
CITY_OUTCOMES = {
    "techtransfer.deal": 1, "techtransfer.deal_in_beijing": 1, "catalogue.purchased": 1,
    "talent.hired": 1, "talent.eligible": 1, "scenarios.awarded": 0, "roadshows.invested": 1,
}  # fmt: skip
CITY_TIERS = {
    "added": {"cultivation": 1, "small_to_scale": 1, "scale_to_strong": 0},
    "removed": {"cultivation": 1, "small_to_scale": 0, "scale_to_strong": 0},
    "moves": {"cultivation->small_to_scale": 1, "small_to_scale->scale_to_strong": 0},
    "size_at_year_end": {"cultivation": 1, "small_to_scale": 1, "scale_to_strong": 0},
}
HAIDIAN_TIERS = {
    "added": {"cultivation": 1, "small_to_scale": 1, "scale_to_strong": 0},
    "removed": {"cultivation": 1, "small_to_scale": 0, "scale_to_strong": 0},
    "moves": {"cultivation->small_to_scale": 1, "small_to_scale->scale_to_strong": 0},
    "size_at_year_end": {"cultivation": 0, "small_to_scale": 1, "scale_to_strong": 0},
}
# Jan and Feb held, Mar scheduled, Apr cancelled: three compliant months
COMPLIANT_MONTHS = 3
# cases by district in the city report (first stage of each market)
CITY_BY_DISTRICT = {
    "techtransfer": {"haidian": 2, "chaoyang": 2},
    "catalogue": {"haidian": 1, "chaoyang": 1},
    "talent": {"chaoyang": 1},
    "scenarios": {"city": 1},
    "roadshows": {"haidian": 1},
}


def check_report(report: dict[str, Any], *, district: str | None = None) -> list[str]:
    """Every figure of the report against the story; returns what differs."""
    wrong = []
    funnels = HAIDIAN_FUNNELS if district == "haidian" else CITY_FUNNELS
    for market, stages in funnels.items():
        got = report["funnels"][market]
        if got["total"] != stages:
            wrong.append(f"{market} total {got['total']} != {stages}")
        month_sum = {s: sum(r[s] for r in got["by_month"].values()) for s in stages}
        if month_sum != stages:
            wrong.append(f"{market} by_month adds up to {month_sum}")
        if district is None:
            firsts = {k: v[got["stages"][0]] for k, v in got["by_district"].items()}
            if firsts != CITY_BY_DISTRICT[market]:
                wrong.append(f"{market} by_district {firsts}")
    if district is None and report["outcomes"]["total"] != CITY_OUTCOMES:
        wrong.append(f"outcomes {report['outcomes']['total']}")
    tiers = HAIDIAN_TIERS if district == "haidian" else CITY_TIERS
    if report["tiers"] != tiers:
        wrong.append(f"tiers {report['tiers']}")
    if report["compliance"]["compliant_months"] != COMPLIANT_MONTHS:
        wrong.append(f"compliance {report['compliance']['compliant_months']}")
    durations = report["durations"]
    if durations["techtransfer"]["first_match_hours"]["buckets"]["1-24h"] != 1:
        wrong.append(f"techtransfer first match {durations['techtransfer']['first_match_hours']}")
    if district is None and durations["scenarios"]["first_match_hours"]["buckets"]["1-7d"] != 1:
        wrong.append(f"scenarios first match {durations['scenarios']['first_match_hours']}")
    outcome_days = durations["techtransfer"]["outcome_days"]
    if outcome_days["count"] != 1 or outcome_days["buckets"]["7-30d"] != 1:
        wrong.append(f"techtransfer outcome days {outcome_days}")
    return wrong
