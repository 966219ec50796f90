"""Relative dates made absolute from the article date, and the "this may be out of date" line.

A resident reading "今年1月1日起" in 2026 must not think it means 2026: an article of January 2023
says "今年" for 2023. "近日" cannot be resolved to a day, so the article date goes beside it.
"""

from __future__ import annotations

import datetime as dt
import re

_YEAR_WORDS = {"今年": 0, "去年": -1, "前年": -2, "明年": 1}
_YEAR = re.compile(r"(今年|去年|前年|明年)")
_RECENT = re.compile(r"(近日|日前|近期)")
_SO_FAR = re.compile(r"截至目前")


# A year said in Chinese numerals: "二零二三年", "二〇二四年", and "二二年" (a 202x year, as people say it).
_HAN_DIGITS = "〇零一二三四五六七八九"
_HAN_YEAR = re.compile(rf"(?<![{_HAN_DIGITS}十百千万两几])(二[{_HAN_DIGITS}]{{3}}|二[{_HAN_DIGITS}])(?=年)")


def arabic_years(text: str) -> str:
    """Years written in Chinese numerals as digits ("二二年最后一天" -> "22年最后一天", "二零二三年" -> "2023年"), so
    they are read like years typed in digits."""
    return _HAN_YEAR.sub(lambda m: "".join(str(max(0, _HAN_DIGITS.index(c) - 1)) for c in m.group(1)), text)


# A month said in Chinese numerals ("十一月都去哪些市了", "一月一号起"), not a moon or mooncake (月亮, 月饼).
_HAN_MONTH = re.compile(rf"(?<![{_HAN_DIGITS}十百千万两几第每个])(十[一二]?|[一二三四五六七八九])(?=月(?![亮饼光球嫂子]))")
_MONTH_NUMBERS = {"十": 10, "十一": 11, "十二": 12, **{c: i for i, c in enumerate("一二三四五六七八九", 1)}}


def arabic_months(text: str) -> str:
    """Months written in Chinese numerals as digits ("十一月" -> "11月"), as the articles write them."""
    return _HAN_MONTH.sub(lambda m: str(_MONTH_NUMBERS[m.group(1)]), text)


def absolutise(text: str, article_date: dt.date) -> str:
    """Rewrite relative dates of ``text`` against the article date.

    >>> absolutise("今年1月1日起，长春市正式启动", dt.date(2023, 1, 3))
    '2023年1月1日起，长春市正式启动'
    >>> absolutise("近日，记者获悉", dt.date(2023, 1, 3))
    '近日（2023年1月3日报道），记者获悉'
    """
    # Most sentences have none of these words: each rewrite runs only where its word is (the same text results).
    if "年" in text:
        text = _YEAR.sub(lambda m: f"{article_date.year + _YEAR_WORDS[m.group(1)]}年", text)
    recent = "近日" in text or "日前" in text or "近期" in text
    if recent or "截至目前" in text:
        stamp = f"{article_date.year}年{article_date.month}月{article_date.day}日"
        if recent:
            text = _RECENT.sub(lambda m: f"{m.group(1)}（{stamp}报道）", text, count=1)
        text = _SO_FAR.sub(f"截至{stamp}报道时", text)
    return text


def months_between(earlier: dt.date, later: dt.date) -> int:
    return (
        (later.year - earlier.year) * 12
        + (later.month - earlier.month)
        - (1 if later.day < earlier.day else 0)
    )


def freshness_line(newest: dt.date, today: dt.date, max_months: int) -> str:
    """One short line when the newest source is older than ``max_months``; "" otherwise.

    >>> freshness_line(dt.date(2023, 1, 3), dt.date(2026, 11, 28), 12)
    '（以上信息来自2023年1月3日的报道，政策可能已有调整。）'
    """
    if max_months <= 0 or months_between(newest, today) < max_months:
        return ""
    return f"（以上信息来自{newest.year}年{newest.month}月{newest.day}日的报道，政策可能已有调整。）"
