"""A year of marketplace events for the reporting benchmark, with the figures they must give.

Every envelope is built as the producers build them (CloudEvents JSON, contract-valid
payloads) and encoded to bytes, so the replay runs the consumer's own path (decode,
validate, translate, apply). The expected figures are counted here, from the plan, not
from the reporting code: the benchmark fails unless the report reproduces them.

All of a case's steps fall inside the year (publication by late September, each step a
few days after the one before), so cohort funnels and in-year outcomes agree.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from shared.events import registry
from shared.events.contracts import load_all

load_all()

BEIJING = dt.timezone(dt.timedelta(hours=8))
DISTRICTS = (
    "dongcheng",
    "xicheng",
    "chaoyang",
    "haidian",
    "fengtai",
    "shijingshan",
    "mentougou",
    "fangshan",
    "tongzhou",
    "shunyi",
    "changping",
    "daxing",
    "huairou",
    "pinggu",
    "miyun",
    "yanqing",
    "bda",
)
DOMAINS = (
    "ic",
    "ai",
    "biomed",
    "materials",
    "blockchain",
    "iov",
    "nextgen_it",
    "health",
    "manufacturing",
    "energy",
    "aerospace",
    "quantum",
    "agritech",
    "fintech",
)
DAY = 86400.0


@dataclass
class Expected:
    funnels: dict[str, Counter[str]] = field(default_factory=dict)
    outcomes: Counter[str] = field(default_factory=Counter)
    tiers_added: Counter[str] = field(default_factory=Counter)
    tiers_removed: Counter[str] = field(default_factory=Counter)
    moves: Counter[str] = field(default_factory=Counter)
    compliant_months: int = 0
    events: int = 0

    def reach(self, market: str, *stages: str) -> None:
        self.funnels.setdefault(market, Counter()).update(stages)


class Synth:
    def __init__(self, year: int, enterprises: int, seed: int = 20) -> None:
        self.year = year
        self.n = enterprises
        self.rng = random.Random(seed)
        self.start = dt.datetime(year, 1, 1, tzinfo=BEIJING).timestamp()
        self.expected = Expected()
        self.seq = 0
        self.district: dict[str, str] = {}

    # -- envelope ---------------------------------------------------------------------
    def ev(
        self, type_: str, subject: str, at: float, data: dict[str, Any], version: int = 1
    ) -> tuple[str, bytes]:
        self.seq += 1
        self.expected.events += 1
        env = {
            "specversion": "1.0",
            "id": f"ev-{self.seq}",
            "source": f"/duijie/{type_.split('.')[0]}",
            "type": type_,
            "subject": subject,
            "time": dt.datetime.fromtimestamp(at, dt.UTC).isoformat(),
            "datacontenttype": "application/json",
            "dataschema": f"urn:duijie:{type_}:v1",
            "data": data,
            "version": version,
        }
        # the registered topic (roadshows.investment.confirmed rides on roadshows.followup)
        return registry.registration(type_).topic, json.dumps(env, ensure_ascii=False).encode()

    def when(self, after: float, lo: float = 1, hi: float = 10) -> float:
        return after + self.rng.uniform(lo, hi) * DAY

    def published_at(self) -> float:
        return self.start + self.rng.uniform(0, 260) * DAY

    def iso(self, ts: float) -> str:
        return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat()

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    # -- organisations and tiers --------------------------------------------------------
    def orgs(self) -> Iterator[tuple[str, bytes]]:
        kinds = [
            ("e", "enterprise", self.n),
            ("u", "university", 500),
            ("s", "soe", 100),
            ("v", "investor", 200),
            ("h", "headhunter", 100),
            ("g", "government", 50),
        ]
        for prefix, type_, count in kinds:
            for i in range(count):
                oid = f"{prefix}{i}"
                district = self.rng.choice(DISTRICTS)
                self.district[oid] = district
                data = {
                    "organisation_id": oid,
                    "type": type_,
                    "name": f"机构{oid}",
                    "district": district,
                    "domains": [self.rng.choice(DOMAINS)],
                }
                yield self.ev("identity.organisation.registered", oid, self.start, data)

    def tier(
        self, oid: str, seq: int, tier: str, action: str, at: float, tiers: list[str]
    ) -> tuple[str, bytes]:
        (self.expected.tiers_added if action == "added" else self.expected.tiers_removed)[tier] += 1
        data = {
            "enterprise_id": oid,
            "enterprise_name": f"机构{oid}",
            "district": self.district[oid],
            "tier": tier,
            "action": action,
            "reason": "区推荐",
            "automatic": False,
            "sequence": seq,
            "changed_at": self.iso(at),
            "tiers": tiers,
        }
        return self.ev("identity.enterprise.tier_changed", oid, at, data, version=seq + 1)

    def tiers(self) -> Iterator[tuple[str, bytes]]:
        for i in range(self.n):
            oid = f"e{i}"
            at = self.published_at()
            if self.chance(0.5):
                yield self.tier(oid, 1, "cultivation", "added", at, ["cultivation"])
                if self.chance(0.2):
                    at = self.when(at, 10, 60)
                    yield self.tier(
                        oid, 2, "small_to_scale", "added", at, ["cultivation", "small_to_scale"]
                    )
                    self.expected.moves["cultivation->small_to_scale"] += 1
                    yield self.tier(
                        oid, 3, "cultivation", "removed", self.when(at), ["small_to_scale"]
                    )
            elif self.chance(0.1):
                yield self.tier(oid, 1, "small_to_scale", "added", at, ["small_to_scale"])
                if self.chance(0.3):
                    yield self.tier(
                        oid,
                        2,
                        "scale_to_strong",
                        "added",
                        self.when(at, 10, 60),
                        ["scale_to_strong", "small_to_scale"],
                    )
                    self.expected.moves["small_to_scale->scale_to_strong"] += 1

    def record(
        self, type_: str, rid: str, owner: str, at: float, extra: dict[str, Any], version: int = 1
    ) -> tuple[str, bytes]:
        data = {
            "id": rid,
            "owner_org_id": owner,
            "title": f"记录{rid}",
            "domains": [self.rng.choice(DOMAINS)],
            "district": None,
            **extra,
        }
        return self.ev(type_, rid, at, data, version)

    def match(
        self, demand: tuple[str, str, str], supply: tuple[str, str, str], at: float
    ) -> tuple[str, bytes]:
        mid = f"{demand[0]}|{supply[0]}"
        data = {
            "match_id": mid,
            "trigger": "ranking",
            "reason": "entered_top",
            "side": "demand",
            "recipient_org_id": demand[2],
            "demand_id": demand[0],
            "demand_kind": demand[1],
            "demand_org_id": demand[2],
            "supply_id": supply[0],
            "supply_kind": supply[1],
            "supply_org_id": supply[2],
            "score": 7.5,
            "rank": 1,
        }
        return self.ev("matching.match.suggested", mid, at, data)
