"""Chinese word segmentation for BM25 and answer scoring: jieba plus a small domain dictionary.

The dictionary keeps domain terms whole (医保, 门诊共济, 保通保畅, 液化气, 网上国网 …) so that a
question and an article meet on the same tokens. jieba's own dictionary loads once per process
(~0.2 s from the copy ``load_dictionary`` keeps), on first use or in ``warm_up()``, never per question.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from math import log
from pathlib import Path

from bot.chunk import normalize

_STOPWORDS = frozenset(
    """的 了 吗 呢 吧 啊 呀 哦 嘛 么 是 在 有 和 与 及 或 就 都 也 还 又 把 被 给 让 对 从 向 到 为 以 于 而 并 等 着 过 得 地
    我 你 他 她 它 我们 你们 他们 咱 咱们 自己 这 那 这个 那个 这些 那些 这样 那样 什么 怎么 怎么样 怎样 如何 哪 哪些 哪个 哪里
    多少 几 吗 能 能不能 可以 可不可以 会 要 想 请问 请 问 一下 一个 个 啥 咋 嘞 哈 嗯 呃 您 好 谢谢 麻烦 知道 是不是 有没有 没有 不 没
    之 其 该 此 将 已 已经 上 下 中 里 后 前 时 时候 能否 可否 是否 一 二 三 现在 目前 今年 去年 最近 听说 说 问问 告诉""".split()  # noqa: SIM905 - a word list reads best as one string
)
_TOKEN_OK = re.compile(r"[\w%]", re.UNICODE)


# Bump when ``tokenize`` cuts the same text differently (its rules, not its dictionaries: those are hashed).
WORDS_VERSION = 2


@lru_cache(maxsize=1)
def words_fingerprint() -> str:
    """What an index's stored tokens depend on: this module's rules, the words added to jieba's dictionary (domain
    words and ``CUT_WHOLE``), the stop words and jieba's release. An index cut with another one must be cut again:
    its BM25 and word weights would not meet the questions' words (an upgrade that made 微信群 a domain word left
    unchanged articles cut the old way, and answers differed from a fresh build's)."""
    import hashlib

    import jieba

    text = "\n".join(
        [str(WORDS_VERSION), getattr(jieba, "__version__", ""), *domain_words(), *CUT_WHOLE, "--", *sorted(_STOPWORDS)]
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# Residents' words the cut must keep whole, though they name nothing an article is about (so they are no domain
# words, which name the subjects of questions): "哪天开的" is 哪天 + 开, not 哪 + 天开 (异想天开); "个账钱" is
# 个账 (个人账户, shortened) + 钱.
CUT_WHOLE = ("哪天", "哪一天", "个账")


def domain_words() -> list[str]:
    text = resources.files("bot").joinpath("resources/domain_words.txt").read_text(encoding="utf-8")
    return [w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")]


# How many blocks' best cuts (jieba's "route") the tokenizer keeps: those of the last text or two it cut.
_KEPT_ROUTES = 16


def _remembering_tokenizer():  # type: ignore[no-untyped-def]
    """A ``jieba.Tokenizer`` that keeps the routes of the last few blocks it cut (see ``cut_plain``), and the
    dictionary words it found in them (see ``best_route``)."""
    import jieba

    class _Tokenizer(jieba.Tokenizer):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.routes: dict[str, dict[int, tuple[float, int]]] = {}
            # Per block, per position: the (log probability, end) of each dictionary word starting there.
            self.words_at: dict[str, list[list[tuple[float, int]]]] = {}
            # The single characters of ``FREQ`` (12k of its 500k entries), looked up first at every position of a
            # block: a table this small stays in the CPU's caches when the whole dictionary cannot.
            self._chars: dict[str, int] = {}
            self._chars_of: dict[str, int] | None = None  # the ``FREQ`` they were taken from

        def _single_characters(self) -> dict[str, int]:
            freq = self.FREQ
            self._chars = {word: count for word, count in freq.items() if len(word) == 1}
            self._chars_of = freq
            return self._chars

        def calc(self, sentence, DAG, route):  # type: ignore[no-untyped-def]  # noqa: N803 - jieba's names
            super().calc(sentence, DAG, route)
            self._keep(sentence, route)

        def _keep(self, block: str, route: dict[int, tuple[float, int]]) -> None:
            routes = self.routes
            routes[block] = route
            if len(routes) > _KEPT_ROUTES:
                routes.pop(next(iter(routes)), None)

        def weighed(self, block: str) -> list[list[tuple[float, int]]]:
            """Per position of ``block``, the (log probability, end) of each dictionary word starting there, in
            order of end: the words jieba's ``get_DAG`` lists, weighed as ``calc`` weighs them.

            A block inside one cut lately ("门诊共济" of "长春门诊共济咋用", a word of the question being read) holds
            the same dictionary words, less those running past its end: they are taken from that block's
            instead of looked up again in jieba's half-million-word dictionary, whose look-ups are most of a cut
            once answering has pushed it out of the CPU's caches. jieba's dictionary holds every beginning of
            each of its words (weighed 0), so the look-ups from a position stop where no word goes on, in the
            longer block as in this one.
            """
            known = self.words_at
            found = known.get(block)
            if found is not None:
                return found
            n = len(block)
            for longer in tuple(known):  # a snapshot: another thread may add a block meanwhile
                at = longer.find(block)
                outer = known.get(longer) if at >= 0 else None
                if outer is not None:
                    end = at + n
                    return [[(p, i - at) for p, i in outer[at + k] if i < end] for k in range(n)]
            self.check_initialized()
            freq = self.FREQ
            chars = self._chars if self._chars_of is freq else self._single_characters()
            logtotal = log(self.total)
            # Looked up from the block's end, so that its route (``best_route``) is worked out on the way.
            words_at: list[list[tuple[float, int]]] = [[]] * n
            route: dict[int, tuple[float, int]] = {n: (0, 0)}
            for k in range(n - 1, -1, -1):
                weighed = []
                options = []
                i = k
                count = chars.get(block[k])
                while count is not None:
                    if count:
                        p = log(count) - logtotal
                        weighed.append((p, i))
                        options.append((p + route[i + 1][0], i))
                    i += 1
                    if i >= n:
                        break
                    count = freq.get(block[k : i + 1])
                words_at[k] = weighed
                # No word starts here: jieba's DAG holds the character alone, weighed log(1).
                route[k] = max(options) if options else (log(1) - logtotal + route[k + 1][0], k)
            self._keep(block, route)
            known[block] = words_at
            if len(known) > _KEPT_ROUTES:
                known.pop(next(iter(known)), None)
            return words_at

        def best_route(
            self, block: str, weighed: list[list[tuple[float, int]]] | None = None
        ) -> dict[int, tuple[float, int]]:
            """``calc(block, get_DAG(block), route)``'s route, worked out in one pass from the block's end.

            jieba first lists the dictionary words starting at each position (``get_DAG``), then looks each one up
            again to weigh it (``calc``); here each is weighed once (``weighed``). Same words, same sums in the same
            order, same ``max`` over (log probability, end) pairs, so the same route.
            """
            route = self.routes.get(block)
            if route is not None:
                return route
            if weighed is None:
                weighed = self.weighed(block)
            logtotal = log(self.total)
            n = len(block)
            route = {n: (0, 0)}
            for k in range(n - 1, -1, -1):
                options = [(p + route[i + 1][0], i) for p, i in weighed[k]]
                # No word starts here: jieba's DAG holds the character alone, weighed log(1).
                route[k] = max(options) if options else (log(1) - logtotal + route[k + 1][0], k)
            self._keep(block, route)
            return route

        def add_word(self, word, freq=None, tag=None):  # type: ignore[no-untyped-def]
            self.routes.clear()  # the routes were worked out with the old frequencies
            self.words_at.clear()
            self._chars_of = None
            super().add_word(word, freq, tag)
            self._chars_of = None

    return _Tokenizer()


# jieba keeps its parsed dictionary (``FREQ``: 500k words and word beginnings -> count, and ``total``) as a marshal
# file in the temp dir, which takes ~0.65 s to load: a Python string per word, decoded one by one. The same table as one
# UTF-8 text and an array of counts loads in ~0.17 s (one decode, one split), on every start of a server, an ask, an
# eval or an ingest helper (``bot.kept``).
DICTIONARY_CACHE_FORMAT = 1


def dictionary_cache(tokenizer) -> Path | None:  # type: ignore[no-untyped-def]
    """Where ``tokenizer``'s dictionary is kept in that form, next to jieba's own cache: named after jieba's release
    and its dictionary file, so an upgrade or a changed file is parsed again. None for a dictionary of one's own."""
    import jieba

    from bot import kept

    if tokenizer.dictionary != jieba.DEFAULT_DICT:
        return None
    source = kept.source_stamp(Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME))
    if source is None:
        return None
    return kept.path("faqbot-jieba", DICTIONARY_CACHE_FORMAT, jieba.__version__, source, folder=tokenizer.tmp_dir)


def load_dictionary(tokenizer) -> None:  # type: ignore[no-untyped-def]
    """``tokenizer.initialize()``: the same ``FREQ`` (same words, counts and order) and ``total``, from the faster copy
    when there is one; otherwise through jieba, and the copy is written for the next process."""
    import numpy as np

    from bot import kept

    path = dictionary_cache(tokenizer)
    stored = kept.read(path) if path is not None else None
    try:
        if stored is not None:
            words = stored["words"].tobytes().decode("utf-8").split("\n")
            counts = stored["counts"].tolist()
            if len(words) == len(counts):
                with tokenizer.lock:
                    tokenizer.FREQ, tokenizer.total = dict(zip(words, counts, strict=True)), int(stored["total"])
                    tokenizer.initialized = True
                return
    except (KeyError, ValueError):
        pass  # not what was written: parsed by jieba again, and written anew
    tokenizer.initialize()
    words = list(tokenizer.FREQ)
    if path is not None and not any("\n" in word for word in words):
        kept.write(
            path,
            {
                "words": np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8),
                "counts": np.fromiter(tokenizer.FREQ.values(), dtype=np.int64, count=len(words)),
                "total": np.int64(tokenizer.total),
            },
        )


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
                    tokenizer = _remembering_tokenizer()
                    load_dictionary(tokenizer)
                    for word in (*domain_words(), *CUT_WHOLE):
                        tokenizer.add_word(normalize(word), freq=200000)
                    self._tokenizer = tokenizer
        return self._tokenizer


