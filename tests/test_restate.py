"""A question relayed by hotline staff, and a figure a resident asks to have confirmed (``bot.restate``).

Real chain over the seed index (no curated FAQ), real jieba and embedder. The questions are my own, not eval items;
each chain test was checked to fail with the restatement taken out of ``FaqChain._condense``.
"""

from __future__ import annotations

import pytest

from bot.chain import FaqChain, answer_to_turn
from bot.restate import (
    as_understood,
    asked_figure,
    asked_start,
    asks_plainer,
    disputes_figure,
    in_person_belief,
    restate,
    uncorrected,
    unrelay,
    without_feared,
    without_guess,
    without_introduction,
    without_leading_guess,
    without_venting,
)


@pytest.fixture(scope="module")
def chain(no_faq_chain: FaqChain) -> FaqChain:
    return no_faq_chain


@pytest.mark.parametrize(
    ("question", "fact", "doc_id"),
    [
        ("市民咨询：过年快递歇业吗", "不打烊", "postal-baotong"),
        ("来电人询问延边供电公司给返乡人员发了多少份明白纸", "150余份", "yanbian-power-returnees"),
        ("来电群众问红旗H6最大功率多大", "185kW", "hongqi-h6"),
        # Who called, by how staff address them.
        ("来电的老师傅问梨树县一共建了多少栋温室大棚", "3.25万栋", "power-lishu-strawberry"),
        ("来电大姐问延边供电公司给返乡人员发了多少份明白纸", "150余份", "yanbian-power-returnees"),
    ],
)
def test_a_question_typed_in_by_hotline_staff_is_answered_as_the_callers_own(
    chain: FaqChain, question: str, fact: str, doc_id: str
) -> None:
    """Staff type "来电人问…" or "市民咨询：…" before what the caller asked; the frame is no word the article must
    contain. The answer shows the question as typed."""
    answer = chain.ask(question)
    assert answer.answered and fact in answer.text, answer.text
    assert {c.doc_id for c in answer.citations} == {doc_id}
    assert answer.question == question
    assert "来电" not in answer.rewritten_question and "咨询" not in answer.rewritten_question


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("帮我大姨问一下，红旗H6最大功率多大", "185kW"),
        ("替我家老头打听一下：个人账户的钱能给老伴用不", "家庭成员"),
        ("我邻居问 辽源液化气站跨年那天灌了多少瓶", "800余套"),
        ("帮我老婆婆问问，长春门诊慢性病现在能去哪级医院看", "三级(市级)及以下定点医疗机构"),
    ],
)
def test_asking_for_someone_else_asks_their_question(chain: FaqChain, question: str, fact: str) -> None:
    """"帮我大姨问一下，…": whom the question is for is no word the article must contain."""
    assert unrelay(question) != question
    answer = chain.ask(question)
    assert answer.answered and fact in answer.text, answer.text
    assert "问" not in answer.rewritten_question[:8]


def test_a_relayed_story_keeps_the_callers_ask_apart() -> None:
    """ "用户反映…，想知道…": what the caller reported stays the story before the ask, so it is left as typed."""
    typed = "用户反映孩子在外地上学 想知道异地看病能不能用家庭共济账户的钱"
    assert unrelay(typed) == typed
    assert unrelay("来电人问辽源过年快递送不送") == "辽源过年快递送不送"


