"""Mandates and pitches: bounded input, tier priority, the record table, deck checks."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from services.roadshows.domain import records as rec
from shared.errors import InvalidInput, TooLarge
from shared.transitions import InvalidTransition
from tests.unit.roadshows.conftest import NOW, pitch

pytestmark = pytest.mark.unit

MANDATE: dict[str, Any] = {
    "title": "AI 基金", "domains": ["ai"], "stages": ["a"], "ticket_cny": [1, 2],
    "fund_type": "vc",
}  # fmt: skip


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"ticket_cny": [3, 2]}, "ticket_cny"),
        ({"ticket_cny": [-1, 2]}, "ticket_cny"),
        ({"ticket_cny": ["1", 2]}, "ticket_cny"),
        ({"domains": ["astrology"]}, "domains"),
        ({"domains": []}, "domains"),
        ({"stages": ["ipo"]}, "stages"),
        ({"fund_type": "angel"}, "fund_type"),
        ({"title": "x\x07"}, "title"),
        ({"exclusions": ["x"] * 21}, "exclusions"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_mandate_input_is_bounded(override: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        rec.MandateIn(**{**MANDATE, **override})
    assert err.value.errors()[0]["loc"][0] == field


def test_an_equal_ticket_band_is_fine() -> None:
    assert rec.MandateIn(**{**MANDATE, "ticket_cny": [5, 5]}).ticket_cny == (5, 5)


@pytest.mark.parametrize(
    ("tiers", "expected"),
    [
        ([], None),
        (["cultivation"], None),
        (["small_to_scale"], "small_to_scale"),
        (["cultivation", "scale_to_strong"], "scale_to_strong"),
        (["small_to_scale", "scale_to_strong"], "scale_to_strong"),
    ],
)
def test_priority_tier(tiers: list[str], expected: str | None) -> None:
    assert rec.priority_tier(tiers) == expected


@pytest.mark.parametrize(
    ("state", "action", "after", "event"),
    [
        (rec.RecordState.published, "update", rec.RecordState.published, "updated"),
        (rec.RecordState.published, "withdraw", rec.RecordState.withdrawn, "withdrawn"),
        (rec.RecordState.withdrawn, "update", None, None),
        (rec.RecordState.withdrawn, "withdraw", None, None),
    ],
)
def test_record_table(state: rec.RecordState, action: str, after: Any, event: Any) -> None:
    p = pitch().model_copy(update={"state": state})
    if after is None:
        with pytest.raises(InvalidTransition):
            rec.change(p, action, NOW)
        return
    t = rec.change(p, action, NOW)
    assert t.entity.state is after and t.events == (event,)


PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


@pytest.mark.parametrize(
    ("kind", "data", "error", "code"),
    [
        ("application/pdf", b"%PDF-1.7 ok", None, None),
        ("application/pdf; charset=binary", b"%PDF-1.7 ok", None, None),
        (PPTX, b"PK\x03\x04 slides", None, None),
        ("application/pdf", b"%PDF-" + b"x" * 100, TooLarge, "deck_too_large"),
        ("image/png", b"\x89PNG", InvalidInput, "deck_type"),
        ("", b"%PDF-", InvalidInput, "deck_type"),
        ("application/pdf", b"PK\x03\x04", InvalidInput, "deck_content"),
        (PPTX, b"%PDF-", InvalidInput, "deck_content"),
    ],
)
def test_deck_checks(kind: str, data: bytes, error: Any, code: str | None) -> None:
    if error is None:
        assert rec.check_deck(kind, data, 50) == kind.split(";")[0]
        return
    with pytest.raises(error) as err:
        rec.check_deck(kind, data, 50)
    assert err.value.field == "deck" and err.value.code == code


@pytest.mark.parametrize(
    ("exclusions", "pitch_fields", "out"),
    [
        ([], {}, False),
        (["blockchain"], {"domains": ["ai", "blockchain"]}, True),
        (["区块链"], {"keywords": ["区块链", "存证"]}, True),
        (["Crypto"], {"keywords": ["crypto"]}, True),
        (["游戏"], {"title": "休闲游戏出海 A轮"}, True),
        (["blockchain"], {"domains": ["ai"], "keywords": ["大模型"]}, False),
    ],
)
def test_exclusions(exclusions: list[str], pitch_fields: dict[str, Any], out: bool) -> None:
    mandate = rec.MandateIn(**{**MANDATE, "exclusions": exclusions})
    base: dict[str, Any] = {
        "title": "工业大模型 A轮",
        "domains": ["ai"],
        "stage": "a",
        "ask_cny": 1,
    }
    assert rec.excluded(mandate, rec.PitchIn(**{**base, **pitch_fields})) is out
