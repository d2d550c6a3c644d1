"""District codes (identity's) and the Chinese names market records carry, and months in
Beijing time: the read model keys everything by code and by Beijing calendar month."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from shared.events.contracts._market import DISTRICTS as DISTRICT_NAMES_ZH

DISTRICTS = tuple(DISTRICT_NAMES_ZH)
CITY = "city"  # 全市: a record for the whole city
UNKNOWN = "unknown"
_BY_NAME = {v: k for k, v in DISTRICT_NAMES_ZH.items()} | {"全市": CITY, "经开区": "bda"}
BEIJING = dt.timezone(dt.timedelta(hours=8))


def district_code(value: str | None) -> str | None:
    """A code from a code or a Chinese name; None when absent or not a district."""
    if not value:
        return None
    if value in DISTRICT_NAMES_ZH or value == CITY:
        return value
    return _BY_NAME.get(value)


def district_label(code: str) -> str:
    return DISTRICT_NAMES_ZH.get(code) or {CITY: "全市", UNKNOWN: "未知"}.get(code, code)


@lru_cache(maxsize=4096)
def _month_of_hour(hour: int) -> str:
    return dt.datetime.fromtimestamp(hour * 3600, BEIJING).strftime("%Y-%m")


def month_of(ts: float) -> str:
    """The Beijing calendar month (YYYY-MM) of a UTC epoch time."""
    return _month_of_hour(int(ts // 3600))


def epoch(value: object) -> float | None:
    """Epoch seconds of a datetime, date or ISO string (None when absent or unreadable)."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).timestamp()
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=BEIJING).timestamp()
    return None