@pytest.mark.parametrize(
    ("question", "fact", "wrong"),
    [
        ("辽源液化气保住了两万户吧", "3万余户", "两万"),
        ("生态督导组是不是去了七个地区", "9个地区", "七个"),
        ("生态督导帮扶是不是派了八个工作组", "5个帮扶工作组", "八个"),
        # Belittled, in round figures without digits.
        ("吉林油田二氧化碳是否仅注入了几万吨", "43万吨", "几万"),
        # In a car's units; and a sum "just over" what was heard, checked before asking for the exact figure.
        ("红旗H6最大功率是不是200千瓦", "185kW", "200"),
        ("国网给梨树农网改造投了两个亿出头是吧具体多少", "2.1亿元", "两个亿"),
    ],
)
def test_a_figure_the_resident_heard_is_answered_with_the_articles_figure(
    chain: FaqChain, question: str, fact: str, wrong: str
) -> None:
    """ "是不是去了七个地区": how many it was is the answer, whatever the resident heard; the answer neither
    declines for want of "七个" nor says yes."""
    answer = chain.ask(question)
    assert answer.answered and fact in answer.text, answer.text
    assert wrong not in answer.text and not answer.text.startswith(("可以", "是的"))


@pytest.mark.parametrize(
    ("first", "dispute", "fact"),
    [
        ("梨树草莓合作社带动了多少人就业", "不对吧 我听说是三百多人", "100余位"),
        ("吉林市邮政管理局成立了几个督导组", "确定吗 我记得是八个", "5个督导组"),
        # Said back wrong, as a resident repeats what they think they heard.
        ("吉林油田累计注入了多少二氧化碳", "两千六百多万吨？这么多", "268万吨"),
    ],
)
def test_disputing_a_figure_asks_the_last_question_again(
    chain: FaqChain, first: str, dispute: str, fact: str
) -> None:
    """ "不对吧 我听说是三百多人" right after the answer: the resident doubts it, and gets the article's figure again,
    from the same article, not a decline."""
    one = chain.ask(first)
    two = chain.ask(dispute, [answer_to_turn(one)])
    assert fact in one.text
    assert two.answered and fact in two.text, two.text
    assert {c.doc_id for c in two.citations} == {c.doc_id for c in one.citations}


def test_a_figure_said_back_inside_what_it_counts_asks_for_that_figure(chain: FaqChain) -> None:
    """ "是这意思不 就是说相当于种了两亿多棵树" after the answer on the oil field's CO2: how many trees it is, from
    that answer."""
    one = chain.ask("吉林油田累计注入了多少二氧化碳")
    two = chain.ask("是这意思不 就是说相当于种了两亿多棵树", [answer_to_turn(one)])
    assert two.answered and "2500万棵" in two.text, two.text


@pytest.mark.parametrize("ack", ["嗯那", "OK"])
def test_an_acknowledgement_before_the_next_question_is_not_part_of_it(chain: FaqChain, ack: str) -> None:
    """ "嗯那 他们都去了哪些区": 嗯那 acknowledges the last answer; the question is the rest."""
    assert restate(f"{ack} 他们都去了哪些区", []) == "他们都去了哪些区"
    one = chain.ask("吉林市邮政管理局成立了几个督导组")
    two = chain.ask(f"{ack} 他们都去了哪些区", [answer_to_turn(one)])
    assert two.answered and "昌邑区" in two.text, two.text


def test_a_price_heard_is_still_a_price_the_articles_do_not_give(chain: FaqChain) -> None:
    """ "是不是卖二十万" asks a price (多少钱), which no article gives: declined, not answered with the car's looks."""
    assert asked_figure("红旗H6是不是卖二十万") == "红旗H6卖多少钱"
    assert not chain.ask("红旗H6是不是卖二十万").answered
    # What was done with the money comes before the doubting words: the tonnes injected are no sum invested.
    assert asked_figure("吉林油田CCUS总共投了是不是30个亿") == "吉林油田CCUS总共投了多少钱"
    assert not chain.ask("吉林油田CCUS总共投了是不是30个亿").answered


