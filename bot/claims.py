"""Reading an LLM answer: its sentences with their [n] markers, the clauses of a sentence, its numbers.

Plain text handling with no model, used by ``bot.verify`` to check each sentence against its source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.chunk import normalize

_MARKER = re.compile(r"\[\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*\]")
_MARKER_VARIANTS = str.maketrans({"【": "[", "】": "]", "［": "[", "］": "]"})
# A claim ends at end punctuation, then any closing quotes, then any markers placed after it.
_CLAIM = re.compile(
    r"[^。！？!?；;\n]+(?:[。！？!?；;]+[”’」』）)]*|$|(?=\n))(?:[ \t]*\[\s*\d+(?:\s*[,，、]\s*\d+)*\s*\])*"
)
CLAUSE = re.compile(r"[^，,；;：:\n]+(?:[，,；;：:\n]+|$)")
NUMBER = re.compile(r"\d+(?:\.\d+)?%?")
_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
# Chinese numerals that count something ("三级", "两万元"), not those inside words ("统一", "一环").
CN_NUMBER = re.compile(
    r"[零〇一二两三四五六七八九十百千万亿]+(?=[级年月日号个人元倍次天岁家项条种名户座辆吨米亩成位%])"
)


@dataclass(frozen=True)
class Claim:
    """One sentence of an LLM answer, its markers removed, and the source numbers it cites."""

    text: str
    markers: tuple[int, ...]


def split_claims(answer: str) -> list[Claim]:
    """Split LLM output into sentences with their ``[n]`` markers (before or after the full stop).

    >>> split_claims("可以共用。[1]退休人员按定额计入[2]。")
    [Claim(text='可以共用。', markers=(1,)), Claim(text='退休人员按定额计入。', markers=(2,))]
    """
    text = answer.translate(_MARKER_VARIANTS)
    claims = []
    for match in _CLAIM.finditer(text):
        piece = match.group(0)
        markers = tuple(int(n) for group in _MARKER.findall(piece) for n in re.split(r"[,，、]", group))
        sentence = re.sub(r"\s+", " ", _MARKER.sub("", piece)).strip()
        if sentence.strip("。！？!?；;，,、 ”’」』）)"):
            claims.append(Claim(sentence, markers))
    return claims


def numbers_in(text: str) -> set[str]:
    """Numbers in text as written, after width folding: {"2023", "2.8%", "1"}."""
    return set(NUMBER.findall(normalize(text)))


def cn_to_int(numeral: str) -> int | None:
    """The value of a Chinese numeral, so "两万" in an answer can match "20000" in a source.

    >>> cn_to_int("两万"), cn_to_int("三十五"), cn_to_int("二零二三")
    (20000, 35, 2023)
    """
    total, section, digit = 0, 0, None
    for ch in numeral:
        if ch in _CN_DIGITS:
            if digit is not None:  # "二零二三": read digit by digit
                return (
                    int("".join(str(_CN_DIGITS[c]) for c in numeral))
                    if all(c in _CN_DIGITS for c in numeral)
                    else None
                )
            digit = _CN_DIGITS[ch]
        else:
            unit = _CN_UNITS[ch]
            if unit >= 10_000:
                total += (section + (digit or 0)) * unit
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            digit = None
    return total + section + (digit or 0)


def clause_runs(sentence: str, longest: int = 3) -> list[str]:
    """Runs of 1..``longest`` consecutive clauses (split at ，；： and line breaks), as written.

    >>> clause_runs("甲，乙，丙。", longest=2)
    ['甲，', '甲，乙，', '乙，', '乙，丙。', '丙。']
    """
    clauses = [c for c in CLAUSE.findall(sentence) if c.strip()]
    if len(clauses) < 2:
        return []
    return [
        "".join(clauses[i:j]).strip()
        for i in range(len(clauses))
        for j in range(i + 1, min(i + longest, len(clauses)) + 1)
        if j - i < len(clauses)
    ]
