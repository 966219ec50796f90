"""Extractive answering: pick the source sentences that answer the question and quote them with [n] markers.

No language model: the answer is made of the article's own sentences, so numbers, percentages, dates and
names are exactly as in the source. The only rewrites are a 可以/不可以 opener for yes/no questions and
relative dates made absolute ("今年1月1日起" -> "2023年1月1日起"); ``verify`` checks that every piece of
the text still comes from the quote it cites.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from bot.chunk import normalize
from bot.condense import OTHER_PLACES, PREFECTURE_OF, asked_models, origin_places, other_subjects, places
from bot.dates import absolutise
from bot.evidence import SentenceBank, SourceSentence
from bot.lexicon import SentenceText
from bot.question import (
    COUNTS_WHAT_IS_ASKED,
    STRICT_KINDS,
    QuestionInfo,
    acted_on_after_how,
    asked_title,
    asked_years,
    asks_procedure,
    asks_ranked,
    checks_title_holder,
    classify,
    crux_word,
    lists_items,
    names_title_holder,
    respectively_items,
    satisfies,
    states_procedure,
    states_ranked,
)
from bot.question_focus import asked_characters
from bot.retrieve import LARGE_BASE_CHUNKS
from bot.scoring import READ_HITS, Credits, Scored, coverage_of, credit_of, places_named, score_sentences
from bot.types import Citation, Hit

MARKER = re.compile(r"\[\d+\]")
_CLAUSE_END = re.compile(r"[，,；;：:]")
# Breaks inside a clause where a quote may start: after a list's 、, 以及/和/等, or a 的 ("…专家组成的5个帮扶工作组").
_INNER_BREAK = re.compile(r"、|以及|和|等|的")
_END_PUNCT = "。！？；!?;…"
_ABILITY = re.compile(r"能|可以|可|行|给|让|管")
_NEGATIVE = re.compile(r"不能|不得|不可以|不可|不予|无法|禁止|不允许|不包括|不属于|不能够")
_POSITIVE = re.compile(r"可以|可由|可通过|可使用|还可|即可|能够|均可|都可|可实现|纳入|可用于|用于")
# A paragraph's first sentence this short is followed by the sentence that carries its facts.
LEAD_CHARS = 45
# The shortest piece of a sentence worth quoting next to another one.
MIN_PIECE = 40
CRUX_MAX_CHARS = 30
# "那台账是咋管的": a sentence of the best one's article saying the crux (管理) scoring this share of it answers first.
CRUX_SWAP = 0.7
# The credit a sentence gives the crux for saying it (as ``abstain.Thresholds.min_crux`` asks).
CRUX_HELD = 0.75
# A sentence naming the kind of thing asked for ("加啥群": a 群) scoring this share of the best one, which names none,
# answers before it (``draft_answer``).
NAMES_SWAP = 0.85
# Kinds whose answer names someone or something: a close sentence that does beats a closer one that does not.
_NAMING_KINDS = frozenset({"person", "org", "source", "reporter", "sites"})
# How close to the best sentence's score one from the conversation's article must come to answer instead of it.
STAY_SWAP = 0.8
# Kinds a paragraph's first sentence answers for the rest of it: who acted, where ("松原市邮政管理局……要建立…机制").
_LEAD_NAMES = frozenset({"division", "city", "person", "org", "source", "reporter"})
_LEAD_PLACES = frozenset({"division", "city"})
# Away from where the resident is insured or lives; a sentence speaks of that only with words like these.
_ELSEWHERE = re.compile(
    r"外地|异地|省外|外省|跨省|外市|国外"
    # "去北京看门诊": care sought in a place outside the province.
    r"|(?:去|到|在|上)(?:" + "|".join(sorted(OTHER_PLACES, key=len, reverse=True)) + r")(?=看|就医|住院|开药|拿药|买药|治)"
)
_CARE = re.compile(r"医保|看病|就医|门诊|住院|报销|能报|给报|拿药|买药|个人账户|统筹")
_AWAY = re.compile(r"外地|异地|省外|外省|跨省|外市|国外|在外|外出|返乡")
# A second question of these kinds is answered only by a sentence giving what it asks: "站长是谁？员工从几点开始
# 工作？" is not answered about the manager by the sentence saying when the staff began.
_PART_KINDS = STRICT_KINDS | {"person", "source"}
# Kinds of fact a part of a question in parts asks for, which some quote must give (``Draft.parts_kind_ok``).
_PART_FACT_KINDS = STRICT_KINDS - {"membership"}
# A sentence is about one of the things a question lists ("分别是啥") when it names it this early.
ITEM_OPENS = 8
# A second sentence scoring this close to the best one is quoted too (in part if need be).
STRONG = 0.85
# ... on a large base. The article's own words weigh the most a word can there (费用 3.0 against 2.55 on the seed), so
# a sentence of the article lacking one falls further behind the best than on the seed: "…门诊统筹报销范围扩大到三级及
# 以下定点医疗机构…" scored 0.84 of "门诊报销不再局限于合规药品费用…" for "在三甲医院看门诊的费用可以纳入门诊统筹报销吗"
# (0.86 on the seed), and the sentence answering for the 三甲 hospital was left out. At 100k chunks +1 -0 (at 0.80 or
# 0.82 a near miss, "燃气表冻住了不走字", was answered with the pressure regulators' 冻堵 beside the best).
STRONG_LARGE = 0.83
# How many sentences after the best a large base looks through for one giving the kind of fact asked (a small
# base: 8). Look-alike copies of the article's clauses that lack the fact crowd the first places.
STATING_LOOK_LARGE = 16
# On a large base, a sentence scoring this close to the best one, from an article two or more of the chunks read were
# found in, answers instead when the best comes from a short article (at most ``SHORT_ARTICLE`` chunks) found once: a
# look-alike item repeating the report's opening ("本报讯(记者…)近日，实施职工医保门诊共济保障机制后，…") scored 0.86
# against 0.79 for "本报讯(记者何泽深)近日，记者从长春市医保局获悉…" (found twice), on meaning alone; a three-chunk
# look-alike's "辽河油田一直高度重视CCUS产业发展，…" took "吉林油田一直高度重视…" 's place the same way. At 100k chunks
# +1 -0 for one-chunk articles (at 0.8 or 0.9), +2 -0 up to 3 chunks; letting any article found once give way
# cost 吉林市's postal answer (a five-chunk report) to the ecology report found four times (+2 -1).
CORROBORATED = 0.9
SHORT_ARTICLE = 3
# A sentence added only for scoring close to the best, whose own words are less than this share of the question's
# weight, gives its place to one saying a word the answer lacks when every place is taken. In a large base an
# article's names weigh most, and the sentences of a paragraph naming them score near the best through it alone.
IDLE_SAYS = 0.2
# On a large base, how close to the best a sentence of the same article giving the kind of fact asked must score to
# answer instead (another article's: 0.8). The article's names weigh the most a word can there (梨树 3.0 against 1.76 on
# the seed), so its sentences repeating them pull ahead of the one giving the fact: "合作社负责人王宝忠…" scored 0.79 of
# "六之维…合作社梨树分社是梨树县最大的…" for "…管事儿的是谁". At 100k chunks +2 -0 (at 0.7: +2 -1, a near miss answered).
STATING_SAME_ARTICLE = 0.75
# On a large base, a sentence listing the things a 哪些 question asks for answers before a closer one (see
# ``draft_answer``).
LISTING_SWAP = True
# On a large base, "近日" or "春节临近" in a sentence says when it was reported, not when what a time question asks about
# happened: look-alikes' "本报讯(记者郑敏)近日，通化市正式启动实施职工医保门诊共济保障机制…" and "白城市正式启动…，
# 春节临近" answered "通化市…门诊共济啥时候开始实行" (the real report gives the day: "今年1月1日起"). Such a sentence
# gives the kind of fact asked only with a date of its own. At 100k chunks +2 -0, no other answer changed.
_VAGUE_TIME = re.compile(r"近日|春节临近|临近春节|春节将近")
# ... unless it names a year, if only in a name ("近日，…红旗H6全球首发仪式在2022广州国际汽车展现场举行" answers "哪年").
_YEAR_NAMED = re.compile(r"(?<!\d)20\d\d(?!\d)")
VAGUE_TIME = True
# On a large base, a word the best sentence already says weighs this share of its weight when another quoted sentence
# is cut to fit: the cut keeps what that sentence adds.
TRIM_SAID = 0.25
# ... and the best one cut to fit keeps the clauses the other quoted sentences do not say.
TRIM_SAID_BEST = True
# How close to the best a sentence naming the holder of the title asked for must score to answer instead.
TITLE_HOLDER = 0.45
# Words of a part weighing less than this together name nothing (one word of 用/先/得 weighs ~0.3): a part
# naming nothing needs no sentence of its own, or asks only how.
PROCEDURE_PART_WEIGHT = 1.0
# ... and a part already answered in substance gets a sentence of its own only if it says this much more of it.
PART_GAIN = 0.25
# ... on a large base. The question's words only the real articles hold weigh the most a word can there (上门 3.0
# against 2.55 on the seed), so the quotes so far say more of a part and a sentence naming what they lack gains less:
# "延边电业那帮人上门查了多少趟" gained 0.22 with "国网延边供电公司…检查用电线路" beside "上门服务30余次" (0.27 on the
# seed). At 100k chunks +1 -0 and 5 answers changed, 3 of them now the seed's own (1 before).
PART_GAIN_LARGE = 0.2
# On a large base, a how-part all of whose words the quotes say is answered by them (see ``draft_answer``).
SAID_PART = True
# On a large base, a best sentence naming a thing of the kind a "啥卡"/"啥群" question asks for (a name of two or more
# characters before the lone character asked: "便民服务联系卡") is as good a sign as one counting what a 多少 question
# asks about, when the question's words are covered only in part (``abstain.decide``'s low coverage). Among look-alikes
# repeating the article's frame words those weigh little (发 0.31 against 1.5 on the seed, 供电所 3.0 either way), and a
# resident's slip ("种草梅" read as 种草 + 梅) left "十家堡供电所给种草梅的发了个啥卡" at 0.57 of the question's weight.
NAMES_ASKED = True
# On a large base, a best sentence counting the very thing a 多少 question asks about, in the unit asked ("61项具体问题"
# for "一共多少项问题"), answers however little of the question's other words it says: the figure is what was asked.
# Among look-alikes repeating the article's frame words those weigh little (问题 0.56, 督导帮扶 0.84 against 1.02 and
# 1.33 on the seed), and a word of the resident's story ("听说…发现的问题都已经解决完了") held half the question's weight.
COUNTS_ANSWER = True
# Words that ask for the steps themselves ("需要办啥手续"), not about any one thing.
PROCEDURE_WORDS = frozenset({"手续", "流程", "步骤", "操作", "办理", "申请", "办"})


@dataclass
class Segment:
    """A piece of the answer text: ``source`` is an exact substring of the sentence it cites."""

    sentence: SourceSentence
    source: str
    display: str
    n: int = 0


@dataclass
class Draft:
    """What the answerer found, before the abstention decision."""

    segments: list[Segment] = field(default_factory=list)
    scored: list[Scored] = field(default_factory=list)
    coverage: float = 0.0
    best_dense: float = 0.0
    best_counted: float = 0.0  # the best sentence counts what was asked about, in the unit asked (0.2)
    best_lexical: float = 0.0
    kind_ok: bool = False
    opener: str = ""
    # The heaviest question word none of the chosen sentences (nor their context) contains, and its weight.
    missing: str = ""
    missing_weight: float = 0.0
    # That word's share of the whole question's weight: a near miss asks about one thing the sources lack.
    missing_share: float = 0.0
    # For how/can/where questions: the action asked about, and how well the chosen sentences contain it.
    crux: str = ""
    crux_credit: float = 1.0
    # Every year the question names appears in the chosen sentences (dates made absolute).
    years_ok: bool = True
    # Every place the question names is where the chosen sentences are about.
    places_ok: bool = True
    # A person question's title ("局长") that no sentence read names the holder of.
    title_unnamed: str = ""
    # A ranking or record asked ("全省最多", "排第几") is stated by a chosen sentence (see ``asks_ranked``).
    ranked_ok: bool = True
    # Every part of a question in parts that asks for a kind of fact (哪个县, 多少钱…) is given by some quote.
    parts_kind_ok: bool = True
    # On a large base: the best sentence names a thing of the kind a "啥卡" question asks for ("便民服务联系卡").
    names_asked: bool = False
    # On a large base: the best sentence counts the very thing a 多少 question asks about, in the unit asked.
    counts_asked: bool = False
    # The base is a large one (``retrieve.LARGE_BASE_CHUNKS``): ``abstain.decide`` holds it to bars of its own.
    large: bool = False


def _widen(allot: dict[int, int], sid: int, length: int, budget: int) -> None:
    """Give sentence ``sid`` up to its whole ``length`` within ``budget``, shortening the longest other one
    (never below ``MIN_PIECE``)."""
    extra = min(length, budget - MIN_PIECE) - allot[sid]
    if extra <= 0:
        return
    spare = budget - sum(allot.values())
    others = [other for other in allot if other != sid]
    if spare < extra and others:
        longest = max(others, key=lambda other: allot[other])
        cut = min(extra - spare, allot[longest] - MIN_PIECE)
        if cut > 0:
            allot[longest] -= cut
            spare += cut
    allot[sid] += max(0, min(extra, spare))


def _clauses(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in _CLAUSE_END.finditer(text):
        spans.append((pos, m.end()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans


def _trim(
    sentence: SourceSentence, weights: dict[str, float], info: QuestionInfo, budget: int, how: bool = False
) -> str:
    """A long sentence cut to ``budget`` characters of whole clauses, keeping what the question asks about.

    The window starts at the clause that best matches the question and grows to the right first, because the
    answer usually follows its subject ("……创新建立了CCUS“四精”模式，即精益求精的……").
    """
    text = sentence.text
    if len(text) <= budget:
        return text
    spans = _clauses(text)
    if not spans:
        return text[:budget]

    def value_of(part: str) -> float:
        piece = SentenceText(part)
        return coverage_of(weights, credit_of(weights, [piece])) + (0.3 if satisfies(info.kind, piece.norm) else 0.0)

    def value(i: int) -> float:
        return value_of(text[spans[i][0] : spans[i][1]])

    telling = [
        i for i in range(len(spans)) if how and states_procedure(normalize(text[spans[i][0] : spans[i][1]]))
    ]
    byline = (
        [i for i in range(len(spans)) if satisfies("reporter", text[spans[i][0] : spans[i][1]])]
        if info.kind == "reporter"
        else []
    )
    if telling:
        # Quoted for "先干啥": the steps start at the first clause that says through what or where
        # ("可通过…公众号…模块，自助建立…，完成…后即可…").
        first = telling[0]
    elif byline:
        first = byline[0]  # "谁报道的": the byline ("本报讯(记者何泽深)") is the answer, whatever else the clause says
    else:
        values = [value(i) for i in range(len(spans))]
        first = max(range(len(spans)), key=lambda i: (values[i], -i))
    lo, hi = first, first
    while hi + 1 < len(spans) and spans[hi + 1][1] - spans[lo][0] <= budget:
        hi += 1
    while lo > 0 and spans[hi][1] - spans[lo - 1][0] <= budget:
        lo -= 1
    start = spans[lo][0]
    if lo > 0 and hi == first and lo == first:
        # "……10余名专家组成的5个帮扶工作组，分赴9个地区完成实地帮扶" for "几个工作组，分赴多少个地区": the clause before
        # is too long to quote whole, but its end may say what is asked; quoted from a break inside it.
        room = budget - (spans[hi][1] - start)
        before = text[spans[lo - 1][0] : start]
        window = text[start : spans[hi][1]]
        breaks = [m.end() for m in _INNER_BREAK.finditer(before) if len(before) - m.end() <= room]
        # The least that says something the window does not.
        cut = next((at for at in reversed(breaks) if value_of(before[at:] + window) > value_of(window)), None)
        if cut is not None:
            start = spans[lo - 1][0] + cut
    return text[start : spans[hi][1]][:budget]


def _stem(place: str) -> str:
    """吉林市 -> 吉林: articles name a city without its 市 ("在吉林，实地踏查了…")."""
    return place[:-1] if len(place) > 2 and place[-1] in "省市县区" else place


def _explainers(
    bank: SentenceBank, scored: list[Scored], chosen: list[Scored], items: Sequence[str], doc_id: str
) -> list[Scored]:
    """One sentence about each of ``items`` (what a "分别是啥" lists), in their order, from article ``doc_id``:
    a chosen one that names the item other than in a bare list, else the best scored one that opens with it.
    [] unless every item has one."""

    def about(c: Scored, item: str, opens: bool) -> bool:
        s = bank.sentences[c.sid]
        at = s.norm.find(item)
        return s.doc_id == doc_id and at >= 0 and (not opens or at < ITEM_OPENS) and not lists_items(s.norm, items)

    out: list[Scored] = []
    for item in items:
        pick = next((c for c in chosen if about(c, item, False)), None) or next(
            (c for c in scored if about(c, item, True)), None
        )
        if pick is None:
            return []
        if pick not in out:
            out.append(pick)
    return out


def _lead_names(sentence: SourceSentence, info: QuestionInfo) -> bool:
    """Whether the opening of the sentence's paragraph names the place a which-city/which-office question asks
    ("辽源市邮政管理局积极部署…" before "要求各企业…发放…返岗补贴"): that opening is quoted with it (``_LEAD_NAMES``), so
    the sentence answers as well as one that names a place itself. In a large base a look-alike naming some city
    ("乾安市…引导更多一线人员及时返岗") scored close and took its place. (Who did something is often named in the
    sentence itself, and a lead naming someone else does not answer for it.)"""
    return info.kind in _LEAD_PLACES and bool(sentence.lead) and satisfies(info.kind, normalize(sentence.lead))


def _corroborated(bank: SentenceBank, hits: list[Hit], scored: list[Scored]) -> Scored | None:
    """A close sentence of an article that two or more of the chunks read were found in, when the best one comes from
    a short article found once: two passages of one report found for the question vouch for it."""
    docs = [hit.chunk.doc_id for hit in hits[:READ_HITS]]
    best = bank.sentences[scored[0].sid]
    if docs.count(best.doc_id) != 1:
        return None
    found = hits[docs.index(best.doc_id)].chunk.chunk_id
    if len(bank.article_chunks(found)) > SHORT_ARTICLE:
        return None
    return next(
        (
            c
            for c in scored[1:STATING_LOOK_LARGE]
            if c.score >= CORROBORATED * scored[0].score and docs.count(bank.sentences[c.sid].doc_id) >= 2
        ),
        None,
    )


# A yes/no question that limits what it asks about: "只能交长护险吗" is not answered "可以。" by a sentence that
# allows that and more; the quote answers it.
_ONLY = re.compile(r"只能|只有|只可以|只许|光能")


# A yes/no question about going without what the quote makes a condition ("没绑定的家里人能用吗" beside "本人及绑定的家庭
# 成员可使用…", "完成家庭成员备案登记后即可…") is not answered "可以。": the quote allows it with the condition met and
# says nothing of without it. The quote answers.
_WITHOUT = re.compile(r"(?:没有|没|未|不用|不经过|不经|不做|不办)([^，。？！,.?!;；\s]{1,12})")
# What a quote sets as a condition: "绑定的家庭成员", "完成家庭成员备案登记后即可…".
_CONDITION = re.compile(r"([\u4e00-\u9fff]{2})的家庭成员|([\u4e00-\u9fff]{4})后(?:即可|方可|才)")


def _without_condition(norm: str, sentence_norm: str) -> bool:
    """Whether the question goes without something the sentence sets as a condition: a negated clause holding the
    first character of a word of it ("还没在公众号上绑我爸" and 绑定, "没做备案" and 备案登记)."""
    keys = {
        word[i]
        for m in _CONDITION.finditer(sentence_norm)
        for word in m.groups()
        if word
        for i in range(0, len(word), 2)
    }
    return bool(keys) and any(any(k in m.group(1) for k in keys) for m in _WITHOUT.finditer(norm))


# Right before a place, a 不是 that is no "是不是" ("松原去的是不是长春物流园" asks about 长春).
_NOT_HERE = re.compile(r"(?<!是)(?:不是|并非|非)(?:在|咱|我们|俺们)?$")


def _opener(info: QuestionInfo, sentence: SourceSentence, quoted: Sequence[SourceSentence] = ()) -> str:
    """可以/不可以 as ``sentence`` (the best) says, for a yes/no question; ``quoted``: every sentence quoted, whose
    conditions count too."""
    if not info.yesno or not _ABILITY.search(info.norm) or _ONLY.search(info.norm):
        return ""
    if _without_condition(info.norm, " ".join(s.norm for s in (sentence, *quoted))):
        return ""
    if _NEGATIVE.search(sentence.text):
        return "不可以。"
    if _POSITIVE.search(sentence.text):
        return "可以。"
    return ""


def _names_place_around(sentence: SourceSentence, place: str, asked: set[str], hits: list[Hit]) -> bool:
    """A village the article names once ("梨树县十家堡镇八棵树的…合作社"), asked about beside a sentence that
    names no place but those asked: the sentence speaks for the article's place. One naming another place
    ("松原市邮政管理局…" for a question on 辽源) does not, even when the article names both."""
    if not places_named(sentence.norm, sentence.opening or sentence.lead) <= asked:
        return False
    return any(hit.chunk.doc_id == sentence.doc_id and place in normalize(hit.chunk.text) for hit in hits)


# The province the knowledge base serves: an article whose only region it is speaks for every place in it.
PROVINCE = "吉林省"
def _listed(norm: str, word: str) -> bool:
    """Whether ``word`` is an item of a list the sentence gives ("分赴昌邑区、丰满区…、经开区")."""
    return f"、{word}" in norm or f"{word}、" in norm


def _within_named(norm: str, place: str) -> bool:
    """Whether ``place`` is named right after the prefecture it is in ("长春南关区", "吉林市永吉县"): the question is
    about the prefecture, which is checked as a place of its own."""
    prefecture = PREFECTURE_OF.get(place)
    if not prefecture:
        return False
    found = places(norm)
    return any(
        m.group(1) == place and any(p.group(1) == prefecture and p.end() == m.start() for p in found) for m in found
    )


def _lists_parts_without(norm: str, prefecture: str, place: str) -> bool:
    """Whether ``norm`` names ``prefecture`` followed by a list of its parts that leaves ``place`` out: "吉林市江北、铁东、
    通潭10万户居民" is not about 船营区, though 船营区 is in 吉林市."""
    listed = re.escape(prefecture.removesuffix("市")) + r"市?((?:[\u4e00-\u9fff]{2,4}、)+[\u4e00-\u9fff]{2,4})"
    return any(place not in m.group(1) for m in re.finditer(listed, norm))


