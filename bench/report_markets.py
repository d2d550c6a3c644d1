"""The five markets' event streams for the reporting benchmark (see ``report_data``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from bench.report_data import BEIJING, DOMAINS, Synth

Out = Iterator[tuple[str, bytes]]


def techtransfer(s: Synth, needs_per_enterprise: float = 3.0, offers: int = 10_000) -> Out:
    offer_ids = []
    for i in range(offers):
        oid, owner = f"off{i}", f"u{i % 500}"
        offer_ids.append((oid, "tech_offer", owner))
        yield s.record("techtransfer.offer.published", oid, owner, s.published_at(), {"trl": 6})
        s.expected.reach("techtransfer", "published")
    for i in range(int(s.n * needs_per_enterprise)):
        nid, owner = f"need{i}", f"e{i % s.n}"
        at = s.published_at()
        yield s.record("techtransfer.need.published", nid, owner, at, {"min_trl": 3})
        stages = ["published"]
        if s.chance(0.3):
            yield s.record("techtransfer.need.updated", nid, owner, s.when(at), {}, version=2)
        for _ in range(5):  # five suggestions a need
            yield s.match((nid, "tech_need", owner), s.rng.choice(offer_ids), s.when(at, 0, 2))
        if s.chance(0.6):
            # the interested party is a university no other need of this owner hears from
            uni = f"u{(i * 7 + i // s.n) % 500}"
            t = s.when(at)
            base = {
                "interest_id": f"int{i}",
                "record_id": nid,
                "record_kind": "tech_need",
                "owner_org_id": owner,
                "interested_org_id": uni,
            }
            yield s.ev(
                "techtransfer.interest.expressed", f"int{i}", t, {**base, "state": "expressed"}
            )
            stages.append("interest")
            if s.chance(0.5):
                t = s.when(t)
                yield s.ev(
                    "techtransfer.interest.accepted",
                    f"int{i}",
                    t,
                    {**base, "state": "accepted"},
                    version=2,
                )
                if s.chance(0.5):
                    t = s.when(t)
                    meeting = {
                        "meeting_id": f"mt{i}",
                        "session_id": "sess1",
                        "requester_org_id": uni,
                        "invitee_org_id": owner,
                        "state": "scheduled",
                        "slot": 1,
                        "table": 1,
                    }
                    yield s.ev("techtransfer.meeting.scheduled", f"mt{i}", t, meeting)
                    stages.append("meeting")
                    if s.chance(0.4):
                        t = s.when(t)
                        beijing = s.chance(0.7)
                        deal = {
                            "deal_id": f"deal{i}",
                            "interest_id": f"int{i}",
                            "record_id": nid,
                            "record_kind": "tech_need",
                            "supplier_org_id": uni,
                            "recipient_org_id": owner,
                            "reported_by_org_id": owner,
                            "state": "reported",
                            "mode": "license",
                            "in_beijing": beijing,
                        }
                        yield s.ev("techtransfer.deal.reported", f"deal{i}", t, deal)
                        stages.append("deal")
                        s.expected.outcomes["techtransfer.deal"] += 1
                        if beijing:
                            stages.append("deal_in_beijing")
                            s.expected.outcomes["techtransfer.deal_in_beijing"] += 1
        s.expected.reach("techtransfer", *stages)


def catalogue(s: Synth, products: int = 25_000) -> Out:
    for i in range(products):
        pid, owner = f"prod{i}", f"e{(i * 3) % s.n}"
        at = s.published_at()
        app = {
            "application_id": f"app{i}",
            "owner_org_id": owner,
            "title": "产品",
            "category": "product",
            "product_id": pid,
            "status": "submitted",
            "round": 1,
        }
        yield s.ev("catalogue.application.submitted", f"app{i}", at, app)
        stages = ["applied"]
        if s.chance(0.75):
            t = s.when(at)
            yield s.ev(
                "catalogue.application.approved",
                f"app{i}",
                t,
                {**app, "status": "approved"},
                version=2,
            )
            t = s.when(t)
            yield s.record("catalogue.product.published", pid, owner, t, {"edition": "2025-Q2"})
            stages.append("listed")
            for _ in range(2):
                yield s.match(
                    (f"pn{i}", "procurement_need", f"s{i % 100}"),
                    (pid, "product", owner),
                    s.when(t, 0, 2),
                )
            if s.chance(0.5):
                t = s.when(t)
                dock = {
                    "docking_id": f"dock{i}",
                    "need_id": f"pn{i}",
                    "product_id": pid,
                    "soe_org_id": f"s{i % 100}",
                    "supplier_org_id": owner,
                    "status": "accepted",
                }
                yield s.ev("catalogue.docking.accepted", f"dock{i}", t, dock)
                stages.append("docking")
                if s.chance(0.4):
                    yield s.ev(
                        "catalogue.docking.purchased",
                        f"dock{i}",
                        s.when(t),
                        {**dock, "status": "purchased", "amount_cny": 500000},
                        version=2,
                    )
                    stages.append("purchased")
                    s.expected.outcomes["catalogue.purchased"] += 1
        s.expected.reach("catalogue", *stages)


def talent(s: Synth, demands: int = 30_000) -> Out:
    for i in range(demands):
        did, owner = f"dem{i}", f"e{(i * 5) % s.n}"
        at = s.published_at()
        yield s.record("talent.demand.published", did, owner, at, {"seniority": "mid"})
        stages = ["posted"]
        for k in range(2):
            yield s.match(
                (did, "talent_demand", owner),
                (f"ag{k}", "agency", f"h{(i + k) % 100}"),
                s.when(at, 0, 2),
            )
        if s.chance(0.7):
            agency, t = f"h{i % 100}", s.when(at)
            claim = {
                "claim_id": f"cl{i}",
                "demand_id": did,
                "agency_id": agency,
                "enterprise_org_id": owner,
                "mode": "exclusive",
                "expires_at": s.iso(t + 30 * 86400),
            }
            yield s.ev("talent.claim.granted", f"cl{i}", t, claim)
            stages.append("claimed")
            if s.chance(0.7):
                t = s.when(t)
                cand = {
                    "candidate_id": f"ca{i}",
                    "demand_id": did,
                    "agency_id": agency,
                    "enterprise_org_id": owner,
                    "person_hash": f"{i:032x}",
                    "stage": "submitted",
                }
                yield s.ev("talent.candidate.submitted", f"ca{i}", t, cand)
                stages.append("candidate")
                if s.chance(0.3):
                    t = s.when(t)
                    yield s.ev(
                        "talent.candidate.advanced",
                        f"ca{i}",
                        t,
                        {**cand, "stage": "hired"},
                        version=2,
                    )
                    place = {
                        "placement_id": f"ca{i}",
                        "demand_id": did,
                        "agency_id": agency,
                        "enterprise_org_id": owner,
                        "role_title": "工程师",
                        "hired_at": s.iso(t),
                        "guarantee_ends_at": s.iso(t + 30 * 86400),
                    }
                    yield s.ev("talent.placement.started", f"ca{i}", t, place)
                    stages.append("hired")
                    s.expected.outcomes["talent.hired"] += 1
                    if s.chance(0.6):
                        yield s.ev(
                            "talent.placement.qualified",
                            f"ca{i}",
                            s.when(t, 30, 40),
                            place,
                            version=2,
                        )
                        stages.append("eligible")
                        s.expected.outcomes["talent.eligible"] += 1
        s.expected.reach("talent", *stages)


def scenarios(s: Synth, count: int = 2_000) -> Out:
    for i in range(count):
        sid, owner = f"scn{i}", f"g{i % 50}"
        at = s.published_at()
        yield s.record("scenarios.scenario.published", sid, owner, at, {})
        stages = ["published"]
        if s.chance(0.8):
            for k in range(3):
                yield s.match(
                    (sid, "scenario", owner),
                    (f"cap{i}-{k}", "capability", f"e{i + k}"),
                    s.when(at, 0, 3),
                )
            stages.append("pushed")
        s.expected.reach("scenarios", *stages)


def roadshows(s: Synth, pitches: int = 10_000) -> Out:
    skip_month = 8  # no roadshow in August: 11 compliant months of 12
    for month in range(1, 13):
        if month == skip_month:
            continue
        for d in DOMAINS[:2]:
            rid = f"rs-{s.year}-{month:02d}-{d}"
            at = s.start + ((month - 1) * 30.4 + 15) * 86400
            facts = {
                "roadshow_id": rid,
                "roadshow_title": "路演",
                "domain": d,
                "month": f"{s.year}-{month:02d}",
                "starts_at": s.iso(at),
                "organiser_org_id": "op-1",
            }
            yield s.ev(
                "roadshows.roadshow.scheduled",
                rid,
                at - 20 * 86400,
                {**facts, "ends_at": s.iso(at + 7200), "pitch_slots": 6, "investor_seats": 30},
            )
            yield s.ev(
                "roadshows.roadshow.held",
                rid,
                at + 7200,
                {**facts, "attended": 20, "no_shows": 1},
                version=2,
            )
    s.expected.compliant_months = 11
    for i in range(pitches):
        pid, owner = f"pit{i}", f"e{(i * 11) % s.n}"
        at = s.published_at()
        yield s.record(
            "roadshows.pitch.published", pid, owner, at, {"stage": "a", "ask_cny": 10**7}
        )
        stages = ["pitched"]
        yield s.match(
            (f"man{i % 200}", "investor_mandate", f"v{i % 200}"),
            (pid, "pitch", owner),
            s.when(at, 0, 2),
        )
        app = {
            "application_id": f"rs:{pid}",
            "roadshow_id": "rs",
            "roadshow_title": "路演",
            "pitch_id": pid,
            "enterprise_org_id": owner,
        }
        if s.chance(0.8):
            t = s.when(at)
            yield s.ev("roadshows.application.submitted", f"rs:{pid}", t, app)
            if s.chance(0.5):
                t = s.when(t)
                yield s.ev("roadshows.application.selected", f"rs:{pid}", t, app, version=2)
                stages.append("selected")
                if s.chance(0.6):
                    t = s.when(t)
                    meet = {
                        "meeting_id": f"rm{i}",
                        "roadshow_id": "rs",
                        "investor_org_id": f"v{i % 200}",
                        "enterprise_org_id": owner,
                        "pitch_id": pid,
                        "slot": 2,
                        "table": 3,
                    }
                    yield s.ev("roadshows.meeting.scheduled", f"rm{i}", t, meet)
                    stages.append("met")
                    if s.chance(0.25):
                        t = s.when(t)
                        day = dt.datetime.fromtimestamp(t, BEIJING).date()
                        inv = {
                            "followup_id": f"rm{i}",
                            "meeting_id": f"rm{i}",
                            "investor_org_id": f"v{i % 200}",
                            "enterprise_org_id": owner,
                            "pitch_id": pid,
                            "stage": "invested",
                            "amount_cny": 3 * 10**7,
                            "invested_on": day.isoformat(),
                        }
                        yield s.ev("roadshows.investment.confirmed", f"rm{i}", t, inv)
                        stages.append("invested")
                        s.expected.outcomes["roadshows.invested"] += 1
        s.expected.reach("roadshows", *stages)