@pytest.mark.parametrize(
    "question",
    [
        "八棵树那个合作社是不是梨树县最大的",
        "党的二十大提出了啥是不是",
        "家里2个孩子能用吗",
        "三级医院是不是能报",
        "拨打12345是不是就行",
    ],
)
def test_names_numbers_and_conditions_are_not_figures_to_confirm(question: str) -> None:
    """A place named with a numeral (八棵树), 二十大, a count that is part of the condition asked about, a hospital
    grade and a phone number are left alone."""
    assert asked_figure(question) == question


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("吉林市邮政管理局派人下去咋检查的 是提前通知的不", "四不两直"),
        ("红旗H6是在哪首发的 是长春车展不", "广州"),
        ("吉林市邮政管理局咋查的网点 是不是事先通知了才去的", "四不两直"),
    ],
)
def test_a_guess_after_an_open_question_does_not_stop_the_answer(
    chain: FaqChain, question: str, fact: str
) -> None:
    """ "咋检查的 是提前通知的不": the resident asks how, then guesses; the answer to how answers the guess too, and
    the guess's words (提前通知, 长春车展) are not words the article must contain."""
    answer = chain.ask(question)
    assert answer.answered and fact in answer.text, answer.text


@pytest.mark.parametrize(
    "question",
    [
        "门诊能报多少 做检查也给报吗",
        "延边供电上门服务多少次 收钱不",
        "听说供电公司有服务 是咋弄的 能足不出户办吗",
        "辽源过年快递停不停",
    ],
)
def test_a_second_question_is_not_taken_for_a_guess(question: str) -> None:
    """More of something (也), a fee, whether it can be done: a question of its own, kept."""
    assert without_guess(question) == question


def test_countering_the_last_answer_asks_it_again(chain: FaqChain) -> None:
    """"你确定吗 不是只能去社区医院吗" right after the answer on which hospitals: the resident doubts it and says what
    they believed; the answer is the article's once more, not a decline for want of 社区医院."""
    one = chain.ask("门诊统筹能去哪级医院")
    two = chain.ask("你确定吗 不是只能去社区医院吗", [answer_to_turn(one)])
    assert "三级及以下" in one.text
    assert two.answered and "三级及以下" in two.text, two.text


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("红旗H6是不是新能源的 用的啥发动机", "2.0T"),
        ("辽源液化气站是不是跨年都放假了 那天灌了多少套", "800余套"),
    ],
)
def test_a_guess_before_an_open_question_does_not_stop_the_answer(
    chain: FaqChain, question: str, fact: str
) -> None:
    """ "是不是新能源的 用的啥发动机": the guess comes first; the open question after it is what is answered, and the
    guess's words (新能源, 放假) are not words the article must contain. What the guess was about (红旗H6) stays."""
    assert without_leading_guess(question).startswith(question[:4])
    answer = chain.ask(question)
    assert answer.answered and fact in answer.text, answer.text


@pytest.mark.parametrize("question", ["春节寄快递是不是得加价 加多少", "是不是去了七个地区", "门诊共济是不是1月1日开始的"])
def test_a_question_about_the_guess_itself_keeps_it(question: str) -> None:
    """"是不是得加价 加多少" asks how much the guessed surcharge is: without the guess nothing is asked."""
    assert without_leading_guess(question) == question


def test_a_resident_narrowing_the_question_is_answered_on_what_they_meant(chain: FaqChain) -> None:
    """"我问的是他们跑了哪几个区" after the count of 督导组: the frame of the correction is no part of the question;
    what follows it is, about the subject talked of."""
    assert uncorrected("不是 我是说退休的") == "退休的"
    assert uncorrected("我问的是一共注了多少") == "一共注了多少"
    first = chain.ask("吉林市邮政管理局派了几个督导组")
    answer = chain.ask("我问的是他们跑了哪几个区", [answer_to_turn(first)])
    assert "问的是" not in answer.rewritten_question
    assert answer.answered and "昌邑区" in answer.text, answer.text


@pytest.mark.parametrize("question", ["听说门诊共济一个账户最多绑四个家属，对吧", "听说长春家庭共济最多能绑五个家里人，是吧"])
def test_a_believed_limit_no_article_gives_is_declined(chain: FaqChain, question: str) -> None:
    """"最多绑四个家属，对吧": the caller checks a limit; no article says how many may be bound, so the bot
    declines rather than quoting how to bind them (四个家 is "four", then a noun: not a count of households)."""
    answer = chain.ask(question)
    assert not answer.answered, answer.text
    assert "多少个" in answer.rewritten_question