_UP_TO = re.compile(r"到|截至|截止|为止|之前")
_REPORT_STAMP = re.compile(r"截至\d{4}年\d{1,2}月\d{1,2}日报道时|（\d{4}年\d{1,2}月\d{1,2}日报道）")
_RELATIVE_YEAR = {"前年": -2, "去年": -1, "今年": 0, "明年": 1, "下一年": 1, "来年": 1, "后年": 2}
_RELATIVE_YEARS = re.compile("|".join(_RELATIVE_YEAR))
_STATED_YEAR = re.compile(r"20\d\d年")


def relative_years(norm: str, reported: dt.date) -> set[str]:
    """The years "今年", "去年", "明年"… name, counted from the date of the report asked about ("今年" in a question on
    a report of January 2023 is 2023): residents ask as of the news they heard."""
    return {str(reported.year + _RELATIVE_YEAR[m.group(0)]) for m in _RELATIVE_YEARS.finditer(norm)}


def years_fit(norm: str, text: str, citations: Sequence[Citation]) -> bool:
    """Whether a curated answer gives the years a question names, "今年" and the like counted from its sources' date:
    "淮安站今年输了多少气" is not answered by "2022年累计输气4.9亿立方米"."""
    years = asked_years(norm)
    dates = [c.date for c in citations]
    if dates and _STATED_YEAR.search(text):
        years |= relative_years(norm, max(dates))
    return all(y in text for y in years)