_SEGMENTER = _Segmenter()


def warm_up() -> None:
    """Load jieba's dictionary now (~0.2 s, more when its copy is first written), not on the first question."""
    _SEGMENTER.get()
    _traditional()


@lru_cache(maxsize=1)
def _traditional():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """A question typed in traditional characters ("長春門診共濟", from Hong Kong, Taiwan or a phone set that way)
    in the simplified ones the articles are written in. OpenCC's t2s converts phrase by phrase, so a simplified
    question comes back unchanged. A text GB2312 can encode holds no traditional character and is not converted
    (encoding it takes ~1 us, converting ~10-25 us)."""
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return _traditional().convert(text)
    return text


# "停不停", "送不送", "收不收费": a yes/no question asked as "V不V", which means "V?". Cut as it stands it gives
# 停 and a rare-looking 不停 ("一刻不停"), or 送 twice; read as the verb alone it meets the article's wording.
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])不\1")
# "行不行", "是不是", "对不对", "好不好", "中不中" only ask yes or no: read as nothing, not as 行 glued to the word
# before it ("买的药行不行" is not 药行, a pharmacy).
_JUDGED = frozenset("行是对好中")


def a_not_a(text: str) -> str:
    """ "停不停" -> "停"; a yes/no tag ("行不行") -> a space."""
    return _A_NOT_A.sub(lambda m: " " if m.group(1) in _JUDGED else m.group(1), text)


