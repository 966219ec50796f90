"""What a message asks, restated before it is read: a question relayed by hotline staff loses its relay frame; a
figure the resident asks to have confirmed becomes the figure asked; disputing the last answer asks its question
again; a closing guess at the answer is left out; "谁说的" asks who said what the last answer quoted.

"来电人问辽源液化气灌装站跨年那天一共灌了多少瓶" asks what the caller asked: 来电人 and 问 are not words the article
must contain. "梨树县温室大棚是不是有五万栋" asks how many greenhouses there are: the answer is the article's figure,
whatever the resident heard, so "五万" must not be a word the answer has to contain, and the question wants a number,
not a yes or a no.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.condense import anchors, places


def restate(question: str, history: Sequence[object]) -> str:
    """The message as what it asks, before it is classified: the steps below, in this order. ``history`` holds the
    earlier turns (each with .question, .rewritten, .answer)."""
    question = _SLANG.sub("", _spelled_out(question)).strip() or question
    question = without_report_frame(without_venting(unrelay(_BACKCHANNEL.sub("", question, count=1))))
    question = without_hearsay(without_introduction(question))
    if history:
        question = uncorrected(question)
        plainer = asks_plainer(question)
        if plainer is not None:
            # "你说简单点呗 俺岁数大了听不明白": the last question once more; "说大白话 我每月能进多少": what follows.
            question = plainer or getattr(history[-1], "rewritten", "") or getattr(history[-1], "question", "")
    if history and disputes_figure(question):
        # "不对吧 我记得是八千多套": the last question, asked again.
        question = getattr(history[-1], "rewritten", "") or getattr(history[-1], "question", "")
    question = in_person_belief(asked_start(as_understood(asked_figure(question))))
    question = without_guess(without_leading_guess(without_feared(question)))
    said_by = who_said(question, str(getattr(history[-1], "answer", "") or "")) if history else None
    return said_by or question


# Asking for the report's own words: "报道原话咋说的", "报道原文怎么写的", "请按原文核实". Every answer quotes them.
_WORDING = re.compile(
    r"[，,。？?；;\s]*(?:请)?(?:按|照)?(?:报道|新闻|文章|稿子)?(?:里的?)?(?:原话|原文)(?:里|上)?(?:是|咋|怎么|如何)?"
    r"(?:说|写|讲)?(?:的)?(?:啥|什么)?[？?。；;]*"
)


# Which report the staff member means: "1月3日吉林日报保通保畅那篇报道里，", "依据报道，". The date and the paper are
# where the question was read, not what it asks; the report's subject (保通保畅) stays.
_REPORT_FRAME = re.compile(
    r"^\s*(?:(?:依据|根据|据)(?:报道|新闻)[，,：:\s]+"
    r"|(?:\d{1,2}月\d{1,2}[日号]|\d{1,2}月[初底])?的?(?:吉林日报|报纸|报上)?(?:上)?的?(?P<topic>[^，,。？?\s]{0,8}?)"
    r"那篇(?:报道|文章|稿子|新闻)?(?:(?:里|中|上)[，,：:\s]*|[，,：:]\s*))"
)


def without_report_frame(question: str) -> str:
    """The message without its request for the report's exact words (the answer quotes them anyway) and without
    the date and paper that say which report it was read in."""
    rest = _WORDING.sub("，", question).strip("，, ")
    frame = _REPORT_FRAME.match(rest)
    if frame and frame.end() < len(rest):
        rest = f"{frame.group('topic') or ''} {rest[frame.end() :]}".strip()
    return rest if len(rest) >= 4 else question


# Venting around the question: "快递都压好几天了烦死了，", "别跟我整那些虚头巴脑的", "再整不明白我就打12345投诉你们".
_VENT = re.compile(
    r"烦死|气死|急死|愁死|折腾|投诉|糊弄|忽悠|虚头巴脑|整不明白|弄不明白|搞不明白|说不知道|懒得|排大队|死活|天天喊|花哨"
    r"|可别|别到时候|别跟我|你们|大过年的|大冬天的|大半夜"
)
# What makes a clause ask something ("啥也找不着", "压好几天了" do not).
_ASKS = re.compile(r"[吗么呢]|[?？]|咋|怎么|怎样|如何|哪|啥|什么|谁|几|多少|多大|多久|([\u4e00-\u9fff])[不没]\1|不$|没$")
_NOTHING = re.compile(r"(?:啥|什么)(?:也|都|的)|好几")
_CLAUSE = re.compile(r"(?<=[，,。！!？?；;\s])")


def without_venting(question: str) -> str:
    """The message without the clauses that only vent (烦死了, 投诉你们, 别跟我整那些虚头巴脑的), when what is left asks
    something; a clause that asks stays, whatever it says."""
    clauses = [c for c in _CLAUSE.split(question) if c]
    if len(clauses) < 2:
        return question
    kept = [c for c in clauses if not _VENT.search(c) or _ASKS.search(_NOTHING.sub("", c.strip(" ，,。！!；;")))]
    rest = "".join(kept).strip(" ，,。！!；;")
    if len(kept) == len(clauses) or not _ASKS.search(rest) or sum(1 for ch in rest if "\u4e00" <= ch <= "\u9fff") < 4:
        return question
    return rest


# A caller saying who they are, or what they need it for, before they ask: "我是报社实习记者 核对一下：…", "您好，我是
# 记者，稿件里需要核实…", "我是小学老师，带孩子们做社会调查 …", "我在辽源开个小饭店，…". Who asks is not what is asked.
# Only an introduction by trade: "我是灵活就业的", "我是长春上班的" and "我在吉林市上班" tell what is asked about.
_INTRO = re.compile(
    r"^\s*(?:(?:您好|你好|喂|同志)[，,！!。\s]*)?(?:我|俺|本人)"
    r"(?:是[^，,。！!？?：:；;\s]{0,16}?(?:记者|编辑|老师|教师|干部|书记|主任|负责人|老板|店主|经理|站长|学生|网格员|志愿者|会计|律师)"
    r"|在[^，,。！!？?：:；;\s]{1,8}?(?:开|干|经营)(?:了|着)?(?:个|一个|一家|家)?[^，,。！!？?：:；;\s]{0,6}?"
    r"(?:店|馆|饭店|超市|加油站|公司|厂|网点))[，,。！!：:；;\s]+"
)
# Checking a figure for work: "核对一下：", "核个数：", "稿件里需要核实".
_CHECK = re.compile(r"^(?:(?:稿件|稿子|文章)里?)?(?:需要|想|要)?(?:核对|核实|核|确认)(?:一下|下|个数)?[：:，,\s]*")
_PIECE = re.compile(r"(?<=[，,。！!：:；;\s])")


def without_introduction(question: str) -> str:
    """The message without the caller's introduction and the clauses after it that ask nothing and name nothing
    the articles are about ("带孩子们做社会调查"). What the introduction names stays when the rest does not name it:
    "我在辽源开个小饭店，…一天充了多少瓶" is about 辽源; but "我是公主岭那边一个村的村干部，想学学梨树种草莓…" asks
    about 梨树, and 公主岭 is only where the caller lives."""
    intro = _INTRO.match(question)
    if intro is None or _ASKS.search(intro.group(0)):
        return question
    rest = question[intro.end() :]
    pieces = [p for p in _PIECE.split(rest) if p]
    while len(pieces) > 1 and not _ASKS.search(pieces[0]) and not anchors(pieces[0]):
        pieces.pop(0)
    rest = _CHECK.sub("", "".join(pieces), count=1).strip()
    if not _ASKS.search(rest) or _hans(rest) < 4:
        return question
    named = [a for a in anchors(intro.group(0)) if a not in rest]
    if places(rest):
        named = [a for a in named if not places(a)]
    return " ".join([*named, rest])


# What the caller heard, told after asking: "辽源这边春节还能寄快递不，我听说网点全关门". The article answers the
# question; the rumour is in no word of it.
_HEARSAY = re.compile(r"[，,。\s]+(?:我|俺)?(?:听说|听人说|听别人说|听人家说|寻思|以为)(?P<heard>[^，,。？?！!]{2,16})[。！!]?\s*$")


def without_hearsay(question: str) -> str:
    """The question without a closing clause telling what the caller heard, when that clause asks nothing."""
    m = _HEARSAY.search(question)
    if m is None or _ASKS.search(m.group("heard")):
        return question
    head = question[: m.start()]
    return head if _ASKS.search(head) and _hans(head) >= 4 else question


# Acknowledging the last answer before asking on: "嗯 那除了打电话还有啥法子", "嗯那 供电所那边谁管这事".
_BACKCHANNEL = re.compile(
    r"^\s*(?:嗯那|嗯呢|嗯嗯|嗯|噢|哦|对对对|对对|好的|好嘞|明白了|知道了|ok|okay)[，,。！!\s]+(?=\S)", re.IGNORECASE
)
# Young residents' abbreviations for the services ("长春yb", "松原kd", "co2"), spelt out.
_ABBREVIATIONS = {"yb": "医保", "kd": "快递", "co2": "二氧化碳"}
_ABBREVIATION = re.compile(r"(?<![A-Za-z])(?:yb|kd|co2)(?![A-Za-z0-9])", re.IGNORECASE)
# Internet slang that says nothing of what is asked: "家人们谁懂啊", "咱就是说", "破防了", "plz".
_SLANG = re.compile(
    r"家人们谁懂啊?|谁懂啊|家人们|咱就是说|绝绝子|破防了|蚌埠住了|yyds|栓q|(?<![A-Za-z])(?:plz|pls|please)(?![A-Za-z])",
    re.IGNORECASE,
)


def _spelled_out(question: str) -> str:
    return _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m.group(0).lower()], question)


# The resident narrowing or correcting what they asked: "我问的是他们都跑了哪些区", "不是 我是说退休的".
_CORRECTION = re.compile(
    r"^\s*(?:(?:不是|不对)(?:这个|那个)?(?:啊|呀)?)?[，,。\s]*(?:我|俺)(?:问的是|是问|是说|说的是|想问的是|要问的是)[：:，,\s]*(?=\S)"
    # "哦 说错了 是长春": a slip owned up to; what follows replaces what was wrong.
    r"|^\s*(?:哦|噢|啊|呃|哎呀|不好意思)?[，,。\s]*(?:我|俺)?(?:说|打|写|问|搞|弄)错了(?:啊|呀)?[，,。！!\s]*(?=\S)"
)


def uncorrected(question: str) -> str:
    """A follow-up without the frame of a correction ("我问的是…"): what follows it is the question."""
    return _CORRECTION.sub("", question, count=1)


# Asking for the last answer again in plainer words, or again at all.
_PLAINER = re.compile(
    r"(?:你|您)?(?:再)?(?:说|讲)(?:得)?(?:简单|明白|清楚|慢|通俗)(?:一)?点(?:儿)?|(?:你|您)?(?:说|讲)?大白话|听不(?:明白|懂|清)"
    r"|没听(?:明白|懂|清)|(?:再|重新)(?:说|讲)一?(?:遍|下|次)|重复一(?:遍|下)"
)
# Or which part of it: "数字再说一遍", "户数再说一遍" ask for the same answer again.
_ASIDE = re.compile(
    r"(?:俺|我)?(?:岁数大了|年纪大了|老了|耳朵背)|(?:那个|刚才的?)?(?:[户人次]?数字?|金额|比例|日期|日子|名字)"
    r"|[呗啊呀吧嘛哈呢，,。？?！!\s]"
)


def asks_plainer(question: str) -> str | None:
    """None unless the message asks to have the last answer put plainly ("说简单点", "没听明白"); then what else it
    asks ("我一个月能进多少"), or "" when it asks nothing else."""
    if _PLAINER.search(question) is None:
        return None
    rest = _PLAINER.sub(" ", question)
    if len(_ASIDE.sub("", rest)) < 2:
        return ""
    return " ".join(rest.split())


# Who relays the question, then the verb of relaying: "来电人问", "市民咨询：", "用户反映", "来电群众询问".
_RELAY = re.compile(
    r"^\s*(?:来电(?:人|者|群众|市民|居民|用户)?|市民|群众|用户|客户|居民|老百姓)"
    # "来电的老师傅问", "来电大爷问": who called, by how staff address them.
    r"(?:的?(?:老师傅|老大爷|老太太|老同志|师傅|大爷|大娘|大妈|大姐|大哥|阿姨|老人|小伙子?|姑娘|女士|先生|职工|人))?"
    r"(?:来电|打电话|打来电话)?"
    r"(?:询问|咨询|反映|反应|问|想问|想了解|想知道|说)(?:一下|了解)?[：:，,\s]*"
)
# "数千", "几百": a round figure said without its digits.
_NUMERAL = r"(?:\d+(?:\.\d+)?|[数几][十百千万]+|[一二两三四五六七八九十百千万亿]+)"
# The measure words a figure is counted in. Not 年/月/日/号 (a date), not 级/甲 (三级医院, 三甲 are names).
_MEASURE = (
    r"个|回|次|栋|套|户|名|人|位|棵|吨|元|块|件|辆|台|座|处|家|项|条|组|秒|天|小时|亩|瓶|罐|方|立方米|公里|度|份|T|%"
    # A car's figures: "最大功率是不是195千瓦", "配的是7速的吧".
    r"|千瓦|kW|kw|速"
)
# A figure as heard: "五十多回", "上千人", "一个亿", "八千多套", "43万吨", "1.5T", "五秒多", "二十多", "三个".
_FIGURE = re.compile(
    rf"(?<![A-Za-z0-9.])(?:上|近|将近|差不多)?(?P<num>{_NUMERAL})(?:多|余|来)?(?P<ge>个)?(?P<mag>[万亿])?(?:多|余)?"
    rf"(?P<unit>(?<!个)(?:{_MEASURE}))?(?:多|左右|出头)?"
)
# What says a figure is to be confirmed: the resident heard it, remembers it, or asks whether it is so.
_DOUBT = re.compile(
    r"是不是|是这个数|是真的|对吗|对不对|没错吧|不对吧|确定吗|确定不|你确定|记岔|记错|记得|听说|说是|好像是|我看的是|不是说"
    # Said back as the resident understood it: "八千多套？这么多", "是这意思不 就是说相当于种了两亿五千万棵树".
    r"|这么多|这么少|就是说|是这意思"
    # A figure belittled: "是否仅有数千栋", "就去了三五回", "也就零下十来度".
    r"|是否|仅有|仅仅|也就|就[^，,。？?\s]{0,2}了"
    # "一共派了八个组下去是吧": a closing 是吧/对吧 checks what was said.
    r"|[是对]吧\s*[?？。]?\s*$"
    # Or one that goes on to ask for the figure: "国网投了两个亿出头是吧具体多少".
    r"|[是对]吧[，,\s]*(?:具体|到底|究竟|实际|准确)"
)
# Or a closing 吗/呗/吧/不 right after the figure and what it counts: "去了六个地区吗", "是1.5T的吗", "投了一个亿呗";
# not "家里2个孩子能用吗", where the figure is part of what is asked about.
_CHECKED = re.compile(r"^[^，,。？?\s]{0,3}?(?:[吗呗吧]|了?不)(?:\s*[?？。]?\s*$|[\s，,。？?])")
# The words of doubting, dropped once the figure is asked: "不对吧 我记得是八千多套" asks "多少套".
_DOUBT_WORDS = re.compile(
    r"不对吧|确定吗|确定不|你确定|你是不是记岔了|是不是记岔了|记岔了|记错了|我咋听说是|我听说是|听说是|我记得是|记得是|我看的是"
    r"|我看新闻(?:上)?好像是|新闻上说是|新闻上说|好像是|不是说|是这个数吗|是真的吗|是真的不|对吗|对不对|没错吧|是不是"
    r"|这么多|这么少|那就是说|就是说|是这个?意思[不吗吧]?"
)
_TAIL = re.compile(r"(?:有这么多[^，,。？?\s]{0,3}不|[，,\s]*[是对](?:吧|吗|不)|[吗呗吧]|了?不)?\s*[?？。]?\s*$")

# Asking for someone else: "帮我姑父问一下，", "我妈问", "替邻居打听一下：". Who it is for is not what is asked.
_FOR_SOMEONE = re.compile(
    r"^\s*(?:(?:我|俺)?(?:帮|替|给|代)(?:我|俺)?家?的?)?(?:我|俺)?家?的?"
    r"(?:老妈|老爸|妈妈|爸爸|父亲|母亲|爷爷|奶奶|姥姥|姥爷|外公|外婆|老伴儿?|老头子?|老太太|媳妇儿?|老婆|老公|丈夫|对象"
    r"|儿子|闺女|女儿|孩子|姑父|姑姑|姑妈|舅舅|舅妈|叔叔|婶婶|大爷|大娘|大姨|小姨|阿姨|老丈人|丈母娘|岳父|岳母|公公|婆婆"
    r"|老婆婆|老公公|爸妈|父母|老人家?|表哥|表姐|表弟|表妹|哥哥|姐姐|弟弟|妹妹|邻居|同事|朋友|亲戚|老乡|妈|爸|哥|姐)"
    r"(?:让我|叫我|托我)?(?:问问|问|打听|咨询|想问|想知道)(?:(?:一下|一声|下)[：:，,\s]*|[：:，,\s]+)"
)
# An ask that follows what the caller reported.
# ("来电人说他网购的东西压了好几天，问邮政管理局去查没查": ``condense.story_and_ask`` splits such a message.)
_ASKS_LATER = re.compile(r"想知道|想问|想了解|问问|打听|[，,\s](?:(?:他|她)(?:又|还)?|又|还)?问(?!题)")

# A figure said without its unit after these is a sum of money.
_MONEY_BEFORE = re.compile(r"(?:卖|售|花|价|投|值|要|贷|补|挣|赚)[了个]?$")


def unrelay(question: str) -> str:
    """The caller's question without hotline staff's relay frame ("来电人问…" -> "…"), or the frame of asking for
    someone else ("帮我姑父问一下，…")."""
    found = _RELAY.match(question) or _FOR_SOMEONE.match(question)
    if found is None or len(question) - found.end() < 4 or _ASKS_LATER.search(question, found.end()):
        # "用户反映孩子在外地上学 想知道…": what the caller reported is the story, what they want to know the ask.
        return question
    return question[found.end() :]


def asked_figure(question: str) -> str:
    """A figure to confirm, asked for instead: "督导帮扶组去了六个地区吗" -> "督导帮扶组去了多少个地区".

    Only a message that doubts or checks a figure is restated, and only its one figure: a message with two figures
    compares them, and one with none asks something else.
    """
    figures = [m for m in _FIGURE.finditer(question) if _counted(m)]
    if len(figures) != 1:
        return question
    m = figures[0]
    if _DOUBT.search(question) is None and _CHECKED.match(question[m.end() :]) is None:
        return question
    unit = m.group("unit") or ""
    asked = (
        "百分之多少"
        if unit == "%"
        else "多少" + (unit or ("个" if m.group("ge") and not m.group("mag") else ""))
    )
    # What was done with it comes before the doubting words: "总共投了是不是50个亿".
    said_before = _DOUBT_WORDS.sub("", question[: m.start()])
    if asked == "多少" and _MONEY_BEFORE.search(said_before[-3:]):
        asked = "多少钱"  # "是不是卖二十万", "投了一个亿": a sum of money
    text = question[: m.start()] + asked + question[m.end() :]
    text = _DOUBT_WORDS.sub("", text)
    text = _TAIL.sub("", text).strip()
    return re.sub(r"\s+", " ", text)


def _counted(m: re.Match[str]) -> bool:
    """Whether the match is a figure counted in something: a measure word, 个, a magnitude (一个亿), or a Chinese
    numeral of two characters or more said as a round figure ("二十多").

    Not a lone "三" or "6" (三甲, H6), not "一个" (one of something), not a phone number (12345), and not a name that
    begins with a numeral: "八棵树", "十家堡" (one numeral, then a measure word, then more of the name), "二十大"."""
    num, unit, text = m.group("num"), m.group("unit"), m.string
    after = text[m.end() : m.end() + 1]
    han_after = bool(after) and "\u4e00" <= after <= "\u9fff" and after not in _CLOSING
    if unit == "家" and num == "一" and re.search(r"(?:们|我|俺|咱|全)$", text[: m.start()]):
        return False  # "我们一家是长春的": the household, no count
    if unit or m.group("mag"):
        if num.isdigit() and len(num) >= 5:
            return False
        return not (num in _DIGITS and not m.group("mag") and han_after and m.group(0)[0] == num)
    if m.group("ge"):
        return num not in ("一", "1")
    return len(num) >= 2 and not num.isdigit() and (m.group(0).endswith(("多", "余", "来")) or not han_after)


_DIGITS = frozenset("一二两三四五六七八九十")
# What may follow a figure inside the sentence that heard it: "七天不打烊", "五秒多吗".
_CLOSING = frozenset("的了吗呢吧啊呗不多是")


# Doubting the last answer, then saying what the resident believed instead: "确定吗 不是只有社区医院才给报吗".
_COUNTER = re.compile(r"(?:你|您)?(?:确定吗|确定不|不对吧|不对啊)[，,。？?！!\s]*(?:不是|难道不是)[^，,。？?！!]{2,20}[吗么]?[?？]?")

# Saying the last answer is wrong: "不对吧", "你确定吗", "你是不是记岔了", "不是说五秒多吗".
_DISPUTE = re.compile(
    r"不对吧|不对啊|确定吗|确定不|确定么|你确定|记岔|记错|不是说|记得是|听说是|好像是|新闻上说|我看的是"
)


def disputes_figure(question: str) -> bool:
    """Whether the message only disputes a figure of the last answer ("不对吧 我记得是八千多套", "确定吗 我咋听说是
    二百多个") or counters it ("确定吗 不是只有社区医院才给报吗"): then it asks the last question again, and the
    answer is the article's once more."""
    if _DISPUTE.search(question) is None:
        return False
    if _COUNTER.fullmatch(question.strip()):
        return True
    asked = asked_figure(question)
    return (
        asked != question
        and re.fullmatch(r"是?(?:百分之)?多少\S{0,2}", re.sub(r"[\s啊呀吧呢你的？?]", "", asked)) is not None
    )


# A what/where/how question, then the resident's own guess at the answer as a short yes/no question: "在哪办 得去
# 医保局窗口不", "是咋查的 提前打招呼不", "这钱是谁投的 县里吗", "是哪个厂子出的 是一汽的不"; after a follow-up's
# "X呢" too: "变速箱呢，是CVT吧".
_WH = re.compile(r"咋|怎么|怎样|如何|哪|啥|什么|谁|几|多少|多大|多久|多长")
_GUESS = re.compile(
    r"^(?:[^，,。？?！!\s]{1,10}?(?:[吗呗么吧]|[不没]|是不是[^，,。？?！!\s]*)"
    # "是不是提前打好招呼才去的": a guess asked whole.
    r"|是不是[^，,。？?！!\s]{2,14})\s*[?？]?\s*$"
)
_BREAK = re.compile(r"[\s，,？?]+")
# What makes a closing yes/no a question of its own: more of something (也, 还), whether it can be done, a fee.
_ANOTHER = re.compile(r"^(?:能|可以|可不可以|会|行)|也|还|另外|再|钱|费")


def without_guess(question: str) -> str:
    """The question without a closing guess at its answer: what it asks is answered, and so is the guess.

    Only a guess after a question that asks what, where, how or who, and not a second question: "做检查也给报吗",
    "能足不出户办吗" and "收钱不" ask more than the first question does."""
    parts = _BREAK.split(question.strip())
    if len(parts) < 2:
        return question
    guess, asked = parts[-1], question.strip()[: question.strip().rfind(parts[-1])].rstrip(" ，,？?")
    if (
        not guess
        or _WH.search(guess)
        or _GUESS.match(guess) is None
        or not (_WH.search(_NOTHING.sub("", _BREAK.split(asked)[-1])) or asked.endswith("呢"))
    ):
        return question
    if _ANOTHER.search(guess):
        return question  # "做检查也给报吗", "能足不出户办吗", "收钱不": a second question, not a guess
    return asked


def _hans(text: str) -> int:
    """How many Chinese characters ``text`` has."""
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")


# A guess at the answer asked first, then the open question: "红旗H6是不是电车啊，用的啥发动机",
# "家庭共济是不是还没开始呢 啥时候起实行的". What the guess names is no word the answer must hold; the open question
# is answered.
_LEADING_GUESS = re.compile(
    r"(?:是不是|是否)[^，,。？?！!\s]{1,12}?(?:啊|呢|吧|呀|吗|么|[，,。？?！!\s])[，,。？?！!\s]*(?=(?P<ask>.+)$)"
)


def without_leading_guess(question: str) -> str:
    """The question without a yes/no guess put before an open question (what it names stays: "红旗H6")."""
    m = _LEADING_GUESS.search(question.strip())
    if m is None:
        return question
    ask = m.group("ask")
    # The open question must say something of its own: "加价吗 加多少" asks about the guess itself.
    own = re.sub(r"[的了呢啊吧呀吗么]", "", _WH.sub("", ask))
    if not _WH.search(ask) or _hans(own) < 2:
        return question
    head = question.strip()[: m.start()].rstrip(" ，,")
    return f"{head} {ask}".strip() if head else ask


# A feared stop, asked as a guess after what it is about: "跨年那天燃气公司是不是都放假了，没人管了吧",
# "大棚半夜电出毛病了 是不是就没人管了". The articles answer with who kept working, in no word of the fear.
_FEARED = re.compile(
    r"(?:是不是|是否|难道|应该|肯定|估计|八成)(?:就|都|也|已经|早就)?(?:没人管|没人|不管|放假|停(?!车)|关门|歇|不干|不送|不给|不让)"
)


def without_feared(question: str) -> str:
    """What a question that fears a stop is about, without the fear; the question as it is otherwise."""
    m = _FEARED.search(question)
    if m is None or _WH.search(question):
        return question
    head = question[: m.start()].rstrip(" ，,")
    return head if _hans(head) >= 4 else question


# Believing it must be done in person: "家庭共济是不是非得去医保局窗口排队才能办啊", "办电还得跑营业厅吧网上整不了".
# The articles say where it is done (a WeChat account, an app), in no word of the belief.
_IN_PERSON = re.compile(
    r"(?:是不是|是否)?(?:非得|必须|还得|非要|得|用不用|要不要|需不需要|得不得)(?:去|跑|到)[^，,。？?！!\s]{1,8}?(?:排队|窗口|柜台)?"
    r"(?:才能|才可以|才行)?(?:办|办理|弄|整|申请)?(?:吗|吧|啊|呀|么|呢)?(?:[，,\s]*(?:网上|手机上|线上)(?:办|整|弄)?不了)?"
    r"[？?。！!\s]*$"
)


# A start date believed: "门诊共济是不是去年就开始了", "这政策前年就实行了吧". When it started is what is asked.
_WHEN_BELIEVED = re.compile(
    r"(?:是不是|是否)?(?:早在|从)?(?:去年|前年|今年|年初|年底|上个月|上月|元旦|春节|\d{1,2}月(?:份|\d{1,2}[日号])?)"
    r"(?:那天|当天)?起?(?:就|才|就已经|已经)?(?P<verb>开始|实行|实施|启动|执行|施行)(?:了|的)?(?:吧|吗|么|不|呀|啊)?"
    # "…就开始了 长春这边": a place said after it.
    r"[？?。！!]*(?P<tail>[\s，,]+[^\s，,？?。！!]{2,6}?(?:这边|那边|这里|那里)?)?[？?。！!\s]*$"
)


def asked_start(question: str) -> str:
    """A start date to confirm, asked for instead: "门诊共济是不是去年就开始了" -> "门诊共济什么时候开始的"."""
    m = _WHEN_BELIEVED.search(question)
    if m is None or _WH.search(question):
        return question
    head = question[: m.start()].rstrip(" ，,")
    tail = (m.group("tail") or "").strip(" ，,")
    return f"{tail}{head}什么时候{m.group('verb')}的".strip() if _hans(head) >= 2 else question


# Saying back what one understood and asking if it is so: "我理解只能买目录里的药，目录外的不行，没错吧". The frame
# says nothing the answer must hold; what is said back is asked as a yes or a no.
_UNDERSTOOD = re.compile(r"^\s*(?:那|那么)?(?:我(?:的)?理解(?:的)?(?:是|就是|的意思是)?|我(?:的)?意思是)[，,：:\s]*")
_RIGHT = re.compile(r"[，,\s]*(?:对吧|是吧|没错吧|对不对|没错吗|对吗|是不是|是这样吧|是这个意思吧)[？?。！!\s]*$")


def as_understood(question: str) -> str:
    """"我理解…，对吧" as the yes/no question "…吗"; the question as it is otherwise."""
    lead, tail = _UNDERSTOOD.match(question), _RIGHT.search(question)
    if lead is None or tail is None:
        return question
    said = question[lead.end() : tail.start()].rstrip(" ，,")
    return f"{said}吗" if _hans(said) >= 4 and not _WH.search(said) else question


def in_person_belief(question: str) -> str:
    """A belief that it must be done in person, asked as where it is done: "家庭共济在哪办"."""
    m = _IN_PERSON.search(question)
    if m is None or _WH.search(question) or "还是" in question:
        return question  # "能去三级医院不还是得去社区医院" asks which of two
    head = question[: m.start()].rstrip(" ，,的")
    return f"{head}在哪办" if _hans(head) >= 2 else question


# "谁说的", "这是谁讲的", "哪个领导说的": who said what the last answer quoted.
_WHO_SAID = re.compile(r"(?:那|这|这话|这是|那是)?(?:谁|哪位|哪个领导|哪个人)(?:说|讲|介绍)的(?:呀|啊|呢)?[?？。]?")
_MARKERS = re.compile(r"\[\d+\]")


def who_said(question: str, last_answer: str) -> str | None:
    """"谁说的" after an answer: the answer's first quoted sentence, asked who said it (its paragraph's opening
    names the speaker: "孙铁介绍，……"); None for any other message."""
    if not last_answer or _WHO_SAID.fullmatch(question.strip()) is None:
        return None
    first = _MARKERS.split(last_answer.split("\n")[0])[0].strip()
    first = re.sub(r"^(?:可以|不可以|是的)。", "", first).strip("“”\"。 ")
    return f"{first[:40]}，这是谁说的" if len(first) >= 6 else None