def _about_another(sentence: SourceSentence, place: str) -> bool:
    """Whether a sentence names a place of its article's region other than ``place`` (callers test ``place`` first),
    or, naming none, is in a paragraph that opens with one ("辽源市邮政管理局积极部署……" before "…做好春节“不打烊”
    工作", chunks apart)."""
    named = {m.group(1) for m in places(sentence.norm)}
    if not named and sentence.opening and place not in sentence.opening:
        named = {m.group(1) for m in places(sentence.opening)}
    return any(p in sentence.region for p in named - {place})


def speaks_for_home(place: str, region: tuple[str, ...]) -> bool:
    """Whether an article about ``region`` speaks for a resident living in ``place``: a report about the whole
    province does, and so does one about the prefecture the place is in (延边 for 延吉). So does one set in no place
    of the province at all: the car shown at 广州's motor show is no service of 广州's that a 长春 resident is
    kept from."""
    return (
        region == (PROVINCE,)
        or PREFECTURE_OF.get(place, "") in region
        or (bool(region) and not any(places(name) for name in region))
    )


# How far before the best sentence the sentence saying which year it is about may be (characters of the article).
YEAR_ANCHOR_CHARS = 400


def _year_anchor(bank: SentenceBank, scored: list[Scored], chosen: list[Scored], info: QuestionInfo) -> Scored | None:
    """"2022年度…分赴多少个地区": the count is in one sentence ("此次督导帮扶…分赴9个地区") and the year it is
    about in one shortly before it, which is quoted too, so that the answer shows the year asked about."""
    years = asked_years(info.norm)
    if not years:
        return None
    best = bank.sentences[chosen[0].sid]
    shown = " ".join(absolutise(bank.sentences[c.sid].text, bank.sentences[c.sid].date) for c in chosen)
    lacking = [y for y in years if y not in shown]
    if not lacking:
        return None
    taken = {c.sid for c in chosen}
    # "2022年度生态强省建设督导帮扶中…提出了多少项问题": a year's programme (年度) is what the whole report is about; the
    # sentence naming it may stand anywhere before the figure.
    programme = all(f"{y}年度" in info.norm for y in lacking)
    found = [
        cand
        for cand in scored[1:12]
        if cand.sid not in taken
        and (s := bank.sentences[cand.sid]).doc_id == best.doc_id
        and 0 <= best.start - s.end <= (best.start if programme else YEAR_ANCHOR_CHARS)
        and all((f"{y}年度" if programme else y) in absolutise(s.text, s.date) for y in lacking)
    ]
    # The shortest: it is quoted to show the year, and leaves the most room for the figure asked.
    return min(found, key=lambda cand: len(bank.sentences[cand.sid].text), default=None)