def tokenize(text: str) -> list[str]:
    """Search-mode jieba tokens of normalised text, without punctuation and stop words.

    Long words also yield their parts ("门诊共济保障机制" -> 门诊, 共济, 门诊共济, 保障, 机制 …), so a
    resident's shorter wording still meets the article's.
    """
    tokens = []
    kept = _kept.get
    for token in cut_search(_A_NOT_A.sub(r"\1", normalize(text))):
        token = token.strip()
        keep = kept(token)
        if keep is None:
            keep = bool(token) and token not in _STOPWORDS and _TOKEN_OK.search(token) is not None
            if len(_kept) < _KEPT_TOKENS:
                _kept[token] = keep
        if keep:
            tokens.append(token)
    return tokens


# Whether ``tokenize`` keeps a token (not a stop word, not punctuation), for the tokens met so far: they recur.
_KEPT_TOKENS = 65536
_kept: dict[str, bool] = {}


def _route_of(tokenizer, block: str) -> tuple[dict[int, tuple[float, int]], int]:  # type: ignore[no-untyped-def]
    """jieba's route of ``block`` and the offset of ``block`` in the text it was worked out for.

    The route at a position depends only on the text from there to the block's end (jieba works it out from the
    end), so the route of a block that ends another one recently cut is that one's, shifted.
    """
    routes = tokenizer.routes
    found = routes.get(block)
    if found is not None:
        return found, 0
    for longer in tuple(routes):  # a snapshot: another thread may add a route meanwhile
        if longer.endswith(block):
            found = routes.get(longer)
            if found is not None:
                return found, len(longer) - len(block)
    return tokenizer.best_route(block), 0


