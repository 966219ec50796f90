"""How a resident's words meet an article's words: fillers, synonyms, homophone typos, and word weights.

Residents write "医宝个人帐户能给我媳妇用不"; the article says "职工医保个人账户资金可由家庭成员共用共享".
Exact word overlap misses that, and a near-miss detector built on exact overlap would decline it. So a
question word counts as present in a sentence when the sentence has it, a synonym from the small domain
thesaurus (``bot.thesaurus``), or a same-sounding word (pinyin without tones: 医宝/医保, 快第/快递, 共电/供电 — the typos
a pinyin keyboard makes). Colloquial fillers (咋整, 那疙瘩, 俺们) carry no content and weigh nothing;
words the knowledge base never uses weigh by how rare they are in general Chinese, so "补办" weighs a lot
and "钱" little.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Iterable
from functools import lru_cache
from importlib import resources

from bot.chunk import normalize
from bot.thesaurus import FILLERS, SYNONYMS
from bot.words import _SEGMENTER, _STOPWORDS, a_not_a, cut_plain, tokenize_cached

_HAN = re.compile(r"[\u4e00-\u9fff]")
# A text of Chinese characters only: one regular expression instead of a test per character (question words are
# read through these tests several times each; the per-character generators were a tenth of reading them).
_ALL_HAN = re.compile(r"[\u4e00-\u9fff]+")
_WORD_OK = re.compile(r"[\w%]", re.UNICODE)
# Tokens known to be Chinese characters only (``_ALL_HAN``), or not: questions repeat their words.
_han_only: dict[str, bool] = {}


def _han_flags(tokens: list[str]) -> list[bool]:
    """For each token, whether it is Chinese characters only."""
    flags = []
    for token in tokens:
        flag = _han_only.get(token)
        if flag is None:
            flag = _ALL_HAN.fullmatch(token) is not None
            if len(_han_only) < 65536:
                _han_only[token] = flag
        flags.append(flag)
    return flags


# Particles, prepositions and adverbs: a word made of these only ("还给", "到去" once 哪 is read) names nothing.
_GRAMMAR_ONLY = re.compile(r"[的了吗呢吧啊呀哦嘛么是在有和与及或就都也还又把被给让对从向到为以于而并等着过得地去来]{2,}")


# Pinyin per character and per short run, in plain dicts (an lru_cache hit builds a key and relinks its entry, and
# every question reads each of its characters and runs this way several times). Bounded; past that, worked out.
_KEPT_SOUNDS = 65536
_pinyin: dict[str, str] = {}
_sounds: dict[str, tuple[str, ...]] = {}


def _char_pinyin(ch: str) -> str:
    if not _HAN.match(ch):
        return ch
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(ch, style=Style.NORMAL)[0]


def _learn_pinyin(ch: str) -> str:
    found = _char_pinyin(ch)
    if len(_pinyin) < _KEPT_SOUNDS:
        _pinyin[ch] = found
    return found


def learn_pinyin() -> None:
    """Learn the pinyin of every character ``_HAN`` covers now (~2 MB), when the chain is built.

    Learnt one at a time, a character costs ~40 us through pypinyin the first time a question has it (a new one
    in about every third eval question). The readings of U+4E00–U+9FFF are shipped in ``resources/pinyin.txt``
    (``scripts/make_pinyin_table.py``, pypinyin's reading of each character alone; ``tests/test_lexicon_pinyin.py``
    checks every one against the pypinyin installed): read in a few milliseconds, where asking pypinyin for all of
    them took ~0.45 s of every start.
    """
    for code, sound in enumerate(_shipped_readings(), start=0x4E00):
        if len(_pinyin) >= _KEPT_SOUNDS:
            break
        _pinyin.setdefault(chr(code), sys.intern(sound))


@lru_cache(maxsize=1)
def _shipped_readings() -> tuple[str, ...]:
    """The readings of U+4E00–U+9FFF shipped in ``resources/pinyin.txt``, in code-point order."""
    lines = resources.files("bot").joinpath("resources/pinyin.txt").read_text(encoding="utf-8").splitlines()
    return tuple(next(line for line in lines if not line.startswith("#")).split())


def pinyin_of(text: str) -> tuple[str, ...]:
    """Toneless pinyin per character (non-Chinese characters as themselves)."""
    known = _pinyin.get
    return tuple([known(ch) or _learn_pinyin(ch) for ch in text])


def _flat(sound: tuple[str, ...]) -> tuple[str, ...]:
    """Pinyin with zh/ch/sh said as z/c/s."""
    return tuple(s[0] + s[2:] if s[:2] in ("zh", "ch", "sh") else s for s in sound)


def _sound(candidate: str) -> tuple[str, ...]:
    """``pinyin_of`` a short run a question's words are checked against (the same runs recur within a question
    and across questions); not for whole questions or the vocabulary, which would only fill the memo."""
    found = _sounds.get(candidate)
    if found is None:
        found = pinyin_of(candidate)
        if len(_sounds) < _KEPT_SOUNDS:
            _sounds[candidate] = found
    return found


# Words that say what kind of answer is wanted, which a pinyin keyboard misspells ("红旗h6夺少钱", "售家多少",
# "报销比理是多少"): read with their typo, a price question lost its kind and was answered with a sentence
# that has no price. Only words whose same-sounding spellings are not ordinary phrases (价格 ~ 加个, 几点 ~ 积点,
# 电话 ~ "几个点划" are).
_CUES = ("多少", "售价", "电价", "气价", "比例", "合理")


@lru_cache(maxsize=1)
def _cue_sounds() -> dict[tuple[str, ...], str]:
    return {pinyin_of(cue): cue for cue in _CUES}


@lru_cache(maxsize=1)
def _cue_firsts() -> frozenset[str]:
    return frozenset(sound[0] for sound in _cue_sounds())


@lru_cache(maxsize=1)
def _cue_starters() -> frozenset[str]:
    """The characters whose reading starts a cue ("多", "夺", "朵" … for 多少): the only ones ``respell_cues`` sounds out.

    Read off ``resources/pinyin.txt`` (every character ``_HAN`` covers; any other reads as itself, never a syllable),
    so the set is whole whether or not ``learn_pinyin`` has run.
    """
    firsts = _cue_firsts()
    return frozenset(chr(code) for code, sound in enumerate(_shipped_readings(), start=0x4E00) if sound in firsts)


def respell_cues(norm: str) -> str:
    """``norm`` with misspelt question cues respelt ("夺少钱" -> "多少钱"); a real word ("合力") stays itself."""
    sounds, starters = _cue_sounds(), _cue_starters()
    known = _pinyin.get
    out: list[str] | None = None  # a copy made only to respell (most questions have nothing to respell)
    for i in range(len(norm) - 1):
        # Most characters of a question start no cue: one look-up in a set of a few hundred characters rules them out,
        # where reading each one's pinyin in the 21k-character table cost ~1 us a character once answering the
        # question before had pushed that table out of the CPU's caches.
        if norm[i] not in starters:
            continue
        first = known(norm[i]) or _learn_pinyin(norm[i])
        cue = sounds.get((first, known(norm[i + 1]) or _learn_pinyin(norm[i + 1])))
        span = norm[i : i + 2]
        if cue and cue != span and not _SEGMENTER.get().FREQ.get(span, 0):
            if out is None:
                out = list(norm)
            out[i : i + 2] = list(cue)
    return norm if out is None else "".join(out)


# An interrogative and the measure word it counts in ("几辆车" -> 车, "多少条" -> nothing): the kind of question
# already records both, and ``question.asked_unit`` requires a count in that unit. Measure words it does not
# check (种) stay words; so do those that name what is counted (人, 户, 亩, 钱, 度). "哪些地方", "啥地方" ask
# where, which the place kind records (in "地方上报的问题" 地方 is local government, a content word).
# 何 only as an interrogative (有何, 为何), not inside 任何.
_COUNTERS = "个项次位套辆栋条棵秒组座台张份处件些点号样"
_INTERROGATIVE = re.compile(
    rf"(?:多少|几|哪|啥|咋|(?<!任)何|谁|什么|百分之|百分比)(?:[{_COUNTERS}]?(?:地方|地儿)|[{_COUNTERS}])?"
)
# Cut apart from its interrogative only 地方 goes: a measure word standing alone ("有多少 条") stays a word, the
# cautious reading (dropping it let "地方上报的问题有多少条" be answered with "14条政策措施").
_COUNTER_WORDS = frozenset({"地方", "地儿"})
_COUNTED = re.compile(rf"[一二两三四五六七八九十]+[{_COUNTERS}级类种]")
_ASKS_COUNT = re.compile(r"(?:(?:多少|几|哪)[个些]?|什么|啥)$")
# The longest knowledge-base term a misspelling is compared with by sound.
_TERM_CHARS = 6

# A particle glued to a word by the cut: "卡里" (in the card), "地底下" (under the ground), "开了个" (opened a),
# and a direction after a verb: "寄过来" (mailed over), "报上来" (reported up).
# When the articles do not use the whole, the word without it is what the resident named.
# "往卡里打多少", "往地下打二氧化碳": 打 after 往 (towards) is putting something in, not calling or hitting.
_PUT_INTO = re.compile(r"(往[^，。？?！!\s打]{0,6}?)打(?![入招电车折听算工扫开印针钱])")
# A place word or a pronoun the cut glued to the verb after it ("公众号里弄", "能给他用").
_GLUED_PLACE = frozenset("里上下他她我你")
_GLUED_VERB = frozenset("弄整搞办用")
_GLUED_TAIL = re.compile(r"(?<=[\u4e00-\u9fff])(?:底下|了个|里|了|过来|过去|上来|上去|下来|下去|进来|进去|回来|回去|出来|出去)$")


# Local names the articles give stations and parks by ("淮安高中压调压站", "瑞禾苗物流园区"): a rare word sounding
# like one is a slip for it, as for a place ("怀安那个调压站" -> 淮安).
_LANDMARKS = ("淮安", "城隍庙", "瑞禾苗", "吉港")


@lru_cache(maxsize=1)
def _places() -> re.Pattern[str]:
    from bot.condense import JILIN_PLACES

    names = set(JILIN_PLACES) | set(_LANDMARKS)
    return re.compile("|".join(sorted(map(re.escape, names), key=len, reverse=True)))


def _slip_size_ok(word: str, target: str) -> bool:
    """Whether ``word`` differs from the same-sounding ``target`` as a typo does: in one character, or in at
    most half of a long word."""
    if len(word) != len(target):
        return False
    changed = sum(a != b for a, b in zip(word, target, strict=True))
    return changed == 1 or (len(word) >= 4 and 1 <= changed <= len(word) // 2)


# Which-words a cut must not glue to the next word; what they ask is read from the question's kind. Not 什么
# or 啥: they end fillers (为什么, 干啥) that must stay whole.
_WHICH = re.compile(r"哪一|哪个|哪类|哪种|哪些|哪家|什么样|啥样")


# An hour of the day said in characters after a time of day ("半夜十一点多", "早上七点"): the articles write digits
# (11点30分, 早上7点). Not "快一点" (a little), which has no time of day before it.
_CLOCK_SAID = re.compile(r"(早上|早晨|清早|上午|中午|下午|傍晚|晚上|夜里|半夜|凌晨|夜间)(十[一二]?|[一二三四五六七八九两])点")
_HOURS = {"十": 10, "十一": 11, "十二": 12, "两": 2, **{ch: i for i, ch in enumerate("一二三四五六七八九", start=1)}}


def _clock_in_digits(m: re.Match[str]) -> str:
    return f"{m.group(1)}{_HOURS[m.group(2)]}点"


# A deputy's title, kept whole: jieba cuts 副市长 as 副 + 市长, and 市长 alone would ask for the head (付 is 副 typed
# by sound: "梅河口付市长").
# The titles a deputy holds (副…): one list for reading questions (``_DEPUTY_SAID``) and matching sentences (``_DEPUTY``).
_DEPUTY_TITLE = r"(?:[厅局所站市县镇院部处科组班队社校区乡村]长|主任|书记)"
_DEPUTY_SAID = re.compile(rf"[副付]{_DEPUTY_TITLE}")
_APART = re.compile(f"{_WHICH.pattern}|{_DEPUTY_SAID.pattern}")


def _cut_apart(text: str) -> list[str]:
    """jieba's cut (no HMM) of ``text``, with each which-word and deputy's title cut off on its own first."""
    out: list[str] = []
    pos = 0
    for m in _APART.finditer(text):
        out.extend(t.strip() for t in cut_plain(text[pos : m.start()]))
        found = m.group(0)
        out.append("副" + found[1:] if found[0] == "付" else found)
        pos = m.end()
    out.extend(t.strip() for t in cut_plain(text[pos:]))
    return out


def _merge_runs(
    tokens: list[str],
    pick: Callable[[list[str]], str | None],
    heads: frozenset[str] | None = None,
    skip: Callable[[int, int], bool] | None = None,
) -> list[str]:
    """Tokens with runs of 3, else 2, neighbours replaced by what ``pick`` reads them as: a word, or ""
    to drop the run; ``None`` leaves the run alone. ``heads``: the only tokens a run ``pick`` reads can start with;
    ``skip(i, j)``: a cheap test that ``pick`` would leave ``tokens[i:j]`` alone."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if heads is not None and tokens[i] not in heads:
            out.append(tokens[i])
            i += 1
            continue
        for j in range(min(len(tokens), i + 3), i + 1, -1):
            if skip is not None and skip(i, j):
                continue
            word = pick(tokens[i:j])
            if word is not None:
                if word:
                    out.append(word)
                i = j
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def _thesaurus_phrase(parts: list[str]) -> str | None:
    joined = "".join(parts)
    if joined in FILLERS:
        return ""
    return joined if joined in SYNONYMS else None


