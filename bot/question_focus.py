"""Which words of a question carry what it asks, beyond its kind (``bot.question``).

"跟哪个单位查的": 单位 names the kind of answer, not its content. "什么样的服务": the answer names a kind of 服务.
"供电所给他们干啥了": the doer must be in the quoted sentence, whom it was done for need not be.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

# "跟哪个单位一块儿查的", "面向哪类人群", "什么样的服务": the noun after a which/what word names the kind of thing
# the answer is (单位, 人群, 服务); the answer names the thing itself ("市邮政业安全中心"), rarely its kind.
# Not "轮椅啥的" (and such), and not the measures a how-question asks for ("有没有啥措施"): answers name those.
SLOT = re.compile(r"(?:哪(?:一|个|类|种|家|样|些|一类|一种|一个)|什么样的?|啥样的?|什么(?!的)|啥(?!的))")
PAPERS = frozenset({"证件", "材料", "证明", "资料"})
_NOT_SLOT = frozenset({"措施", "办法", "招", "政策", "手续"}) | PAPERS
SLOT_WEIGHT = 0.4


def slot_words(norm: str, words: Sequence[str]) -> set[str]:
    """Question words that directly follow a which/what word: the kind of answer asked for, not its content."""
    out = set()
    for m in SLOT.finditer(norm):
        for w in words:
            if len(w) >= 2 and w not in _NOT_SLOT and norm.startswith(w, m.end()):
                out.add(w)
    return out


def asked_characters(norm: str, words: Sequence[str]) -> set[str]:
    """Lone characters right after a which/what word ("加啥群", "发了个啥卡"): the kind of thing the answer names."""
    return {w for m in SLOT.finditer(norm) for w in words if len(w) == 1 and norm.startswith(w, m.end())}


_MANNER = re.compile(r"(?:什么样|啥样|哪种|哪一种|什么形式|啥形式)的?")


# "供电所咋给种草莓的服务的", "怎么检查的": how a service or a check was done, which a sentence naming its kind
# ("“跟踪式”“保姆式”服务", "地毯式督导检查") answers as well as "什么样的服务" is answered.
_HOW_DONE = re.compile(r"(?:咋|怎么|如何|怎样)(?:给[^，,。？?\s]{1,10}?)?(?P<verb>服务|检查|督导|帮扶)")


@lru_cache(maxsize=4096)
def manner_pattern(norm: str, words: tuple[str, ...]) -> re.Pattern[str] | None:
    """ "提供了什么样的服务": a sentence that names the kind of 服务 (“跟踪式”“保姆式”服务, 上门服务) answers it."""
    m = _MANNER.search(norm)
    if m is None:
        done = _HOW_DONE.search(norm)
        return re.compile(r"(?:式|型|性|”|\")" + done.group("verb")) if done else None
    noun = next((w for w in words if len(w) >= 2 and norm.startswith(w, m.end())), "")
    return re.compile(r"(?:式|型|性|”|\")" + re.escape(noun)) if noun else None


# "供电所给六之维合作社干啥了": who did it (供电所) is what the answer is about; whom it was done for is context.
_DONE_FOR = re.compile(
    r"(?P<actor>[\u4e00-\u9fffa-z0-9]{2,})(?:都|还|又|主要)?[给为帮替](?P<whom>[\u4e00-\u9fffa-z0-9]{1,12}?)"
    r"(?:都|还|又|主要)?(?:干|做|提供|办|搞|弄|整)了?(?:些|点)?(?:啥|什么|哪些)"
)


@lru_cache(maxsize=4096)
def _done_for(norm: str) -> re.Match[str] | None:
    """The "A给B干啥了" of a question, read once for the chain's weights and once for sentence scoring."""
    return _DONE_FOR.search(norm)


_PRONOUN = re.compile(r"(?:他们|她们|它们|他|她|它)")


def done_for_words(norm: str, words: Sequence[str]) -> set[str]:
    """Words naming whom something was done for, in a question asking what someone did for them."""
    m = _done_for(norm)
    if m is None:
        return set()
    whom = m.group("whom")
    if _PRONOUN.fullmatch(whom):
        # "六之维合作社…供电所给他们干啥了" (a follow-up, the subject put in front): whom is the earlier subject.
        return {w for w in words if w in m.group("actor") and not m.group("actor").endswith(w)}
    return {w for w in words if w in whom and w not in m.group("actor")}


def done_for_actor(norm: str, words: Sequence[str]) -> set[str]:
    """The word right before 给 in such a question: the doer, whom the quoted sentence itself must name."""
    m = _done_for(norm)
    if m is None:
        return set()
    return {w for w in words if len(w) >= 2 and m.group("actor").endswith(w)}
