"""``make bench-lists``: list endpoints with 20,000 records loaded, timed over HTTP.

The real apps of techtransfer, catalogue, talent and notifications run in-process on
throw-away database and topic prefixes (httpx over ASGI, real FerretDB, real Kafka for
their relays), trusting a bench signing key. Loading is fast and honest, not 20,000 HTTP posts:
- techtransfer: one offer and one need are created over HTTP; their stored documents are
  the templates of ``--records`` state documents (half offers, half needs) inserted in
  bulk, ``--orgs`` owners, mixed states; then the store's own keyed lists are built from
  those documents (``KeyedLists.rebuild``, the same entries a save writes);
- catalogue: the same from one application created over HTTP (2 % left submitted: the
  operator's review queue); talent: from one agency registered over HTTP (2 % left
  registered: the operator's verification queue);
- notifications: ``--records`` messages through the repository's own batch insert
  (``add_many``, which writes the inbox lists), ``--orgs`` users.
Then every list endpoint is called ``--rounds`` times, one after another, and timed; a
PyMongo listener counts the collection scans those calls make (reads and writes whose
filter is not ``{_id: <value>}``, :mod:`shared.scans`; the apps' change relays' timer
reads of their own outbox are counted apart: they happen whatever the endpoints do).
The same endpoints are first called ``--plain-rounds`` times with the keyed lists
switched off (the collection queries they replaced): the "before" of the same run, on
the same data.

The last line is one JSON object: {"records", "p50_ms", "p99_ms", "scans"} over the keyed
calls (scans: how many the keyed calls made).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import datetime as dt
import json
import logging
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from pymongo import monitoring
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from services.catalogue.main import create_app as catalogue_app  # noqa: E402
from services.catalogue.settings import CatalogueSettings  # noqa: E402
from services.notifications.domain.records import Message  # noqa: E402
from services.notifications.main import create_app as notifications_app  # noqa: E402
from services.notifications.settings import NotificationsSettings  # noqa: E402
from services.talent.main import create_app as talent_app  # noqa: E402
from services.talent.settings import TalentSettings  # noqa: E402
from services.techtransfer.main import create_app as techtransfer_app  # noqa: E402
from services.techtransfer.settings import TechtransferSettings  # noqa: E402
from shared.auth import Caller, OrgType  # noqa: E402
from shared.bootstrap import published_topics  # noqa: E402
from shared.broker import delete_topics  # noqa: E402
from shared.scans import ScanWatch  # noqa: E402
from shared.settings import Settings  # noqa: E402
from tests.support.auth import TokenMint, bearer, make_caller  # noqa: E402
from tests.support.techtransfer import NEED_FIELDS, OFFER_FIELDS  # noqa: E402

CHUNK = 1000
#: the apps' change relays read their own outbox on a timer (``change_nudges`` every poll,
#: ``changes``/``change_marks`` on a sweep), whatever the endpoints do: counted apart
BACKGROUND = {"change_nudges", "change_marks", "changes"}
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
RECORD_STATES = ["published"] * 7 + ["draft", "withdrawn", "closed"]
APPLICATION_STATES = ["approved"] * 30 + ["rejected"] * 12 + ["draft"] * 6 + ["returned"]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1) if ordered else 0.0


class Apps:
    """The three apps, each with its client, and a bench caller per organisation."""

    def __init__(self, settings: Settings, mint: TokenMint) -> None:
        self.settings, self.mint = settings, mint
        verifier = mint.verifier()
        self.apps = {
            "techtransfer": techtransfer_app(
                settings, TechtransferSettings(sweep_seconds=3600), verifier=verifier,
                sweeper=False,
            ),
            "catalogue": catalogue_app(
                settings, CatalogueSettings(sweep_seconds=3600), verifier=verifier, sweeper=False
            ),
            "talent": talent_app(
                settings, TalentSettings(sweep_seconds=3600), verifier=verifier, sweeper=False
            ),
            "notifications": notifications_app(
                settings, NotificationsSettings(), verifier=verifier, workers=False,
                consume=False,
            ),
        }  # fmt: skip
        self.clients: dict[str, httpx.AsyncClient] = {}
        self.tokens: dict[tuple[str, str], dict[str, str]] = {}

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Apps]:
        async with contextlib.AsyncExitStack() as stack:
            for name, app in self.apps.items():
                await stack.enter_async_context(LifespanManager(app, startup_timeout=120))
                client = httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app), base_url=f"http://{name}", timeout=60
                )
                self.clients[name] = await stack.enter_async_context(client)
            yield self

    def deps(self, name: str) -> Any:
        return self.apps[name].state.deps

    async def call(self, service: str, caller: Caller, method: str, path: str, body: Any = None):
        key = (caller.user_id, caller.organisation_id)
        if key not in self.tokens:  # signed once per caller, outside the timed calls' cost
            self.tokens[key] = bearer(self.mint.token(caller, ttl=3600))
        headers = self.tokens[key]
        r = await self.clients[service].request(method, path, json=body, headers=headers)
        if r.status_code >= 300:
            raise RuntimeError(f"{service} {method} {path}: {r.status_code} {r.text[:300]}")
        return r.json()


def org_id(n: int) -> str:
    return f"enterprise-bench{n:04d}"


def me_caller() -> Caller:
    """Organisation 0's admin, who is also inbox user 0."""
    caller = make_caller(OrgType.enterprise, org_id=org_id(0))
    return caller.model_copy(update={"user_id": "user-bench0000"})


