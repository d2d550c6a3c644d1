"""Errors the use cases raise. They are :mod:`shared.errors` classes, so ``shared/web.py``
renders them as RFC 9457 problem details (``errors: [{field, code, message}]``), in
Chinese by default and English by ``Accept-Language``, like every other service."""

from __future__ import annotations

from shared.errors import DuijieError, ForbiddenError, InvalidInput, NotFoundError


class MatchingError(DuijieError):
    """``reason`` is the stable code, ``message`` the English text, ``zh`` the Chinese."""

    def __init__(self, field: str, reason: str, message: str, zh: str | None = None) -> None:
        super().__init__(field, reason, zh=zh or message, en=message)
        self.reason = reason
        self.message = message

    @property
    def status_code(self) -> int:
        return self.status


class NotFound(MatchingError, NotFoundError):
    pass


class Forbidden(MatchingError, ForbiddenError):
    pass


class Invalid(MatchingError, InvalidInput):
    pass