def test_a_figure_belittled_is_asked_for() -> None:
    assert asked_figure("延边上门走访就去了三五回？") == "延边上门走访就去了多少回"
    assert asked_figure("梨树温室大棚也就数千栋吧") == "梨树温室大棚也就多少栋"


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("门诊共济是不是非得去医保经办大厅才能办", "吉林医保公共服务"),
        ("梨树草莓大棚办电是不是必须跑营业厅", "网上国网"),
    ],
)
def test_a_belief_that_it_must_be_done_in_person_is_answered_with_where(
    chain: FaqChain, question: str, fact: str
) -> None:
    """"是不是非得去…才能办": the article says where it is done (an official account, an app), in no word of the
    belief; the caller is told that, not declined."""
    answer = chain.ask(question)
    assert answer.answered and fact in answer.text, answer.text


def test_a_start_date_believed_is_asked_for(chain: FaqChain) -> None:
    """"是不是前年就实行了": when it started is the answer, whatever year the caller guessed; a start the article
    does not date is still declined."""
    answer = chain.ask("长春家庭共济这事是不是前年就实行了")
    assert answer.answered and "1月1日" in answer.text, answer.text
    assert not chain.ask("吉林油田CCUS是不是去年就启动了").answered


def test_a_start_date_believed_with_the_place_said_after() -> None:
    assert asked_start("家庭共济是不是元旦那天起就实行了 长春这边") == "长春这边家庭共济什么时候实行的"


def test_a_choice_of_two_places_is_not_a_belief_about_going_in_person() -> None:
    assert in_person_belief("能去三级医院不还是得去社区医院") == "能去三级医院不还是得去社区医院"


def test_a_feared_stop_guessed_with_a_closing_ba_is_answered(chain: FaqChain) -> None:
    """"…应该都放假了吧": a fear said as a guess, not asked with 是不是."""
    answer = chain.ask("元旦前一天昆仑燃气的人应该都放假了吧")
    assert answer.answered and "近百名" in answer.text, answer.text


def test_a_feared_stop_is_answered_by_who_kept_working(chain: FaqChain) -> None:
    """"元旦前一天燃气公司是不是没人上班了": the fear (没人上班) is in no article; what it is about is, and the article
    answers it with the staff who stayed at their posts."""
    assert without_feared("元旦前一天燃气公司是不是没人上班了") == "元旦前一天燃气公司"
    answer = chain.ask("元旦前一天燃气公司是不是没人上班了")
    assert answer.answered and "近百名" in answer.text, answer.text


@pytest.mark.parametrize("question", ["过年供电营业厅是不是关门了", "春节期间医保局是不是放假了"])
def test_a_feared_stop_of_what_no_article_covers_is_still_declined(chain: FaqChain, question: str) -> None:
    assert not chain.ask(question).answered


