"""Talent's storage: aggregate stores on ``shared.store`` (every conditional change is a
versioned save or a unique create), counted units for claim slots and fair places, CV
bytes keyed by id. The only place with Mongo operators (see ``queries``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from services.talent.domain.agencies import Agency
from services.talent.domain.candidates import Candidate
from services.talent.domain.claims import Claim
from services.talent.domain.demands import Demand
from services.talent.domain.fairs import Fair, Registration
from shared.files import FileStore
from shared.keyed_lists import ListSpec
from shared.store import MongoAggregateStore
from shared.units import CountedUnits

#: the operator's verification queue (agencies registered, not yet verified), read by
#: ``_id`` (shared/keyed_lists.py); verified and suspended ones are not listed this way
AGENCY_QUEUE = (ListSpec("queue", ("state",), (), (("state", ("registered",)),), buckets=4),)


class PersonKey(BaseModel):
    """One (demand, person hash) pair: its unique create decides the first submitter."""

    candidate_id: str
    agency_id: str
    at: dt.datetime | None = None  # when taken (the sweeper frees keys of died submissions)


@dataclass(frozen=True)
class Repositories:
    demands: MongoAggregateStore[Demand]
    agencies: MongoAggregateStore[Agency]
    claims: MongoAggregateStore[Claim]
    candidates: MongoAggregateStore[Candidate]
    person_keys: MongoAggregateStore[PersonKey]
    fairs: MongoAggregateStore[Fair]
    registrations: MongoAggregateStore[Registration]
    units: CountedUnits
    files: FileStore

    @classmethod
    def over(cls, db: AsyncDatabase[Any]) -> Repositories:
        return cls(
            demands=MongoAggregateStore(db, "demand", Demand, collection="demands"),
            agencies=MongoAggregateStore(
                db, "agency", Agency, collection="agencies", lists=AGENCY_QUEUE
            ),
            claims=MongoAggregateStore(db, "claim", Claim, collection="claims"),
            candidates=MongoAggregateStore(db, "candidate", Candidate, collection="candidates"),
            person_keys=MongoAggregateStore(db, "person_key", PersonKey, collection="person_keys"),
            fairs=MongoAggregateStore(db, "fair", Fair, collection="fairs"),
            registrations=MongoAggregateStore(
                db, "fair_registration", Registration, collection="fair_registrations"
            ),
            units=CountedUnits(db),
            files=FileStore(db, "cv_files"),
        )

    async def ensure_indexes(self) -> None:
        await self.agencies.ensure_indexes()  # its keyed list, for a database from before it
        await self.demands.ensure_indexes([("state", 1), ("created_at", -1)], "owner_org_id")
        await self.claims.ensure_indexes(
            [("state", 1), ("expires_at", 1)], "demand_id", "agency_id", "units_freed"
        )
        await self.candidates.ensure_indexes(
            "demand_id", "agency_id", "enterprise_org_id", "placement.state"
        )
        await self.registrations.ensure_indexes("fair_id")
        await self.person_keys.ensure_indexes("at")
