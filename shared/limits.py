"""Bounded input types for request models: every string has a length, every list a count,
control characters are refused, and numbers are strict where coercion would change the
meaning (``"trl": true`` must not become TRL 1).

Use them in pydantic models: ``title: Title``, ``keywords: Codes``, ``trl: StrictInt``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field, StrictFloat, StrictInt

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def no_control_chars(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("不能包含控制字符 / must not contain control characters")
    return value


def _text(max_length: int, min_length: int = 0) -> object:
    return Annotated[
        str, Field(min_length=min_length, max_length=max_length), AfterValidator(no_control_chars)
    ]


Name = _text(200, 1)  # names, titles
Title = _text(200, 1)
ShortText = _text(500)
Text = _text(10_000)  # descriptions, proposals
Code = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")
]  # domain and qualification codes, ids
Keyword = _text(50, 1)
Codes = Annotated[list[Code], Field(max_length=20)]  # type: ignore[valid-type]
Keywords = Annotated[list[Keyword], Field(max_length=30)]  # type: ignore[valid-type]
Url = Annotated[str, Field(max_length=2000, pattern=r"^https?://\S+$")]
Cny = Annotated[StrictFloat | StrictInt, Field(ge=0, le=1e13)]  # yuan
Count = Annotated[StrictInt, Field(ge=0, le=1_000_000)]
#: moments and days a request may name: the services shift them (a Beijing month, a
#: cut-off hours before, slots after) and Python's datetime ends at year 9999
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
_RANGE = "日期须在 2000 年至 2099 年之间 / must be between 2000 and 2099"


def plausible_moment(value: dt.datetime) -> dt.datetime:
    if not EARLIEST <= value.astimezone(dt.UTC).date() <= LATEST:
        raise ValueError(_RANGE)
    return value


def plausible_day(value: dt.date) -> dt.date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(_RANGE)
    return value


Moment = Annotated[AwareDatetime, AfterValidator(plausible_moment)]  # with its zone
Day = Annotated[dt.date, AfterValidator(plausible_day)]
MAX_BODY_BYTES = 1_000_000
MAX_PATH_SEGMENT_BYTES = 256  # one id in a URL, percent-encoded
