"""How a resident's words meet an article's words: fillers, synonyms, homophone typos, and word weights.

Residents write "医宝个人帐户能给我媳妇用不"; the article says "职工医保个人账户资金可由家庭成员共用共享".
Exact word overlap misses that, and a near-miss detector built on exact overlap would decline it. So a
question word counts as present in a sentence when the sentence has it, a synonym from the small domain
thesaurus below, or a same-sounding word (pinyin without tones: 医宝/医保, 快第/快递, 共电/供电 — the typos
a pinyin keyboard makes). Colloquial fillers (咋整, 那疙瘩, 俺们) carry no content and weigh nothing;
words the knowledge base never uses weigh by how rare they are in general Chinese, so "补办" weighs a lot
and "钱" little.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import lru_cache

from bot.chunk import normalize

# Colloquial and conversational words that say nothing about what is asked.
_FILLER_TEXT = """啥 咋 咋整 咋办 咋弄 咋样 整 弄 搞 干啥 干嘛 图个 图个啥 啥意思 意思 是啥 那边 这边 那疙瘩 那嘎达 疙瘩 嘎达 那块 这块
    俺 俺们 咱 咱们 我家 我们家 家里 屯子 听人 听人说 听说 人说 老邻居 邻居 楼下 心里 犯嘀咕 嘀咕 挺 到底 究竟 为啥 为什么
    明白 不明白 一下 问问 想问 想问问 请问 麻烦 谢谢 一直 好几年 好几 几年 眼瞅 眼瞅着 都还没 还没 这个 那个 东西 情况 具体
    自个儿 自个 自己 以前 之前 以后 现在 最近 如今 当时 一起 还是 或者 还得 得 才能 才 让 给 用 去 来 回 到 还 想 说 问 看
    就 要 能 会 可 行 吗 呢 吧 呀 啊 哦 嘛 么 哪 哪个 哪些 哪儿 哪里 什么 什么样 怎么 怎么样 怎样 如何 多少 几 多 都
    周到 挺好 你好 您好 就是 帮 帮着 看看 拿来 准备 一共 总共 说白了 正常 一个月 每个月 俺家 那部分 到底是 为了 不能 不会 不行 不用 些 是指 是从 是在 指 在于 叫做 变成 一样 时候 的话 有没有 是不是 会不会 能不能 可不可以
    行不行 中不中 好使不 真事儿 假事儿 真的假的 大姐 大哥 大爷 大娘 大妈 师傅 同志 要是 如果 一句话 说明白 操作
    底下 上头 里头 上来 下去 出来 早点 往 那帮 那帮人 好几个 好几年 好几天 好几次 好个 好年 好天 好次 人是 能干
    怎么弄 怎么整 怎么搞 怎么办 真的 是真的 有人管 人管"""
FILLERS = frozenset(_FILLER_TEXT.split())

# Resident wording -> the articles' wording. Small on purpose: only pairs that mean the same thing.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "家里人": ("家庭成员", "家庭"),
    "家人": ("家庭成员", "家庭"),
    "媳妇": ("家庭成员",),
    "老伴": ("家庭成员",),
    "爸妈": ("家庭成员",),
    "我妈": ("家庭成员",),
    "我爸": ("家庭成员",),
    "孩子": ("家庭成员",),
    "钱": ("资金", "费用", "元"),
    "算": ("计入", "计算"),
    "处理": ("整改", "解决"),
    "往上提": ("提升", "提高"),
    "涨": ("提升", "提高", "上升"),
    "提高": ("提升",),
    "保证": ("确保", "保障"),
    "交": ("缴纳",),
    "上班": ("在职", "上岗", "返岗"),
    "在职的": ("在职职工",),
    "退休的": ("退休人员",),
    "医院": ("医疗机构",),
    "长护险": ("长期护理保险",),
    "门慢": ("门诊慢性病",),
    "报": ("报销",),
    "能报": ("报销",),
    "买": ("支付", "购买"),
    "买药": ("药品",),
    "药": ("药品",),
    "花": ("支付", "使用"),
    "过年": ("春节", "新年"),
    "年前": ("春节",),
    "冬天": ("冬季",),
    "打工": ("务工",),
    "回来": ("返乡", "返岗"),
    "回家": ("返乡",),
    "消毒": ("消杀",),
    "快递公司": ("快递企业", "企业"),
    "快递点": ("网点", "驿站"),
    "送": ("派送", "配送", "投递"),
    "检查费": ("检查",),
    "拍片": ("检查",),
    "多冷": ("零下", "摄氏度"),
    "冷": ("零下", "严寒"),
    "几点": ("点",),
    "电": ("用电", "供电"),
    "修": ("报修", "抢修"),
    "修电": ("报修", "抢修"),
    "多少人": ("名", "人", "位"),
    "车展": ("汽车展",),
    "老家": ("返乡",),
    "电路": ("线路",),
    "外地": ("在外", "外出"),
    "帐户": ("账户",),
    "个人帐户": ("个人账户",),
    "闺女": ("家庭成员",),
    "女儿": ("家庭成员",),
    "儿子": ("家庭成员",),
    "老头": ("家庭成员",),
    "老婆": ("家庭成员",),
    "老公": ("家庭成员",),
    "爱人": ("家庭成员",),
    "父母": ("家庭成员",),
    "片子": ("检查",),
    "出事": ("隐患", "异常", "断电", "安全"),
    "划": ("计入",),
    "收发": ("寄递", "投递"),
    "保障": ("确保", "保证", "保障"),
    "外头": ("室外",),
    "度": ("摄氏度", "温度"),
    "出毛病": ("报修", "抢修", "故障"),
    "坏了": ("报修", "抢修", "故障"),
    "手机": ("app", "线上", "网上"),
    "好久没": ("长期",),
    "破百": ("百公里加速",),
    "马力": ("功率",),
    "大马力": ("功率",),
    "年底": ("岁尾", "年末", "年终"),
    "开始": ("起", "启动", "实施"),
    "家属": ("家庭成员",),
    "级别": ("级",),
    "好长时间": ("长期",),
    "长时间": ("长期",),
    "好久": ("长期",),
    "很久": ("长期",),
    "没用": ("闲置",),
    "不用": ("闲置",),
    "容易": ("易",),
    "爱": ("易", "容易"),  # 爱出毛病: tends to
    "外面": ("室外",),
    "那天": ("当天", "当晚"),
    "晚上": ("晚", "夜"),
    "出去": ("外出", "在外"),
    "网上": ("线上", "微信公众号", "网上"),
    "自己": ("自助",),
    "大排量": ("发动机",),
    "排量": ("发动机",),
    "那口子": ("家庭成员",),
    "全家": ("家庭成员", "家庭"),
    "孙子": ("家庭成员",),
    "人手": ("人员", "人力"),
    "邮政局": ("邮政管理局", "邮政"),
    "好处": ("福利", "待遇", "补贴"),
    "天冷": ("严寒", "冬季", "零下"),
    "检查": ("督导", "巡检", "排查"),
    "罐子": ("钢瓶",),
    "气罐": ("钢瓶",),
    "煤气罐": ("钢瓶",),
    "液化气罐": ("钢瓶",),
    "一天": ("全天", "当天", "每天"),
    "电线": ("线路", "电路"),
    "小哥": ("快递员", "一线人员", "从业人员"),
    "省里": ("全省",),
    "寄": ("寄递",),
    "开通": ("建立",),
    "转成": ("转向", "转为", "转变"),  # 从A转成B: 由A转向B
    "吃药": ("药品",),
    "吃饭": ("饮食",),
}

_HAN = re.compile(r"[\u4e00-\u9fff]")
_WORD_OK = re.compile(r"[\w%]", re.UNICODE)


@lru_cache(maxsize=65536)
def _char_pinyin(ch: str) -> str:
    if not _HAN.match(ch):
        return ch
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(ch, style=Style.NORMAL)[0]


def pinyin_of(text: str) -> tuple[str, ...]:
    """Toneless pinyin per character (non-Chinese characters as themselves)."""
    return tuple(_char_pinyin(ch) for ch in text)


# An interrogative and the measure word it counts in ("几辆车" -> 车, "多少条" -> nothing): the kind of question
# already records both, and ``question.asked_unit`` requires a count in that unit. Measure words it does not
# check (种) stay words; so do those that name what is counted (人, 户, 亩, 钱, 度). "哪些地方", "啥地方" ask
# where, which the place kind records (in "地方上报的问题" 地方 is local government, a content word).
# 何 only as an interrogative (有何, 为何), not inside 任何.
_COUNTERS = "个项次位套辆栋条棵秒组座台张份处件些点号样"
_INTERROGATIVE = re.compile(
    rf"(?:多少|几|哪|啥|咋|(?<!任)何|谁|什么|百分之|百分比)(?:[{_COUNTERS}]?(?:地方|地儿)|[{_COUNTERS}])?"
)
_COUNTER = re.compile(rf"[{_COUNTERS}]|地方|地儿")
_ASKS_COUNT = re.compile(r"(?:(?:多少|几|哪)[个些]?|什么|啥)$")
# The longest knowledge-base term a misspelling is compared with by sound.
_TERM_CHARS = 6


@lru_cache(maxsize=1)
def _places() -> re.Pattern[str]:
    from bot.condense import JILIN_PLACES

    return re.compile("|".join(sorted(map(re.escape, set(JILIN_PLACES)), key=len, reverse=True)))


def _slip_size_ok(word: str, target: str) -> bool:
    """Whether ``word`` differs from the same-sounding ``target`` as a typo does: in one character, or in at
    most half of a long word."""
    if len(word) != len(target):
        return False
    changed = sum(a != b for a, b in zip(word, target, strict=True))
    return changed == 1 or (len(word) >= 4 and 1 <= changed <= len(word) // 2)


def _phrases(tokens: list[str]) -> list[str]:
    """Tokens with the thesaurus' phrases the cut split apart put back together ("快递 公司" -> 快递公司, read as
    the articles' 快递企业) and without fillers it split ("干 啥", "图 个 啥": 干 alone would be a content word)."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for j in (i + 3, i + 2):
            if j > len(tokens):
                continue
            joined = "".join(tokens[i:j])
            if joined in FILLERS:
                i = j
                break
            if joined in SYNONYMS:
                out.append(joined)
                i = j
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


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
        for word in sorted(self._vocabulary):
            if 2 <= len(word) <= _TERM_CHARS and all(_HAN.match(ch) for ch in word):
                self._sounds.setdefault(pinyin_of(word), word)
        for word in sorted(SYNONYMS) + sorted(FILLERS):
            # The thesaurus' colloquial words and the fillers are known words too ("动天" is a slip for 冬天,
            # read as 冬季; "家理", "一局话" are 家里, 一句话, which say nothing).
            if 2 <= len(word) <= _TERM_CHARS and all(_HAN.match(ch) for ch in word):
                self._sounds.setdefault(pinyin_of(word), word)
        self._cache: dict[str, tuple[str, ...]] = {}

    def _joinable(self, text: str) -> bool:
        """Single characters the cut left apart that make a known colloquial term or a slip for an article word
        ("医 宝" ~ 医保); "站 是" sounds like 展示 but with every character changed it is no slip."""
        if text in SYNONYMS:
            return True
        target = self._sounds.get(pinyin_of(text))
        return target is not None and _slip_size_ok(text, target)

    def _spelled(self, word: str) -> str:
        """The knowledge base's spelling of a misspelt word that sounds like one of its words ("草梅" -> "草莓").

        Only for words the articles never use and general Chinese rarely does, so real words stay themselves.
        """
        if word in self._vocabulary or len(word) < 2 or not all(_HAN.match(ch) for ch in word):
            return word
        from bot.words import _SEGMENTER

        target = self._sounds.get(pinyin_of(word))
        if target is None or len(target) != len(word):
            return word
        if not _slip_size_ok(word, target):
            return word  # a typo changes a character ("医宝"); "住人" is not a misspelt "主任"
        if _SEGMENTER.get().FREQ.get(word, 0) and not _places().fullmatch(target):
            return word  # a real word ("收发", "出事"), unless it stands for a place ("辽远" -> 辽源)
        return target

    def _slipped_terms(self, tokens: list[str]) -> list[str]:
        """Neighbouring words that together sound like one term of the knowledge base with one character
        slipped ("门诊 共计" -> 门诊共济, "长期 护理 保鲜" -> 长期护理保险).

        A pinyin keyboard offers a real word (共计) for the slipped part, which ``_spelled`` rightly leaves
        alone by itself ("共计" is a word). Beside a neighbour that is the term's other part, and that the
        knowledge base uses, it can only be the term. The slipped part must be a word the knowledge base
        does not use, so two of its own words that happen to sound like a third stay as they are.
        """
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for j in range(min(len(tokens), i + 3), i + 1, -1):
                term = self._slipped_term(tokens[i:j])
                if term:
                    out.append(term)
                    i = j
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out

    def _slipped_term(self, parts: list[str]) -> str:
        candidate = "".join(parts)
        if not 3 <= len(candidate) <= _TERM_CHARS or candidate in self._vocabulary:
            return ""
        if not all(_HAN.match(ch) for ch in candidate):
            return ""
        target = self._sounds.get(pinyin_of(candidate))
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

    def words(self, text: str) -> tuple[str, ...]:
        found = self._cache.get(text)
        if found is not None:
            return found
        from bot.words import _SEGMENTER, _STOPWORDS

        tokenizer = _SEGMENTER.get()
        tokens: list[str] = []
        norm = normalize(text)
        pos = 0
        # Place names are kept whole ("梨树种草莓" is 梨树 + 种草莓, not 梨 + 树种 + 草莓).
        for m in _places().finditer(norm):
            tokens.extend(t.strip() for t in tokenizer.cut(norm[pos : m.start()], HMM=False))
            tokens.append(m.group(0))
            pos = m.end()
        tokens.extend(t.strip() for t in tokenizer.cut(norm[pos:], HMM=False))
        tokens = [t for t in tokens if t]
        merged: list[str] = []
        i = 0
        while i < len(tokens):
            joined = ""
            # Try the longest run (up to 4 characters) starting with a single character that sounds like a word.
            if len(tokens[i]) == 1 and _HAN.match(tokens[i]):
                for j in range(min(len(tokens), i + 4), i + 1, -1):
                    candidate = "".join(tokens[i:j])
                    if (
                        len(candidate) <= 4
                        and all(_HAN.match(ch) for ch in candidate)
                        and self._joinable(candidate)
                        # "这 是" are two function words, not a slip for the article's "这是"
                        and not all(t in _STOPWORDS or t in FILLERS for t in tokens[i:j])
                    ):
                        joined = candidate
                        i = j
                        break
            if joined:
                merged.append(joined)
                continue
            merged.append(tokens[i])
            i += 1
        merged = _phrases(self._slipped_terms(merged))
        out: dict[str, None] = {}
        previous = ""
        for raw in merged:
            token = raw
            if token in FILLERS:
                token = ""  # "干啥", "图个啥": a filler as a whole, not 干 once its 啥 is stripped
            elif _COUNTER.fullmatch(token) and _ASKS_COUNT.search(previous):
                token = ""  # "有多少 条", "哪些 地方": cut apart from its interrogative
            elif _INTERROGATIVE.search(token):
                # "有何意义" -> "意义", "多少钱" -> "钱": the kind of question already records the interrogative.
                token = _INTERROGATIVE.sub("", token).lstrip("有是在")
            previous = raw
            if not token or not _WORD_OK.search(token) or token in _STOPWORDS or token in FILLERS:
                continue
            spelled = self._spelled(token)
            if spelled not in FILLERS:  # "家理" is 家里, which says nothing
                out.setdefault(spelled, None)
        result = tuple(out)
        if len(self._cache) < 50_000:
            self._cache[text] = result
        return result


