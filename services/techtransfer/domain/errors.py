"""Domain errors: each names the offending field and the reason, plus a stable code.

They are :mod:`shared.errors` classes, so ``shared/web.py`` renders them as RFC 9457
problem details (``errors: [{field, code, message}]``) with the class's status; nothing
here imports a web framework.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import ValidationError

from shared.errors import ConflictError, DuijieError, ForbiddenError, InvalidInput, NotFoundError


class DomainError(DuijieError):
    """A rule of the domain was broken; ``field`` says where, ``reason`` says why."""

    default_code: ClassVar[str] = "domain_error"

    def __init__(
        self, field: str, reason: str, code: str | None = None, *, zh: str | None = None
    ) -> None:
        # ``reason`` is the English text; ``zh`` the Chinese one shown by default.
        super().__init__(field, code or self.default_code, zh=zh or reason, en=reason)
        self.reason = reason

    def as_dict(self) -> dict[str, str]:
        """The error as a plain mapping (CLI output, logs)."""
        return {"code": self.code, "field": self.field, "reason": self.reason}


class Invalid(DomainError, InvalidInput):
    """The input itself is wrong (out of range, inconsistent, in the past)."""

    default_code = "invalid"


class Forbidden(DomainError, ForbiddenError):
    """The actor may not do this (not the owner, wrong kind of organisation)."""

    default_code = "forbidden"


class NotFound(DomainError, NotFoundError):
    """A referenced thing does not exist (or is not visible to the actor)."""

    default_code = "not_found"


class Conflict(DomainError, ConflictError):
    """The request clashes with the current state (duplicate, wrong state, too late)."""

    default_code = "conflict"


class InvalidTransition(Conflict):
    """The entity's state does not allow this action."""

    default_code = "invalid_transition"


# Chinese for the words interpolated into messages (kinds, states, actions, entities);
# an unknown word is shown as is rather than failing the error.
_ZH = {
    "tech_offer": "科技成果",
    "tech_need": "技术需求",
    "technology offer": "科技成果",
    "technology need": "技术需求",
    "deal": "成交",
    "expression of interest": "合作意向",
    "meeting request": "洽谈请求",
    "session": "对接洽谈会",
    "enterprise": "企业",
    "university": "高校",
    "institute": "科研院所",
    "operator": "运营方",
    "soe": "国企",
    "government": "政府部门",
    "investor": "投资机构",
    "headhunter": "人才服务机构",
    "draft": "草稿",
    "published": "已发布",
    "withdrawn": "已撤回",
    "closed": "已关闭",
    "reported": "已报告",
    "confirmed": "已确认",
    "disputed": "有异议",
    "open": "待处理",
    "accepted": "已接受",
    "declined": "已拒绝",
    "expired": "已过期",
    "requested": "待答复",
    "locked": "已锁定",
    "scheduled": "已排期",
    "rated": "已评价",
    "edit": "编辑",
    "publish": "发布",
    "withdraw": "撤回",
    "close": "关闭",
    "confirm": "确认",
    "dispute": "提出异议",
    "accept": "接受",
    "decline": "拒绝",
    "expire": "过期处理",
    "rate": "评价",
    "lock": "锁定",
    "answer a deal report": "答复成交报告",
    "answer an expression of interest": "答复合作意向",
    "create brokerage sessions": "创建对接洽谈会",
    "express interest": "表达合作意向",
    "register for brokerage sessions": "报名对接洽谈会",
    "report a deal": "报告成交",
    "request meetings": "发起洽谈请求",
}


def zh(term: object) -> str:
    """The Chinese for a word or phrase interpolated into a message (itself if unknown)."""
    text = getattr(term, "value", term)
    return _ZH.get(str(text), str(text))


def invalid_from_validation(exc: ValidationError) -> Invalid:
    """Turn pydantic's first error into an ``Invalid`` naming the field (dotted path)."""
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "body"
    return Invalid(field, first["msg"].removeprefix("Value error, "))
