"""The unified social credit code (统一社会信用代码), GB 32100-2015.

Eighteen characters: registration authority (1), organisation category (1), administrative
division (6 digits), the body identifier (9, the former GB 11714 organisation code) and a
check character computed over the first seventeen with weights 3^i mod 31.
"""

from __future__ import annotations

from dataclasses import dataclass

# The 31 characters of the code: digits and capitals without I, O, S, V, Z.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Registration authorities named by the standard (机构编制, 外交, 司法行政, 文化, 民政, 旅游,
# 宗教, 工会, 工商, 中央军委改革和编制办公室, 农业, 其他).
AUTHORITIES = frozenset("123456789ANY")


@dataclass(frozen=True)
class CreditCodeError(ValueError):
    """Why a code is not a valid unified social credit code."""

    reason: str
    message: str

    def __str__(self) -> str:
        return self.message


def check_character(first17: str) -> str:
    """The 18th character for the given first seventeen (already validated characters)."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(code: str) -> str:
    """Strip surrounding blanks and upper-case; codes are printed upper-case."""
    return code.strip().upper()


def validate_credit_code(code: str) -> str:
    """Return the normalised code, or raise :class:`CreditCodeError` saying what is wrong."""
    value = normalise(code)
    if len(value) != 18:
        raise CreditCodeError(
            "length", f"统一社会信用代码应为18位，实际为{len(value)}位 / must be 18 characters"
        )
    bad = [ch for ch in value if ch not in _VALUE]
    if bad:
        raise CreditCodeError(
            "characters",
            f"统一社会信用代码含非法字符 {''.join(sorted(set(bad)))} / "
            "contains characters outside the code alphabet (no I, O, S, V, Z)",
        )
    if value[0] not in AUTHORITIES:
        raise CreditCodeError(
            "registration_authority",
            "登记管理部门代码无效 / first character is not a registration authority code",
        )
    if not value[1].isdigit():
        raise CreditCodeError(
            "organisation_category", "机构类别代码应为数字 / second character must be a digit"
        )
    if not value[2:8].isdigit():
        raise CreditCodeError(
            "division", "登记管理机关行政区划码应为6位数字 / characters 3-8 must be digits"
        )
    if check_character(value[:17]) != value[17]:
        raise CreditCodeError(
            "check_character", "统一社会信用代码校验位错误 / check character is wrong"
        )
    return value


def is_valid_credit_code(code: str) -> bool:
    """True when :func:`validate_credit_code` accepts the code."""
    try:
        validate_credit_code(code)
    except CreditCodeError:
        return False
    return True