async def bulk(store: Any, docs: list[dict[str, Any]]) -> None:
    """State documents in bulk, then the store's keyed lists built from the same documents."""
    for i in range(0, len(docs), CHUNK):
        await store.col.insert_many(docs[i : i + CHUNK], ordered=False)
    if store.lists is not None:
        await store.lists.rebuild(docs)


def clone(template: dict[str, Any], n: int, **fields: Any) -> dict[str, Any]:
    doc = copy.deepcopy(template)
    doc.update(fields)
    doc["_id"], doc["version"] = f"bench-{n:06d}", 1
    return doc


async def load_techtransfer(apps: Apps, records: int, orgs: int) -> None:
    me = me_caller()
    made = {
        "offers": await apps.call("techtransfer", me, "POST", "/offers",
                                  {**OFFER_FIELDS, "publish": True}),
        "needs": await apps.call("techtransfer", me, "POST", "/needs",
                                 {**NEED_FIELDS, "publish": True}),
    }  # fmt: skip
    repos = apps.deps("techtransfer").repos
    for name, repo in (("offers", repos.offers), ("needs", repos.needs)):
        template = await repo.store.col.find_one({"_id": made[name]["id"]})
        docs = []
        for n in range(records // 2):
            doc = clone(template, n, state=RECORD_STATES[n % len(RECORD_STATES)])
            doc["owner"] = {**doc["owner"], "org_id": org_id(n % orgs)}
            doc["created"] = T0 + dt.timedelta(minutes=n)
            docs.append(doc)
        await bulk(repo.store, docs)


async def load_catalogue(apps: Apps, records: int, orgs: int) -> None:
    me = me_caller()
    body = {"title": "变电站智能巡检机器人（压测）", "domains": ["manufacturing"],
            "price_band": [300000, 900000]}  # fmt: skip
    made = await apps.call("catalogue", me, "POST", "/applications", body)
    store = apps.deps("catalogue").repos.applications
    template = await store.col.find_one({"_id": made["id"]})
    docs = []
    for n in range(records):
        state = "submitted" if n % 50 == 7 else APPLICATION_STATES[n % len(APPLICATION_STATES)]
        doc = clone(template, n, state=state, owner_org_id=org_id(n % orgs))
        doc["updated_at"] = doc["created_at"] = T0 + dt.timedelta(minutes=n)
        docs.append(doc)
    await bulk(store, docs)


async def load_agencies(apps: Apps, records: int) -> None:
    agency = make_caller(OrgType.headhunter)
    body = {"name": "北京英才猎头有限公司", "description": "专注集成电路与人工智能中高端人才",
            "specialisms": ["ic", "ai"], "seniority_range": ["senior", "executive"],
            "placements_last_year": 40, "district": "朝阳区",
            "qualifications": [{"kind": "hr_service_licence", "number": "HR-1"}]}  # fmt: skip
    await apps.call("talent", agency, "POST", "/agencies", body)
    store = apps.deps("talent").repos.agencies
    template = await store.col.find_one({"_id": agency.organisation_id})
    states = ["verified"] * 45 + ["suspended"] * 4
    docs = [
        clone(template, n, state="registered" if n % 50 == 7 else states[n % len(states)])
        for n in range(records)
    ]
    await bulk(store, docs)


async def load_inbox(apps: Apps, records: int, orgs: int) -> None:
    repo = apps.deps("notifications").repos.messages
    batch: list[Message] = []
    for n in range(records):
        batch.append(Message(
            id=f"bench-{n:06d}", user_id=f"user-bench{n % orgs:04d}",
            organisation_id=org_id(n % orgs),
            event_id=f"event-{n:06d}", event_type="matching.match.suggested", category="match",
            title="新的匹配推荐", body="有一项技术成果与您的需求匹配", link="/matches",
            subject_kind="pair", subject_id=f"pair-{n}", language="zh-CN",
            created_at=T0 + dt.timedelta(minutes=n),
            read_at=T0 if n % 3 == 0 else None,
        ))  # fmt: skip
        if len(batch) == 500:
            await repo.add_many(batch)
            batch = []
    if batch:
        await repo.add_many(batch)


def endpoints(orgs: int) -> list[tuple[str, str, Caller, str]]:
    me = me_caller()
    operator = make_caller(OrgType.operator)
    other = org_id(orgs // 2 + 1)
    return [
        ("my offers", "techtransfer", me, f"/offers?owner={org_id(0)}"),
        ("my published needs", "techtransfer", me, f"/needs?owner={org_id(0)}&status=published"),
        ("an org's offers", "techtransfer", me, f"/offers?owner={other}"),
        ("my applications", "catalogue", me, "/applications"),
        ("operator review queue", "catalogue", operator, "/applications?state=submitted"),
        ("operator agency queue", "talent", operator, "/agencies?state=registered"),
        ("my inbox", "notifications", me, "/inbox"),
        ("my unread", "notifications", me, "/inbox?unread=true"),
        ("my unread count", "notifications", me, "/inbox/unread-count"),
    ]


def keyed(apps: Apps) -> list[Any]:
    """Every holder of keyed lists that still has a scan path (to switch them off and on).
    The inbox has none any more (its repository reads only its lists), so its "before"
    columns time the keyed read too."""
    tt, cat = apps.deps("techtransfer").repos, apps.deps("catalogue").repos
    return [tt.offers.store, tt.needs.store, cat.applications, apps.deps("talent").repos.agencies]


async def timed(apps: Apps, watch: ScanWatch, rounds: int, orgs: int) -> dict[str, dict]:
    out: dict[str, dict[str, Any]] = {}
    for label, service, caller, path in endpoints(orgs):
        await apps.call(service, caller, "GET", path)  # warm-up, untimed
        times: list[float] = []
        watch.clear()
        watch.on = True
        for _ in range(rounds):
            start = time.perf_counter()
            page = await apps.call(service, caller, "GET", path)
            times.append((time.perf_counter() - start) * 1000)
        watch.on = False
        mine = {s: n for s, n in watch.seen.items() if s.collection not in BACKGROUND}
        scans = sum(mine.values())
        shapes = sorted({f"{s.collection}:{s.command}({s.fields})" for s in mine})
        out[label] = {"times": times, "scans": scans, "page": page, "shapes": shapes,
                      "background": watch.total() - scans}  # fmt: skip
    return out


def size(page: Any) -> str:
    if isinstance(page, dict) and "total" in page:
        return f"{len(page['items'])}/{page['total']}"
    if isinstance(page, dict) and "items" in page:
        return f"{len(page['items'])} (unread {page.get('unread')})"
    return json.dumps(page)[:30]


async def main(args: argparse.Namespace) -> dict[str, Any]:
    run = uuid.uuid4().hex[:10]
    settings = Settings(db_prefix=f"bench_{run}", topic_prefix=f"bench-{run}.",
                        group_prefix=f"bench-{run}")  # fmt: skip
    watch = ScanWatch(prefix=settings.db_prefix)
    watch.on = False
    monitoring.register(watch)  # before the apps make their clients
    logging.getLogger("httpx").setLevel(logging.WARNING)
    apps = Apps(settings, TokenMint())
    console = Console(width=220)  # the table's columns stay readable in a log
    try:
        async with apps.running():
            start = time.perf_counter()
            await load_techtransfer(apps, args.records, args.orgs)
            await load_catalogue(apps, args.records, args.orgs)
            await load_agencies(apps, args.records)
            await load_inbox(apps, args.records, args.orgs)
            console.print(f"loaded {args.records} records into each of 4 services (techtransfer: "
                          f"half offers, half needs) in "
                          f"{time.perf_counter() - start:.1f} s")  # fmt: skip
            holders = keyed(apps)
            saved = [h.lists for h in holders]
            for h in holders:
                h.lists = None
            plain = await timed(apps, watch, args.plain_rounds, args.orgs)
            for h, lists in zip(holders, saved, strict=True):
                h.lists = lists
            fast = await timed(apps, watch, args.rounds, args.orgs)
    finally:
        await drop(settings)
    table = Table(title=f"list endpoints, {args.records} records per service (ms)")
    for col in ("endpoint", "page", "before p50", "before p99", "before scans/call",
                "keyed p50", "keyed p99", "keyed scans", "scan shapes before"):  # fmt: skip
        table.add_column(col)
    for label, after in fast.items():
        before = plain[label]
        table.add_row(label, size(after["page"]), f"{pct(before['times'], .5)}",
                      f"{pct(before['times'], .99)}",
                      f"{before['scans'] / max(1, args.plain_rounds):.1f}",
                      f"{pct(after['times'], .5)}", f"{pct(after['times'], .99)}",
                      str(after["scans"]), "; ".join(before["shapes"]))  # fmt: skip
    console.print(table)
    for label, after in fast.items():
        if after["shapes"]:
            console.print(f"[red]{label}: keyed calls still scan: {'; '.join(after['shapes'])}")
    every = [t for r in fast.values() for t in r["times"]]
    before_all = [t for r in plain.values() for t in r["times"]]
    console.print(f"before (collection queries): p50 {pct(before_all, .5)} ms, "
                  f"p99 {pct(before_all, .99)} ms over {len(before_all)} calls")  # fmt: skip
    relays = sum(r["background"] for r in [*plain.values(), *fast.values()])
    console.print(f"the relays' own timer reads of their outbox meanwhile (not counted as "
                  f"the endpoints' scans): {relays}")  # fmt: skip
    return {
        "records": args.records,
        "p50_ms": pct(every, 0.5),
        "p99_ms": pct(every, 0.99),
        "scans": sum(r["scans"] for r in fast.values()),
    }


async def drop(settings: Settings) -> None:
    from shared.db import create_mongo_client

    client = create_mongo_client(settings)
    for name in await client.list_database_names():
        if name.startswith(settings.db_prefix):
            await client.drop_database(name)
    await client.close()
    for service in ("techtransfer", "catalogue", "talent"):
        with contextlib.suppress(Exception):
            await delete_topics(published_topics(service, settings), settings)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--orgs", type=int, default=100, help="owners / inbox users")
    parser.add_argument("--rounds", type=int, default=40, help="keyed calls per endpoint")
    parser.add_argument("--plain-rounds", type=int, default=3, help="calls per endpoint before")
    result = asyncio.run(main(parser.parse_args()))
    print(json.dumps(result))
