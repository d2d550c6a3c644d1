"""One error hierarchy for every service, free of any web framework.

Domain and use-case code raise these; ``shared/web.py`` maps them, in one place, to RFC
9457 problem details (``application/problem+json``) with ``errors: [{field, code,
message}]``, the message in Simplified Chinese by default and English by
``Accept-Language``. ``field`` is a dotted path into the request (``content.trl``);
``code`` is a stable machine code clients may branch on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request: where, a stable code, and the text in both languages."""

    field: str
    code: str
    zh: str
    en: str

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


class DuijieError(Exception):
    """Base of every error a client should see as a 4xx (never a 500)."""

    status: int = 400
    title_zh: str = "请求有误"
    title_en: str = "Bad request"
    headers: dict[str, str] | None = None  # sent with the answer (WWW-Authenticate, Retry-After)

    def __init__(self, field: str, code: str, *, zh: str, en: str | None = None) -> None:
        self.problems = [Problem(field, code, zh, en or zh)]
        super().__init__(f"{field}: {en or zh}")

    @classmethod
    def of(cls, problems: list[Problem]) -> DuijieError:
        """One error carrying several problems (e.g. every field a review rejected)."""
        first = problems[0]
        err = cls(first.field, first.code, zh=first.zh, en=first.en)
        err.problems = list(problems)
        return err

    @property
    def field(self) -> str:
        return self.problems[0].field

    @property
    def code(self) -> str:
        return self.problems[0].code


class InvalidInput(DuijieError):
    """The request breaks a rule about its own content (a range, a deadline, a size)."""

    status = 422
    title_zh, title_en = "输入不符合要求", "Invalid input"


class Unauthorized(DuijieError):
    """No valid token: the answer carries ``WWW-Authenticate``."""

    status = 401
    title_zh, title_en = "未登录或凭据无效", "Unauthorized"


class NotFoundError(DuijieError):
    status = 404
    title_zh, title_en = "未找到", "Not found"


class ForbiddenError(DuijieError):
    """Signed in, but this caller may not do this (role, ownership, org type)."""

    status = 403
    title_zh, title_en = "无权操作", "Forbidden"


class ConflictError(DuijieError):
    """The request is valid but the current state refuses it (taken, full, twice, closed)."""

    status = 409
    title_zh, title_en = "状态冲突", "Conflict"


class TooLarge(DuijieError):
    status = 413
    title_zh, title_en = "内容过大", "Content too large"


class Unavailable(DuijieError):
    """A dependency is away for a moment; the caller may retry."""

    status = 503
    title_zh, title_en = "服务暂不可用", "Service unavailable"


def not_found(field: str, what: str) -> Callable[[], NotFoundError]:
    """A factory of 404s naming ``what`` — ``"中文 / English"`` — in each language
    (未找到路演 / no such roadshow), for ``require(id, not_found(...))``."""
    zh, sep, en = what.partition(" / ")

    def make() -> NotFoundError:
        return NotFoundError(
            field, "not_found", zh=f"未找到{zh}", en=f"no such {en if sep else zh}"
        )

    return make
