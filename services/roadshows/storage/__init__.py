"""Roadshows' storage: aggregate stores on ``shared.store`` (every conditional change is a
versioned save or a unique create), counted units for pitch slots and investor seats,
deck bytes keyed by id, and two read models fed by events (enterprise tiers from
identity, match scores from matching). Mongo operators live in ``queries`` only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field
from pymongo.asynchronous.database import AsyncDatabase

from services.roadshows.domain.applications import Application
from services.roadshows.domain.calendar import Roadshow
from services.roadshows.domain.followups import Followup
from services.roadshows.domain.meetings import Meeting
from services.roadshows.domain.records import Mandate, Pitch
from services.roadshows.domain.seats import Booking
from shared.files import FileStore
from shared.store import MongoAggregateStore
from shared.units import CountedUnits


class EnterpriseTiers(BaseModel):
    """identity's tier lists of one enterprise, as of its history entry ``sequence``."""

    id: str
    tiers: list[str] = Field(default_factory=list)
    sequence: int = 0


class PitchScores(BaseModel):
    """matching's best scores for one pitch, by mandate id."""

    id: str
    scores: dict[str, float] = Field(default_factory=dict)


@dataclass(frozen=True)
class Repositories:
    mandates: MongoAggregateStore[Mandate]
    pitches: MongoAggregateStore[Pitch]
    roadshows: MongoAggregateStore[Roadshow]
    applications: MongoAggregateStore[Application]
    bookings: MongoAggregateStore[Booking]
    meetings: MongoAggregateStore[Meeting]
    followups: MongoAggregateStore[Followup]
    tiers: MongoAggregateStore[EnterpriseTiers]
    scores: MongoAggregateStore[PitchScores]
    units: CountedUnits
    decks: FileStore

    @classmethod
    def over(cls, db: AsyncDatabase[Any]) -> Repositories:
        def store(kind: str, model: type[Any], collection: str, **kw: Any) -> Any:
            return MongoAggregateStore(db, kind, model, collection=collection, **kw)

        return cls(
            mandates=store("mandate", Mandate, "mandates"),
            pitches=store("pitch", Pitch, "pitches"),
            roadshows=store(
                "roadshow",
                Roadshow,
                "roadshows",
                index_fields=lambda r: {
                    "domain": r.content.domain,
                    "starts_at": r.content.starts_at,
                },
            ),
            applications=store("application", Application, "applications"),
            bookings=store("booking", Booking, "bookings"),
            meetings=store("meeting", Meeting, "meetings"),
            followups=store("followup", Followup, "followups"),
            tiers=store("enterprise_tiers", EnterpriseTiers, "enterprise_tiers"),
            scores=store("pitch_scores", PitchScores, "pitch_scores"),
            units=CountedUnits(db),
            decks=FileStore(db, "decks"),
        )

    async def ensure_indexes(self) -> None:
        await self.mandates.ensure_indexes("owner_org_id")
        await self.pitches.ensure_indexes("owner_org_id")
        await self.roadshows.ensure_indexes("month", [("starts_at", 1)])
        await self.applications.ensure_indexes("roadshow_id", "enterprise_org_id", "pitch_id")
        await self.bookings.ensure_indexes("roadshow_id", "investor_org_id")
        await self.meetings.ensure_indexes("roadshow_id")