@lru_cache(maxsize=1)
def _phrase_heads() -> frozenset[str]:
    """Every beginning of a filler or thesaurus phrase: a run of tokens can only join into one if its first token
    is one of these (one set look-up per token instead of joining its runs)."""
    return frozenset(key[:k] for key in (*FILLERS, *SYNONYMS) for k in range(1, len(key) + 1))


def _phrases(tokens: list[str]) -> list[str]:
    """Tokens with the thesaurus' phrases the cut split apart put back together ("快递 公司" -> 快递公司, read as
    the articles' 快递企业) and without fillers it split ("干 啥", "图 个 啥": 干 alone would be a content word)."""
    return _merge_runs(tokens, _thesaurus_phrase, _phrase_heads())


class WordReader:
    """Reads the content words of a question, repairing what a pinyin keyboard and jieba break.

    jieba's HMM invents words from typos and neighbours ("医宝", "妈交", "工叫"), so the cut is done without
    it; runs of single characters are then re-joined when they sound like a word the knowledge base uses
    ("医 宝" -> 医宝 ~ 医保, "供 点 所" -> 供点所 ~ 供电所) or form a known colloquial term ("长 护 险").
    Interrogatives ("多少钱", "啥时候") are dropped: the question's kind already says what is asked.
    """

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self._vocabulary = set(vocabulary)
        self._sounds: dict[tuple[str, ...], str] = {}
        # Of the words that sound alike, a slip is for the one people write most (the dictionary's frequency, which
        # does not change with the base): by code point, a large base's names took over (草梅 -> 曹梅, 夜化 -> 叶华).
        freq = _SEGMENTER.get().FREQ
        for word in sorted(self._vocabulary, key=lambda w: (-freq.get(w, 0), w)):
            if 2 <= len(word) <= _TERM_CHARS and all(_HAN.match(ch) for ch in word):
                self._sounds.setdefault(pinyin_of(word), word)
        for word in sorted(SYNONYMS) + sorted(FILLERS):
            # The thesaurus' colloquial words and the fillers are known words too ("动天" is a slip for 冬天,
            # read as 冬季; "家理", "一局话" are 家里, 一句话, which say nothing).
            if 2 <= len(word) <= _TERM_CHARS and all(_HAN.match(ch) for ch in word):
                self._sounds.setdefault(pinyin_of(word), word)
        # The first two syllables of every word above: a text starting with two others sounds like none of them.
        self._heads = frozenset(sound[:2] for sound in self._sounds)
        # The same words as a speaker who does not tell zh/ch/sh from z/c/s says them (平翘舌不分, common in the
        # north-east): "变数箱" is typed for 变速箱.
        self._flat_sounds: dict[tuple[str, ...], str] = {}
        for sound, word in self._sounds.items():
            self._flat_sounds.setdefault(_flat(sound), word)
        self._flat_heads = frozenset(sound[:2] for sound in self._flat_sounds)
        self._cache: dict[str, tuple[str, ...]] = {}
        self._read: dict[str, str] = {}  # ``_read_token``'s tokens
        self._like: dict[str, str] = {}  # ``_sounds_like``'s texts ("" for none)

    def _sounds_like(self, text: str) -> str | None:
        """The known word that sounds like ``text`` (2+ characters), if any. Remembered (bounded): of the ~20 runs a
        question has sounded out, over half were sounded out for an earlier question (the eval set: 28.8k texts,
        11.9k distinct), and each cost two pinyin tuples."""
        found = self._like.get(text)
        if found is None:
            found = self._sounded_out(text) or ""
            if len(self._like) < _KEPT_SOUNDS:
                self._like[text] = found
        return found or None

    def _sounded_out(self, text: str) -> str | None:
        """``_sounds_like`` worked out. Most texts tried start with two syllables no known word starts with; those
        are ruled out before the rest is sounded out."""
        known = _pinyin.get
        first, second = text[0], text[1]
        head = (known(first) or _learn_pinyin(first), known(second) or _learn_pinyin(second))
        if head in self._heads:
            found = self._sounds.get(_sound(text))
            if found is not None:
                return found
        if _flat(head) in self._flat_heads:
            return self._flat_sounds.get(_flat(_sound(text)))
        return None

    def _joinable(self, text: str) -> bool:
        """Single characters the cut left apart that make a known colloquial term or a slip for an article word
        ("医 宝" ~ 医保); "站 是" sounds like 展示 but with every character changed it is no slip."""
        if text in SYNONYMS:
            return True
        target = self._sounds_like(text)
        return target is not None and _slip_size_ok(text, target)

    def _spelled(self, word: str) -> str:
        """The knowledge base's spelling of a misspelt word that sounds like one of its words ("草梅" -> "草莓").

        Only for words the articles never use and general Chinese rarely does, so real words stay themselves.
        """
        if word in self._vocabulary or len(word) < 2 or not _ALL_HAN.fullmatch(word):
            return word
        target = self._sounds_like(word)
        if target is None or len(target) != len(word):
            return word
        if not _slip_size_ok(word, target):
            return word  # a typo changes a character ("医宝"); "住人" is not a misspelt "主任"
        if _SEGMENTER.get().FREQ.get(word, 0) and not _places().fullmatch(target):
            return word  # a real word ("收发", "出事"), unless it stands for a place ("辽远" -> 辽源)
        return target

    def _unglued(self, word: str) -> str:
        """``word`` without a particle the cut glued to it, when the articles do not use it whole ("卡里" -> 卡,
        "开了个" -> 开). Left whole, such a word is foreign to every article, so it weighs like a rare term the
        knowledge base lacks and a question that is answered looks like a near miss."""
        if word in self._vocabulary:
            return word
        if len(word) == 2 and word[1] in "都用" and word[0] in SYNONYMS:
            # "买药都急": jieba's 药都 (a town's nickname) is 药 and the adverb 都; "拿药用" is 药 and 用, not 药用
            # (medicinal). Only a resident's word the thesaurus reads: 成 is an article word, and 成都 a city no
            # article is about.
            return word[0]
        bare = _GLUED_TAIL.sub("", word)
        return word if bare in FILLERS else bare

    def _slipped_terms(self, tokens: list[str]) -> list[str]:
        """Neighbouring words that together sound like one term of the knowledge base with one character
        slipped ("门诊 共计" -> 门诊共济, "长期 护理 保鲜" -> 长期护理保险).

        A pinyin keyboard offers a real word (共计) for the slipped part, which ``_spelled`` rightly leaves
        alone by itself ("共计" is a word). Beside a neighbour that is the term's other part, and that the
        knowledge base uses, it can only be the term. The slipped part must be a word the knowledge base
        does not use, so two of its own words that happen to sound like a third stay as they are.
        """
        vocabulary = self._vocabulary
        known = [t in vocabulary for t in tokens]
        han = _han_flags(tokens)

        def skip(i: int, j: int) -> bool:
            # ``_slipped_term``'s cheapest tests, per token: runs of the articles' own words, and runs with a mark
            # or a figure, are most runs and read as nothing.
            return all(known[i:j]) or not all(han[i:j])

        return _merge_runs(tokens, lambda parts: self._slipped_term(parts) or None, skip=skip)

    def _slipped_term(self, parts: list[str]) -> str:
        if self._vocabulary.issuperset(parts):
            return ""  # nothing slipped (checked first: it is the common case and needs no pinyin)
        candidate = "".join(parts)
        if not 3 <= len(candidate) <= _TERM_CHARS or candidate in self._vocabulary:
            return ""
        if not _ALL_HAN.fullmatch(candidate):
            return ""
        target = self._sounds_like(candidate)
        if target is None or len(target) != len(candidate):
            return ""
        slipped = [k for k, (a, b) in enumerate(zip(candidate, target, strict=True)) if a != b]
        if len(slipped) != 1:
            return ""
        start = 0
        for part in parts:
            inside = start <= slipped[0] < start + len(part)
            if inside and part in self._vocabulary:
                return ""  # the slipped part must be foreign to the articles ...
            if not inside and len(part) >= 2 and part not in self._vocabulary:
                return ""  # ... and the other words their own ("门诊 慢行 病": 门诊, and 病 of 慢性病)
            start += len(part)
        return target

    def _repaired(self, tokens: list[str]) -> list[str]:
        """Tokens with slips of a pinyin keyboard and split thesaurus phrases put back together."""
        merged: list[str] = []
        i, n = 0, len(tokens)
        han = _han_flags(tokens)
        while i < n:
            joined = ""
            # Try the longest run (up to 4 characters) starting with a single character that sounds like a word.
            if han[i] and len(tokens[i]) == 1:
                # The runs that are Chinese characters only, at most 4: those up to ``end`` (tokens are never empty).
                end, size = i + 1, 1
                while end < min(n, i + 4) and han[end] and size + len(tokens[end]) <= 4:
                    size += len(tokens[end])
                    end += 1
                for j in range(end, i + 1, -1):
                    candidate = "".join(tokens[i:j])
                    run = tokens[i:j]
                    if (
                        # "工 信 厅": characters the cut left apart that make a word the articles use
                        (candidate in self._vocabulary and not any(t in _STOPWORDS or t in FILLERS for t in run))
                        or (
                            self._joinable(candidate)
                            # "这 是" are two function words, not a slip for the article's "这是"
                            and not all(t in _STOPWORDS or t in FILLERS for t in run)
                        )
                    ):
                        joined = candidate
                        i = j
                        break
            if joined:
                merged.append(joined)
                continue
            merged.append(tokens[i])
            i += 1
        return _phrases(self._slipped_terms(merged))

    def _read_token(self, raw: str) -> str:
        """The word one token of a question names, spelt as the articles spell it; "" for none. Remembered: the same
        tokens come back question after question, and reading one takes five regular expressions."""
        token = raw
        if _INTERROGATIVE.search(token):
            # "有何意义" -> "意义", "多少钱" -> "钱": the kind of question already records the interrogative.
            token = _INTERROGATIVE.sub("", token).lstrip("有是在")
        word = ""
        # "还给啥单位供气" (also, to), "用到哪去了" less its 哪: grammar, not what is asked about.
        if (
            token
            and _WORD_OK.search(token)
            and token not in _STOPWORDS
            and token not in FILLERS
            and not _GRAMMAR_ONLY.fullmatch(token)
        ):
            if len(token) == 2 and token[0] in _GLUED_PLACE and token[1] in _GLUED_VERB and token not in self._vocabulary:
                # "公众号里弄", "手机上办", "能给他用": 里/上 belong to the word before, 他 is whom; the verb is what
                # is left (not 里弄, a lane, nor a slip for 上班).
                token = token[1]
            spelled = self._spelled(token) if token not in FILLERS else ""
            if spelled not in FILLERS:  # "家理" is 家里, which says nothing
                spelled = self._unglued(spelled)
            if spelled and spelled not in FILLERS:
                word = spelled
        if len(self._read) < _KEPT_SOUNDS:
            self._read[raw] = word
        return word

    def words(self, text: str) -> tuple[str, ...]:
        found = self._cache.get(text)
        if found is not None:
            return found
        tokens: list[str] = []
        norm = a_not_a(normalize(text))  # "停不停" asks 停?, as ``tokenize`` reads it
        if "往" in norm:
            norm = _PUT_INTO.sub(r"\1打入", norm)  # "往卡里打多少": 打 is 打入, putting money (or gas) in
        if "点" in norm:
            norm = _CLOCK_SAID.sub(_clock_in_digits, norm)  # "半夜十一点多": the articles write 11点
        pos = 0
        # Place names are kept whole ("梨树种草莓" is 梨树 + 种草莓, not 梨 + 树种 + 草莓), and a which-word ends a
        # word ("哪一级别的" is 哪一 + 级别, not 哪 + 一级 + 别的).
        for m in _places().finditer(norm):
            tokens.extend(_cut_apart(norm[pos : m.start()]))
            tokens.append(m.group(0))
            pos = m.end()
        tokens.extend(_cut_apart(norm[pos:]))
        if "个账" in tokens:
            _measured_account_words(tokens)
        # "多少处毛病": the measure word after 多少 belongs to it; joined to the next word it only sounds like
        # another ("处毛病" ~ 出毛病). Each stretch between such measure words is repaired on its own, and so is
        # each stretch between the spaces the resident typed: "去了哪两个市 在四平" is not a slip for 实在.
        pieces: list[list[str]] = [[]]
        previous_token = ""
        for token in tokens:
            if not token:
                if pieces[-1]:
                    pieces.append([])
            elif previous_token and len(token) == 1 and token in _COUNTERS and _ASKS_COUNT.search(previous_token):
                pieces += [[token], []]
            else:
                pieces[-1].append(token)
            if token:
                previous_token = token
        merged = [w for piece in pieces for w in self._repaired(piece)]
        out: dict[str, None] = {}
        previous = ""
        known = self._read.get
        for raw in merged:
            word: str | None
            if raw in FILLERS:
                word = ""  # "干啥", "图个啥": a filler as a whole, not 干 once its 啥 is stripped
            elif raw in _COUNTER_WORDS and _ASKS_COUNT.search(previous):
                word = ""  # "有多少 条", "哪些 地方": cut apart from its interrogative
            elif previous == "哪" and _COUNTED.fullmatch(raw):
                word = ""  # "是哪四样", "哪三级": which ones, of a count the resident already knows
            else:
                word = known(raw)
                if word is None:
                    word = self._read_token(raw)
            previous = raw
            if word:
                out.setdefault(word, None)
        result = tuple(out)
        if len(self._cache) < 50_000:
            self._cache[text] = result
        return result