def _han_blocks(text: str, out: list[str]) -> Iterator[str]:
    """The blocks of ``text`` jieba cuts with its dictionary, in order; what lies between them goes to ``out`` as
    jieba passes it on (a run of spaces whole, anything else a character at a time), before the next block."""
    import jieba

    han, skip = jieba.re_han_default, jieba.re_skip_default
    for block in han.split(text):
        if not block:
            continue
        if not han.match(block):
            for part in skip.split(block):
                if skip.match(part):
                    out.append(part)
                else:
                    out.extend(part)
            continue
        yield block


def cut_plain(text: str) -> list[str]:
    """``list(jieba.cut(text, HMM=False))`` with the domain dictionary, reusing the routes of the blocks
    ``tokenize`` has just cut.

    A question is cut twice: in search mode with the HMM for BM25 (``tokenize``), and without the HMM, in pieces
    between its place names, for reading its words (``bot.lexicon``). Both cuts follow the same route through the
    dictionary; working it out is most of a cut (~35 us of a question's ~100), and the pieces end where the
    question's blocks end nine times in ten.
    """
    import jieba

    tokenizer = _SEGMENTER.get()
    eng = jieba.re_eng
    out: list[str] = []
    for block in _han_blocks(text, out):
        # jieba's cut of one block without the HMM (``Tokenizer.__cut_DAG_NO_HMM``) along the route.
        route, offset = _route_of(tokenizer, block)
        x, n, buf = 0, len(block), ""
        while x < n:
            y = route[x + offset][1] - offset + 1
            word = block[x:y]
            if len(word) == 1 and eng.match(word):
                buf += word
            else:
                if buf:
                    out.append(buf)
                    buf = ""
                out.append(word)
            x = y
        if buf:
            out.append(buf)
    return out


_HMM: tuple | None = None  # type: ignore[type-arg]  # jieba's HMM tables, read once (see ``_hmm_cut``)


def _hmm_tables() -> tuple:  # type: ignore[type-arg]
    global _HMM
    if _HMM is None:
        from jieba import finalseg

        start, trans, emit, low = finalseg.start_P, finalseg.trans_P, finalseg.emit_P, finalseg.MIN_FLOAT
        # The moves each state can come from, in jieba's order of previous states (``finalseg.PrevStatus``).
        moves = tuple(trans[a].get(b, low) for a, b in ("EB", "SB", "MM", "BM", "BE", "ME", "SS", "ES"))
        # Each character's four emission weights in one entry (one look-up a character, not four in four tables).
        emits = tuple(emit[y] for y in "BMES")
        by_char = {c: tuple(table.get(c, low) for table in emits) for c in set().union(*emits)}
        _HMM = (finalseg, low, tuple(start[y] for y in "BMES"), by_char, moves)
    return _HMM


def _hmm_states(chars: str) -> list[str]:
    """``jieba.finalseg.viterbi(chars, "BMES", …)``'s state path: the same sums in the same order and the same
    ``max`` over (probability, previous state) pairs, with back-pointers instead of a copied path per state."""
    _, low, (start_b, start_m, start_e, start_s), emits, moves = _hmm_tables()
    none = (low, low, low, low)  # a character no table has
    e_b, s_b, m_m, b_m, b_e, m_e, s_s, e_s = moves  # from-to
    pb, pm, pe, ps = emits.get(chars[0], none)
    vb, vm = start_b + pb, start_m + pm
    ve, vs = start_e + pe, start_s + ps
    backs = []
    for c in chars[1:]:
        pb, pm, pe, ps = emits.get(c, none)
        nb, fb = max((ve + e_b + pb, "E"), (vs + s_b + pb, "S"))
        nm, fm = max((vm + m_m + pm, "M"), (vb + b_m + pm, "B"))
        ne, fe = max((vb + b_e + pe, "B"), (vm + m_e + pe, "M"))
        ns, fs = max((vs + s_s + ps, "S"), (ve + e_s + ps, "E"))
        backs.append({"B": fb, "M": fm, "E": fe, "S": fs})
        vb, vm, ve, vs = nb, nm, ne, ns
    state = max((ve, "E"), (vs, "S"))[1]
    states = [state]
    for back in reversed(backs):
        state = back[state]
        states.append(state)
    states.reverse()
    return states


