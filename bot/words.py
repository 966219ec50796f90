"""Chinese word segmentation for BM25 and answer scoring: jieba plus a small domain dictionary.

The dictionary keeps domain terms whole (医保, 门诊共济, 保通保畅, 液化气, 网上国网 …) so that a
question and an article meet on the same tokens. jieba's own dictionary loads once per process
(about a second), on first use or in ``warm_up()``, never per question.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from importlib import resources

from bot.chunk import normalize

_STOPWORDS = frozenset(
    """的 了 吗 呢 吧 啊 呀 哦 嘛 么 是 在 有 和 与 及 或 就 都 也 还 又 把 被 给 让 对 从 向 到 为 以 于 而 并 等 着 过 得 地
    我 你 他 她 它 我们 你们 他们 咱 咱们 自己 这 那 这个 那个 这些 那些 这样 那样 什么 怎么 怎么样 怎样 如何 哪 哪些 哪个 哪里
    多少 几 吗 能 能不能 可以 可不可以 会 要 想 请问 请 问 一下 一个 个 啥 咋 嘞 哈 嗯 呃 您 好 谢谢 麻烦 知道 是不是 有没有 没有 不 没
    之 其 该 此 将 已 已经 上 下 中 里 后 前 时 时候 能否 可否 是否 一 二 三 现在 目前 今年 去年 最近 听说 说 问问 告诉""".split()  # noqa: SIM905 - a word list reads best as one string
)
_TOKEN_OK = re.compile(r"[\w%]", re.UNICODE)


# Bump when ``tokenize`` cuts the same text differently (its rules, not its dictionaries: those are hashed).
WORDS_VERSION = 1


@lru_cache(maxsize=1)
def words_fingerprint() -> str:
    """What an index's stored tokens depend on: this module's rules, the domain dictionary, the stop words and
    jieba's release. An index cut with another one must be cut again: its BM25 and word weights would not
    meet the questions' words (an upgrade that made 微信群 a domain word left unchanged articles cut the old
    way, and answers differed from a fresh build's)."""
    import hashlib

    import jieba

    text = "\n".join(
        [str(WORDS_VERSION), getattr(jieba, "__version__", ""), *domain_words(), "--", *sorted(_STOPWORDS)]
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def domain_words() -> list[str]:
    text = resources.files("bot").joinpath("resources/domain_words.txt").read_text(encoding="utf-8")
    return [w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")]


class _Segmenter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokenizer = None

    def get(self):  # type: ignore[no-untyped-def]
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    import jieba

                    jieba.setLogLevel(logging.WARNING)
                    tokenizer = jieba.Tokenizer()
                    tokenizer.initialize()
                    for word in domain_words():
                        tokenizer.add_word(normalize(word), freq=200000)
                    self._tokenizer = tokenizer
        return self._tokenizer


_SEGMENTER = _Segmenter()


def warm_up() -> None:
    """Load jieba's dictionary now (about a second) rather than on the first question."""
    _SEGMENTER.get()


def tokenize(text: str) -> list[str]:
    """Search-mode jieba tokens of normalised text, without punctuation and stop words.

    Long words also yield their parts ("门诊共济保障机制" -> 门诊, 共济, 门诊共济, 保障, 机制 …), so a
    resident's shorter wording still meets the article's.
    """
    tokenizer = _SEGMENTER.get()
    tokens = []
    for token in tokenizer.cut_for_search(normalize(text)):
        token = token.strip()
        if token and token not in _STOPWORDS and _TOKEN_OK.search(token):
            tokens.append(token)
    return tokens


@lru_cache(maxsize=4096)
def tokenize_cached(text: str) -> tuple[str, ...]:
    """``tokenize`` memoised, for the short texts (questions, sentences) scored again and again."""
    return tuple(tokenize(text))


def content_words(text: str) -> list[str]:
    """Distinct tokens in order of first appearance: what a question is about."""
    seen: dict[str, None] = {}
    for token in tokenize_cached(text):
        seen.setdefault(token, None)
    return list(seen)


# Places, organisations and latin names (H6, APP). jieba tags unknown colloquial words as person
# names (nr: "家里人"), so those are left out.
_NAME_TAGS = frozenset({"ns", "nt", "eng"})
_POS_LOCK = threading.Lock()
_POS_TOKENIZER = None


def proper_nouns(text: str) -> list[str]:
    """Place and organisation names and latin words in text (jieba POS tags ns/nt/eng).

    Answer verification uses them: a sentence that swaps "松原" for "长春" shares almost every
    other word with its source, so names are checked on their own.
    """
    global _POS_TOKENIZER
    if _POS_TOKENIZER is None:
        with _POS_LOCK:
            if _POS_TOKENIZER is None:
                import jieba.posseg

                _POS_TOKENIZER = jieba.posseg.POSTokenizer(_SEGMENTER.get())
    return [
        pair.word
        for pair in _POS_TOKENIZER.cut(normalize(text))
        if pair.flag in _NAME_TAGS and len(pair.word.strip()) >= 2
    ]
