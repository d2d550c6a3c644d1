"""The codes readers meet, in words: choices offered in forms and states shown in lists.

A form field offers choices when its schema has an ``enum`` (or ``items.enum``), or when
its name is one of the open code lists the services keep as plain strings (domains,
districts): :data:`FIELD_VOCAB` names those. Each choice is ``(value sent, catalogue
msgid)``, so zh and en come from the one message catalogue.

States are shown through :func:`state_label`: ``state:<kind>:<value>`` where the same code
means something else in one record kind (a booking's ``held`` is a seat kept, a
roadshow's ``held`` took place), else ``state:<value>``.
"""

from __future__ import annotations

from typing import Any

from services.portal.i18n import amount, catalogue, gettext, when
from shared.events.contracts._market import DISTRICTS, DOMAINS

#: qualification codes of the matching set (``shared/data/README.md``); a scenario's
#: hard requirement and an applicant's facts name them
QUALIFICATIONS = (
    "hnte", "specialised_sme", "little_giant", "iso9001", "iso27001", "iso13485", "cmmi3",
    "cmmi5", "itss", "caac_uas", "surveying", "cma", "crypto_cert", "power_install",
    "nmpa_reg", "construction_smart", "ad_test_permit",
)  # fmt: skip

Choice = tuple[str, str]  # (value sent to the service, catalogue msgid of its label)

VOCABS: dict[str, list[Choice]] = {
    "domain": [(code, f"domain:{code}") for code in DOMAINS],
    # market records name the district in Chinese; the label still follows the reader
    "district": [("全市", "全市")] + [(zh, f"district:{c}") for c, zh in DISTRICTS.items()],
    "qualification": [(code, f"qualification:{code}") for code in QUALIFICATIONS],
}

#: form fields (by name) whose schema is a plain string but whose values are codes
FIELD_VOCAB: dict[str, str] = {
    "domain": "domain",
    "domains": "domain",
    "specialisms": "domain",
    "district": "district",
    "qualifications": "qualification",
    "required_qualifications": "qualification",
    "facts.qualifications": "qualification",
    "requirements.qualifications": "qualification",
}

STATE_KEYS = ("state", "status", "standing")
#: single-choice fields whose schema enum codes have their own catalogue entries
ENUM_KEYS = ("category", "kind", "seniority", "claim_mode", "stage", "fund_type", "mode")
AMOUNT_KEYS = ("price_band",)  # besides every ``*_cny``: yuan, or [min, max] in yuan


def choices(field_name: str) -> list[Choice]:
    return list(VOCABS.get(FIELD_VOCAB.get(field_name, ""), []))


def choice_label(field_name: str, value: Any, lang: str) -> str:
    """A code as its words: the field's vocabulary, else the code's own catalogue entry."""
    msgid = dict(choices(field_name)).get(str(value), str(value))
    return gettext(lang, msgid)


def state_label(kind: str, value: Any, lang: str) -> str:
    if value in (None, ""):
        return "—"
    known = catalogue(lang)
    for msgid in (f"state:{kind}:{value}", f"state:{value}"):
        if msgid in known:
            return known[msgid]
    return gettext(lang, str(value))


def shown(kind: str, key: str, value: Any, lang: str) -> str:
    """One field of a record as a reader sees it in a list or on a detail page."""
    if value in (None, "", [], {}):
        return "—"
    if key in STATE_KEYS:
        return state_label(kind, value, lang)
    if key.endswith("_cny") or key in AMOUNT_KEYS:
        if isinstance(value, list | tuple) and len(value) == 2:
            return f"{amount(value[0], lang)} – {amount(value[1], lang)}"
        if isinstance(value, int | float):
            return amount(value, lang)
    if key.endswith("_at") or key == "deadline":
        try:
            return when(value, lang)
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, list | tuple):
        return "、".join(choice_label(key, v, lang) for v in value)
    if isinstance(value, bool):
        return gettext(lang, "是" if value else "否")
    if isinstance(value, str) and (key in FIELD_VOCAB or key in ENUM_KEYS):
        return choice_label(key, value, lang)
    return str(value)


#: what the owner entered sits in one of these; its fields are shown as the record's own
INNER = ("spec", "content", "profile")
#: bookkeeping a reader has no use for (ids are shown as names where a page resolves them)
HIDDEN = ("id", "version", "digest", "history", "rounds", "documents", "deck", "presenters",
          "units_freed", "reminded")  # fmt: skip


def facts(item: dict[str, Any]) -> list[tuple[str, Any]]:
    """A record's fields for its detail page: the entered ones first, no ids or internals."""
    inner = [
        (k, v) for key in INNER if isinstance(item.get(key), dict) for k, v in item[key].items()
    ]
    rows = inner + [(k, v) for k, v in item.items() if k not in INNER]
    return [(k, v) for k, v in rows if v not in (None, "", [], {}) and k not in HIDDEN
            and not k.endswith(("_id", "_ids"))]  # fmt: skip


def field_label(context: str, name: str, lang: str) -> str:
    """A field's label: ``field:<context>.<name>`` where one form means something else
    by a common name (a candidate's ``name`` is a person's), else ``field:<name>``."""
    specific = catalogue(lang).get(f"field:{context}.{name}")
    return specific or gettext(lang, f"field:{name}")
