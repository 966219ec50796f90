"""Ordinal follow-ups: "第二个是啥意思", "头一个呢", "最后那个" point at one item of a list the last answer gave.

The list is read from the last answer's text as residents read it: items in a row, split by 、 (and 和/及 before
the last one), as in "形成了一张清单、一套建议和一份台账" or "即精益求精的科研攻关模式、精细雕刻的开发管理模式、…".
"""

from __future__ import annotations

import re

from bot.chunk import is_han
from bot.claims import cn_to_int

# "第二个", "头一个", "最后一个", "最后那个", "末一项"; the ask after it says no more than "what is it".
_ORDINAL = re.compile(
    r"^(?:那|那么)?(?:(?:第(?P<n>[一二两三四五六七八九十])|(?P<first>头一|第一|头)|(?P<last>最后一|最后那|最后|末一|末尾那))"
    r"(?:个|项|样|条|种|点))"
    r"(?:是啥意思|啥意思|是什么意思|什么意思|是啥|是什么|指啥|指的是啥|指的啥|说的是啥|说的啥|讲的是啥|具体指啥|具体是啥|呢|咋回事)?"
    r"[?？。!！\s]*$"
)
# A clause's items: two or more short phrases joined by 、, the last one maybe after 和/及/以及.
_RUN = re.compile(r"[^、，,。；;：:！!？?\s“”\"]{1,24}(?:、[^、，,。；;：:！!？?\s“”\"]{1,24})+")
_LAST_JOIN = re.compile(r"(?:以及|和|及|与)")
# Words that lead into a list, ending the clause's opening: "形成了", "即", "分赴", "包括".
_LEAD_IN = re.compile(r".*(?:了|即|为|是|有|赴|括|如|到|入|于)")
_CITATION = re.compile(r"\[\d+\]")


def asks_ordinal(question: str) -> int | None:
    """1, 2, … for "头一个/第二个…", -1 for "最后一个"; None when the question is not one of these."""
    m = _ORDINAL.match(question.strip())
    if not m:
        return None
    if m.group("last"):
        return -1
    if m.group("first"):
        return 1
    return cn_to_int(m.group("n"))


def listed_items(text: str) -> list[str]:
    """The longest list in ``text`` ("一张清单、一套建议和一份台账" -> three items); [] when it lists nothing."""
    text = _CITATION.sub("", text)
    best: list[str] = []
    for run in _RUN.finditer(text):
        items = run.group(0).split("、")
        tail = _LAST_JOIN.split(items[-1], maxsplit=1)
        if len(tail) == 2 and tail[0] and tail[1]:
            items[-1:] = tail
        items[-1] = items[-1].split("等")[0]  # "医用耗材等医疗费用": the kind after 等 is not an item
        lead = _LEAD_IN.match(items[0])
        if lead and lead.end() < len(items[0]):
            items[0] = items[0][lead.end() :]
        elif len(items[0]) > 2 * max(len(items[1]), 2):
            items[0] = items[0][-len(items[1]) :]  # no lead word found: as long as the item after it
        items = [item.strip("“”\"…") for item in items]
        if all(items) and _rank(items) > _rank(best):
            best = items
    return best


def _rank(items: list[str]) -> tuple[int, float]:
    """More items first; then items alike in length ("一张清单、一套建议、一份台账" over "目标任务、解决措施以及具体负责…")."""
    if not items:
        return (0, 0.0)
    lengths = [len(item) for item in items]
    return (len(items), min(lengths) / max(lengths))


# "第二个那个站2022年输了多少气", "最后那个呢，当晚进了几辆车", "那最后那个，能给我爸妈交吗": the item, then what is
# asked of it. Not "第一个月", "第二天": a month or a day in a row, not an item of the list; nor "最后一个问题，…": the
# resident's own last question.
_ORDINAL_THEN = re.compile(
    r"^(?:那|那么)?(?:第(?P<n>[一二两三四五六七八九十])|(?P<first>头一|第一)|(?P<last>最后一|最后那|最后|末一))"
    r"(?:个|项|样|条|种|家|座)(?!月|季度|年|星期|礼拜|周|小时|工作日|回合|问题|事|疑问|想问)"
    r"(?:呢|吧)?[，,\s]*(?P<rest>.*)$"
)
_KIND_AGAIN = re.compile(r"^(?:那个|这个|那|这)")


def ordinal_ask(question: str, answer: str) -> str | None:
    """The question with the item of the last answer's list it opens with put in ("第二个那个站…输了多少气" -> "淮安高中压
    调压站2022年输了多少气"), or None: no such opening, nothing asked after it, or no such item."""
    if asks_ordinal(question) is not None:
        return None  # nothing asked but what the item is: ``ordinal_item``
    m = _ORDINAL_THEN.match(question.strip())
    if m is None:
        return None
    rest = _KIND_AGAIN.sub("", m.group("rest"), count=1)
    if sum(1 for ch in rest if is_han(ch)) < 2:
        return None
    n = -1 if m.group("last") else 1 if m.group("first") else cn_to_int(m.group("n"))
    items = listed_items(answer)
    if not n or len(items) < 2 or n > len(items):
        return None
    item = items[n - 1] if n > 0 else items[-1]
    if any(rest[i : i + 2] in item for i in range(len(rest) - 1) if is_han(rest[i]) and is_han(rest[i + 1])):
        # "那第二个具体咋雕刻的" after "…精细雕刻的开发管理模式…": asked about the item's own words, which the list
        # sentence only names; read as a follow-up like any other.
        return None
    for k in (2, 1):
        if len(rest) > k and item.endswith(rest[:k]):
            rest = rest[k:]  # "那个站2022年…": the kind said again, which the item's name ends with
            break
    return item + rest


def ordinal_item(question: str, answer: str) -> str | None:
    """The item of the last answer's list that "第二个是啥意思" points at, or None."""
    n = asks_ordinal(question)
    if n is None:
        return None
    items = listed_items(answer)
    if len(items) < 2 or n > len(items):
        return None
    return items[n - 1] if n > 0 else items[-1]