# How long a sentence must be for a longer one that goes on from it to replace it (not a shared "ccus项目").
FULLER_MIN_CHARS = 8


def _fuller(bank: SentenceBank, scored: list[Scored], further: Sequence[Hit] = ()) -> Scored | None:
    """A candidate among the next few that holds the whole best one and goes on after it: the sentence a clipped copy
    was cut from ("创新建立了ccus“四精”模式" in "…创新建立了ccus“四精”模式,即精益求精的科研攻关模式…"). Else such a
    sentence of the ``further`` hits (those retrieved past the ones read), scored as the best one it holds. None when
    there is none."""
    best = bank.sentences[scored[0].sid].norm.rstrip("。.!?！？;；")
    if len(best) < FULLER_MIN_CHARS:
        return None

    def goes_on(norm: str) -> bool:
        at = norm.find(best)
        return at >= 0 and len(norm[at + len(best) :].strip("。.!?！？;；,，\n ")) > 0

    for cand in scored[1:8]:
        if goes_on(bank.sentences[cand.sid].norm):
            return cand
    if _CLAUSE_END.search(best):
        return None  # only a sentence of one clause looks clipped; the further chunks are read for no other
    for hit in further:
        # In a large base the clipped copies fill the chunks read and push the article's own chunk just past them
        # ("CCUS四精是啥": 9th).
        for sid in bank.sentences_for_chunk(hit.chunk.chunk_id):
            if goes_on(bank.sentences[sid].norm):
                return replace(scored[0], sid=sid, rank=READ_HITS)
    return None


# On a large base, a best sentence ending on the clause that names what a "是啥" question asks about ("…，创新建立了
# CCUS“四精”模式。") gives way to a sentence holding that clause and going on to say what it is ("…创新建立了CCUS“四精”
# 模式，即精益求精的科研攻关模式…"): the look-alike recombined the article's clauses and ended this one where the
# article's sentence spells it out. Among the next sentences read, else the ``further`` hits'.
SPELLED_OUT = True
SPELLED_OUT_MIN_CHARS = 8
_SPELLS_OUT = re.compile(r",?(?:即|也就是|就是|是指|包括)")


def _spelled_out(bank: SentenceBank, scored: list[Scored], further: Sequence[Hit] = ()) -> Scored | None:
    """The sentence that goes on from the best one's last clause to say what it names (``SPELLED_OUT``), or None."""
    best = bank.sentences[scored[0].sid].norm.rstrip("。.!?！？;；")
    if _SPELLS_OUT.search(best):
        return None
    last = _CLAUSE_END.split(best)[-1].strip()
    if len(last) < SPELLED_OUT_MIN_CHARS:
        return None

    def spells(norm: str) -> bool:
        at = norm.find(last)
        return at >= 0 and _SPELLS_OUT.match(norm, at + len(last)) is not None

    for cand in scored[1:STATING_LOOK_LARGE]:
        if spells(bank.sentences[cand.sid].norm):
            return cand
    for hit in further:
        for sid in bank.sentences_for_chunk(hit.chunk.chunk_id):
            if spells(bank.sentences[sid].norm):
                return replace(scored[0], sid=sid, rank=READ_HITS)
    return None


# On a large base, a "哪个部门放出来的" question none of whose sentences read names a source is answered by the further
# hits' best sentence naming one ("记者从长春市医保局获悉…"), when it scores this close to the best: look-alikes repeating
# the article's subject ("…正式启动实施职工医保门诊共济保障机制") fill the chunks read and push its opening past them.
SOURCE_FURTHER = 0.8
# ... a sentence saying whom the report heard it from: a look-alike's byline ("本报讯(记者龙艳艳)近日，…东辽市正式启动实施
# 职工医保门诊共济保障机制") names the reporter, not who gave out the news.
_HEARD_FROM = re.compile(r"从[^，。；,;]{2,16}获悉|据[^，。；,;]{2,16}(?:介绍|透露|消息|获悉)")


def _source_further(
    bank: SentenceBank,
    scored: list[Scored],
    further: Sequence[Hit],
    info: QuestionInfo,
    weights: dict[str, float],
    qvec: np.ndarray,
) -> Scored | None:
    """The further hits' best sentence naming the source asked for (``SOURCE_FURTHER``), or None."""
    if not further or any(c.kind_ok for c in scored[:STATING_LOOK_LARGE]):
        return None
    found = [
        c
        for c in score_sentences(bank, list(further), info, weights, qvec)
        if c.kind_ok and _HEARD_FROM.search(bank.sentences[c.sid].norm)
    ]
    if found and found[0].score >= SOURCE_FURTHER * scored[0].score:
        return replace(found[0], rank=READ_HITS + found[0].rank)
    return None


def _telling(bank: SentenceBank, candidates: list[Scored], part_weights: dict[str, float]) -> Scored | None:
    """The best of ``candidates`` that tells how something is done and says at least half of a part's words."""
    return next(
        (
            c
            for c in candidates
            if states_procedure(bank.sentences[c.sid].norm)
            and coverage_of(part_weights, credit_of(part_weights, [bank.text(c.sid)])) >= 0.5
        ),
        None,
    )


