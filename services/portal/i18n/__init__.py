"""One message catalogue for every text of the portal (Babel, gettext ``.po`` files).

Source strings are Simplified Chinese (the default language); ``en.po`` translates them.
The catalogue is read once at start-up with Babel's PO reader, so no compile step is
needed. Numbers, amounts (元 / 万元) and dates (Asia/Shanghai) are formatted with Babel's
locale data for ``zh_Hans_CN`` and ``en``.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

HERE = Path(__file__).parent
LANGS = ("zh", "en")
LOCALES = {"zh": "zh_Hans_CN", "en": "en"}
TZ = ZoneInfo("Asia/Shanghai")


@lru_cache
def catalogue(lang: str) -> dict[str, str]:
    """Source text -> translation for ``lang``. The source is Chinese, so ``zh.po`` only
    names codes (domains, modes, states) for Chinese readers."""
    with (HERE / f"{lang}.po").open("rb") as f:
        po = read_po(f)
    return {str(m.id): str(m.string) for m in po if m.id and m.string}


CODE_PREFIXES = (
    "field:",
    "domain:",
    "mode:",
    "market:",
    "stage:",
    "decision:",
    "step:",
    "cv:",
    "meeting:",
)


def gettext(lang: str, text: str, **params: object) -> str:
    """``text`` in ``lang``; a code with no entry (``field:seats_left``) shows as its
    name in words rather than as the code."""
    translated = catalogue(lang).get(text)
    if translated is None:
        prefix = next((p for p in CODE_PREFIXES if text.startswith(p)), None)
        translated = text[len(prefix) :].replace("_", " ") if prefix else text
    return translated.format(**params) if params else translated


def amount(value: float | int | None, lang: str) -> str:
    """Yuan as Chinese readers expect: 万元 from ten thousand up (English: CNY)."""
    if value is None:
        return "—"
    if lang == "zh":
        if abs(value) >= 10_000:
            return f"{format_decimal(value / 10_000, '#,##0.##', locale=LOCALES[lang])} 万元"
        return f"{format_decimal(value, '#,##0', locale=LOCALES[lang])} 元"
    return f"CNY {format_decimal(value, '#,##0', locale=LOCALES[lang])}"


def when(value: str | dt.datetime | None, lang: str) -> str:
    """A moment in Beijing time, medium length, in the reader's language."""
    if value in (None, ""):
        return "—"
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return format_datetime(moment.astimezone(TZ), "medium", tzinfo=TZ, locale=LOCALES[lang])