def _measured_account_words(tokens: list[str]) -> None:
    """"有个账本" is 有个 + 账本, not 个账 (个人账户, shortened) + 本: the cut keeps 个账 whole, so a 个账 followed by a
    character that makes a word with 账 (账本, 账号, 账单, 账户) is read as a measure word and that word, in place."""
    freq = _SEGMENTER.get().FREQ
    for i in range(len(tokens) - 1):
        after = tokens[i + 1]
        if tokens[i] == "个账" and len(after) == 1 and freq.get("账" + after, 0) > 0:
            tokens[i], tokens[i + 1] = "个", "账" + after


@lru_cache(maxsize=65536)
def general_rarity(word: str) -> float:
    """0..1: how rare a word is in general Chinese (jieba's dictionary frequencies); unknown words are rare."""
    tokenizer = _SEGMENTER.get()
    freq = tokenizer.FREQ.get(word, 0)
    surprise = math.log(tokenizer.total / (freq + 1))
    return max(0.15, min(1.0, (surprise - 8.0) / 5.0))


class SentenceText:
    """A sentence (or passage) prepared for matching: normalised text and its tokens."""

    __slots__ = ("norm", "tokens")

    def __init__(self, text: str, tokens: tuple[str, ...] | frozenset[str] = ()) -> None:
        self.norm = normalize(text)
        self.tokens = frozenset(tokens)