def draft_answer(
    bank: SentenceBank,
    hits: list[Hit],
    info: QuestionInfo,
    weights: dict[str, float],
    qvec: np.ndarray,
    *,
    budget: int,
    max_sentences: int,
    required: Sequence[str] = (),
    parts: Sequence[tuple[str, Sequence[str]]] = (),
    judged: dict[str, float] | None = None,
    said: str = "",
    within: Sequence[str] = (),
    home: frozenset[str] = frozenset(),
    stay_in: Sequence[str] = (),
    further: Sequence[Hit] = (),
) -> Draft:
    """Choose up to ``max_sentences`` sentences (best first, shown in source order) within ``budget`` chars.

    After the best sentence, another is added when it brings question words the chosen ones lack or scores
    almost as well, from the same article, while the budget lasts. ``judged`` (the same words, other weights)
    measures how much of the question the chosen sentences cover, when that differs from how they were chosen.
    ``home``: the places the resident named as where they live (``home_places`` of the message as typed).
    ``stay_in``: the articles the conversation is in, for a follow-up that names nothing of its own.
    ``further``: hits retrieved past those read, searched only for the sentence a clipped best one was cut from.
    """
    # "辽源呢？": only sentences about 辽源 (in the sentence or its paragraph, title or region) may answer.
    # Sentences are weighed against the question's words again below: the matches made while scoring are reused.
    credits = Credits(weights, remember=bank.eager, index=bank.char_index)
    scored = score_sentences(bank, hits, info, weights, qvec, required, credits, stay_in)
    if VAGUE_TIME and info.kind == "time" and len(bank.index.chunks) > LARGE_BASE_CHUNKS:
        # "近日" dates the report, not what is asked about (``VAGUE_TIME``).
        for c in scored:
            norm = bank.sentences[c.sid].norm
            if c.kind_ok and not satisfies("time", _VAGUE_TIME.sub("", norm)) and not _YEAR_NAMED.search(norm):
                c.kind_ok = False
    if said or within:
        # "还有呢？": what the last answer has not said yet, from the article it came from.
        scored = [
            c
            for c in scored
            if (not within or bank.sentences[c.sid].doc_id in within) and not _said(bank.sentences[c.sid].text, said)
        ]
    asked = {m.group(1) for m in places(info.norm)}
    origin = origin_places(info.norm)
    if asked - origin:
        # "我们一家是长春的，周末想去梨树采草莓…那个合作社叫啥": the place asked about is the other one; where the
        # resident is from is only who is asking.
        asked -= origin
    if stay_in and scored and bank.sentences[scored[0].sid].doc_id not in stay_in:
        # "都查了些啥" after "吉林市查快递网点用的啥方式": the conversation is about the postal article; a sentence
        # of it that fits nearly as well answers, not one of another article that names 吉林 too.
        staying = next(
            (
                c
                for c in scored[1:8]
                if c.score >= STAY_SWAP * scored[0].score and bank.sentences[c.sid].doc_id in stay_in
            ),
            None,
        )
        if staying is not None:
            scored = [staying, *[c for c in scored if c is not staying]]
    if scored and len(bank.index.chunks) > LARGE_BASE_CHUNKS and (found := _corroborated(bank, hits, scored)):
        # Two passages of one report found for the question vouch for it (``CORROBORATED``); a small base's hits are
        # its few articles' chunks, most of them found more than once.
        scored = [found, *[c for c in scored if c is not found]]
    # The best sentence's paragraph opening names the place asked: it answers with that opening, quoted below.
    lead_answers = bool(scored) and not scored[0].kind_ok and _lead_names(bank.sentences[scored[0].sid], info)
    if (
        scored
        and (info.kind in STRICT_KINDS or info.kind in _NAMING_KINDS)
        and not scored[0].kind_ok
        and not lead_answers
    ):
        # "解决了多少问题": a close sentence that states a number beats a closer one that does not. In a large base
        # look-alikes recombining the article's clauses without its number ("多解决一些问题，此次督导帮扶…") fill the
        # places after the best, and the sentence stating "61项具体问题" came 11th at 0.91 of the best.
        large = len(bank.index.chunks) > LARGE_BASE_CHUNKS
        look = STATING_LOOK_LARGE if large else 8
        home_doc = bank.sentences[scored[0].sid].doc_id

        def bar(c: Scored) -> float:
            return STATING_SAME_ARTICLE if large and bank.sentences[c.sid].doc_id == home_doc else 0.8

        stating = next((c for c in scored[1:look] if c.kind_ok and c.score >= bar(c) * scored[0].score), None)
        if stating is not None:
            scored = [stating, *[c for c in scored if c is not stating]]
    if (
        SOURCE_FURTHER
        and scored
        and info.kind == "source"
        and len(bank.index.chunks) > LARGE_BASE_CHUNKS
        and (reported := _source_further(bank, scored, further, info, weights, qvec)) is not None
    ):
        # "门诊共济这消息是哪个部门放出来的": "记者从长春市医保局获悉…", past the chunks read (``SOURCE_FURTHER``).
        scored = [reported, *scored]
    kind_noun = _asked_kinds(info.norm, weights) if LISTING_SWAP and len(bank.index.chunks) > LARGE_BASE_CHUNKS else ""
    if scored and kind_noun and not _lists_kind(bank.sentences[scored[0].sid].norm, kind_noun):
        # "工作组主要采取哪些方式开展帮扶": a sentence listing them ("采取现场查看、查阅资料、交流座谈等方式") answers
        # before a closer one that only says there are some ("因地制宜采取多种方式"). In a large base look-alikes
        # recombining the article's clauses score above the listing sentence (0.87 of the best).
        lister = next(
            (
                c
                for c in scored[1:STATING_LOOK_LARGE]
                if c.score >= 0.8 * scored[0].score and _lists_kind(bank.sentences[c.sid].norm, kind_noun)
            ),
            None,
        )
        if lister is not None:
            scored = [lister, *[c for c in scored if c is not lister]]
    asked_nouns = asked_characters(info.norm, tuple(weights))
    if scored and asked_nouns and not all(n in bank.sentences[scored[0].sid].norm for n in asked_nouns):
        # "延边供电公司让返乡的人加个啥群来着": the 群 is what the answer names. The article's opening says more of the
        # other words (延边, 供电公司, 返乡) but names no 群; "同时，邀请客户加入微信服务群…" (0.93 of it) does.
        naming = next(
            (
                c
                for c in scored[1:8]
                if c.score >= NAMES_SWAP * scored[0].score
                and bank.sentences[c.sid].doc_id == bank.sentences[scored[0].sid].doc_id
                and all(n in bank.sentences[c.sid].norm for n in asked_nouns)
            ),
            None,
        )
        if naming is not None:
            scored = [naming, *[c for c in scored if c is not naming]]
    # Long, rambling questions ask several things at once; their first "能不能" is not the point of them all.
    crux = crux_word(info, list(weights)) if len(info.norm) <= CRUX_MAX_CHARS else ""
    if (
        scored
        and info.kind == "how"
        and not parts
        and crux in weights
        and acted_on_after_how(info.norm, crux)
        and credits.credit([bank.text(scored[0].sid)])[crux] < CRUX_HELD
    ):
        # "一张清单一套建议一份台账 那台账是咋管的": the sentence naming all three scores best, but says nothing of how
        # the 台账 is kept; "一份台账，坚持挂账销号管理…" does. Only for the action asked about (not the trouble before
        # "咋办": "燃气灶出毛病咋办" is not answered by "调压器易出现冻堵"), not for a question in parts (each part has its
        # own crux), nor from a sentence that does not name the place asked about itself (its paragraph's opening may).
        saying = next(
            (
                c
                for c in scored[1:8]
                if c.score >= CRUX_SWAP * scored[0].score
                and bank.sentences[c.sid].doc_id == bank.sentences[scored[0].sid].doc_id
                and credits.credit([bank.text(c.sid)])[crux] >= CRUX_HELD
                and all(p in bank.sentences[c.sid].norm for p in asked)
            ),
            None,
        )
        if saying is not None:
            scored = [saying, *[c for c in scored if c is not saying]]
    # "省生态环境厅厅长是韩良吧": a check of who holds a title is answered by the sentence naming its holder too.
    title = asked_title(info.norm) if info.kind == "person" else checks_title_holder(info.norm)
    unnamed = ""
    if title and scored and not names_title_holder(title, bank.sentences[scored[0].sid].norm):
        # "六之维合作社负责人是谁": the sentence that names the cooperative's 负责人 ("合作社负责人王宝忠按下开关")
        # answers, though the sentences naming the cooperative in full score higher.
        holder = next(
            (
                c
                for c in scored[1:8]
                if c.score >= TITLE_HOLDER * scored[0].score
                and bank.sentences[c.sid].doc_id == bank.sentences[scored[0].sid].doc_id
                and names_title_holder(title, bank.sentences[c.sid].norm)
            ),
            None,
        )
        if holder is not None:
            scored = [holder, *[c for c in scored if c is not holder]]
        elif info.kind == "person":
            # "松原市邮政管理局局长叫啥名": no sentence read names a 局长; the article's other people are not one.
            unnamed = title
    if scored and 0.0 < scored[0].counted < COUNTS_WHAT_IS_ASKED:
        # "上报的问题有多少条": "61项具体问题" counts what is asked, "14条政策措施" something else.
        counting = next(
            (c for c in scored[1:8] if c.counted >= COUNTS_WHAT_IS_ASKED and c.score >= 0.8 * scored[0].score), None
        )
        if counting is not None:
            scored = [counting, *[c for c in scored if c is not counting]]
    if scored and (fuller := _fuller(bank, scored, further)) is not None:
        # "四精模式是哪四精": a look-alike's "创新建立了CCUS"四精"模式" is the start of the article's sentence that goes
        # on "，即精益求精的科研攻关模式…"; the sentence saying all it says and more answers.
        scored = [fuller, *[c for c in scored if c is not fuller]]
    elif (
        SPELLED_OUT
        and scored
        and info.kind == "what"
        and len(bank.index.chunks) > LARGE_BASE_CHUNKS
        and (spelled := _spelled_out(bank, scored, further)) is not None
    ):
        # "CCUS四精模式都是啥": the article's sentence saying what the 四精 are answers (``SPELLED_OUT``).
        scored = [spelled, *[c for c in scored if c is not spelled]]
    draft = Draft(scored=scored, title_unnamed=unnamed, large=len(bank.index.chunks) > LARGE_BASE_CHUNKS)
    if not scored:
        return draft
    best = scored[0]
    draft.best_dense, draft.best_lexical, draft.best_counted = best.dense, best.lexical, best.counted
    if COUNTS_ANSWER and len(bank.index.chunks) > LARGE_BASE_CHUNKS:
        # "听说督导帮扶发现的问题都已经解决完了？一共多少项问题": "…提出的61项具体问题…" (``COUNTS_ANSWER``).
        draft.counts_asked = best.counted >= COUNTS_WHAT_IS_ASKED
    if NAMES_ASKED and len(bank.index.chunks) > LARGE_BASE_CHUNKS:
        # "十家堡供电所给种草梅的发了个啥卡": "…发放了‘便民服务联系卡’" names the card asked for (``NAMES_ASKED``).
        draft.names_asked = _names_asked(bank.sentences[best.sid].norm, asked_nouns)
    chosen = [best]
    first = bank.sentences[best.sid]
    credit = credits.credit([bank.text(best.sid), bank.context(best.sid)])
    allot = {best.sid: min(len(first.text), budget)}

    supplements: list[Scored] = []  # sentences added only to say more, latest last
    how_to: set[int] = set()  # sentences chosen to say how to do what is asked

    def add(cand: Scored, length: int) -> None:
        nonlocal credit
        chosen.append(cand)
        allot[cand.sid] = length
        own = credits.credit([bank.text(cand.sid)])
        credit = {w: max(credit[w], own[w]) for w in weights}

    def recredit() -> None:
        """What the chosen sentences say of the question's words, again after one of them was taken out."""
        nonlocal credit
        credit = credits.credit([bank.text(best.sid), bank.context(best.sid)])
        for kept in chosen[1:]:
            own = credits.credit([bank.text(kept.sid)])
            credit = {w: max(credit[w], own[w]) for w in weights}

    strong_bar = STRONG_LARGE if len(bank.index.chunks) > LARGE_BASE_CHUNKS else STRONG
    follower = bank.next_in_paragraph(best.sid)
    follow = next((c for c in scored if c.sid == follower), None) if follower is not None else None
    room = budget - allot[best.sid]
    if follow is not None and len(first.text) <= LEAD_CHARS and not first.lead and room >= MIN_PIECE:
        # A short paragraph opening ("辽源市邮政管理局积极部署……工作。") announces; the next sentence has the facts.
        add(follow, min(len(bank.sentences[follow.sid].text), room))
    idle: dict[int, float] = {}  # sentences that may give way to one saying more (``IDLE_SAYS``), with what they added
    for cand in scored[1:12]:
        full = len(chosen) >= max_sentences
        idler = next((c for c in reversed(supplements) if c.sid in idle), None) if full else None
        if full and idler is None:
            break
        s = bank.sentences[cand.sid]
        room = budget - sum(allot.values()) + (allot[idler.sid] if idler is not None else 0)
        if cand.sid in allot or s.doc_id != first.doc_id or room < MIN_PIECE:
            continue
        if best.counted >= COUNTS_WHAT_IS_ASKED and 0.0 < cand.counted < COUNTS_WHAT_IS_ASKED:
            continue  # "问题有多少条" answered by "61项具体问题": "14条政策措施" beside it would only mislead
        own = credits.credit([bank.text(cand.sid)])
        gain = sum(weights[w] * (d if (d := own[w] - credit[w]) > 0.0 else 0.0) for w in weights)  # max(0.0, d)
        strong = cand.score >= strong_bar * best.score
        fills_kind = not best.kind_ok and cand.kind_ok and cand.score >= 0.75 * best.score
        fits = len(s.text) <= room
        if idler is not None:
            # The sentences are all chosen, one of them only for scoring close to the best while saying next to
            # nothing of the question ("要求各企业做好人力运力调配…" beside "辽源…快递…" in its paragraph): a sentence
            # bringing a word of the question the chosen ones lack ("春节") takes its place.
            if fits and gain > max(0.5, idle[idler.sid]) and cand.score >= 0.75 * best.score:
                chosen.remove(idler)
                supplements.remove(idler)
                del allot[idler.sid]
                recredit()
                add(cand, len(s.text))
                supplements.append(cand)
            continue
        if strong or (fits and ((gain > 0.5 and cand.score >= 0.75 * best.score) or fills_kind)):
            add(cand, min(len(s.text), room))
            supplements.append(cand)
            if not (fits and fills_kind) and cand.lexical < IDLE_SAYS:
                # Chosen for its score, holding little of the question: a sentence saying more of it than this one
                # added takes its place ("要求各企业…" added only the frame word 要求; "…春节“不打烊”" adds 春节, 期间).
                idle[cand.sid] = gain

    def make_room(need: int) -> int:
        """Characters left for one more sentence, shortening the longest chosen one if need be."""
        spare = budget - sum(allot.values())
        longest = max(allot, key=lambda sid: allot[sid])
        if spare < need and allot[longest] - (need - spare) >= MIN_PIECE:
            allot[longest] -= need - spare  # each question gets part of the budget
            spare = need
        return spare

    def steps_get_room(pick: Scored) -> None:
        """A quoted sentence (perhaps cut short to say something else too) that tells the steps gets its room."""
        if pick in supplements:
            supplements.remove(pick)
        _widen(allot, pick.sid, len(bank.sentences[pick.sid].text), budget)

    if info.kind == "sites" and not best.kind_ok:
        # "去四平都看了啥地方": the sentence about the trip ("先后到四平市、吉林市") names the cities; the sites
        # are listed in another sentence of the article, about the place asked if one is named ("在四平，…").
        listing = next(
            (
                c
                for c in scored[1:12]
                if c.kind_ok
                and c.sid not in allot
                and bank.sentences[c.sid].doc_id == first.doc_id
                and (not asked or any(_stem(place) in bank.sentences[c.sid].norm for place in asked))
            ),
            None,
        )
        if listing is not None:
            need = min(len(bank.sentences[listing.sid].text), budget - MIN_PIECE)
            spare = make_room(need)
            if spare >= MIN_PIECE:
                add(listing, min(need, spare))

    if info.kind in _LEAD_NAMES and not best.kind_ok and first.lead:
        # "即查即办即送工作机制是哪个市邮政管理局提出的": the requirement is one sentence of a paragraph whose
        # first sentence says who made it ("松原市邮政管理局……"); that sentence names the answer.
        # When the best sentence was kept for it (``lead_answers``), wherever it scored: it is quoted for naming the
        # answer, not for its words (in a large base look-alikes of the question's other words fill the first dozen).
        opening = next(
            (
                c
                for c in scored[1 : None if lead_answers else 12]
                if c.kind_ok and c.sid not in allot and bank.sentences[c.sid].doc_id == first.doc_id
                and bank.sentences[c.sid].text == first.lead
            ),
            None,
        )
        if opening is not None:
            need = min(len(first.lead), budget - MIN_PIECE)
            spare = make_room(need)
            if spare >= MIN_PIECE:
                add(opening, min(need, spare))

    part_gain = PART_GAIN_LARGE if len(bank.index.chunks) > LARGE_BASE_CHUNKS else PART_GAIN
    for part_text, part in parts:
        # "能花我个人账户的钱吗 用之前得先干啥": the second question gets its own best sentence.
        if len(chosen) >= max_sentences and not supplements:
            break
        words = [w for w in part if w in weights]
        candidates = [c for c in scored[:12] if bank.sentences[c.sid].doc_id == first.doc_id]
        pick: Scored | None = None
        aside = False  # the pick only says more of the part's words than quotes that already give what it asks
        named = sum(weights[w] for w in words if w not in PROCEDURE_WORDS)
        if (
            # "调压器冬天冻堵了咋整 站里的人是咋弄的": a how-part whose words the quotes already say asks how they did the
            # thing the quotes tell ("站内当班人员紧盯运行压力…反复排查"). In a large base its lone noun (站: 0.89)
            # weighs less than ``PROCEDURE_PART_WEIGHT`` and the part was read as naming nothing, answered with another
            # sentence of the article that tells how (the night's tanker filling). On the seed it weighs more.
            SAID_PART
            and named > 0.0
            and len(bank.index.chunks) > LARGE_BASE_CHUNKS
            and all(credit[w] >= 0.5 for w in words if w not in PROCEDURE_WORDS)
            and asks_procedure(normalize(part_text))
        ):
            continue
        if named < PROCEDURE_PART_WEIGHT and asks_procedure(normalize(part_text)):
            # "用之前得先干啥" names nothing of its own: it asks how to do what the rest of the message is about,
            # so it is answered by the best sentence of that article that tells how.
            pick = next((c for c in candidates if states_procedure(bank.sentences[c.sid].norm)), None)
            if pick is not None:
                how_to.add(pick.sid)
                if pick.sid in allot:
                    steps_get_room(pick)
                    continue
        elif (
            words
            and asks_procedure(normalize(part_text))
            and not any(states_procedure(bank.sentences[c.sid].norm) for c in chosen)
            and (pick := _telling(bank, candidates, {w: weights[w] for w in words})) is not None
        ):
            # "…家里人能拿来买药不？咋整才能一家人共着用": the quotes say the family may use the account, which is all
            # the part names, but not how to bring it about; the article's sentence telling how, about the part's
            # words, answers it.
            how_to.add(pick.sid)
            if pick.sid in allot:
                steps_get_room(pick)
                continue
        elif words:
            part_weights = {w: weights[w] for w in words}
            # What the article is about (its title) needs no quote of its own: "门诊共济能给老婆用吗".
            quoted = credit_of(part_weights, [*(bank.text(c.sid) for c in chosen), bank.title(best.sid)])
            kind = classify(part_text).kind
            gives = kind in _PART_KINDS and any(satisfies(kind, bank.sentences[c.sid].norm) for c in chosen)
            if sum(part_weights[w] for w in words if quoted[w] < 0.5) < PROCEDURE_PART_WEIGHT and (
                gives or kind not in _PART_KINDS
            ):
                # The quotes so far already say every word of this part that matters. One asking what no quote gives
                # ("在哪个镇" beside the 负责人's sentence) is asked all the same, however little its words weigh (镇,
                # a lone character in hundreds of a large base's chunks: 0.35).
                continue
            best_part = max(
                candidates,
                key=lambda c: coverage_of(part_weights, credit_of(part_weights, [bank.text(c.sid)])),
                default=None,
            )
            says = coverage_of(part_weights, credit_of(part_weights, [bank.text(best_part.sid)])) if best_part else 0.0
            # "一共几个工作组 去了几个地区": a sentence that says a little more of the part's words than the quotes so
            # far is no answer to it when they already give what it asks (the count).
            answered = says - coverage_of(part_weights, quoted) < part_gain and (kind not in _PART_KINDS or gives)
            if best_part is not None and says >= 0.5 and not answered:
                pick = best_part
                # "一共分了几个组 去了几个地区" with a quote giving the count: a sentence saying more of the part's words
                # but no count ("…到省里拿出方案…") is quoted only in the room left, never by cutting the quotes
                # (at 100k chunks it cut "5个帮扶工作组" from the sentence giving it).
                aside = gives and not satisfies(kind, bank.sentences[pick.sid].norm)
        if pick is not None and pick.sid not in allot:
            # Steps are quoted whole where they fit; any other second question gets half the budget.
            share = budget - MIN_PIECE if pick.sid in how_to else budget // 2
            need = min(len(bank.sentences[pick.sid].text), share)
            # ``aside``: only the room left, the quotes are not cut for it.
            spare = (budget - sum(allot.values()) if aside else make_room(need)) if len(chosen) < max_sentences else 0
            if spare < MIN_PIECE and supplements:
                # A question the resident asked outright comes before a sentence added only to say more.
                dropped = supplements.pop()
                chosen.remove(dropped)
                del allot[dropped.sid]
                recredit()
                spare = budget - sum(allot.values()) if aside else make_room(need)
            if spare >= MIN_PIECE:
                add(pick, min(len(bank.sentences[pick.sid].text), spare))
    items = respectively_items(info.norm, tuple(weights))
    explainers = _explainers(bank, scored, chosen, items, first.doc_id) if items else []
    if explainers:
        # "一张清单、一套建议、一份台账分别指什么": a sentence that only names them ("形成了一张清单、一套建议和一份
        # 台账") says what none of them is. Each is answered by the sentence of the article about it, and those
        # sentences share the room.
        chosen[:] = explainers
        share = budget // len(explainers)
        allot.clear()
        for c in explainers:
            allot[c.sid] = min(len(bank.sentences[c.sid].text), share)
        for c in explainers:  # what a short one leaves over goes to the next that needs it
            allot[c.sid] += max(0, min(len(bank.sentences[c.sid].text) - allot[c.sid], budget - sum(allot.values())))
    asks_how = asks_procedure(info.norm)
    if asks_how and not how_to:
        # "……那我得先在手机上办啥手续才能用啊": a quoted sentence that tells how is quoted whole where it fits.
        telling = next((c for c in chosen if states_procedure(bank.sentences[c.sid].norm)), None)
        if telling is not None:
            how_to.add(telling.sid)
            steps_get_room(telling)
    anchor = _year_anchor(bank, scored, chosen, info) if len(chosen) < max_sentences else None
    if anchor is not None:
        need = min(len(bank.sentences[anchor.sid].text), budget // 2)
        spare = make_room(need)
        if spare >= MIN_PIECE:
            add(anchor, min(need, spare))
    chosen.sort(key=lambda c: (bank.sentences[c.sid].doc_id, bank.sentences[c.sid].start))
    # "具体咋操作": any quoted sentence that tells how is cut to keep its steps (``asks_how``).
    draft.opener = _opener(info, bank.sentences[best.sid], [bank.sentences[c.sid] for c in chosen])
    trim_weights = {c.sid: weights for c in chosen}
    if len(chosen) > 1 and len(bank.index.chunks) > LARGE_BASE_CHUNKS:
        # A sentence quoted beside the best one and cut to fit keeps the clauses that say what the best one does not
        # (``TRIM_SAID``): "…可使用个人账户资金支付…，还可用于缴纳…城乡居民基本医疗保险等费用" beside "职工医保个人账户资金
        # 可由家庭成员共用共享" is quoted for 居民医保, not for 账户 again. In a large base the article's own words weigh
        # more than on the seed (账户 3.0 against 2.55), and the clause repeating them was kept instead.
        said_best = credits.credit([bank.text(best.sid)])
        lacking = {w: (TRIM_SAID * v if said_best[w] >= 0.5 else v) for w, v in weights.items()}
        trim_weights.update({c.sid: lacking for c in chosen if c.sid != best.sid})
        if TRIM_SAID_BEST:
            # So is the best one, beside the others: "…可使用个人账户资金支付…，还可用于缴纳…城乡居民基本医疗保险等费用"
            # answering "…账户里的钱能不能直接给他俩交居民医保" beside "…职工医保个人账户资金可由家庭成员共用共享".
            said_others = credits.credit([bank.text(c.sid) for c in chosen if c.sid != best.sid])
            trim_weights[best.sid] = {w: (TRIM_SAID * v if said_others[w] >= 0.5 else v) for w, v in weights.items()}
    for c in chosen:
        sentence = bank.sentences[c.sid]
        source = _trim(sentence, trim_weights[c.sid], info, allot[c.sid], how=c.sid in how_to or asks_how)
        draft.segments.append(Segment(sentence, source, absolutise(source, sentence.date)))
    for _ in range(len(draft.segments) + 1):
        over = len(draft.opener) + sum(len(seg.display) for seg in draft.segments) - budget
        if over <= 0:
            break
        # Dates made absolute ("近日（2023年1月3日报道）") and the 可以 opener take room too: cut the longest piece.
        seg = max(draft.segments, key=lambda x: len(x.display))
        how = asks_how or any(c.sid in how_to and bank.sentences[c.sid] is seg.sentence for c in chosen)
        own_weights = next((trim_weights[c.sid] for c in chosen if bank.sentences[c.sid] is seg.sentence), weights)
        source = _trim(seg.sentence, own_weights, info, max(MIN_PIECE, len(seg.source) - over), how=how)
        if len(source) >= len(seg.source):
            source = seg.source[: max(MIN_PIECE, len(seg.source) - over)]
        seg.source, seg.display = source, absolutise(source, seg.sentence.date)
    if asked:
        # "吉林市…门诊共济": an article about 长春 does not answer for 吉林市.
        for place in asked:
            if _within_named(info.norm, place):
                # "吉林市船营区": the district is checked within its prefecture, against the parts a sentence lists.
                if any(_lists_parts_without(seg.sentence.norm, PREFECTURE_OF[place], place) for seg in draft.segments):
                    draft.places_ok = False
                continue
            if not any(
                place in seg.sentence.norm
                or place in seg.sentence.lead
                # An article on several places speaks for each, but not in a sentence about another one of them
                # ("吉林市的液化气灌装站…" is not answered by "辽源液化气灌装站…全天充装…800余套").
                or (place in seg.sentence.region and not _about_another(seg.sentence, place))
                or _names_place_around(seg.sentence, place, asked, hits)
                # "我家在松原 …吉林油田一共往地下打了多少二氧化碳": where the resident lives, and a report about the
                # whole province, which is about every place in it.
                or (place in home and speaks_for_home(place, seg.sentence.region))
                for seg in draft.segments
            ):
                draft.places_ok = False
    marks = places(info.norm)
    if asked and asked <= {m.group(1) for m in marks if _NOT_HERE.search(info.norm, 0, m.start())} - {
        m.group(1) for m in marks if not _NOT_HERE.search(info.norm, 0, m.start())
    }:
        # "不是长春的职工能办家庭共济吗": every place named is one the question is not about; it asks of somewhere else,
        # which an article on 长春 does not answer. "我不是长春人 在长春上班" names 长春 as where it asks about too.
        draft.places_ok = False
    for place in other_subjects(info.norm):
        # "大庆油田二氧化碳注了多少", "北京的门诊共济啥时候开始": an article on 吉林 does not answer for another province.
        if not any(place in seg.sentence.norm or place in seg.sentence.region for seg in draft.segments):
            draft.places_ok = False
    models = asked_models(info.norm)

    def names_model(seg: Segment, model: str) -> bool:
        return model in seg.sentence.norm or model in seg.sentence.title.lower()

    for model in models:
        # "红旗H5百公里加速几秒": the H6 article's "整车…百公里加速仅需6.8秒" is the H6's; only a sentence or an article
        # naming the H5 speaks for it.
        if not any(names_model(seg, model) for seg in draft.segments):
            draft.places_ok = False
    if models and not all(any(names_model(seg, model) for model in models) for seg in draft.segments):
        # Every quote must name a model asked about: beside "…沿用全新红旗H5的贯穿式尾灯组" the H6's figures are still
        # the H6's ("红旗H5最大功率多少").
        draft.places_ok = False
    if (
        _ELSEWHERE.search(info.norm)
        and _CARE.search(info.norm)
        and not any(_AWAY.search(seg.sentence.norm) for seg in draft.segments)
    ):
        # "在外地看门诊能报不": medical care away from where one is insured (异地就医) has rules of its own, which a
        # sentence on the rule at home does not give. A parcel from 外地 is another matter.
        draft.places_ok = False
    judged = judged or weights
    regions = {seg.sentence.region for seg in draft.segments}
    for place in home | {p for p in asked if _within_named(info.norm, p)}:
        if any(speaks_for_home(place, region) for region in regions):
            # "回延吉老家…供电公司能派人上门检查不": the article on 延边 speaks for 延吉; the name is no missing word.
            # Nor is "长春南关区"'s district, in a question about 长春.
            credit = {w: (1.0 if w.startswith(place) and len(w) <= len(place) + 1 else c) for w, c in credit.items()}
    if asks_ranked(info.norm):
        draft.ranked_ok = any(states_ranked(seg.sentence.norm) for seg in draft.segments)
    years = asked_years(info.norm)
    shown = " ".join(absolutise(seg.sentence.text, seg.sentence.date) for seg in draft.segments)
    if not _UP_TO.search(info.norm):
        # The report's date put beside "近日" or "截至目前" says when it was reported, not of which year a figure is: "2023年
        # 全年注了多少" is not answered by "截至2023年1月3日报道时，…已累计注入…"; "到2023年初一共注了多少" is.
        shown = _REPORT_STAMP.sub(" ", shown)
    if years:
        # "2025年按多少计入" is not answered by sentences about 2023 and 2024.
        draft.years_ok = all(y in shown for y in years)
    relative = relative_years(info.norm, first.date)
    if any(int(y) > first.date.year for y in relative) and not _STATED_YEAR.search(shown):
        # "一汽红旗明年还出啥新车": a year after the report's is asked about, and no sentence shown names a year at all;
        # a report says nothing of a later year unless it names it ("2024年1月起").
        draft.years_ok = False
    if relative and _STATED_YEAR.search(shown):
        # "那今年呢" after "淮安站2022年输了多少气": 今年 is the report's year (2023), which a sentence giving 2022's
        # figure does not answer. Only where the sentences state years: "今年回延边老家" tells when, not which figure.
        draft.years_ok = draft.years_ok and all(y in shown for y in relative)
        if draft.years_ok:
            # "明年呢" answered by "2024年1月起…": the year is said, as a number.
            credit = {w: (1.0 if w in _RELATIVE_YEAR else c) for w, c in credit.items()}
    draft.coverage = coverage_of(judged, credit)
    # A clock time must be in the best sentence itself: "几点下班" is not answered by a 傍晚6点 elsewhere.
    draft.kind_ok = best.kind_ok if info.kind == "clock" else any(c.kind_ok for c in chosen)
    for part_text, _words in parts:
        # "一年注多少二氧化碳 那个示范区具体在哪个县": the count is quoted, but no quote names a county; half an answer is
        # no answer to the caller who asked both. Whether something counts as included (算不算在里头) is left to the
        # words: the sentence on who is served answers it as well as it can.
        kind = classify(part_text).kind
        if kind in _PART_FACT_KINDS and not any(satisfies(kind, seg.sentence.norm) for seg in draft.segments):
            draft.parts_kind_ok = False
    if crux:  # worked out before the sentences were chosen
        draft.crux, draft.crux_credit = crux, credit.get(crux, 0.0)
        if info.kind == "membership" and not draft.kind_ok:
            # "经开区算不算在里头" after the districts checked: a sentence listing it ("…高新区、经开区") says it is.
            draft.kind_ok = any(_listed(seg.sentence.norm, crux) for seg in draft.segments)
    missing = {w: judged[w] * (1.0 - credit[w]) for w in judged if credit[w] < 0.5}
    if missing:
        draft.missing = max(missing, key=lambda w: missing[w])
        draft.missing_weight = missing[draft.missing]
        draft.missing_share = draft.missing_weight / max(sum(judged.values()), 1e-9)
    return draft


_WHICH_KINDS = re.compile(r"(?:哪些|哪几(?:种|类|样)?|什么|啥)(?:样的|的)?")


def _asked_kinds(norm: str, weights: dict[str, float]) -> str:
    """The noun after 哪些/什么 ("采取哪些方式" -> 方式): the things the answer must name, "" if none."""
    for m in _WHICH_KINDS.finditer(norm):
        noun = next((w for w in weights if len(w) >= 2 and norm.startswith(w, m.end())), "")
        if noun:
            return noun
    return ""


def _lists_kind(norm: str, noun: str) -> bool:
    """Whether a sentence lists things of that kind: "现场查看、查阅资料、交流座谈等方式"."""
    return re.search(rf"、[^，。；,;]{{1,24}}?等(?:[\d一二三四五六七八九十几多]+[个项种类家条名])?{re.escape(noun)}", norm) is not None


# Characters that end no name: "发放了卡片", "办张卡", "哪个群" name no card or group.
_NOT_NAMING = "了个张的啥么这那些一几哪"
# Lone characters after 哪/啥 that ask when or how many, not for a thing named: "哪天", "哪年", "几次".
_NOT_KINDS = frozenset("天年月日号点时次回趟个位种样")


def _names_asked(norm: str, kinds: set[str]) -> bool:
    """Whether a sentence names a thing of an asked kind: "便民服务联系卡" for 卡 (two characters or more before it)."""
    return any(
        re.search(rf"[^\W\d_{_NOT_NAMING}]{{2}}{re.escape(kind)}", norm) for kind in kinds if kind not in _NOT_KINDS
    )


def _said(sentence: str, answer: str) -> bool:
    """Whether an earlier answer quoted this sentence, whole or cut to fit, with its dates made absolute
    ("近日（2023年1月3日报道），"): its first characters or its last ones are in it."""
    text = sentence.strip().rstrip("。；;！!？?")
    if not answer or len(text) < 4:
        return False
    return text[:8] in answer or text[-10:] in answer


def render(draft: Draft) -> tuple[str, list[Citation]]:
    """Answer text with [n] markers (before a sentence's closing punctuation) and the numbered citations."""
    parts = [draft.opener] if draft.opener else []
    citations: list[Citation] = []
    for seg in draft.segments:
        s = seg.sentence
        seg.n = len(citations) + 1
        citations.append(Citation(seg.n, s.doc_id, s.title, s.date, s.text, s.start, s.end))
        display = seg.display
        if seg.source != s.text and not display.endswith(tuple(_END_PUNCT)):
            display = display.rstrip("，,；;：:") + "…"
        if display and display[-1] in _END_PUNCT:
            parts.append(f"{display[:-1]}[{seg.n}]{display[-1]}")
        else:
            parts.append(f"{display}[{seg.n}]")
    return "".join(parts), citations


def verify(draft: Draft) -> Draft:
    """Keep only segments whose text is still an exact piece of the cited sentence (after date rewriting)."""
    kept = [
        seg
        for seg in draft.segments
        if seg.source
        and seg.source in seg.sentence.text
        and seg.display == absolutise(seg.source, seg.sentence.date)
    ]
    draft.segments = kept
    return draft


def body_length(text: str) -> int:
    """Characters a resident reads, without [n] markers."""
    return len(MARKER.sub("", text))


def newest_date(citations: list[Citation]) -> dt.date | None:
    return max((c.date for c in citations), default=None)