@pytest.mark.parametrize(
    ("earlier", "again", "fact"),
    [
        ("门诊共济是啥意思", "你说简单点 我听不明白", "家庭成员共用共享"),
        ("延边供电上门服务了多少次", "没听清 再说一遍", "30余次"),
        # Staff asking for the part to read out again: the same answer.
        ("辽源液化气灌装站跨年那天充装配送了多少套钢瓶", "数字再说一遍", "800余套"),
        ("六之维合作社梨树分社负责人是谁", "名字再说一遍", "王宝忠"),
        ("延边供电公司消除了多少处隐患", "那个数再说下 多少来着", "22处"),  # 再说下: 一 left out
    ],
)
def test_asking_to_hear_it_again_asks_the_last_question_again(
    chain: FaqChain, earlier: str, again: str, fact: str
) -> None:
    """An older resident who did not follow ("没听清 再说一遍", "说简单点") gets the answer again, not a decline."""
    first = chain.ask(earlier)
    answer = chain.ask(again, [answer_to_turn(first)])
    assert answer.answered and fact in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("长春门诊共济从哪天开始实行，报道原话咋说的？", "1月1日"),
        ("1月3日吉林日报供电那篇报道里，延边供电公司上门服务了多少次", "30余次"),
        ("1月3日吉林日报生态那篇报道里，督导帮扶派了几个工作组", "5个"),
        ("依据报道，延边供电公司上门服务了多少次？请按原文核实", "30余次"),
    ],
)
def test_which_report_and_its_exact_words_frame_a_staff_question(chain: FaqChain, question: str, fact: str) -> None:
    """Hotline staff name the report they read ("1月3日吉林日报…那篇报道里") and ask for its own words ("报道原话咋
    说的"): every answer quotes the report; the date, the paper and 原话 are not words it must contain."""
    answer = chain.ask(question)
    assert answer.answered and fact in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("红旗H6最大功率多大？少跟我扯那些虚头巴脑的", "185kW"),
        ("烦死了，吉林市邮政管理局到底派了几个督导组", "5个督导组"),
        ("延边供电上门查线路一共查了多少次 再糊弄人我就打12345投诉你们", "30余次"),
    ],
)
def test_venting_around_a_question_is_not_what_it_asks(chain: FaqChain, question: str, fact: str) -> None:
    """An angry caller's "烦死了", "再糊弄人我就打12345投诉你们" say nothing the answer must hold: the question is
    answered, not declined for want of 糊弄 or 投诉."""
    answer = chain.ask(question)
    assert answer.answered and fact in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("我是电视台实习记者，核对一下：梨树县建了多少栋温室大棚", "3.25万栋"),
        ("您好，我是中学老师，给学生备课用 红旗H6的峰值扭矩是多少", "380N·m"),
        ("我是公主岭那边的村干部，梨树那个草莓合作社种了多少亩", "500余亩"),
    ],
)
def test_a_caller_introducing_themselves_by_trade_is_answered(chain: FaqChain, question: str, fact: str) -> None:
    """A journalist, a teacher or a village official says who they are and what for before asking: 记者, 备课 and
    公主岭 (where the caller lives, not the 梨树 cooperative asked about) are no words the article must contain."""
    answer = chain.ask(question)
    assert answer.answered and fact in answer.text, answer.text


def test_an_introduction_that_tells_what_is_asked_about_stays() -> None:
    # Not a trade: being 灵活就业 is what decides the answer.
    assert without_introduction("我是灵活就业的 能办家庭共济不") == "我是灵活就业的 能办家庭共济不"
    # The place of the caller's shop is the place asked about when the rest names none.
    assert without_introduction("我在辽源开了家饭馆，跨年那天灌装站几点开始忙").startswith("辽源")
    # "我是不是…" is a question, not an introduction.
    assert without_introduction("我是不是能用家庭共济，咋办") == "我是不是能用家庭共济，咋办"


def test_x_de_is_not_a_question_word() -> None:
    """"插座啥的" is "sockets and such", and "好几年" is "several years": the closing yes/no after them is the question,
    not a guess at an answer."""
    question = "老房子空了好几年 插座啥的都不知道还能不能用 延边供电能上门给看看不"
    assert without_guess(question) == question


def test_what_the_caller_heard_told_after_asking_is_left_out(chain: FaqChain) -> None:
    """"辽源春节能寄快递不，我听说网点全关了": the rumour after the question is in no word of the article; the question
    is answered, and the rewritten question shown to staff is the question alone."""
    answer = chain.ask("辽源春节能寄快递不，我听说网点全关了")
    assert "关" not in answer.rewritten_question
    assert answer.answered and "不打烊" in answer.text, answer.text


