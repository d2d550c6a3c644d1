"""GB 32100-2015 credit codes: real-format valid codes pass, each kind of fault is named."""

import pytest

from services.identity.domain.credit_code import (
    CreditCodeError,
    is_valid_credit_code,
    validate_credit_code,
)

pytestmark = pytest.mark.unit

VALID = [
    "91350100M000100Y43",  # the worked example in GB 32100-2015
    "91110108551385082Q",  # a Haidian company
    "91110000802100433B",
    "91110000600037341L",
    "9111000071093123XX",
    "12100000400000624D",  # 事业单位 (authority 1, category 2)
]


@pytest.mark.parametrize("code", VALID)
def test_real_codes_are_valid(code: str) -> None:
    assert validate_credit_code(code) == code


def test_lower_case_and_blanks_are_normalised() -> None:
    assert validate_credit_code("  91110108551385082q ") == "91110108551385082Q"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91110108551385082R", "check_character"),  # one character off
        ("91110108551385083Q", "check_character"),  # body changed, check kept
        ("9111010855138508Q", "length"),
        ("911101085513850822Q", "length"),
        ("91110108551385O82Q", "characters"),  # letter O is not in the alphabet
        ("9111010855I385082Q", "characters"),
        ("B1110108551385082Q", "registration_authority"),
        ("9A110108551385082Q", "organisation_category"),
        ("911101A8551385082Q", "division"),
    ],
)
def test_invalid_codes_name_the_fault(code: str, reason: str) -> None:
    with pytest.raises(CreditCodeError) as info:
        validate_credit_code(code)
    assert info.value.reason == reason
    assert "/" in info.value.message  # Chinese first, then English


def test_every_single_character_substitution_of_the_check_is_caught() -> None:
    code = "91110108551385082Q"
    for ch in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        if ch != code[-1]:
            assert not is_valid_credit_code(code[:-1] + ch)
