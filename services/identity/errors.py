"""The one error identity raises from its use cases: a :class:`shared.errors.DuijieError`
with the status it answers with, so ``shared/web.py`` renders it as problem details
(``errors: [{field, code, message}]``, zh by default, en by ``Accept-Language``).

Messages are written ``"中文 / English"``; the two halves become the two languages. 401
and 429 (the sign-in layer's answers) are problem details too, with their headers
(``Retry-After``).
"""

from __future__ import annotations

from typing import Any

from shared.errors import (
    ConflictError,
    DuijieError,
    ForbiddenError,
    InvalidInput,
    NotFoundError,
    TooLarge,
    Unavailable,
)

_BY_STATUS: dict[int, type[DuijieError]] = {
    c.status: c for c in (InvalidInput, NotFoundError, ForbiddenError, ConflictError, TooLarge)
}
_BY_STATUS[Unavailable.status] = Unavailable
_TITLES = {401: ("未登录或凭据无效", "Unauthorized"), 429: ("请求过于频繁", "Too many requests")}


class IdentityError(DuijieError):
    """A failure with its status, field, stable reason code and bilingual message."""

    def __init__(
        self,
        status: int,
        field: str,
        reason: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        zh, sep, en = message.partition(" / ")
        super().__init__(field, reason, zh=zh, en=en if sep else zh)
        self.status = status
        shared = _BY_STATUS.get(status)
        default = _TITLES.get(status, ("请求有误", "Bad request"))
        self.title_zh, self.title_en = (shared.title_zh, shared.title_en) if shared else default
        self.reason = reason
        self.message = message
        self.headers = headers
        self.body = {"field": field, "reason": reason, "message": message, **extra}


def not_found(field: str, what: str) -> IdentityError:
    return IdentityError(404, field, "not_found", f"{what}不存在 / not found")


def forbidden(reason: str, message: str, field: str = "caller") -> IdentityError:
    return IdentityError(403, field, reason, message)
