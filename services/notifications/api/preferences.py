"""The signed-in user's own notification preferences (and their e-mail address for it)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from services.notifications.api import DepsDep, operation_id
from services.notifications.domain.preferences import Category, CategoryChoice, Preferences
from services.notifications.errors import invalid
from services.notifications.usecases import preferences
from shared.auth import CurrentCaller

router = APIRouter(tags=["preferences"], generate_unique_id_function=operation_id)


class PreferencesPublic(BaseModel):
    email: str | None = Field(description="where e-mail notifications go")
    categories: dict[Category, CategoryChoice] = Field(
        description="every category with its effective choice"
    )

    @classmethod
    def of(cls, prefs: Preferences) -> PreferencesPublic:
        return cls(email=prefs.email, categories=prefs.complete())


class PreferencesUpdate(BaseModel):
    """The whole preference set (categories left out take the default)."""

    model_config = ConfigDict(extra="forbid")

    email: str | None = Field(None, max_length=254, repr=False, examples=["zhang.wei@example.cn"])
    categories: dict[Category, CategoryChoice] = Field(
        default_factory=dict,
        examples=[{"match": {"channel": "email", "cadence": "daily_digest"}}],
    )


@router.get("/preferences", summary="My notification preferences")
async def get_preferences(caller: CurrentCaller, deps: DepsDep) -> PreferencesPublic:
    """Any signed-in user, their own preferences only."""
    return PreferencesPublic.of(await preferences.get(deps, caller.user_id))


@router.put("/preferences", summary="Replace my notification preferences")
async def put_preferences(
    body: PreferencesUpdate, caller: CurrentCaller, deps: DepsDep
) -> PreferencesPublic:
    """Any signed-in user, their own preferences only. E-mail needs an address."""
    try:
        prefs = Preferences(email=body.email, categories=body.categories)
    except ValidationError as exc:
        # Never echo the input back: it may be an e-mail address.
        if body.email is None:
            raise invalid(
                "email", "email_required", "选择邮件通知需先填写邮箱",
                "an e-mail address is needed for e-mail",
            ) from exc  # fmt: skip
        raise invalid(
            "email", "invalid_email", "邮箱地址无效", "not a valid e-mail address"
        ) from exc
    return PreferencesPublic.of(await preferences.put(deps, caller.user_id, prefs))