def test_a_venting_clause_that_asks_stays() -> None:
    assert without_venting("烦死了 快递到底停不停") == "快递到底停不停"
    assert without_venting("你们那儿医保卡丢了咋补办") == "你们那儿医保卡丢了咋补办"


@pytest.mark.parametrize(
    ("first", "doubt", "fact"),
    [
        ("梨树大棚老停电 国网到底投了多少钱改造", "你确定？两个多亿？", "2.1亿元"),
        ("红旗H6百公里加速要多少秒", "你确定是6.8？", "6.8秒"),
    ],
)
def test_you_sure_with_the_figure_said_back_asks_the_last_question_again(
    chain: FaqChain, first: str, doubt: str, fact: str
) -> None:
    """ "你确定？两个多亿？" after the answer on the grid investment in 梨树: the figure again, from that article."""
    assert disputes_figure(doubt)
    one = chain.ask(first)
    two = chain.ask(doubt, [answer_to_turn(one)])
    assert two.answered and fact in two.text, two.text


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("咱就是说 松原kd对医疗物资有啥特殊安排没", "优先特殊配送机制"),
        ("长春yb家庭共济在哪儿弄 plz", "吉林医保公共服务"),
        ("家人们谁懂啊 吉林油田CO2一年注了多少", "43万吨"),
    ],
)
def test_abbreviations_and_slang_of_young_residents(chain: FaqChain, question: str, fact: str) -> None:
    """ "kd" is 快递, "CO2" 二氧化碳, "yb" 医保; "咱就是说", "绝绝子", "plz" say nothing of what is asked."""
    answer = chain.ask(question)
    assert answer.answered and fact in answer.text, answer.text


def test_a_report_named_as_what_is_asked_about_stays() -> None:
    assert restate("那篇报道是谁写的", []) == "那篇报道是谁写的"


def test_a_question_that_asks_what_a_word_means_is_no_request_to_repeat() -> None:
    assert asks_plainer("门诊共济啥意思") is None
    assert asks_plainer("说大白话 我一个月能进多少") == "我一个月能进多少"


@pytest.mark.parametrize(
    ("first", "then", "fact"),
    [
        ("门诊共济的钱能干啥", "我理解只能交长护险 别的不行 对吧", "城乡居民基本医疗保险"),
    ],
)
def test_what_the_resident_says_back_as_understood_is_answered(
    chain: FaqChain, first: str, then: str, fact: str
) -> None:
    """"我理解…，对吧": the frame is no word the answer must hold. The sentence allows more than "只能" says, so the
    answer does not open with "可以。" (which would confirm the limit); the quote answers."""
    earlier = chain.ask(first)
    answer = chain.ask(then, [answer_to_turn(earlier)])
    assert answer.answered and fact in answer.text, answer.text
    assert not answer.text.startswith("可以"), answer.text


def test_a_statement_said_back_is_asked_as_a_yes_or_no() -> None:
    assert as_understood("我理解只能买目录里的药，目录外的不行，没错吧") == "只能买目录里的药，目录外的不行吗"
    assert as_understood("我理解各地提的问题都解决完了吗") == "我理解各地提的问题都解决完了吗"  # no closing 对吧
    assert as_understood("我理解是啥意思 对吧") == "我理解是啥意思 对吧"  # a question of its own


def test_the_household_is_no_figure_to_confirm() -> None:
    """"我们一家是长春的 …说是…": 一家 is who is asking, not a count the resident heard."""
    question = "我们一家是长春的 朋友说是梨树最大的草莓合作社 叫啥名"
    assert asked_figure(question) == question
    assert asked_figure("松原邮政管理局就去了一家吗") == "松原邮政管理局就去了多少家"


def test_a_closing_shi_ba_checks_the_figure_and_a_slip_owned_up_to_is_no_question() -> None:
    assert asked_figure("一共派了八个组下去是吧") == "一共派了多少个组下去"
    assert uncorrected("哦 说错了 是长春") == "是长春"
    assert uncorrected("说错了，应该是松原") == "应该是松原"
