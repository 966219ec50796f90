"""Ordinal follow-ups: "第二个是啥意思", "头一个呢", "最后那个" point at one item of a list the last answer gave.

The list is read from the last answer's text as residents read it: items in a row, split by 、 (and 和/及 before
the last one), as in "形成了一张清单、一套建议和一份台账" or "即精益求精的科研攻关模式、精细雕刻的开发管理模式、…".
"""

from __future__ import annotations

import re

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


def ordinal_item(question: str, answer: str) -> str | None:
    """The item of the last answer's list that "第二个是啥意思" points at, or None."""
    n = asks_ordinal(question)
    if n is None:
        return None
    items = listed_items(answer)
    if len(items) < 2 or n > len(items):
        return None
    return items[n - 1] if n > 0 else items[-1]