@lru_cache(maxsize=65536)
def general_rarity(word: str) -> float:
    """0..1: how rare a word is in general Chinese (jieba's dictionary frequencies); unknown words are rare."""
    from bot.words import _SEGMENTER

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
    if len(word) >= 2 and word in text.norm:
        return 1.0
    if len(word) == 1 and (word in text.tokens or (not _HAN.match(word) and word in text.norm)):
        return 1.0
    for synonym in SYNONYMS.get(word, ()):
        if synonym in text.norm:
            return 0.9
    if len(word) == 1 and word in text.norm:
        return 0.5  # a lone character inside a longer word ("瓶" in "钢瓶"): some evidence, not much
    return _partial(word, text) if len(word) >= 3 else 0.0


def _partial(word: str, text: SentenceText) -> float:
    """Credit for a long word whose parts the text has ("开关插座" in "开关、插座"; "输气量" via "输气")."""
    from bot.words import tokenize_cached

    covered = [False] * len(word)
    for part in tokenize_cached(word):
        if len(part) >= 2 and part != word and part in text.norm:
            i = word.find(part)
            while i >= 0:
                covered[i : i + len(part)] = [True] * len(part)
                i = word.find(part, i + 1)
    share = sum(covered) / len(word)
    return 0.9 * share if share >= 0.5 else 0.0
