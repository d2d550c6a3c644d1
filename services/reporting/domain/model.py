"""The read model: facts by id, applied from events, with the dirty shards to persist.

:meth:`ReadModel.apply` takes an :class:`Incoming` (translated at the edge from a
validated envelope) and updates facts only; funnels, profiles, alerts and the report are
derived from the facts by the other domain modules. Facts are spread over ``SHARDS``
shards per kind (crc32 of the id), so a checkpoint writes only the shards that changed,
each as one keyed document.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from services.reporting.domain.districts import district_code, epoch
from services.reporting.domain.facts import KINDS, Case, Item, Org, Roadshow, TierEntry
from services.reporting.domain.rules import (
    CASE_ENTITIES,
    CASE_KINDS,
    CASE_OWNER,
    MATCH_TYPE,
    MEETING_TYPES,
    ORG_TYPES,
    OTHER_RECORDS,
    RECORD_VERBS,
    ROADSHOW_TYPES,
    RULES_BY_TYPE,
    TIER_TYPE,
    StageRule,
)

SHARDS = 128


@dataclass(frozen=True, slots=True)
class Incoming:
    """An event as the domain sees it: type, aggregate id and version, time, payload."""

    type: str
    subject: str
    version: int
    time: float
    data: Mapping[str, Any]


def shard_of(key: str) -> int:
    return zlib.crc32(key.encode()) % SHARDS


class ReadModel:
    def __init__(self) -> None:
        self.orgs: dict[str, Org] = {}
        self.cases: dict[str, Case] = {}
        self.items: dict[str, Item] = {}
        self.roadshows: dict[str, Roadshow] = {}
        self.dirty: dict[str, set[int]] = {k: set() for k in KINDS}
        # Indexes for profiles, built on first use and kept up to date after: a snapshot
        # load does not pay for them (measured: most of a load's time at 450k events).
        self._items_by_org: dict[str, set[str]] | None = None
        self._cases_by_org: dict[str, set[str]] | None = None
        self.applied = 0

    # -- applying ------------------------------------------------------------------------

    def apply(self, ev: Incoming) -> None:
        self.applied += 1
        t = ev.type
        if t in ORG_TYPES:
            self._org(ev)
            return
        if t == TIER_TYPE:
            self._tier(ev)
            return
        base, _, verb = t.rpartition(".")
        if verb in RECORD_VERBS and (base in CASE_ENTITIES or base in OTHER_RECORDS):
            self._record(base, verb, ev)
        for rule in RULES_BY_TYPE.get(t, ()):
            if rule.when is None or rule.when(ev.data):
                self._stage(rule, ev)
        if t == MATCH_TYPE:
            self._match(ev)
        elif t in MEETING_TYPES:
            self._meeting(ev)
        elif t in ROADSHOW_TYPES:
            self._roadshow(ROADSHOW_TYPES[t], ev)

    def apply_all(self, events: Iterable[Incoming]) -> int:
        n = 0
        for ev in events:
            self.apply(ev)
            n += 1
        return n

    def _touch(self, kind: str, key: str) -> None:
        self.dirty[kind].add(shard_of(key))

    def _org_of(self, org_id: str) -> Org:
        org = self.orgs.get(org_id)
        if org is None:
            org = self.orgs[org_id] = Org(org_id)
        self._touch("org", org_id)
        return org

    def _org(self, ev: Incoming) -> None:
        d = ev.data
        org = self._org_of(str(d["organisation_id"]))
        if ev.version < org.version:
            return
        org.version = ev.version
        org.name, org.type = d.get("name") or "", str(d.get("type") or "")
        org.district = district_code(d.get("district"))
        org.domains = list(d.get("domains") or [])
        org.tiers = sorted(d.get("tiers") or [])

    def _tier(self, ev: Incoming) -> None:
        d = ev.data
        org = self._org_of(str(d["enterprise_id"]))
        if not org.name:
            org.name = d.get("enterprise_name") or ""
        if org.district is None:
            org.district = district_code(d.get("district"))
        seq = int(d["sequence"])
        at = epoch(d.get("changed_at")) or ev.time
        org.history[seq] = TierEntry(
            seq,
            str(d["tier"]),
            str(d["action"]),
            at,
            d.get("reason") or "",
            bool(d.get("automatic")),
        )
        if seq == max(org.history):
            org.tiers = sorted(d.get("tiers") or [])

    def _case_of(self, case_id: str, market: str) -> Case:
        case = self.cases.get(case_id)
        if case is None:
            case = self.cases[case_id] = Case(case_id, market)
        self._touch("case", case_id)
        return case

    def _record(self, base: str, verb: str, ev: Incoming) -> None:
        d = ev.data
        funnel = base in CASE_ENTITIES
        market, first_stage = CASE_ENTITIES[base] if funnel else (OTHER_RECORDS[base], "")
        case = self._case_of(str(d.get("id") or ev.subject), market)
        case.funnel = funnel
        owner = str(d.get("owner_org_id") or case.owner)
        if owner and owner != case.owner:
            self._set_owner(case, owner)
        if verb in ("withdrawn", "closed"):
            at = epoch(d.get("withdrawn_at")) or ev.time
            case.closed_at = at if case.closed_at is None else min(case.closed_at, at)
            if ev.version >= case.version:
                case.version, case.status = ev.version, verb
            return
        if verb == "published":
            case.published_at = (
                ev.time if case.published_at is None else min(case.published_at, ev.time)
            )
            if first_stage:
                case.reach(first_stage, ev.time)
        if ev.version < case.version:
            return
        case.version = ev.version
        case.kind = base.rpartition(".")[2]
        case.kind = {"need": "tech_need", "offer": "tech_offer", "demand": "talent_demand"}.get(
            case.kind, case.kind
        )
        case.status = str(d.get("status") or verb)
        case.district = district_code(d.get("district"))
        domains = d.get("domains") or ()
        case.domain = domains[0] if domains else "none"
        case.title = str(d.get("title") or "")[:120]
        until = epoch(d.get("valid_until") or d.get("expires_at"))
        if until is not None:
            case.valid_until = until

    def _set_owner(self, case: Case, owner: str) -> None:
        if self._cases_by_org is not None:
            if case.owner:
                self._cases_by_org.get(case.owner, set()).discard(case.id)
            self._cases_by_org.setdefault(owner, set()).add(case.id)
        case.owner = owner

    def _item(
        self, item_id: str, market: str, case_id: str, actor: str, counterpart: str, ev: Incoming
    ) -> Item:
        item = self.items.get(item_id)
        if item is None:
            entity = item_id.partition(":")[0]
            item = self.items[item_id] = Item(
                item_id,
                market,
                entity,
                case_id,
                actor,
                counterpart,
                first_at=ev.time,
                last_at=ev.time,
            )
            if self._items_by_org is not None:
                for org in (actor, counterpart):
                    if org:
                        self._items_by_org.setdefault(org, set()).add(item_id)
        else:
            item.first_at = min(item.first_at, ev.time)
            item.last_at = max(item.last_at, ev.time)
        self._touch("item", item_id)
        return item

    def _stage(self, rule: StageRule, ev: Incoming) -> None:
        d = ev.data
        case_id = str(d.get(rule.case) or "")
        entity = rule.entity or rule.type.split(".")[1]
        item = self._item(
            f"{entity}:{d.get(rule.item) or ev.subject}",
            rule.market,
            case_id,
            str(d.get(rule.actor) or ""),
            str(d.get(rule.counterpart) or "") if rule.counterpart else "",
            ev,
        )
        if ev.version >= item.version:
            item.version = ev.version
            item.state = str(d.get("state") or d.get("stage") or rule.type.rpartition(".")[2])
            if rule.expires:
                item.expires_at = epoch(d.get(rule.expires))
        if case_id:
            case = self._case_of(case_id, rule.market)
            owner = d.get(rule.owner or CASE_OWNER.get(rule.market, ""))
            if not case.owner and owner:
                self._set_owner(case, str(owner))
            if rule.stage:
                at = epoch(d.get(rule.at)) if rule.at else None
                case.reach(rule.stage, at or ev.time)

    def _match(self, ev: Incoming) -> None:
        d = ev.data
        for id_key, kind_key in (
            ("demand_id", "demand_kind"),
            ("supply_id", "supply_kind"),
            ("record_id", "record_kind"),
        ):
            case_id = d.get(id_key)
            market = CASE_KINDS.get(d.get(kind_key) or "")
            if case_id and market:
                case = self._case_of(case_id, market)
                case.reach("matched", ev.time)
                owner = d.get(id_key.replace("_id", "_org_id"))
                if not case.owner and owner:
                    self._set_owner(case, str(owner))
        if d.get("trigger") == "ranking":
            self._item(
                f"match:{d.get('match_id') or ev.subject}",
                "matching",
                str(d.get("demand_id") or ""),
                str(d.get("demand_org_id") or ""),
                str(d.get("supply_org_id") or ""),
                ev,
            )

    def _meeting(self, ev: Incoming) -> None:
        d = ev.data
        item = self._item(
            f"meeting:{d.get('meeting_id') or ev.subject}",
            "techtransfer",
            "",
            str(d.get("requester_org_id") or ""),
            str(d.get("invitee_org_id") or ""),
            ev,
        )
        if ev.version >= item.version:
            item.version, item.state = ev.version, str(d.get("state") or "")

    def _roadshow(self, state: str, ev: Incoming) -> None:
        d = ev.data
        rid = str(d.get("roadshow_id") or ev.subject)
        at = epoch(d.get("starts_at") or d.get("held_at")) or ev.time
        held = self.roadshows.get(rid)
        if held is None or ev.version >= held.version:
            domain = str(d.get("domain") or (held.domain if held else "none"))
            self.roadshows[rid] = Roadshow(rid, domain, state, at, ev.version)
            self._touch("roadshow", rid)

    # -- snapshots -----------------------------------------------------------------------

    def collection(self, kind: str) -> dict[str, Any]:  # one of KINDS
        found: dict[str, dict[str, Any]] = {
            "org": self.orgs,
            "case": self.cases,
            "item": self.items,
            "roadshow": self.roadshows,
        }
        return found[kind]

    def shard_rows(self, kind: str, shards: set[int]) -> dict[int, list[list[Any]]]:
        """The rows of the given shards of a kind, in one pass over its facts."""
        out: dict[int, list[list[Any]]] = {s: [] for s in shards}
        for key, fact in self.collection(kind).items():
            rows = out.get(shard_of(key))
            if rows is not None:
                rows.append(fact.row())
        return out

    def take_dirty(self) -> dict[str, set[int]]:
        taken, self.dirty = self.dirty, {k: set() for k in KINDS}
        return taken

    def load_rows(self, kind: str, rows: Iterable[list[Any]]) -> None:
        target, cls = self.collection(kind), KINDS[kind]
        for row in rows:
            fact = cls.from_row(row)
            target[fact.id] = fact
        self._items_by_org = self._cases_by_org = None

    def owned_cases(self, org_id: str) -> list[Case]:
        if self._cases_by_org is None:
            self._cases_by_org = {}
            for case in self.cases.values():
                if case.owner:
                    self._cases_by_org.setdefault(case.owner, set()).add(case.id)
        return [self.cases[c] for c in sorted(self._cases_by_org.get(org_id, ()))]

    def items_of(self, org_id: str) -> list[Item]:
        if self._items_by_org is None:
            self._items_by_org = {}
            for item in self.items.values():
                for org in (item.actor, item.counterpart):
                    if org:
                        self._items_by_org.setdefault(org, set()).add(item.id)
        return [self.items[i] for i in sorted(self._items_by_org.get(org_id, ()))]