def match(word: str, text: SentenceText) -> float:
    """How well ``text`` contains ``word``: 1 exact, 0.9 synonym, up to 0.9 for a long word's parts, else 0.

    Misspellings were already respelt by ``WordReader``, so exact matching finds them.
    """
    return word_plan(word).match(text)


# How many (word, text) matches ``WordPlan.match_prepared`` remembers in all, ~100 bytes each: a question meets
# ~300 pairs, half of them met before. Past that, matches are worked out as before.
_SEEN_PAIRS = 200_000
_seen_budget = _SEEN_PAIRS
# Characters that may stand between a long word's parts in a text ("微信服务群" for 微信群).
_GAP = 3


class WordPlan:
    """One question word prepared for matching many sentences: its synonyms and, for a long word, its parts
    and the characters each covers. Answering matches ~6 words against ~80 sentences a question; working
    these out once per word instead of per pair halved the cost of scoring sentences (measured)."""

    __slots__ = ("word", "_long", "_plain", "_synonyms", "_parts", "_seen", "_deputy")

    def __init__(self, word: str) -> None:
        self.word = word
        self._long = len(word) >= 2
        self._plain = len(word) == 1 and not _HAN.match(word)
        self._synonyms = tuple(SYNONYMS.get(word, ()))
        # A head's title (厅长, 所长, and 一把手's 厅长) is not its deputy's: "副厅长韩良" does not name the 厅长.
        said = (word, *self._synonyms)
        self._deputy = any(_HEAD_TITLE.search(w) for w in said) and not any(w.startswith("副") for w in said)
        parts: list[tuple[str, frozenset[int]]] = []
        if len(word) >= 3:
            for part in dict.fromkeys(tokenize_cached(word)):
                if len(part) >= 2 and part != word:
                    at: set[int] = set()
                    i = word.find(part)
                    while i >= 0:
                        at.update(range(i, i + len(part)))
                        i = word.find(part, i + 1)
                    parts.append((part, frozenset(at)))
        self._parts = tuple(parts)
        self._seen: dict[str, float] = {}

    @property
    def needles(self) -> tuple[str, ...]:
        """What a text must contain for ``match`` to find anything: the word, a synonym or (a long word) a part."""
        return (self.word, *self._synonyms, *(part for part, _ in self._parts))

    def match_prepared(self, text: SentenceText) -> float:
        """``match`` for a small knowledge base's text prepared by ``bot.sentences`` (its tokens are a cut of its
        normalised form, so the result depends on that alone), remembered for the next question: the same
        sentences come back for question after question with the same words (half the pairs in the eval)."""
        found = self._seen.get(text.norm)
        if found is None:
            global _seen_budget
            found = self.match(text)
            if _seen_budget > 0:
                _seen_budget -= 1  # approximate under threads; it only bounds memory
                self._seen[text.norm] = found
        return found

    def match(self, text: SentenceText) -> float:
        norm, word = text.norm, self.word
        if self._deputy and "副" in norm:
            norm = _without_deputies(norm)
        inside = word in norm
        if inside and len(word) == 2 and not _found_whole(norm, word):
            inside = False  # "取现" in "采取现场": the end of one word and the start of the next
        if inside and (self._long or self._plain or word in text.tokens):
            return 1.0
        for synonym in self._synonyms:
            if synonym in norm and (len(synonym) != 2 or _found_whole(norm, synonym)):
                return 0.9
        if inside:
            return 0.5  # a lone character inside a longer word ("瓶" in "钢瓶"): some evidence, not much
        if not self._parts:
            return 0.0
        # Credit for a long word whose parts the text has ("开关插座" in "开关、插座"; "输气量" via "输气").
        covered: set[int] = set()
        first = -1
        for part, at in self._parts:
            i = norm.find(part)
            if i >= 0:
                covered |= at
                first = i if first < 0 else min(first, i)
        share = len(covered) / len(word)
        if 0.5 <= share < 1.0:
            # "微信群" in "微信服务群": the rest of the word a few characters on, past a word put in between.
            window = norm[first : first + len(word) + _GAP]
            if all(word[k] in window for k in range(len(word)) if k not in covered):
                return 0.85
        return 0.9 * share if share >= 0.5 else 0.0


