"""Follow-up questions made self-contained before retrieval.

"带动了多少人就业？" after "六之维合作社梨树分社是做什么的？" becomes "六之维合作社梨树分社带动了多少人就业？";
"辽源呢？" after "松原市邮政管理局去了哪个物流园区检查？" becomes the same question about 辽源. A question
that names its own subject ("长春职工医保门诊共济从哪天开始实施？") is left alone, so an earlier topic
never leaks into a new one. Rules, not a model: they are cheap, predictable and testable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from bot.chunk import is_han, normalize
from bot.ordinal import ordinal_ask, ordinal_item
from bot.question import asked_title, asks_about_report, classify, someone_named
from bot.thesaurus import FILLERS, SYNONYMS
from bot.words import domain_words, tokenize_cached

JILIN_PLACES = (  # noqa: SIM905 - a word list reads best as one string
    "吉林省 吉林市 长春 四平 辽源 通化 白山 松原 白城 延边 梅河口 公主岭 珲春 德惠 榆树 农安 "
    "九台 双阳 舒兰 磐石 蛟河 桦甸 永吉 梨树 伊通 双辽 东丰 东辽 集安 柳河 辉南 临江 抚松 "
    "靖宇 长白 前郭 长岭 乾安 扶余 洮南 大安 镇赉 通榆 延吉 图们 敦化 龙井 和龙 汪清 安图 "
    "十家堡 八棵树 昌邑 丰满 龙潭 船营 江北 铁东 通潭 南关 宽城 绿园 二道 吉林"
).split()
# Places outside the province the knowledge base serves: provinces, their capitals, the neighbouring provinces'
# cities and other large ones. Read only where one names whose service is asked about ("大庆油田", "北京的门诊共济",
# "沈阳的供电公司"): an article on 吉林 does not answer for them.
OTHER_PLACES = (  # noqa: SIM905 - a word list reads best as one string
    "北京 天津 上海 重庆 河北 山西 内蒙古 辽宁 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 广西 海南 四川 "
    "贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆 香港 澳门 台湾 石家庄 太原 呼和浩特 沈阳 哈尔滨 南京 杭州 合肥 福州 南昌 "
    "济南 郑州 武汉 长沙 广州 南宁 海口 成都 贵阳 昆明 拉萨 西安 兰州 西宁 银川 乌鲁木齐 大连 鞍山 抚顺 本溪 丹东 锦州 "
    "营口 阜新 辽阳 铁岭 葫芦岛 齐齐哈尔 牡丹江 佳木斯 大庆 鸡西 鹤岗 双鸭山 七台河 黑河 绥化 伊春 通辽 赤峰 呼伦贝尔 "
    "乌兰浩特 深圳 苏州 青岛 厦门 宁波 无锡"
).split()
# The services and bodies the articles are about, as a question names them right after a place.
_SERVICES = (
    r"油田|医保|门诊|职工医保|个人账户|燃气|天然气|液化气|供电|电力|电网|国网|邮政|快递|邮管局|邮政管理局|医保局|生态|"
    r"供暖|供气|调压站|加气站|灌装站|供电所|供电公司|燃气公司"
)
_OTHER_SUBJECT = re.compile(
    "(" + "|".join(sorted(set(OTHER_PLACES), key=len, reverse=True)) + r")(?:省|市)?(?:的|那边|那儿|这边|地区)?"
    rf"(?={_SERVICES})"
)


def other_subjects(norm: str) -> set[str]:
    """Places outside the province whose service a question asks about ("大庆油田注了多少" -> {"大庆"})."""
    return {m.group(1) for m in _OTHER_SUBJECT.finditer(norm)}


# A model's code ("红旗H5", "h6"): letters, then digits. Not a chemical's formula (co2).
_MODEL = re.compile(r"(?<![a-z0-9.])([a-z]{1,2}\d{1,3})(?![a-z0-9.])")
_FORMULAS = frozenset({"co2", "so2", "no2", "o2", "h2", "pm2", "pm10", "ch4"})


def asked_models(norm: str) -> set[str]:
    """The model codes a (normalised) question names ("红旗h5百公里加速几秒" -> {"h5"})."""
    return {m.group(1) for m in _MODEL.finditer(norm)} - _FORMULAS


_PLACE_SUFFIX = "(?:省|市|县|区|镇|乡|村|州)?"
_FILLER = re.compile(r"那边|这边|那疙瘩|那嘎达|那块|这块|那里|这里|那儿|这儿|的情况|方面")
# What an earlier question asked, to ask it again about something else ("那传单呢？").
_ASKED = re.compile(
    r"哪几[个项次位家处]?|(?:多少|几)[个项次位套户辆栋亩吨人棵条家座名份处件元]?|哪些|哪个|哪[级类种家]|什么时候|啥时候|怎么|咋"
    r"|在哪|去哪|谁|什么|啥"
)
_ASKED_AGAIN = re.compile(r"多少|几|什么时候|啥时候")
# "为啥会这样？", "那为什么要这么做": why the last answer holds.
# So do "为啥这么安排", "图啥呢" and "那么拼图啥呀" (what the effort just told of is for).
_WHY_AGAIN = re.compile(
    r"(?:那|这|这是|那是)?(?:(?:这么|那么|这样)(?:拼|干|做|搞|弄|忙活|折腾)?(?:是)?(?:图啥|图个啥|为了啥|为了什么)"
    r"|(?:为啥|为什么|为何|咋回事|怎么回事|啥原因|什么原因|图啥|图个啥)(?:要|会|得)?"
    r"(?:(?:这么|这样|那么)(?:做|干|搞|弄|安排|整|办|要求|规定|改|查|拼)?)?)(?:呢|啊|呀)?[?？!！。\s]*"
)
# Words of a total: "累计呢", "一共呢" ask a figure.
_TOTAL = re.compile(r"累计|总共|一共|合计|总量|总数|加起来")
# Whether what was just told stays so: "以后还是这么多吗", "以后一直是这个数吗", "往后也这样不", "那以后还变不".
_STILL_SO = re.compile(
    r"(?:那)?(?:以后|往后|今后|将来)(?:还|一直|也|都|会)?"
    r"(?:(?:是|就是|按)?(?:这么多|这个数|这样|这么些|这个标准|这个比例)|(?:变|改|调|调整)(?:不变|不改|不调)?)"
    r"(?:吗|不|么|呢|吧)?[?？。!！\s]*"
)
# A question word alone: "啥时候", "在哪", "谁干的".
# "啥时候去的" after "第二工作组去了哪": when the going asked about happened.
_BARE_ASK = re.compile(r"(?:啥时候|什么时候|哪天|几号|在哪|在哪儿|在哪里|哪里|谁|谁干的|谁弄的|多少|几个)(?:去|来|到|查|办)?(?:的)?")
# "啥时候的事", "这是哪年的事儿": when the thing just told happened.
_EVENT_ASK = re.compile(
    r"(?:这|那)?(?:是|都是)?(啥时候|什么时候|哪天|哪年|几号|哪一年)(?:的事儿?|的事情|发生的事)"
    # "啥时候突破的" after "吉林油田一年能注多少二氧化碳": when what the last answer told was done.
    r"|((?:啥时候|什么时候|哪天|几号)(?:突破|实现|达到|开始|启动|实施|完成|建成|投运|首发|发布)的?)"
)
# "另外问下…", "顺便问一下…", "换个话题", "对了，…": the resident says the next question is about something else.
_SWITCH = re.compile(
    r"(?:另外|再|顺便|顺道)(?:问|打听)(?:下|一下|个事儿?|个)?[，,\s]*|换个(?:话题|问题|事儿?)[，,\s]*|对了[，,\s]+"
)
# "还有呢？", "还有别的吗", "其他的呢", "还有别的服务不", "除了这些呢", "就这些吗": more of what the last answer was
# about.
_MORE = re.compile(
    r"(?:那)?(?:还有(?:呢|啥|吗|么|什么|没有|别的|其他|其它)?(?:的)?(?:呢|吗|么|不|没)?"
    r"|还有(?:别的|其他|其它)(?:服务|办法|措施|法子|招|东西|要求)(?:呢|吗|么|不|没)?"
    r"|(?:其他|其它|别的)(?:的)?(?:呢|吗)|除了这些(?:呢|还有(?:啥|呢|吗|没|没有|别的)?)?"
    r"|就这些(?:吗|啊|么|呀)?|然后呢|接着说|继续说?)"
    r"[?？。!！\s]*"
)
# "还有别的吗 辽源那边…": a closed ask for more, then the question that says what more.
_MORE_THEN = re.compile(r"(?:那)?(?:还有别的|还有其他|还有其它|还有啥|其他的|别的)(?:吗|呢|么|没|没有|不)?[?？。!！\s，,]+")
# "换成长春呢？", "那换到辽源呢": the same question about another place; the lead words may stack.
_LEAD = re.compile(r"^(?:(?:那么|那(?![个些种家边里儿天时])|还有|另外|然后|再问一下|再问|再说|又|而|换成|换作|换到|改成)[，,\s]*)+")
# Characters that end a name when reading leftwards from an anchor ("给淮安高中压调压站" stops at 给).
_NAME_STOP = set("的在给为对是从了我你咱那这去到和与及跟向让把被有都也就还要想能会问请说吗呢啊，,。？?！! ")
_DEICTIC_GAP = re.compile(r"(?:的)?(?:那个|这个|那家|这家|那座|这座)")
_DEICTIC_MODIFIER = re.compile(r"(?:的)?(?:那个|这个|那家|这家|那座|这座)[\u4e00-\u9fff]{1,4}")
_TAIL = re.compile(r"[呢啊呀吧嘛哪]*\s*[?？。!！]*\s*$")
_PRONOUN = re.compile(
    r"(?:这个|那个|这些|那些|这家|那家|这种|那种|该|这|那|它们|他们|它|他|她)([\u4e00-\u9fff]{0,2})"
)
# How residents name the groups the articles name ("那退休的呢？").
_PEOPLE_ALIASES = {
    "退休的": "退休人员",
    "退休职工": "退休人员",
    "退休老人": "退休人员",
    "在职的": "在职职工",
    "上班的": "在职职工",
    "公用户": "公用用户",
    "居民户": "居民用户",
    "居民": "居民用户",
}
# An alias inside the name of a scheme is no group of people: "交的是城乡居民医保" tells of an insurance, not of the
# gas article's 居民用户.
_ALIAS_INSIDE = re.compile(r"城乡居民|居民(?:基本)?(?:医保|医疗|养老)")
_PERSONAL = re.compile(r"^(?:他们|她们|它们|他|她|它)")
# "供电所给他们提供了啥服务": a pronoun after 给/为/帮/对 is whom something is done for, never the question's own
# subject, so it points back into the conversation even when the question names someone else.
_OBJECT_PRONOUN = re.compile(r"[给为帮替对跟和让](?:他们|她们|它们|他|她|它)")
# "平时还能咋联系他们": a pronoun the message ends on, whom something is done to.
_LAST_PRONOUN = re.compile(r"(?<!其)(?:他们|她们|它们|他|她|它)$")
# Not "这稿子谁写的", "那篇报道": 这 points at the report itself there, not at what the report is about.
_BARE_PRONOUN = re.compile(
    r"^(?:他们|她们|它们|他|她|它|这|那)(?![个些里边天年晚篇稿]|会儿|阵子|时候|消息|报道|新闻|文章)"
)
_ORG_END = re.compile(r"(?:分社|公司|局|站|所|厅|中心|园区|社|厂|队|组)$")
# The bodies a place is the seat of, named right after it ("吉林市快递督导组", "延边供电共产党员服务队"), which are no
# anchors of their own.
_OFFICES = ("厅", "局", "委")
_BODY_AFTER = re.compile(r"[\u4e00-\u9fff]{0,5}?(?:督导组|工作组|服务队)")
_ORG_TAIL = re.compile(r"^(?:分社|分公司|公司|市|县|区|镇|村|局|站|所|厅|中心|园区|社)")
_PEOPLE = (
    "在职职工",
    "退休人员",
    "居民用户",
    "公用用户",
    "家庭成员",
    "参保职工",
    "返乡人员",
    "种植户",
    "快递员",
)


@dataclass(frozen=True)
class Condensed:
    """The question the chain retrieves with, and which of its words the user actually typed."""

    question: str  # the words the resident typed (a pronoun stands for the subject it was replaced with)
    rewritten: str
    followup: bool = False
    # A "X呢？" question: the earlier question asked again about X (a place or group).
    swapped: str = ""
    focus: tuple[str, ...] = field(default_factory=tuple)
    # A long, story-first message: the names its story gives, kept beside the ask (see ``story_and_ask``).
    story: str = ""
    # "还有呢？": the earlier question again, for what its answer did not say yet.
    more: bool = False
    # "回到医保，……": the conversation went back to the first ``upto`` turns (0: it goes on from the last one).
    upto: int = 0


@lru_cache(maxsize=1)
def _anchor_words() -> frozenset[str]:
    return frozenset(normalize(w) for w in domain_words()) | frozenset(JILIN_PLACES) | frozenset(_PEOPLE) | _EVENTS


# Events a report tells of, which a follow-up goes on asking about ("那个研讨会是研究啥的" -> "啥时候开的").
_EVENTS = frozenset({"研讨会", "座谈会", "发布会", "首发仪式"})


@lru_cache(maxsize=1)
def _anchor_words_longest_first() -> tuple[str, ...]:
    return tuple(sorted((w for w in _anchor_words() if len(w) >= 2), key=lambda w: (-len(w), w)))


@lru_cache(maxsize=1)
def _place_pattern() -> re.Pattern[str]:
    names = sorted(set(JILIN_PLACES), key=len, reverse=True)
    return re.compile("(" + "|".join(map(re.escape, names)) + ")" + _PLACE_SUFFIX)


# Counties, county-level cities and city districts of 吉林省 by the prefecture (市, 州) they belong to: an article
# about the prefecture speaks for where a resident of one of them lives.
PREFECTURE_OF = {
    county: prefecture
    for prefecture, counties in {
        "长春": "德惠 榆树 农安 九台 双阳 公主岭 南关 宽城 绿园 二道",
        "吉林市": "舒兰 磐石 蛟河 桦甸 永吉 昌邑 丰满 龙潭 船营",
        "四平": "梨树 伊通 双辽",
        "辽源": "东丰 东辽",
        "通化": "集安 柳河 辉南",
        "白山": "临江 抚松 靖宇 长白",
        "松原": "前郭 长岭 乾安 扶余",
        "白城": "洮南 大安 镇赉 通榆",
        "延边": "延吉 图们 敦化 珲春 龙井 和龙 汪清 安图",
    }.items()
    for county in counties.split()
}

# "我家在松原", "我住吉林市", "俺是四平的": the place right after these is where the resident lives; so is the one
# someone "刚回" to, home from work elsewhere ("我爸在外地打工刚回延吉").
_HOME_BEFORE = re.compile(
    r"(?:(?:我|俺|咱)们?家?(?:住在|住|在|搁)|家住|(?:我|俺)老家(?:是|在)?|(?:刚|才)回(?:到|了)?"
    # "我老舅在松原油田上班": where the resident's family lives or works is the resident's circle, not the place asked.
    r"|(?:我|俺)家?(?:老舅|舅舅|老姨|姨|姑姑|叔|叔叔|大爷|大伯|哥|姐|弟|妹|儿子|闺女|女儿|爸|妈|老伴儿?|对象|亲戚|表哥|表姐"
    r"|表弟|表妹)(?:在|搁|住在|住)"
    r")$"
)


# "回延吉老家", "延吉老家的房子": the place right before 老家 is where the resident is from; so is the one "here"
# ("敦化这边返乡的") and the one returned to ("延吉返乡的").
_HOME_AFTER = re.compile(r"老家|那旮旯|老屯|这边|这块|这疙瘩|这嘎达|这旮沓|返乡")


def home_places(question: str) -> frozenset[str]:
    """The places a message names as where the resident lives ("我家在松原 …" -> {"松原"}, "回延吉老家" -> {"延吉"},
    "我在吉林市永吉县住" -> {"吉林市", "永吉"}), and those it names as where the resident is from (``origin_places``)."""
    norm = normalize(question)
    home: set[str] = set()
    last_end = -1
    for m in places(norm):
        if (
            _HOME_BEFORE.search(norm, max(0, m.start() - 5), m.start())
            or _HOME_AFTER.match(norm, m.end())
            or _names_origin(norm, m)
            or (m.start() == last_end and home)  # "吉林市永吉县": the county of the home city
        ):
            home.add(m.group(1))
            last_end = m.end()
    return frozenset(home)


# "我们一家是长春的", "都是长春人", "咱长春一汽的红旗": where the resident is from, said of who they are, not of where a
# service is used.
_ORIGIN_BEFORE = re.compile(r"(?:我|俺|咱)们?(?:一家|全家|家)?(?:都)?是$|(?:^|[^我俺])(?:咱|俺)们?$")
_ORIGIN_AFTER = re.compile(r"人(?![\u4e00-\u9fff])")


def _names_origin(norm: str, m: re.Match[str]) -> bool:
    return bool(_ORIGIN_BEFORE.search(norm, max(0, m.start() - 6), m.start()) or _ORIGIN_AFTER.match(norm, m.end()))


def origin_places(question: str) -> frozenset[str]:
    """The places a message names as who the resident is ("我们一家是长春的" -> {"长春"})."""
    norm = normalize(question)
    return frozenset(m.group(1) for m in places(norm) if _names_origin(norm, m))


# The texts ``places`` read last and what it found in them: a question's text is read for places four or five times
# while it is answered (condensing, retrieval, scoring, composing).
_KEPT_PLACES = 256
_places_found: dict[str, tuple[re.Match[str], ...]] = {}


def places(text: str) -> tuple[re.Match[str], ...]:
    found = _places_found.get(text)
    if found is None:
        found = _places_found[text] = tuple(_place_pattern().finditer(normalize(text)))
        if len(_places_found) > _KEPT_PLACES:
            _places_found.pop(next(iter(_places_found)), None)
    return found


def anchors(text: str) -> list[str]:
    """Words that name what a question is about: places, organisations, programmes, groups of people."""
    norm = normalize(text)
    found = [m.group(0) for m in places(norm)]
    # Longest first, so a word inside a longer one found ("医保" in "职工医保") is skipped whatever the set's
    # order (it used to follow the hash seed, and the rewritten question with it).
    for word in _anchor_words_longest_first():
        if word in norm and not any(word in f for f in found):
            found.append(word)
    if any("0" <= ch <= "9" for ch in norm):
        # A model's code alone names the car ("一汽新出的H6在哪亮的相" -> "几秒破百" asks it of the H6).
        found.extend(m for m in asked_models(norm) if not any(m in f for f in found))
    return sorted(set(found), key=lambda w: (norm.find(w), -len(w), w))


# "那明年呢", "24年以后呢": a year (alone, it is a follow-up asking the question before of that year).
_YEAR_PHRASE = re.compile(r"(?:今年|明年|去年|前年|后年|来年|(?:20)?\d\d年)(?:以后|往后|起|开始)?")
# "在那里头查了哪几家的分拨中心": the place the last answer named; the words after it may name a body of their own.
_THERE = re.compile(r"(?:在|去|到)?那(?:里头|里面|里边|里|儿)")


# "还能进微信群吗", "也能上门吗": what else the same service does, asked of the subject before.
_ALSO = re.compile(r"^(?:那)?(?:还能|还可以|也能|也可以)")


def _is_followup(question: str, norm: str) -> bool:
    core = _TAIL.sub("", _LEAD.sub("", norm))
    if _LEAD.match(norm) or norm.rstrip("?？。！! ").endswith("呢") or _place_then_ask(norm) or _ALSO.match(norm):
        return True
    if len(core) <= 4:
        return True
    if _PRONOUN.match(core) or _OBJECT_PRONOUN.search(core) or _THERE.match(core):
        return True
    return not anchors(core)


def _new_subject(rest: str, prev_norm: str) -> bool:
    """Whether a question names what the earlier one did not: a subject of its own ("红旗H6" after 吉林油田), or
    two or more words none of which the earlier question used ("红旗新出那个H6最大功率多少")."""
    if set(anchors(rest)) - set(anchors(prev_norm)):
        return True
    words = [w for w in tokenize_cached(rest) if len(w) >= 2 and w not in FILLERS]
    return len(words) >= 2 and not any(w in prev_norm for w in words)


def _changes_service(norm: str, prev: str, prev_topics: Iterable[str] = ()) -> bool:
    """A short question naming another service than the earlier one ("过年快递停不停" after a 门诊共济 question)
    is a new question: the earlier subject must not be glued onto it. The services of the article that
    answered the earlier question count as its own ("供电所给他们…" after a question on 梨树's strawberry
    greenhouses, answered from an article on their power supply)."""
    from bot.abstain import topics_named  # abstain builds on answer, which reads this module

    if _PERSONAL.match(_LEAD.sub("", norm)):
        return False  # "他们对看病的药咋要求的": 他们 are the earlier subject, whatever the question names
    now = topics_named(norm)
    return bool(now) and not now & (topics_named(normalize(prev)) | set(prev_topics))


def _display(text: str) -> tuple[str, str]:
    """(normalised, original) when normalising kept every offset (it does for Chinese text), else twice normalised."""
    norm = normalize(text)
    return norm, (text if len(text) == len(norm) else norm)


def _subject_span(prev: str, home: frozenset[str] = frozenset()) -> str:
    """The stretch of the earlier question that names its subject.

    Adjacent anchors from the first one on ("六之维" "合作社" "梨树" -> 六之维合作社梨树), widened left over
    the rest of the name ("淮安高中压" before "调压站") and right over an organisation suffix ("分社"). Where the
    resident lives or works (``home``: "我在九台上班 单位交的长春职工医保…") is no subject while the question names
    another place's.
    """
    norm, orig = _display(prev)
    found = anchors(norm)
    others = [w for w in found if w not in home and w.rstrip("市县区镇乡村州") not in home]
    if len(others) < len(found) and any(places(w) for w in others):
        found = others  # another place's subject ("长春职工医保", "吉林油田") is what is asked about
    if not found:
        return ""
    spans = sorted((norm.find(w), norm.find(w) + len(w)) for w in found)
    start, end = spans[0]
    for s, e in spans[1:]:
        gap = norm[end:s]
        if (
            s <= end
            or (s == end + 1 and norm[end] not in _NAME_STOP)
            or _DEICTIC_GAP.fullmatch(gap)
            or (_ORG_END.search(norm[s:e]) and _DEICTIC_MODIFIER.fullmatch(gap))
        ):
            # "吉林市那个调压站": a demonstrative between two names joins them into one subject; so does one before an
            # organisation's own modifier ("吉林市那个高中压调压站").
            end = max(end, e)
        else:
            break
    # Only an organisation's name has a modifier before the anchor ("淮安高中压" 调压站); before a programme
    # ("在哪儿开通" 家庭共济) it is the question's own words.
    organisation = bool(_ORG_END.search(norm[spans[0][0] : spans[0][1]]))
    while (
        organisation
        and start > 0
        and spans[0][0] - start < 6
        and norm[start - 1] not in _NAME_STOP
        and is_han(norm[start - 1])
    ):
        start -= 1
    tail = _ORG_TAIL.match(norm[end:])
    if tail:
        end += tail.end()
    else:
        body = _BODY_AFTER.match(norm[end:])
        if body and not set(body.group(0)) & (_NAME_STOP | set("几多啥哪谁怎咋么什共")):
            end += body.end()  # "吉林市快递督导组": the body the place is the seat of, named right after it
    return orig[start:end]


# "灵活就业的", "上学的", "没工作的": people described by what they do ("的" ends the description).
_PEOPLE_LIKE = re.compile(r"[\u4e00-\u9fff]{2,6}的")


def _swap(prev: str, target: str) -> str | None:
    """Ask ``prev`` again about ``target`` (a place, optionally with an organisation, or a group of people)."""
    prev_norm, prev_orig = _display(prev)
    target_places = places(target)
    prev_places = places(prev_norm)
    if target_places and prev_places:
        old = prev_places[0]
        start, end = old.start(), old.end()
        new_place = target_places[0]
        if new_place.group(0)[-1] not in "省市县区镇乡村州" and old.group(0)[-1] == "市":
            # "辽源" for "松原市": keep the earlier question's 市/县 so the name reads as it did.
            target = target.replace(new_place.group(0), new_place.group(0) + old.group(0)[-1], 1)
        rest = target.replace(target_places[0].group(0), "", 1)
        if rest and anchors(rest):
            # "梨树那边供电所" replaces "延边供电公司": the place and the organisation right after it.
            follow = [a for a in anchors(prev_norm[end:]) if prev_norm[end:].startswith(a)]
            if follow:
                end += len(follow[0])
        return prev_orig[:start] + target + prev_orig[end:]
    named = next((group for group in _PEOPLE if group in target), "")
    if named or _PEOPLE_LIKE.fullmatch(target):
        # "那退休人员呢" (a group the articles name) or "那灵活就业的呢" (people described by what they do, then
        # answered only if an article speaks of them): in the place of the group the earlier question named.
        other = next((group for group in _PEOPLE if group != named and group in prev_norm), "")
        if other:
            i = prev_norm.find(other)
            return prev_orig[:i] + target + prev_orig[i + len(other) :]
    suffix = _ORG_END.search(target)
    if suffix and len(target) >= 3 and not target_places:
        # "那省工信厅呢？" after "省生态环境厅…": the organisation of the same kind (…厅) the earlier question named;
        # "那省能源局呢" after it: another of the province's offices (厅, 局, 委).
        province = target.startswith("省") and suffix.group(0) in _OFFICES
        kinds = [suffix.group(0)] + [k for k in _OFFICES if k != suffix.group(0) and province]
        end = next((at for at in (prev_norm.find(k) for k in kinds) if at > 0), -1)
        suffix_len = len(next((k for k in kinds if prev_norm.find(k) == end), suffix.group(0)))
        if end > 0:
            end += suffix_len
            start = end - suffix_len
            while start > 0 and end - start < 10 and prev_norm[start - 1] not in _NAME_STOP and is_han(prev_norm[start - 1]):
                start -= 1
            if start >= 2 and prev_norm[start - 2] in "省市" and is_han(prev_norm[start - 1]):
                # "省能源局": 能 begins the office's name after 省, though it stops a name elsewhere ("能不能").
                start -= 1
            if prev_norm[start:end] != target:
                return prev_orig[:start] + target + prev_orig[end:]
    return None


def _named_in_full(norm: str, entity: str) -> str:
    """ "吉林市淮安高中压调压站…" and 调压站 -> 淮安高中压调压站: the name's modifier before it, up to a place name
    (the subject span starts at 吉林市 and stops there, the station's name is after it)."""
    at = norm.find(entity)
    if at < 0:
        return entity
    ends = {m.end() for m in places(norm)}
    start = at
    while start > 0 and at - start < 6 and start not in ends and norm[start - 1] not in _NAME_STOP:
        if not is_han(norm[start - 1]):
            break
        start -= 1
    if start > 0 and norm[start] == "个" and norm[start - 1] in "那这哪一每":
        start += 1  # "吉林城隍庙那个调压站": 个 goes with 那, the name is 调压站
    return norm[start : at + len(entity)]


def _resolve_pronoun(core: str, prev: str, prev_answer: str) -> str | None:
    """ "那个站" -> the station the earlier question named; "这个卡" -> the card the earlier answer named."""
    match = _PRONOUN.match(core)
    if not match or _PERSONAL.match(core):
        # "他们通过啥方式督促的": a personal pronoun stands alone; what follows it is not a noun it heads
        # (reading "通过" as a head found "圆通"). The earlier subject replaces it instead.
        return None
    head = match.group(1)
    prev_norm = normalize(prev)
    for from_question, source in ((True, prev_norm), (False, normalize(prev_answer))):
        for length in (2, 1):
            if len(head) < length:
                continue
            tail = head[:length]
            # From the answer, one character names nothing unless the word is long: "这个卡" is the 便民服务联系卡 it
            # gave, but "这车" is not the 整车 ("the whole car") it said.
            least = length + 1 if from_question or length > 1 else 3
            words = [w for w in tokenize_cached(source) if w.endswith(tail) and len(w) >= least]
            if not words:
                continue
            entity = max(words, key=len)
            rest = core[match.end() - len(head) + length :]
            if from_question:
                span = _subject_span(prev)
                if normalize(span).endswith(entity):
                    return span + rest
                return _named_in_full(source, entity) + rest
            return entity + rest
    return None


# "他", "她" (one person) opening a follow-up; and what asks who in the earlier question.
# Not "他说各地提了多少问题": what he said is asked, and the article's subject finds it.
_ONE_PERSON = re.compile(r"^(?:那)?[他她](?![们]|说|讲|提到|介绍|表示)")
_SAID_BY = re.compile(r"(?:谁|哪位)(?:说|讲|介绍)的")
# "他说啥了", "她咋说的": what the person just named said (not "他说…", which tells what someone said).
_HE_SAID = re.compile(r"(?:那)?[他她](?:都|又)?(?:(?:说|讲)了?(?:些)?(?:啥|什么)|(?:咋|怎么)(?:说|讲)的?)(?:了|呢|啊|呀)?")
_WHO_ASKED = re.compile(r"(?:是|叫)?(?:谁|啥名字?|什么名字|哪位|叫啥|叫什么)(?:啊|呀|呢|来着)?")


def _named_person(core: str, prev: str, prev_answer: str) -> str | None:
    """"他在那干啥呢" after "淮安调压站那个运行工叫啥", answered with his name: 他 is that worker, not the station, so
    the question is asked of him as the earlier one described him ("淮安调压站那个运行工在那干啥呢")."""
    named = _person_answered(prev, prev_answer)
    if not (_ONE_PERSON.match(core) or _HE_SAID.fullmatch(core)) or classify(prev).kind != "person" or not named:
        return None
    rest = re.sub(r"^(?:那)?[他她]", "", core, count=1)
    who = _WHO_ASKED.sub("", prev).rstrip("?？。！! ，,")
    if _SAID_BY.search(prev) or len(who) > _LONG_WHO:
        # "他是干啥的" after "这话谁说的" (asked of a quote) or after a long message asking who spoke: the one the
        # answer named, by name.
        return re.sub(r"(?:介绍|表示|告诉记者|说道)$", "", named) + rest
    if who == prev.rstrip("?？。！! ，,") or len(who) < 2:
        return None
    if asked_title(normalize(prev)):
        return who + rest  # "淮安调压站那个运行工", "生态环境厅厅长": the title finds the person's sentences
    # "供电所是谁出来讲话的" gives no title: the name the answer gave ("所长迟小飞") finds them.
    return f"{who} {named}{rest}"


# A who-question longer than this describes no one the answer's sentences would name.
_LONG_WHO = 12


def _person_answered(prev: str, prev_answer: str) -> str:
    """The person the last answer named for the last question: the one in the answer's sentence naming the place the
    question asked about ("梅河口是谁讲的话" answered with 韩良's words and then "…梅河口市政府副市长、…主任孙士岩说"),
    else the first one it named."""
    asked = {m.group(1) for m in places(prev)}
    for sentence in re.split(r"(?<=[。！？])", normalize(prev_answer)):
        if any(p in sentence for p in asked):
            named = someone_named(sentence)
            if named:
                return named
    return someone_named(normalize(prev_answer))


def _names_own_body(core: str, prev: str) -> bool:
    """Whether a follow-up names an organisation of its own ("草莓合作社", "调压站") that the earlier question did
    not, and no pronoun points back at the earlier subject ("供电所给他们干啥了" still needs it)."""
    if _PERSONAL.match(core) or _OBJECT_PRONOUN.search(core):
        return False
    prev_norm = normalize(prev)
    return any(len(w) >= 3 and _ORG_END.search(w) and w not in prev_norm for w in tokenize_cached(core))


# "回到医保那个 在哪弄", "刚才那个快递的事 还有啥", "说回燃气 几点上班": back to an earlier topic, then what is asked.
_THAT_ONE = re.compile(r"(?:那个|这个|那位|这位)(?=\S)")
_DEICTIC_TOPICS = frozenset({"那个", "这个", "那个事", "那事", "那件事"})
_JUST_NOW = re.compile(r"刚才|之前|前面")
_BACK_TO = re.compile(
    r"^(?:(?:扯远了|扯远啦|跑题了|说岔了|不说这个了|言归正传)[，,\s]*)?(?:对了|那|还有)?[，,\s]*"
    r"(?:回到|说回|再说回|再回到|回头说|接着说|(?:刚才|之前|前面)(?:说的|问的|说|问)?(?:那个)?)"
    r"(?:刚才|之前|前面)?(?:那个)?(?P<topic>[^，,\s]{1,8}?)(?:那个事|那件事|那事儿|那事|的事儿|的事|那个|这个|的)?[，,\s]+"
    r"(?P<ask>\S.*)$"
)


def _went_back(ask: str, history: Sequence[object], upto: int) -> Condensed:
    condensed = condense(ask, history[:upto])
    return replace(condensed, upto=condensed.upto or upto)


def condense(question: str, history: Sequence[object], prev_topics: Iterable[str] = ()) -> Condensed:
    """Rewrite ``question`` from the earlier turns (each with .question, .rewritten, .answer); ``prev_topics``
    are the services of the articles the last answer cited.

    >>> condense("辽源呢？", [_T("松原市邮政管理局去了哪个物流园区检查？")]).rewritten
    '辽源市邮政管理局去了哪个物流园区检查？'
    """
    norm = normalize(question).strip()
    own = tuple(tokenize_cached(question))
    if not history:
        return _standalone(question, own)
    situation, before = _told_after(question)
    if situation and before:
        # "那农村呢 我爸妈在乡下住": the family told of after a follow-up is story; the follow-up is what is asked.
        followed = condense(before, history, prev_topics)
        return replace(followed, story=" ".join(filter(None, (followed.story, situation))))
    also = _HERE_TOO.match(norm)
    if also and places(also.group("place")):
        # "我在吉林市上班，也这么算吗，啥时候开始": where the caller is, then whether the same holds there; asked as
        # "吉林市也这么算吗" (what follows asks of the same thing).
        same_there = condense(also.group("place") + also.group("also"), history, prev_topics)
        rest = norm[also.end() :].strip("，, ")
        if rest:
            same_there = replace(same_there, rewritten=same_there.rewritten.rstrip("?？。！! ") + "，" + rest)
        return replace(same_there, question=question)
    switch = _SWITCH.match(norm)
    if switch:
        rest = norm[switch.end() :]
        prev_norm = normalize(str(getattr(history[-1], "rewritten", "") or getattr(history[-1], "question", "")))
        if len(rest) >= 6 and not rest.rstrip("?？。！! ").endswith("呢") and _new_subject(rest, prev_norm):
            # "另外问下红旗H6百公里加速几秒" after two questions on 吉林油田: a new subject, asked on its own.
            return _standalone(question, own)
    then = _MORE_THEN.match(norm)
    if then and len(norm) - then.end() >= 4:
        # "还有别的吗 辽源那边过年快递停不停": the more it asks for is the question that follows.
        return condense(question[then.end() :], history, prev_topics)
    back = _BACK_TO.match(norm)
    if back and len(history) >= 2:
        # "回到医保那个 在哪弄" after a question on 门诊共济 and one on 快递: asked of the earlier turn on 医保, found by
        # the word itself or by the service it names.
        from bot.abstain import topics_named  # abstain reads answers, which read this module

        topic = back.group("topic")
        services = topics_named(topic)
        for i in range(len(history) - 2, -1, -1):
            earlier = normalize(
                str(getattr(history[i], "rewritten", "") or getattr(history[i], "question", ""))
            )
            if topic in earlier or services & topics_named(earlier):
                ask = back.group("ask")
                if any(m.group(0) == topic for m in places(topic)) and not places(ask):
                    # "回到梨树 那边改电网投了多少钱": the place gone back to is asked about, whatever else the turn
                    # that named it told.
                    ask = topic + ask
                return _went_back(ask, history, i + 1)
        if topic in _DEICTIC_TOPICS or _JUST_NOW.search(norm[: back.start("topic")]):
            # "回到刚才那个 他们都去了哪些区", "那刚才那个车 几速的" after a detour: the turn before the last one.
            return _went_back(back.group("ask"), history, len(history) - 1)
    if len(history) >= 2:
        last = normalize(str(getattr(history[-1], "question", "")))
        if asks_about_report(last) and not asks_about_report(norm):
            # "那吉林市呢" after "这稿子谁写的": the conversation's question is the one before, about what the report says.
            return condense(question, history[:-1], prev_topics)
    if not getattr(history[-1], "doc_ids", None) and (
        _BARE_PRONOUN.match(_LEAD.sub("", norm))
        or _OBJECT_PRONOUN.search(norm)
        or _LAST_PRONOUN.search(_TAIL.sub("", norm))
        # "这篇报道是谁写的" after a declined "那通化供电也这么搞了吗": the report the conversation was reading.
        or asks_about_report(norm)
    ):
        # "还有 它外形是溜背的吗" after a declined "长春哪个4S店能试驾": 它 is what the last answer spoke of (红旗H6),
        # not the place of a question no article answered. So are "他们" in "平时还能咋联系他们" and "给他们".
        answered_turns = [i for i, turn in enumerate(history) if getattr(turn, "doc_ids", None)]
        if answered_turns:
            return _went_back(question, history, answered_turns[-1] + 1)
    rewrites = rewrite_history(history)
    prev = rewrites[-1]
    prev_answer = str(getattr(history[-1], "answer", "") or "")
    if prev and _MORE.fullmatch(norm):
        # "还有别的不" after a question the bot declined ("收钱不"): more of the last answer it gave.
        return Condensed(question, _last_answered(history, rewrites), True, focus=own, more=True)
    if prev and _STILL_SO.fullmatch(norm):
        # "以后还是这么多吗" after a rate was given: whether it changes, asked of the last question answered.
        told = _ASKED.sub("", _last_answered(history, rewrites)).rstrip("?？。！! ，,")
        return Condensed(question, f"{told}，以后还变不变？", True, focus=own)
    if prev and _WHY_AGAIN.fullmatch(norm):
        # "为啥会这样？": why the last answer holds; the earlier question, asking for its cause or purpose.
        return Condensed(question, f"{_ASKED.sub('', prev).rstrip('?？。！! ')}，为什么？", True, focus=own)
    # The list is the last answer's, or the last one given when the bot has declined since ("第三个一年省了多少钱"
    # declined, then "那最后一个呢": the last of the list it gave); never a decline's topics.
    listed = next((str(getattr(t, "answer", "") or "") for t in reversed(history) if getattr(t, "doc_ids", None)), "")
    pointed = ordinal_item(norm, listed) if prev and listed else None
    if pointed:
        # "第二个是啥意思" after an answer listing "一张清单、一套建议和一份台账": what that item is.
        what = f"{pointed}是什么？"
        return Condensed(what, what, True, focus=tuple(tokenize_cached(pointed)))
    asked_of = ordinal_ask(norm, listed) if prev and listed else None
    if asked_of:
        # "最后那个呢，当晚进了几辆车" after the stations were listed: that station, and what is asked of it.
        return Condensed(question, _with_mark(asked_of), True, focus=tuple(tokenize_cached(asked_of)))
    if not _is_followup(question, norm) or not prev or _changes_service(norm, prev, prev_topics):
        return _standalone(question, own)
    core = _TAIL.sub("", _LEAD.sub("", norm))
    there = _THERE.match(core)
    if there and len(core) - there.end() >= 4:
        core = core[there.end() :]  # "在那里头查了哪几家": the place is the subject put before what is asked
    core = _FILLER.sub("", core)
    ends_with_ne = norm.rstrip("?？。！! ").endswith("呢")
    core = _PEOPLE_ALIASES.get(core, core)
    if ends_with_ne and core.startswith("在") and places(core[1:]):
        core = core[1:]  # "那在吉林呢": the place, not "在在吉林" once swapped into "在四平看了哪些地方"
    if ends_with_ne and core and (
        places(core) or any(g in core for g in _PEOPLE) or _ORG_END.search(core) or _PEOPLE_LIKE.fullmatch(core)
    ):
        swapped = _swap(prev, core)
        if swapped:
            return Condensed(question, swapped, True, core, tuple(tokenize_cached(core)))
    if ends_with_ne and _YEAR_PHRASE.fullmatch(core):
        # "那明年呢" after "退休的人医保个人账户每月往里打多少": the same question, of that year; a year the earlier
        # question named ("今年", "2023年") gives way to it.
        rewritten = _with_mark(core + _YEAR_PHRASE.sub("", prev).rstrip("?？。！! "))
        return Condensed(question, rewritten, True, focus=own)
    if ends_with_ne and len(core) <= 8 and not _ASKED.search(core):
        models, theirs = asked_models(core), asked_models(normalize(prev))
        if len(models) == 1 and len(theirs) == 1 and models != theirs:
            # "那红旗H5呢" after "红旗H6百公里加速要几秒": the same question, of the other model ("红旗H5百公里加速要几秒"),
            # as "辽源呢" asks the last question of 辽源.
            (model,), (their,) = models, theirs
            # Every word of it is asked, as if typed: the sentence naming the H5 only for its tail lights says
            # nothing of its acceleration.
            rewritten = re.sub(re.escape(their), model.upper(), prev.rstrip("?？。！! "), count=1, flags=re.IGNORECASE)
            return Condensed(question, _with_mark(rewritten), True, focus=tuple(tokenize_cached(normalize(rewritten))))
    if ends_with_ne and 2 <= len(core) <= 5 and asked_title(core) and asked_title(normalize(prev)):
        # "村支书呢" after "供电所那个副所长呢" (a title asked after a title): who holds it, in the article the
        # conversation is in (the earlier subject, 供电所, is not where a 村支书 is).
        return Condensed(question, _with_mark(f"{core}是谁"), True, focus=own)
    named = _named_person(core, prev, prev_answer)
    if named:
        return Condensed(question, _with_mark(named), True, focus=own)
    resolved = _resolve_pronoun(core, prev, prev_answer)
    if resolved:
        return Condensed(question, _with_mark(resolved), True, focus=own)
    span = _subject_span(prev, home_places(str(getattr(history[-1], "question", ""))))
    own_places = {m.group(1) for m in places(core)}
    led = _place_then_ask(norm)
    if led and led.re is _PLACE_VAGUE_ASK and led.group("ask").startswith("也"):
        place = led.group("place")
        if not places(prev):
            # "四平也这么搞了吗" after "门诊现在能报啥了", which names no place: the same question, asked of 四平.
            rewritten = _with_mark(place + prev.rstrip("?？。！! "))
            return Condensed(question, rewritten, True, place, tuple(tokenize_cached(place)))
        # "吉林市也一样不" after "我在长春上班，医保个人账户的钱家里人能用了吗": the same question about 吉林市, as
        # "吉林市呢" asks it.
        swapped = _swap(prev, place)
        if swapped:
            return Condensed(question, swapped, True, place, tuple(tokenize_cached(place)))
    if led and span and places(led.group("place")) and _names_own_body(led.group("place") + led.group("ask"), prev):
        # "那吉林市呢 调压站谁在巡检" after questions on 辽源's 液化气灌装站: it names the body it asks about, in that
        # place; the earlier subject is not carried over ("吉林市液化气站调压站").
        rewritten = _with_mark(led.group("place") + led.group("ask"))
        return Condensed(question, rewritten, True, focus=own)
    if led and span and places(led.group("place")) and places(span):
        # "松原呢 去哪查的" after "吉林市邮政管理局派了几个督导组": the earlier subject, about 松原, asked something new.
        subject = _swap(span, led.group("place"))
        if subject:
            rewritten = _with_mark(subject + led.group("ask"))
            return Condensed(question, rewritten, True, led.group("place"), tuple(tokenize_cached(led.group("place"))))
    if own_places and span and not own_places & {m.group(1) for m in places(span)}:
        # "那辽源过年快递歇不歇？" after a question on 松原: it names its own place, so 松原's subject stays out.
        return Condensed(question, question, True, focus=own)
    if not span and ends_with_ne and 2 <= len(core) <= 6 and not _ASKED.search(core) and _ASKED.search(normalize(prev)):
        # "那慢病呢" after "能去哪级医院报", which names no subject to swap: the same question about 慢病.
        rewritten = _with_mark(core + prev.rstrip("?？。！! "))
        return Condensed(question, rewritten, True, focus=own)
    if ends_with_ne and len(core) <= 8 and not _ASKED.search(core) and any(a in core for a in _PEOPLE_ALIASES):
        # "那我老伴退休的呢" after "俺闺女在长春上班，她那医保个人账户按工资百分之几往里进": the same question, of 退休人员.
        return Condensed(question, _with_mark(f"{core} {prev.rstrip('?？。！! ')}"), True, focus=own)
    event = _EVENT_ASK.fullmatch(core)
    if event:
        # "啥时候的事" after "听说跨年那天燃气公司都放假没人上班": when what the last answer told happened, asked of the
        # whole last question, not of its subject alone ("吉林啥时候").
        rewritten = _with_mark(f"{prev.rstrip('?？。！! ')}，{event.group(1) or event.group(2)}")
        return Condensed(question, rewritten, True, focus=own)
    if not span and _BARE_ASK.fullmatch(core):
        # "啥时候" after "第二组去哪了", which names no subject to carry: when that happened, asked of the same thing.
        rewritten = _with_mark(f"{prev.rstrip('?？。！! ')}，{core}")
        return Condensed(question, rewritten, True, focus=own)
    if span and _THAT_ONE.match(core) and asked_title(core):
        # "那个说话的副厅长是谁来着": the person the conversation's article quoted, by title; the earlier subject (吉林市)
        # is not where the 副厅长 is from. The answer stays in that article (``FaqChain._stay_in``).
        return Condensed(question, question, True, focus=own)
    if span and span not in core and _names_own_body(core, prev) and not there:
        # "那个草莓合作社带动了多少人就业？" after a question on 国网吉林电力: it names the body it asks about.
        return Condensed(question, question, True, focus=own)
    if span and span not in core:
        # "他们去了哪些区？" -> "<subject>去了哪些区？": the bare pronoun gives way to the subject.
        bare = _BARE_PRONOUN.match(core)
        core = _BARE_PRONOUN.sub("", core, count=1)
        asked = _ASKED.search(normalize(prev))
        # "那传单呢？" after "…上门服务了多少次？", or just "隐患" typed as a search word: the same question about it.
        again = ends_with_ne or len(core) <= 4
        if again and asked and _ASKED_AGAIN.match(asked.group(0)) and not _ASKED.search(core) and len(core) <= 6:
            # "延边供电公司传单多少".
            # Only a count or a date carries over: "百公里加速呢？" after "在哪个车展首发的" asks the figure, not a place.
            # "累计呢" after "…破43万吨是啥时候的事": a total is a figure, whatever the last question asked.
            # Not 传单多少次: 次 counted the visits.
            core += "多少" if _TOTAL.search(core) or asked.group(0)[0] in "多几" else asked.group(0)
        models, theirs = asked_models(core), asked_models(normalize(span))
        if len(models) == 1 and len(theirs) == 1 and models != theirs:
            # "H5百公里加速几秒" after questions on 红旗H6: another model of the make, asked the same way.
            (model,), (their,) = models, theirs
            span = re.sub(re.escape(their), model.upper(), span, count=1, flags=re.IGNORECASE)
            core = core.replace(model, "", 1)
        rewritten = _with_mark(span + core)
        # "那他们咋处理的": the pronoun the resident typed is the subject, so its words are theirs, not carried
        # over at half weight (then 处理 alone picked "污水处理厂" in another article).
        return Condensed(rewritten if bare else question, rewritten, True, focus=own)
    return Condensed(question, question, True, focus=own)


# "我在吉林市上班，也这么算吗": where the caller lives or works, then whether the same holds there.
_HERE_TOO = re.compile(
    r"(?:我|俺|咱)(?:家|们)?(?:是|在|住在?)(?P<place>[\u4e00-\u9fff]{2,6}?)(?:的|人|上班|工作|住|打工)?[，,\s]+"
    r"(?P<also>也(?:是)?(?:这么|这样|一样)(?:整|办|弄|搞|干|报|算|管|查|收|送|用|要求|规定|安排)?(?:了|的)?(?:吗|不|么|没)?)"
    r"(?:[，,\s?？。]|$)"
)
# "松原呢 去哪查的", "那辽源呢，查了几个网点": a place, 呢, then a question of its own.
_PLACE_THEN_ASK = re.compile(r"(?:那|那么)?(?P<place>[\u4e00-\u9fff]{2,8}?)呢[\s,，、]*(?P<ask>[^\s,，].{2,})")
# "吉林市咋整的" after two questions on other cities' postal checks: only a place and how it went, which asks the
# earlier subject about that place, the way "吉林市呢 咋整的" would; so does "吉林市也这么整吗" (the same there?).
_PLACE_VAGUE_ASK = re.compile(
    r"(?:那|那么)?(?P<place>[\u4e00-\u9fff]{2,8}?)(?:那边|那块|这边|那疙瘩|那嘎达)?(?:又是|又|是|都是|都)?"
    r"(?P<ask>咋整的?|咋弄的?|咋搞的?|咋办的|怎么做的|怎么弄的|怎么搞的|怎么办的|咋样|怎么样|啥情况|什么情况"
    r"|也(?:是)?(?:这么|这样|一样)(?:整|办|弄|搞|干|报|算|管|查|收|送|用|要求|规定|安排)?(?:了|的)?(?:吗|不|么|没)?"
    # "梨树那边也推这个吗" after "延边供电推荐用啥APP": the same thing there.
    r"|也(?:推|推广|用|有|搞|办|发|给|送|查|装)(?:这个|那个|这些|这)(?:了)?(?:吗|不|么|没)?)"
    r"(?:呢|啊|呀)?[?？。!！\s]*"
)


def _place_then_ask(norm: str) -> re.Match[str] | None:
    """"松原呢 去哪查的" or "吉林市咋整的": a place (the whole of it), then what is asked about it."""
    found = _PLACE_THEN_ASK.match(norm)
    if found is None:
        found = _PLACE_VAGUE_ASK.fullmatch(norm)
        if found is not None and not any(m.group(0) == found.group("place") for m in places(found.group("place"))):
            found = None
    return found


# "……我就想问问……", "……想知道……": what a long message asks comes after these.
_ASK = re.compile(
    r"(?:我|俺)?(?:就|只)?(?:是)?(?:想|要)?(?:问问|问一下|请问|打听一下|打听打听|咨询一下|想知道|知道一下|想了解)"
    r"|(?:我|俺)(?:就)?(?:寻思|琢磨|好奇|纳闷)(?:着|了)?"
    r"|(?:听人|我)?听说|听(?:人家|人|别人|邻居|朋友|同事|亲戚|家里人)说|到底"
)
# Hotline staff relaying a call: who called and what about, then ", 问…" what they asked ("大姐说她单位交医保，个人帐户
# 每个月进的钱比以前少了，问现在按工资几个点算的").
_RELAYED_ASK = re.compile(
    r"^(?:来电(?:人|者)|市民|群众|居民|用户|大姐|大哥|大爷|大娘|老人|阿姨)[^？?]{2,}?[，,\s]"
    r"(?P<marker>(?:(?:他|她)(?:又|还)?|又|还)?(?:问|想问|想知道)(?!题))"
)
# A message this long, with this much story before the ask, is focused on the ask.
LONG_MESSAGE = 40
MIN_STORY = 12
MIN_ASK = 6


def _standalone(question: str, own: tuple[str, ...]) -> Condensed:
    kept, ask = story_and_ask(question)
    if not kept and ask is question:
        told, ask = _own_situation(question)
        if told:
            return Condensed(question, f"{told} {ask}", focus=own, story=told)
    elif kept:
        # "……能不能保证我们这些老用户不断供啊，家里还有老人怕冷": the family told of after the ask is story too.
        told, rest = _own_situation(ask, named=True)  # the story named what it is about
        if told:
            kept, ask = [*kept, told], rest
    return Condensed(question, " ".join([*kept, ask]), focus=own, story=" ".join(kept))


def asked_part(question: str) -> str:
    """What a long, story-first message asks, with the names its story gives (see ``story_and_ask``)."""
    kept, ask = story_and_ask(question)
    return " ".join([*kept, ask])


def story_and_ask(question: str) -> tuple[list[str], str]:
    """(names its story gives, what it asks) for a long, story-first message; ([], the message) for any other.

    "大姐你好 我是长春一个厂子的职工 退休前一直交医保 …… 我就想问问我这个个人账户里的钱 能不能……" ->
    "长春 医保 我这个个人账户里的钱 能不能……": the story's family, illness and workplace are not what the
    articles must contain, but its place and programme are. A short ask ("想问问去哪补办") keeps the whole
    message, because then the story holds what is asked about.
    """
    norm, orig = _display(question)
    relayed = _RELAYED_ASK.match(norm)
    m: re.Match[str] | None = None
    if relayed is not None and sum(1 for ch in orig[relayed.end() :] if is_han(ch)) >= MIN_ASK:
        # "来电人想买红旗H6 问这车在哪首发的": who called and why, then what they asked, however short the message.
        start, end = relayed.start("marker"), relayed.end()
    elif len(norm) < LONG_MESSAGE:
        return [], question
    else:
        found = [m for m in _ASK.finditer(norm) if m.start() >= MIN_STORY]
        # The last marker that still leaves a question after it ("我寻思…能不能…" rather than a closing "不知道行不行").
        m = next((m for m in reversed(found) if sum(1 for ch in orig[m.end() :] if is_han(ch)) >= MIN_ASK), None)
        if m is not None:
            start, end = m.start(), m.end()
        else:
            # No marker: "我爸一个人在松原乡下住……又怕送不进去。邮政管理局对这种医疗物资寄递有没有啥要求？" asks in its
            # last sentence, and what came before is the story.
            last = _last_sentence(norm)
            if last is None:
                return [], question
            start = end = last
    ask = orig[end:].strip()
    if m is not None and "听" in m.group(0):
        # "上礼拜听说市邮政管理局下来查快递分拨中心，我常用的几家快递怕受影响。他们都去了哪几家？": what was heard is
        # story too when a sentence of its own asks after it.
        last = _last_sentence(normalize(ask), min_story=0)
        if last is not None:
            ask = ask[last:].strip()
            start = end = len(orig) - len(ask)
    told = _told_first(ask)
    if told:
        # "过年回去我想给他们装个软件，延边供电推荐用的是哪个APP？": the clauses before the first that asks are story.
        ask = ask[len(told) :].lstrip("，, ")
        start = end = end + len(told)
    purpose, before = _told_after(ask, _PURPOSE)
    if purpose:
        # "…那个班长叫啥名，想给他们写封表扬信": why the caller asks, after the ask, is nothing the answer must name.
        ask = before
    story = anchors(norm[:start])
    if _ALIAS_INSIDE.search(norm[:start]) and "居民医保" not in story:
        story.append("居民医保")  # the insurance the story names, as residents call it
    before_ask = _ALIAS_INSIDE.sub(" ", norm[:start])
    story += [group for alias, group in _PEOPLE_ALIASES.items() if alias in before_ask and group not in story]
    if _THIRD_PERSON.search(ask):
        # "媳妇没工作在家带孩子 …… 我医保卡里钱她也能用了 咋操作啊": 她 is the family member the story named.
        story += [w for w in _family_words() if w in norm[:start]][:1]
    kept = [a for a in story if a not in normalize(ask)]
    return kept, ask


# A clause in which the caller tells of themselves or their family: "我儿子在外地上班", "我们老两口都退休了", "俺们这急用药".
_OWN_SITUATION = re.compile(
    r"\s*(?:(?:你好|您好|喂|哈喽)[啊呀]?[，,。！!\s]*)?"  # "您好，我是报社校对。…": a greeting first
    r"(?:(?:我|俺|咱)(?:们|家|儿子|闺女|女儿|爸|妈|老伴|媳妇|对象|老公|爱人|孩子|老两口|两口子)?|本人(?=[是在负从做干])|家里(?:还|也)?有)"
)


def _own_situation(question: str, named: bool = False) -> tuple[str, str]:
    """(what the caller tells of themselves, what they ask) of a short message with such a clause before the ask
    ("我儿子在外地上班，家庭共济那个绑定手机上能整不") or after it ("…对医疗物资咋整 俺们这急用药"); ("", message) for
    any other. The telling stays in the question (it may name the service), but weighs as story. ``named``: the
    subject was named before (in a story), so the ask need not name it again."""
    norm, orig = _display(question)
    if _OWN_SITUATION.match(norm):
        told = _told_first(orig, own=True)
        if told:
            return told.rstrip("，, "), orig[len(told) :].lstrip("，, ")
    last, ask = _told_after(orig)
    if (
        last
        and _ASKING.search(ask)
        and sum(1 for ch in ask if is_han(ch)) >= MIN_ASK
        and (named or anchors(ask) or not anchors(last))
    ):
        # The ask must name what it is about, unless the telling names nothing either ("我是市里小科员要写汇报").
        return last, ask
    return "", question


# A clause telling what the caller means to do: "想给他们写封表扬信", "我好提前准备" (not "想问问…", which asks).
_PURPOSE = re.compile(r"\s*(?:我|俺)?(?:就|也)?(?:想|要|好|打算|准备)(?!问|知道|了解|打听|咨询|请教)")


# A clause saying what the answer is for: "写简报用", "复习用", "孩子作业要填", "上课举个例子".
_FOR_USE = re.compile(r"(?:用|要填|要用|要写|参考|举个?例子?)$")


def _told_after(text: str, telling: re.Pattern[str] = _OWN_SITUATION) -> tuple[str, str]:
    """(the clauses after the ask that ask nothing, what comes before them) when one tells of the caller or their
    family (or, with ``telling``, anything else it matches) or what they mean to do, or the last says what the answer
    is for ("…，家里还有老人怕冷", "那农村呢 我爸妈在乡下住", "…破了多少？我是化学老师，上课举个例子", "…排了几处毛病
    写简报用"); ("", text) otherwise."""
    body = text.rstrip()
    parts = re.split(r"(?<=[，,\s？?。！!；;])(?=\S)", body)
    k = len(parts)
    while k > 1 and not _ASKING.search(parts[k - 1].rstrip("，,。！!；; ")):
        k -= 1
    run = parts[k:]
    if not _ASKING.search(parts[k - 1].rstrip("，,。！!；; ")):
        return "", text  # nothing before them asks either ("弄不明白 我要打12345投诉你们")
    if run and (
        any(telling.match(c) or _PURPOSE.match(c) for c in run) or _FOR_USE.search(run[-1].rstrip("，,。！!；; "))
    ):
        told = "".join(run)
        return told.strip(), body[: -len(told)].rstrip("，, ")
    return "", text


_THIRD_PERSON = re.compile(r"[她他]")
# Where a sentence ends, and what makes one a question.
_SENTENCE_END = re.compile(r"[。！!？?；;]+")
_ASKING = re.compile(r"[吗么呢]|[?？]|咋|怎么|怎样|如何|哪|啥|什么|谁|几|多少|多大|多久|([\u4e00-\u9fff])不\1|[^\s]不$")


# Asking whether what was just said is so: "真有这事吗", "是真的不", "对吗".
_CONFIRMING = re.compile(r"\s*(?:这|那)?(?:真有这事|有这事|是真的|真的|对|是这样|是不是真的|是这么回事)")


# A message's first sentence, when it ends before the message does ("您好，我是报社校对。").
_FIRST_SENTENCE = re.compile(r"[^。！!；;？?]+[。！!；;]")


def _told_first(ask: str, own: bool = False) -> str:
    """The clauses an ask opens with that ask nothing ("调压站的人大半夜还在巡检，"), if what follows them asks at
    length and names what it is about; "" otherwise."""
    clauses = re.split(r"(?<=[，,])", ask)
    told = ""
    for clause in clauses:
        if _ASKING.search(clause.rstrip("，, ")):
            if _CONFIRMING.match(clause):
                return ""  # "能派人上门帮着检查，真有这事吗": the clause before is what is asked about
            break
        told += clause
    rest = ask[len(told) :]
    # What is left must name what it asks about: "…把人叫回来上班，都有啥招儿啊" asks about the clause before it; unless
    # the clauses before tell of the caller (``own``) and name nothing either ("本人负责单位薪资核算，").
    if not told or sum(1 for ch in rest if is_han(ch)) < MIN_ASK or not (anchors(rest) or (own and not anchors(told))):
        if own and (first := _FIRST_SENTENCE.match(told)) is not None and first.end() < len(told):
            # "您好，我是报社校对。生态强省那次下基层帮扶，…多少条难处": the sentence telling who calls is story; the
            # next names what is asked about.
            rest = ask[first.end() :]
            if sum(1 for ch in rest if is_han(ch)) >= MIN_ASK and anchors(rest):
                return first.group(0)
        return ""
    return told


def _last_sentence(norm: str, min_story: int = MIN_STORY) -> int | None:
    """Where the asking last sentence of a long message starts, or None: the story before it must be long
    (``min_story``) and hold no question of its own, and the last sentence must ask."""
    ends = [m.end() for m in _SENTENCE_END.finditer(norm.rstrip("。！!？?；; "))]
    for start in reversed(ends):
        if start < min_story:
            return None
        if re.search(r"[?？]|[吗么呢][。！!；;\s]", norm[:start]):
            # The story asks something itself: the ask begins earlier ("…老跑医院。那份钱能让老太太花不？打哪天开始
            # 的？" asks two things after its story).
            continue
        ask = norm[start:].strip()
        if sum(1 for ch in ask if is_han(ch)) < MIN_ASK or not _ASKING.search(ask):
            return None
        return start
    return None


@lru_cache(maxsize=1)
def _family_words() -> tuple[str, ...]:
    """The resident's words for a family member (媳妇, 老伴, 我妈…), longest first."""
    return tuple(sorted((w for w, targets in SYNONYMS.items() if "家庭成员" in targets), key=lambda w: (-len(w), w)))


def _last_answered(history: Sequence[object], rewrites: Sequence[str]) -> str:
    """The rewritten question of the last turn the bot answered (the last turn's when it answered none)."""
    return next(
        (rw for turn, rw in zip(reversed(history), reversed(rewrites), strict=True) if getattr(turn, "doc_ids", ())),
        rewrites[-1],
    )


def _with_mark(text: str) -> str:
    return text if text.endswith(("？", "?")) else text + "？"


def rewrite_history(history: Sequence[object]) -> list[str]:
    """Each earlier turn's self-contained question: its stored rewrite, or re-derived in order when unknown."""
    out: list[str] = []
    turns: list[object] = []
    for turn in history:
        rewritten = str(getattr(turn, "rewritten", "") or "")
        if not rewritten:
            rewritten = (
                condense(str(getattr(turn, "question", "")), turns).rewritten
                if turns
                else str(getattr(turn, "question", ""))
            )
        out.append(rewritten)
        turns.append(_T(getattr(turn, "question", ""), rewritten, getattr(turn, "answer", "")))
    return out


@dataclass(frozen=True)
class _T:
    question: str  # the words the resident typed (a pronoun stands for the subject it was replaced with)
    rewritten: str = ""
    answer: str = ""


def focus_words(condensed: Condensed, extra: Iterable[str] = ()) -> list[str]:
    return list(dict.fromkeys([*condensed.focus, *extra]))