def _hmm_cut(text: str) -> list[str]:
    """``list(jieba.finalseg.cut(text))``: the words jieba's HMM finds among characters its dictionary does not join."""
    finalseg = _hmm_tables()[0]
    han, skip, force = finalseg.re_han, finalseg.re_skip, finalseg.Force_Split_Words
    out: list[str] = []
    for block in han.split(text):
        if not han.match(block):
            out.extend(part for part in skip.split(block) if part)
            continue
        words: list[str] = []
        begin = nexti = 0
        for i, state in enumerate(_hmm_states(block)):
            if state == "B":
                begin = i
            elif state == "E":
                words.append(block[begin : i + 1])
                nexti = i + 1
            elif state == "S":
                words.append(block[i])
                nexti = i + 1
        if nexti < len(block):
            words.append(block[nexti:])
        for word in words:
            if word in force:
                out.extend(word)
            else:
                out.append(word)
    return out


def cut_search(text: str) -> list[str]:
    """``list(jieba.cut_for_search(text))`` (HMM on) with the domain dictionary, in one function.

    jieba's search cut is three generators deep (``cut_for_search`` over ``cut`` over ``__cut_DAG``) and finds each
    block's route in two passes; this follows its steps one for one along ``best_route``, and cuts runs of single
    characters jieba does not know with jieba's own HMM tables (``_hmm_cut``), as jieba does. The cut of every eval
    question and every article is checked against jieba's (``tests/test_words_cut.py``).
    """

    tokenizer = _SEGMENTER.get()
    freq = tokenizer.FREQ
    out: list[str] = []

    def searched(word: str) -> None:
        # Search mode: a long word's two- and three-character dictionary words come before it.
        size = len(word)
        if size > 2:
            out.extend(gram for gram in (word[i : i + 2] for i in range(size - 1)) if freq.get(gram))
            if size > 3:
                out.extend(gram for gram in (word[i : i + 3] for i in range(size - 2)) if freq.get(gram))
        out.append(word)

    between: list[str] = []  # what lies between blocks, as ``_han_blocks`` passes it on
    for block in _han_blocks(text, between):
        for word in between:
            searched(word)
        between.clear()
        # The dictionary words of the block answer what jieba looks up again: whether a run of characters the route
        # leaves single is a word, and which two- and three-character pieces of a long word are.
        weighed = tokenizer.weighed(block)
        route = tokenizer.best_route(block, weighed)
        x, n, run = 0, len(block), 0
        while x <= n:
            y = route[x][1] + 1 if x < n else n + 1
            if y - x == 1 and x < n:
                x = y
                continue
            if run < x:
                # A run of single characters: alone, or a dictionary word split apart, or new words jieba's HMM finds.
                if x - run == 1 or _has_end(weighed[run], x - 1):
                    out.extend(block[run:x])
                else:
                    for word in _hmm_cut(block[run:x]):
                        searched(word)
            if x == n:
                break
            if y - x > 2:
                out.extend(block[i : i + 2] for i in range(x, y - 1) if _has_end(weighed[i], i + 1))
                if y - x > 3:
                    out.extend(block[i : i + 3] for i in range(x, y - 2) if _has_end(weighed[i], i + 2))
            out.append(block[x:y])
            x = run = y
    for word in between:
        searched(word)
    return out


def _has_end(words: list[tuple[float, int]], end: int) -> bool:
    """Whether one of the dictionary words at a position (``weighed``) ends at ``end``."""
    for _, i in words:  # noqa: SIM110 - any() over a generator costs twice this loop here
        if i == end:
            return True
    return False


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