def _found_whole(norm: str, word: str) -> bool:
    """Whether a two-character word stands in ``norm`` as a word somewhere, not only straddling two others: "取现"
    is in "采取现场" as the end of 采取 and the start of 现场, each a word people use more than 取现 (jieba's
    dictionary frequencies)."""
    freq = _SEGMENTER.get().FREQ
    own = freq.get(word, 0)
    i = norm.find(word)
    while i >= 0:
        if i == 0 or i + 2 >= len(norm):
            return True
        if not (freq.get(norm[i - 1 : i + 1], 0) > own and freq.get(norm[i + 1 : i + 3], 0) > own):
            return True
        i = norm.find(word, i + 1)
    return False


# A head's title: what "副" before it makes a deputy's.
_HEAD_TITLE = re.compile(r"..*(?:长|主任|书记)$")
_DEPUTY = re.compile(rf"副{_DEPUTY_TITLE}")


def _without_deputies(norm: str) -> str:
    """``norm`` with its deputies' titles blanked ("省生态环境厅副厅长韩良" keeps 韩良 but names no 厅长)."""
    return _DEPUTY.sub("|", norm)


@lru_cache(maxsize=8192)
def word_plan(word: str) -> WordPlan:
    return WordPlan(word)


class CharIndex:
    """Which texts of a fixed set (a small base's sentences, contexts and titles) could match a word, as the bits of
    an int: per character, the texts that have it.

    Most sentences a question reads (~60 %) have none of its words; matching each word against them, one pair at a
    time, was most of scoring. A text with none of a word's ``needles`` cannot match it, and a text lacking one of a
    needle's characters cannot contain it, so a few ANDs of these masks rule such texts out exactly.
    """

    def __init__(self, norms: Iterable[str]) -> None:
        self.bits: dict[str, int] = {}
        self._chars: dict[str, int] = {}
        for norm in norms:
            if norm in self.bits:
                continue
            bit = 1 << len(self.bits)
            self.bits[norm] = len(self.bits)
            for ch in set(norm):
                self._chars[ch] = self._chars.get(ch, 0) | bit
        self._masks: dict[str, int] = {}

    def could_match(self, plan: WordPlan) -> int:
        """The texts (bits) that may hold one of ``plan``'s needles; the others match it 0.0."""
        found = self._masks.get(plan.word)
        if found is None:
            found = 0
            chars = self._chars
            for needle in plan.needles:
                mask = -1  # every text, until a character says otherwise
                for ch in needle:
                    mask &= chars.get(ch, 0)
                    if not mask:
                        break
                found |= mask
            if len(self._masks) < _KEPT_SOUNDS:
                self._masks[plan.word] = found
        return found
