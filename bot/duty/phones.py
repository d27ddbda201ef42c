"""Duty phone numbers: which are callable, whose they are, and how to hide them.

A number is a mainland mobile (1[3-9] and nine more digits, +86 allowed) or a
landline with its area code (0571-87654321, 010-12345678, (0571)87654321),
optionally with an extension (-801, 转801). A cell may hold several, separated
by 、 / ， ；.
"""

from __future__ import annotations

import re

from bot.duty.roster import normalise

MOBILE = re.compile(r"(?:\+?86[- ]?)?(1[3-9]\d{9})")
# 3-digit area codes are 010 and 02X; the rest have four digits. Local numbers have 7-8 digits.
AREA_CODE = r"0(?:10|2\d|[3-9]\d{2})"
LANDLINE = re.compile(
    rf"(?:\+?86[- ]?)?(?:\((?P<a1>{AREA_CODE})\)\s*|(?P<a2>{AREA_CODE})[- ]?)"
    r"(?P<local>[1-9]\d{6,7})(?:(?:-|转|#|分机|ext\.?)(?P<ext>\d{1,6}))?",
    re.IGNORECASE,
)
PHONE_LIST_SEPARATORS = re.compile(r"\s*[、/，,；;]\s*")
PHONE_FORMS = "手机 11 位，固定电话要带区号，如 0571-87654321"


def phone_numbers(phone: str) -> list[str]:
    """The numbers a phone cell holds, each as written (normalised)."""
    return [part for part in PHONE_LIST_SEPARATORS.split(normalise(phone)) if part]


def phone_problem(phone: str) -> str | None:
    """Why a duty phone cannot be called, in Chinese; None when every number is fine."""
    numbers = phone_numbers(phone)
    if not numbers:
        return "未填电话"
    bad = [number for number in numbers if canonical_number(number) is None]
    if bad:
        written = "、".join(f"“{number}”" for number in bad)
        return f"电话{written}不是有效号码（{PHONE_FORMS}）"
    return None


def canonical_number(number: str) -> str | None:
    """A valid number in one form (13800000000, 0571-87654321-801); None when invalid."""
    text = normalise(number)
    mobile = MOBILE.fullmatch(text.replace(" ", "").replace("-", ""))
    if mobile:
        return mobile[1]
    landline = LANDLINE.fullmatch(text)
    if landline:
        ext = f"-{landline['ext']}" if landline["ext"] else ""
        return f"{landline['a1'] or landline['a2']}-{landline['local']}{ext}"
    return None


def person_keys(name: str, phone: str) -> set[str]:
    """Keys that identify one person across rosters.

    A mobile number is one person's. A landline is often a duty room's, shared
    by whoever is on duty, so it identifies a person only with the same name.
    A number that is not valid is compared as its digits (the same typo twice is
    still one person); a missing number identifies no one.
    """
    keys = set()
    for number in phone_numbers(phone):
        canonical = canonical_number(number)
        if canonical is None:
            digits = re.sub(r"\D", "", number)
            if len(digits) >= 5:
                keys.add(f"{name}|{digits}")
        elif "-" in canonical:
            keys.add(f"{name}|{canonical}")
        else:
            keys.add(canonical)
    return keys


def mask_phone(phone: str) -> str:
    """`13800138000` → `138****8000`; a landline keeps its area code and last four digits."""
    masked = []
    for number in phone_numbers(phone):
        canonical = canonical_number(number) or number
        if "-" in canonical and canonical.startswith("0"):
            area, local = canonical.split("-", 2)[:2]
            masked.append(f"{area}-****{local[-4:]}")
        elif len(canonical) >= 7:
            masked.append(f"{canonical[:3]}****{canonical[-4:]}")
        else:
            masked.append("****")
    return "、".join(masked)
