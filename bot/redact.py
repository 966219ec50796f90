"""Redact resident identifiers before a question reaches the store or the logs.

The answer path sees the original text; everything that is kept (database rows, log lines) sees
``redact(text)``. Three kinds of identifier are masked:

- 18-character 身份证号 (17 digits and a digit or X, with a plausible birth date)  -> ``[身份证号]``
- 11-digit mainland mobile numbers, optionally ``+86`` and spaced/dashed            -> ``[手机号]``
- bank card numbers, 16-19 digits, optionally grouped by spaces/dashes              -> ``[银行卡尾号1234]``

>>> redact("身份证11010519491231002X，手机138-1234-5678，卡号6222 0212 3456 7890 123")
'身份证[身份证号]，手机[手机号]，卡号[银行卡尾号0123]'
"""

from __future__ import annotations

import re

ID_MASK = "[身份证号]"
MOBILE_MASK = "[手机号]"

# A digit run is never split: each pattern refuses to start or end next to another digit.
_ID = re.compile(
    r"(?<![0-9])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9A-Za-z])"
)
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9])")
# 16-19 digits, written either as one run or in groups of 4 separated by one space or dash.
_CARD = re.compile(r"(?<![0-9])(?:[0-9]{16,19}|[0-9]{4}(?:[ -][0-9]{4}){3}(?:[ -]?[0-9]{1,3})?)(?![0-9])")


def _mask_card(match: re.Match[str]) -> str:
    digits = re.sub(r"[^0-9]", "", match.group(0))
    return f"[银行卡尾号{digits[-4:]}]"


def redact(text: str) -> str:
    """Mask 身份证号, mobile numbers and bank card numbers (keeping a card's last 4 digits)."""
    if not text or not any(ch.isdigit() for ch in text):
        return text
    text = _ID.sub(ID_MASK, text)
    text = _CARD.sub(_mask_card, text)
    return _MOBILE.sub(MOBILE_MASK, text)
