"""The stored shapes of identity's aggregates: an organisation (with tiers) and a user."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from services.identity.domain.organisations import EnterpriseProfile, Profile, Role
from services.identity.domain.signup import SignUpRecord, Standing
from services.identity.domain.tiers import TierChange, TierState


class Organisation(BaseModel):
    """One organisation of any type; enterprises also carry tier state and history."""

    id: str
    profile: Profile
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = 1
    tiers: TierState = Field(default_factory=TierState)
    tier_history: list[TierChange] = Field(default_factory=list)
    # operator-registered (and every organisation from before self-sign-up) count as verified
    standing: Standing = Standing.verified
    sign_up: SignUpRecord | None = None

    @property
    def verified(self) -> bool:
        return self.standing is Standing.verified

    @property
    def enterprise(self) -> EnterpriseProfile | None:
        return self.profile if isinstance(self.profile, EnterpriseProfile) else None

    @property
    def registry_key(self) -> str:
        """Unique per organisation: the credit code when it has one, else its id."""
        code = getattr(self.profile, "credit_code", None)
        return f"uscc:{code}" if code else f"id:{self.id}"


class User(BaseModel):
    """A person who signs in; belongs to exactly one organisation."""

    id: str
    organisation_id: str
    name: str
    email: str
    role: Role
    password_hash: str = Field(repr=False)
    created_at: dt.datetime
    disabled: bool = False
