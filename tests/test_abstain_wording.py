"""Abstention that reads residents' wording: what a question asks for, and what the sources must hold to answer it.

Real chain over the seed index (no curated FAQ), real jieba and embedder. The questions are worded differently
from the eval set on purpose: these check rules, not eval items.
"""

from __future__ import annotations

import pytest
from answers_support import assert_citations_exact

from bot.chain import FaqChain, Turn, answer_to_turn
from bot.condense import asked_part, condense
from bot.question import asked_unit, classify, crux_word, satisfies
from bot.restate import restate
from bot.words import tokenize


@pytest.fixture(scope="module")
def chain(no_faq_chain: FaqChain) -> FaqChain:
    return no_faq_chain


def test_a_date_or_a_place_name_is_not_a_count() -> None:
    assert not satisfies("number", "2023年1月1日起，长春市正式启动实施职工医保门诊共济保障机制")
    assert not satisfies("number", "梨树县十家堡镇八棵树的草莓大棚里正迎来最忙碌的时刻")
    assert satisfies("number", "2022年累计输气4.9亿立方米")


def test_a_time_in_seconds_answers_how_long(chain: FaqChain) -> None:
    assert classify("红旗H6百公里加速要多久").kind == "duration"
    assert satisfies("duration", "百公里加速仅需6.8秒")
    assert "6.8秒" in chain.ask("红旗H6百公里加速要多久").text


def test_an_investment_is_not_a_price_but_answers_how_much_was_spent() -> None:
    invested = "在梨树县投资2.1亿元实施农网改造升级工程"
    assert classify("大棚用电一度电多少钱").kind == "price"
    assert not satisfies("price", invested)
    assert satisfies("price", "每立方米天然气3元")
    assert classify("国网在梨树投了多少钱").kind == "spent"
    assert satisfies("spent", invested)
    assert not satisfies("spent", "已累计注入二氧化碳268万吨"), "a sum spent is in money"


def test_approximate_numbers_the_resident_states_are_not_asked() -> None:
    assert classify("出去打工好几年家里开关一直没用 回来会出啥问题").kind != "number"


@pytest.mark.parametrize(
    ("question", "words", "crux"),
    [
        # 没有 states a fact; 能 asks
        (
            "我老伴没有工作 个人账户能给她交长期护理保险吗",
            ["老伴", "工作", "个人账户", "交", "长期护理保险"],
            "长期护理保险",
        ),
        # 给…老人 says for whom; the action follows
        (
            "个人账户能不能给家里老人交大额医疗费用补助",
            ["个人账户", "老人", "交", "大额医疗费用补助"],
            "大额医疗费用补助",
        ),
        # 哪个菜单 says where; the thing located is 家庭共济
        ("家庭共济在哪个菜单底下", ["家庭共济", "菜单"], "家庭共济"),
        ("去哪个部门投诉", ["部门", "投诉"], ""),
        # 在哪办理 asks where 家庭共济 is done: the answer names a channel, seldom the verb 办理
        ("家庭共济绑定在哪办理", ["家庭共济", "绑定", "办理"], "绑定"),
        ("长护险去哪申请", ["长护险", "申请"], "长护险"),
        # 去哪检查了 asks where they went; 让快递员 says whom, 及时 how soon: the action is 返岗
        ("督导组都去哪检查了", ["督导组", "检查"], "督导组"),
        ("邮政管理局咋让快递员及时返岗", ["邮政管理局", "快递员", "及时", "返岗"], "返岗"),
        ("医保卡丢了怎么补办", ["医保", "卡", "丢", "补办"], "补办"),
    ],
)
def test_crux_is_the_action_or_thing_asked_about(question: str, words: list[str], crux: str) -> None:
    assert crux_word(classify(question), words) == crux


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("我老伴没有工作 我的个人账户能给她交城乡居民医保吗", "城乡居民基本医疗保险"),
        ("个人账户能不能给家里孩子交长期护理保险", "长期护理保险"),
        ("家庭共济在吉林医保公共服务的哪个模块里", "服务大厅"),
        ("国网在梨树农网改造投了多少钱", "2.1亿元"),
        ("台账咋管的", "挂账销号管理"),  # 管 heads 管理
        ("门诊共济的家庭账号在哪办理", "吉林医保公共服务"),  # the channel, not the verb 办理
        ("松原市邮政管理局去哪检查了", "瑞禾苗物流园区"),  # the article says 深入到, not 检查
        ("辽源那边咋让快递员赶紧回来上班", "返岗补贴"),  # 让快递员 says whom; the action is the point
        ("油田一共往地底下注了多少二氧化碳", "268万吨"),  # 地底下 is 地 + 底下, no word the resident chose
        ("梨树八棵树那个草莓合作社带动了多少返乡农民就业", "100余位"),  # the article names 八棵树 once
    ],
)
def test_resident_wording_is_answered_from_the_source(chain: FaqChain, question: str, fact: str) -> None:
    answer = chain.ask(question)
    assert answer.answered, answer.text
    assert fact in answer.text
    assert_citations_exact(answer)


@pytest.mark.parametrize(
    "question",
    [
        "家庭共济账号最多能加几个",  # only dates in the article, no count
        "梨树农村大棚一度电多少钱",  # an investment sum is no price
        "医保个人账户里还剩多少钱在哪查",
    ],
)
def test_near_misses_in_resident_wording_are_declined(chain: FaqChain, question: str) -> None:
    answer = chain.ask(question)
    assert not answer.answered and answer.mode == "declined", answer.text
    assert answer.citations == []


def test_follow_up_about_another_place_is_declined_when_that_place_lacks_the_thing(chain: FaqChain) -> None:
    first = chain.ask("延边供电公司发了多少份安全用电传单？")
    assert first.answered and "150余份" in first.text
    second = chain.ask("梨树那边呢？", [answer_to_turn(first)])
    assert not second.answered, (
        second.text
    )  # 梨树's article mentions no leaflets: the missing word is the point


def test_demonstrative_between_names_keeps_the_whole_subject() -> None:
    rewritten = condense("那他们咋处理的？", [Turn("吉林市那个调压站冬天容易出啥问题？")]).rewritten
    assert rewritten.startswith("吉林市那个调压站")


def test_a_long_story_first_message_is_answered_on_what_it_asks(chain: FaqChain) -> None:
    message = (
        "你好 我是长春一家企业的退休职工 今年六十多了 身体不太好 老去医院拿药 听说现在医保政策改了 "
        "我想问问我们退休的个人账户现在每个月是按啥标准划钱"
    )
    focused = asked_part(message)
    assert "长春" in focused and "身体" not in focused and focused.endswith("按啥标准划钱")
    answer = chain.ask(message)
    assert answer.answered and "2.8%" in answer.text, answer.text
    assert answer.rewritten_question == focused


@pytest.mark.parametrize(
    ("message", "fact"),
    [
        # What was heard (听说…) is what the articles report: the story before it is not.
        (
            "我是在长春上班的 家里老人身体不好 三天两头去医院拿药 花销挺大 听说现在个人账户的钱能给家里人用了 "
            "得去哪个公众号弄",
            "吉林医保公共服务",
        ),
        # So does what "people said" (听人说…); the steps it asks for at the end are quoted whole, not cut after 模块.
        (
            "我在长春一个单位上班交的职工医保 老父亲常年吃药 听人说现在我账户里的钱能给他用 那我得先在手机上办啥手续",
            "家庭成员备案登记",
        ),
        # 到底 marks the question at last.
        (
            "俺家老头子退休好些年了 血压一直高 以前看门诊慢病只能去定点的几家 现在到底能去哪一级的医院看",
            "三级(市级)及以下",
        ),
    ],
)
def test_a_long_message_is_answered_on_what_was_heard_or_what_it_finally_asks(
    chain: FaqChain, message: str, fact: str
) -> None:
    assert "身体" not in asked_part(message) and "血压" not in asked_part(message)
    answer = chain.ask(message)
    assert answer.answered and fact in answer.text, answer.text
    assert_citations_exact(answer)


def test_a_long_message_without_an_ask_marker_asks_in_its_last_sentence(chain: FaqChain) -> None:
    message = (
        "我家老人住在松原下面的村里，离镇上挺远，常年吃药，以前网上买的药总是送得很慢。"
        "过年这阵子邮政管理局对医疗物资的寄递有啥要求？"
    )
    focused = asked_part(message)
    assert "松原" in focused and "吃药" not in focused and focused.endswith("有啥要求？"), focused
    answer = chain.ask(message)
    assert answer.answered and "优先特殊配送机制" in answer.text, answer.text
    assert_citations_exact(answer)


@pytest.mark.parametrize(
    ("message", "fact"),
    [
        ("来电人想买红旗H6 问这车百公里加速几秒", "6.8秒"),
        ("市民说想给儿子买辆红旗H6，问这车是在哪个车展首发的", "广州国际汽车展"),
        # 几个点 asks a percentage (jieba cuts 几个/点算)
        ("大姐说她在单位上班，问个人账户现在按工资几个点算", "2%"),
    ],
)
def test_a_relayed_call_is_asked_from_its_question(chain: FaqChain, message: str, fact: str) -> None:
    """Hotline staff type who called and why, then ", 问…": what follows 问 is asked, with the names the report gave
    (这车 is the 红旗H6 the caller wants to buy); the caller's plans are no words a sentence must hold."""
    focused = asked_part(restate(message, []))
    assert "买" not in focused and "上班" not in focused, focused
    answer = chain.ask(message)
    assert answer.answered and fact in answer.text, answer.text
    assert_citations_exact(answer)


@pytest.mark.parametrize(
    ("message", "story", "ask", "fact"),
    [
        # 听说 marks what was heard, not the ask; the worry after it is story too, and the last sentence asks (它 names
        # no place; the story's 长春 and 邮政管理局 stay).
        (
            "我家在长春做点小买卖，年底发货多，上周听说邮政管理局组织人去查快递分拨中心，我怕耽误事。他们都去了哪几家？",
            "耽误",
            "他们都去了哪几家？",
            "京东",
        ),
        # The last sentence alone is too short to hold the ask, and the one before asks too: both are the ask.
        (
            "我在长春一家单位上班，我爸身体不好老得去医院拿药。我医保卡里那份钱现在能给老爷子花不？打哪天开始的？",
            "拿药",
            "能给老爷子花不？打哪天开始的？",
            "1月1日",
        ),
    ],
)
def test_a_long_message_is_asked_from_its_asking_sentences(
    chain: FaqChain, message: str, story: str, ask: str, fact: str
) -> None:
    focused = asked_part(message)
    assert story not in focused and focused.endswith(ask), focused
    answer = chain.ask(message)
    assert answer.answered and fact in answer.text, answer.text
    assert_citations_exact(answer)


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        # Where the resident is from is who asks; 梨树 is what is asked about.
        ("我们一家是松原的，想问问梨树那个草莓合作社种了多少亩", "500余亩"),
        # A car shown at 广州's motor show is no service a 四平 resident is kept from.
        ("我是四平的 红旗H6是在哪个车展首发的", "广州国际汽车展"),
        ("我们全家都是长春人 红旗H6是啥级别的车", "B+级"),
    ],
)
def test_where_the_resident_is_from_is_not_the_place_asked_about(chain: FaqChain, question: str, fact: str) -> None:
    answer = chain.ask(question)
    assert answer.answered and fact in answer.text, answer.text


def test_where_the_resident_lives_counts_when_their_introduction_is_left_out(chain: FaqChain) -> None:
    """"我在和龙开个小饭店，…": restating drops the trade introduction, but 和龙 (in 延边) is still where they live,
    so 延边's report speaks for them."""
    answer = chain.ask("我在和龙开个小饭店，过年用电多，供电公司让加个啥群")
    assert answer.answered and "微信服务群" in answer.text, answer.text


def test_where_the_resident_works_still_is_the_place_asked_about(chain: FaqChain) -> None:
    """Working in 四平 is where the scheme would be used: 长春's 门诊共济 does not answer for it."""
    answer = chain.ask("我在四平上班 能像长春那样用家庭共济吗")
    assert not answer.answered, answer.text


def test_clauses_that_only_tell_open_the_ask_are_story_too(chain: FaqChain) -> None:
    message = (
        "我在外地打工，爸妈在延边乡下住，不会弄手机，家里电有点毛病就给我打电话。"
        "过年我想给他们手机上装个能办电报修的软件，延边供电公司推荐的是啥APP？"
    )
    assert asked_part(message).endswith("延边供电公司推荐的是啥APP？"), asked_part(message)
    answer = chain.ask(message)
    assert answer.answered and "网上国网" in answer.text, answer.text


@pytest.mark.parametrize(
    ("message", "kept"),
    [
        # The clause after asks only about the one before it: what to do about it, whether it is so.
        ("我在辽源开了个快递点，眼看过年了，快递员都回家了，听说管理局要求企业把人叫回来上班，都有啥办法啊？", "叫回来上班"),
        ("我在外地打工好多年了，今年回延吉老家，家里的插座都落了灰。听说供电公司能派人上门检查，真有这事吗？", "上门检查"),
    ],
)
def test_clauses_an_ask_points_back_to_stay_in_it(message: str, kept: str) -> None:
    assert kept in asked_part(message), asked_part(message)


@pytest.mark.parametrize(
    ("message", "fact", "told"),
    [
        # A short message: the caller's own situation before the ask, or after it, is story, not a missing word.
        ("我闺女在外省念大学，家庭共济账号在哪个公众号上建？", "吉林医保公共服务", "我闺女在外省念大学"),
        ("松原邮政管理局对医疗物资寄递有啥要求 俺家老人等着吃药", "优先特殊配送机制", "俺家老人等着吃药"),
    ],
)
def test_a_short_message_telling_of_the_callers_own_situation_is_answered(
    chain: FaqChain, message: str, fact: str, told: str
) -> None:
    answer = chain.ask(message)
    assert answer.answered and fact in answer.text, answer.text
    assert_citations_exact(answer)
    assert condense(message, []).story == told


def test_family_told_of_after_a_long_messages_ask_is_story() -> None:
    """"……会不会断供啊，家里还有孩子怕冷": the family after the ask is story, as the story before it is."""
    message = "俺家在辽源用罐装液化气，过年那几天大家都去换气，我就想问问那个灌装站一天能充多少瓶，会不会断供啊，家里还有孩子怕冷"
    condensed = condense(message, [])
    assert "家里还有孩子怕冷" in condensed.story, condensed.story
    assert condensed.rewritten.endswith("会不会断供啊"), condensed.rewritten


def test_a_greeting_and_who_calls_in_a_sentence_of_their_own_are_story(chain: FaqChain) -> None:
    """"您好，我是报社校对。生态强省督导帮扶，…": the first sentence tells who calls (报社, 校对: no article's words);
    the next names what is asked about, so the caller's sentence is story, greeting and all."""
    answer = chain.ask("您好，我是报社校对。生态强省督导帮扶，全省各地一共提了多少条问题？")
    assert answer.answered and "61项" in answer.text, answer.text
    assert_citations_exact(answer)


@pytest.mark.parametrize(
    ("message", "fact"),
    [
        # who asks, and what for, after the ask; 物理老师 and 讲课 are no article's words
        ("吉林油田一年往地下注的二氧化碳破了多少？我是物理老师，讲课举个例子", "43万吨"),
        ("延边供电上门检查 消了几处隐患 写总结用", "22处"),  # what the answer is for
        ("红旗H6是多大排量 我帮我舅参谋买车", "2.0T"),
        # the telling names nothing, so the ask need not name its subject either
        ("省里生态帮扶分了几个组？我是县里的办事员要写材料", "5个帮扶工作组"),
    ],
)
def test_who_asks_and_what_for_after_the_ask_is_story(chain: FaqChain, message: str, fact: str) -> None:
    answer = chain.ask(message)
    assert answer.answered and fact in answer.text, answer.text
    assert_citations_exact(answer)


def test_what_the_caller_means_to_do_after_the_ask_is_not_asked(chain: FaqChain) -> None:
    """"……那个班长叫啥，想给他们送面锦旗": why the caller asks is no word the answer must hold."""
    message = "我是开槽车的司机，跨年那天半夜拉气去了德惠加气母站，班长领着人忙前忙后，我就想知道那个班长叫啥，想给他们送面锦旗"
    answer = chain.ask(message)
    assert answer.answered and "熊华" in answer.text, answer.text
    assert "锦旗" not in answer.rewritten_question
    assert_citations_exact(answer)


def test_a_short_message_whose_first_clause_asks_keeps_it_whole() -> None:
    # The first clause asks; the one after it tells who "他" is: nothing is story.
    assert condense("我在长春上班能给孩子交居民医保吗，他上小学", []).story == ""


def test_a_story_that_asks_something_itself_is_not_cut() -> None:
    message = "我在长春上班，单位给交的职工医保，医保卡丢了能补办吗？里面的钱家里人还能用不能用？"
    assert asked_part(message) == message


def test_a_long_message_whose_story_holds_the_question_is_not_cut(chain: FaqChain) -> None:
    message = "您好 我在长春上班 单位给交的职工医保 上个月医保卡丢了 里面还有钱 想问问去哪补办"
    assert asked_part(message) == message  # the ask is too short: the story says what is to be 补办
    assert not chain.ask(message).answered


def test_a_personal_pronoun_gives_way_to_the_earlier_subject_not_to_a_word_after_it() -> None:
    earlier = Turn("长春邮政管理局检查了哪些分拨中心？", answer="在京东、极兔、圆通分拨中心和部分品牌网点……")
    rewritten = condense("他们通过啥方式督促的？", [earlier]).rewritten
    assert rewritten.startswith("长春邮政管理局") and "圆通" not in rewritten


def test_zan_ban_asks_what_to_do_about_the_thing_named_before_it() -> None:
    assert crux_word(classify("调压器冻堵咋办的"), ["调压器", "冻堵", "办"]) == "冻堵"
    assert crux_word(classify("家里燃气泄漏了怎么办"), ["燃气", "泄漏", "办"]) == "泄漏"


def test_a_word_the_cut_broke_apart_is_the_crux_and_declines() -> None:
    assert crux_word(classify("职工医保断缴了咋办"), ["职工医保", "断", "缴"]) == "断缴"


def test_a_power_line_is_not_an_address(chain: FaqChain) -> None:
    assert not satisfies("address", "为辖区内返乡务工人员检查用电线路及设备")
    assert not chain.ask("延边供电公司在哪").answered


def test_a_short_question_about_another_service_is_not_glued_to_the_earlier_subject(chain: FaqChain) -> None:
    first = chain.ask("延边供电公司上门服务了多少次？")
    second = chain.ask("门诊开药能报销吗", [answer_to_turn(first)])
    assert second.rewritten_question == "门诊开药能报销吗"
    assert second.answered and "开药" in second.text
    assert {c.doc_id for c in second.citations} == {"cc-medical-outpatient"}


def test_a_call_only_mentioned_is_not_a_request_for_a_phone_number(chain: FaqChain) -> None:
    # "打个电话就能…吗" asks whether a call is enough; the article answers it with "一个电话、足不出户".
    answer = chain.ask("延边返乡的人打个电话就能享受电力服务吗")
    assert answer.answered
    assert "一个电话" in answer.text
    assert {c.doc_id for c in answer.citations} == {"yanbian-power-returnees"}
    assert_citations_exact(answer)
    # Asking for the number itself is still declined: no article gives one.
    assert classify("延边供电公司的电话是多少").kind == "phone"
    assert classify("给个联系方式").kind == "phone"
    assert not chain.ask("延边供电公司的电话是多少").answered


def test_how_to_bind_a_family_member_is_answered_with_the_steps_first(chain: FaqChain) -> None:
    # "咋把X绑到…上": the verb comes after what is bound. The steps (which WeChat account, what to register) are the
    # answer, shown whole and first; what a bound member may pay for is at most added after them.
    answer = chain.ask("咋把老伴绑到我的医保个人账户上")
    assert answer.answered
    assert_citations_exact(answer)
    first = answer.text[: answer.text.index("[1]")]
    assert "微信公众号" in first and "备案登记" in first, answer.text


def test_a_not_a_question_is_read_as_its_verb() -> None:
    # "停不停" asks 停?: cut as it stands it gave 停 and a rare-looking 不停 that no answer could contain.
    assert tokenize("过年快递停不停") == ["过年", "快递", "停"]
    assert tokenize("燃气收不收费") == ["燃气", "收费"]
    assert tokenize("一刻不停地忙着")[:2] == ["一刻", "不停"], "only a verb repeated around 不 is a question"


@pytest.mark.parametrize("question", ["过年快递停不停", "春节快递停运吗"])
def test_whether_couriers_stop_over_the_new_year_is_answered_with_bu_da_yang(chain: FaqChain, question: str) -> None:
    answer = chain.ask(question)
    assert answer.answered, answer.text
    assert "不打烊" in answer.text
    assert {c.doc_id for c in answer.citations} == {"postal-baotong"}
    assert_citations_exact(answer)


def test_whether_another_office_stops_over_the_new_year_is_still_declined(chain: FaqChain) -> None:
    assert not chain.ask("医保局过年停不停").answered
    assert not chain.ask("供电所过年停不停").answered


def test_a_clock_time_asked_and_given_answers_at_low_coverage(chain: FaqChain) -> None:
    """A long message's ask ("…他们早上几点就开工了") keeps words the sentence says otherwise (开工 ~ 忙碌起来):
    the clock time it gives is as good a sign as a close meaning. A time the article does not give stays declined."""
    answer = chain.ask("我家在辽源 烧液化气罐 过年最怕断气 听说灌装站的人那天起得挺早 他们早上几点就开工了")
    assert answer.answered and "早上7点" in answer.text, answer.text
    assert not chain.ask("辽源灌装站几点下班").answered


def test_where_to_pay_needs_a_sentence_saying_where_payment_is_made(chain: FaqChain) -> None:
    # The gas article names the company and 吉林 (a place) but says nothing of paying bills.
    assert classify("中石油昆仑燃气的气费上哪交").kind == "payment"
    assert not chain.ask("中石油昆仑燃气的气费上哪交").answered
    assert satisfies("payment", "可在营业厅或“网上国网”APP缴纳电费")
    assert not satisfies("payment", "中石油昆仑燃气吉林分公司近百名员工坚守在燃气保供一线")
    assert classify("吉林市督导组在哪交流座谈").kind == "place"  # 交流 is no payment


def test_the_north_east_duohuir_asks_when() -> None:
    """"多会儿" is the north-east's 什么时候: the answer must give a date, and 多会儿 is no word a sentence must hold."""
    assert classify("吉林油田二氧化碳年注入量多会儿突破的43万吨").kind == "time"
    assert classify("快递多咱恢复正常").kind == "time"


def test_which_pieces_is_not_a_price(chain: FaqChain) -> None:
    """"都供哪几块" asks which districts, not "几块钱": the answer names them."""
    assert classify("淮安那个调压站都供哪几块").kind != "price"
    assert classify("液化气几块钱一罐").kind == "price"
    answer = chain.ask("淮安那个调压站都供哪几块")
    assert answer.answered and "铁东" in answer.text, answer.text
    assert_citations_exact(answer)


def test_zahuishi_asks_why_not_how(chain: FaqChain) -> None:
    """"咋回事" asks what is behind something: its cause ("由于冬季昼夜温差大") answers, no word 回事 is needed."""
    assert crux_word(classify("调压器冬天老冻住 咋回事"), tokenize("调压器冬天老冻住 咋回事")) != "回事"
    answer = chain.ask("调压器冬天老冻住 咋回事")
    assert answer.answered and "昼夜温差大" in answer.text, answer.text


def test_what_someone_heard_from_a_colleague_starts_the_ask(chain: FaqChain) -> None:
    """"……听同事说个人账户的钱能给家里人用 得先办啥手续": the story (a father's pills) is not what is asked."""
    question = "我是长春一家企业的职工 我爸常年吃降压药 每个月花不少钱 听同事说个人账户的钱能给家里人用 得先办啥手续"
    assert "降压药" not in asked_part(question)
    answer = chain.ask(question)
    assert answer.answered and "家庭共济" in answer.text, answer.text


def test_how_a_figure_was_set_is_answered_by_the_figure(chain: FaqChain) -> None:
    """"计入标准是怎么确定的" asks what the standard is; the sentence stating it answers without the word 确定."""
    answer = chain.ask("在职职工个人账户的计入标准是怎么确定的")
    assert answer.answered and "2%" in answer.text, answer.text


def test_which_city_made_a_rule_is_named_by_its_paragraphs_opening(chain: FaqChain) -> None:
    """The requirement sits in a paragraph that opens "松原市邮政管理局……": that opening is quoted with it."""
    answer = chain.ask("要求企业做好人车调配预案的是哪个市的邮政管理局")
    assert answer.answered and "松原" in answer.text, answer.text
    assert "调配预案" in answer.text
    assert_citations_exact(answer)


def test_where_to_handle_a_matter_is_answered_by_a_channel(chain: FaqChain) -> None:
    """"家庭共济 在哪申请": the WeChat account is where; a sentence naming 长春 only as the news's city is not."""
    assert classify("长春那个家庭共济 在哪申请").kind == "handling"
    assert satisfies("handling", "参保职工可通过“吉林医保公共服务”微信公众号“服务大厅”的“家庭共济”模块")
    assert not satisfies("handling", "记者从长春市医保局获悉，长春市正式启动实施职工医保门诊共济保障机制")
    answer = chain.ask("长春那个家庭共济 在哪申请")
    assert answer.answered and "吉林医保公共服务" in answer.text, answer.text
    assert not chain.ask("天然气开户在哪申请").answered


@pytest.mark.parametrize("question", ["门诊共济这事在哪办理", "门诊共济在哪上办"])
def test_where_to_handle_a_scheme_is_its_channel_not_where_the_scheme_reaches(no_faq_chain, question: str) -> None:  # type: ignore[no-untyped-def]
    """"门诊共济在哪办理": the channel answers; "扩大到三级及以下定点医疗机构" says where the scheme reaches, and the
    verb 办理, which the channel's sentence does not use, is the question's frame."""
    assert classify(question).kind == "handling"
    assert not satisfies("handling", "门诊统筹报销范围扩大到三级及以下定点医疗机构")
    answer = no_faq_chain.ask(question)
    assert answer.answered and "吉林医保公共服务" in answer.text, answer.text


def test_where_the_resident_lives_does_not_bar_a_report_about_the_whole_province(chain: FaqChain) -> None:
    """"我家住松原 …吉林油田…": the resident's home, and an article about 吉林省 as a whole, which speaks for it.
    A place asked about ("通化的吉林油田") and a home outside a city's own policy ("我是吉林市的 门诊共济…", an
    article about 长春) stay declined."""
    for question, fact in [
        ("我家住松原 吉林油田的CCUS项目现在进了啥阶段", "工业化应用阶段"),
        ("我住在松原 吉林油田二氧化碳年注入量突破多少了", "43万吨"),
    ]:
        answer = chain.ask(question)
        assert answer.answered and fact in answer.text, answer.text
        assert_citations_exact(answer)
    assert not chain.ask("通化的吉林油田往地下注了多少二氧化碳").answered
    assert not chain.ask("我是吉林市的 门诊共济从哪天开始").answered


def test_a_day_of_every_month_needs_a_sentence_giving_one(chain: FaqChain) -> None:
    """"每个月几号到账" asks a day of each month: "2023年1月1日起" (when a rule began) does not give it."""
    assert classify("在职职工的个人账户每个月几号到账").kind == "monthday"
    assert satisfies("monthday", "个人账户资金每月15日前划入")
    assert not satisfies("monthday", "2023年1月1日起，长春市正式启动实施职工医保门诊共济保障机制")
    assert not chain.ask("在职职工的个人账户每个月几号到账").answered
    answer = chain.ask("长春门诊共济几月几号开始的")
    assert answer.answered and "1月1日" in answer.text


def test_a_pronoun_in_the_ask_keeps_the_family_member_the_story_named(chain: FaqChain) -> None:
    """"……老伴退休在家 …… 听说我的医保个人账户她也能用 得咋操作": 她 is the 老伴 of the story, a family member,
    so the answer tells how family members get to use the account."""
    question = "我在长春一家厂子上班 老伴退休在家 常年吃药 药钱不少 听说我的医保个人账户她也能用 得咋操作"
    assert "老伴" in asked_part(question)
    answer = chain.ask(question)
    assert answer.answered and "家庭共济" in answer.text, answer.text
    assert_citations_exact(answer)


def test_a_closing_you_duoshao_counts_the_noun_before_it(chain: FaqChain) -> None:
    """"各地提的问题一共有多少" counts 问题 as "多少个问题" does: "61项具体问题" answers. An amount before it
    ("补贴钱有多少") is no count."""
    assert asked_unit("生态强省督导帮扶各地提的问题一共有多少") == ("个", "问题")
    assert asked_unit("补贴钱有多少") == ("", "")
    answer = chain.ask("生态强省督导帮扶各地提的问题一共有多少")
    assert answer.answered and "61项" in answer.text, answer.text


def test_how_much_is_reimbursed_asks_a_rate_no_article_gives(chain: FaqChain) -> None:
    """"长春门诊统筹能报多少" asks how much of a bill is paid back (a rate): "报销范围扩大到三级及以下定点医疗机构"
    has a number in it but does not say, so the question is declined."""
    assert classify("长春门诊统筹能报多少").kind == "percent"
    assert classify("门诊统筹报了多少次").kind != "percent"
    assert not chain.ask("长春门诊统筹能报多少").answered


def test_money_put_into_an_account_is_no_price(chain: FaqChain) -> None:
    """"每月往里打多少钱" asks what goes into the account, which a rate of the pension answers; "交多少钱" (a sum to
    pay) stays a price."""
    assert classify("退休的医保卡每月往里打多少钱").kind == "number"
    assert classify("液化气一罐交多少钱").kind == "price"
    answer = chain.ask("退休的医保卡每月往里打多少钱")
    assert answer.answered and "4%" in answer.text, answer.text


def test_during_the_holidays_is_no_date_asked(chain: FaqChain) -> None:
    """"节日期间…采取了哪些措施": 节日期间 (during the holidays) holds 日期 (date) but asks no date."""
    assert classify("节日期间调压站的人咋保证设备安全").kind != "time"
    answer = chain.ask("节日期间调压站的人咋保证设备安全")
    assert answer.answered and "加密巡检频次" in answer.text, answer.text


def test_whether_it_costs_money_asked_with_a_closing_bu(chain: FaqChain) -> None:
    """"上门查线路要钱不" asks about a fee like "要钱吗"; the power article does not say, so it is declined."""
    assert classify("延边供电公司上门查线路要钱不").kind == "fee"
    assert not chain.ask("延边供电公司上门查线路要钱不").answered
    # Asked the other way round: whether it is free.
    assert classify("延边供电派人上门查电是不是不收费的").kind == "fee"
    assert not chain.ask("延边供电派人上门查电是不是不收费的").answered


@pytest.mark.parametrize("question", ["梨树供电所上门给草莓大棚检修是要收费的吧", "延边供电上门给返乡的查线路是不是不花钱"])
def test_whether_it_costs_money_put_as_a_guess_is_a_fee_question(chain: FaqChain, question: str) -> None:
    """"是要收费的吧", "是不是不花钱": the caller guesses and wants it confirmed; no article says what the visits cost,
    so a sentence on the visits themselves is no answer."""
    assert classify(question).kind == "fee"
    assert not chain.ask(question).answered


@pytest.mark.parametrize("question", ["家庭共济绑定家里人收手续费不", "家里人的账户绑定要手续费吗"])
def test_a_fee_question_is_not_answered_by_a_sentence_that_only_names_costs(chain: FaqChain, question: str) -> None:
    """"绑定要手续费吗": whether binding costs anything, which no article says. "可使用个人账户资金支付…医疗费用"
    names costs the account pays, not a charge for binding, so it does not answer; nor does the how-to sentence."""
    answer = chain.ask(question)
    assert not answer.answered, answer.text
    assert classify(question).kind == "fee"
    assert not satisfies("fee", "本人及绑定的家庭成员可使用个人账户资金支付目录内、外的药品、医疗器械、医用耗材等医疗费用")
    assert satisfies("fee", "要求各企业积极采取提升派费，发放津补贴")


@pytest.mark.parametrize(
    "question", ["去省外看病个人账户的钱能用吗", "孩子在外省上大学 看门诊能用我的个人账户不", "我在长春上班 到北京看门诊能报销不"]
)
def test_care_away_from_home_is_not_answered_by_the_rule_at_home(chain: FaqChain, question: str) -> None:
    """异地就医 has rules of its own, which no article gives: "可以" from the sentence on family sharing at home
    would be a guess. Returnees who worked 外地 are still answered about the help they get at home."""
    assert not chain.ask(question).answered
    answer = chain.ask("在外地打工的回延边了 供电公司上门给查线路不")
    assert answer.answered and "共产党员服务队" in answer.text, answer.text


@pytest.mark.parametrize(
    "question", ["我是灵活就业人员 在长春自己交的医保 个人账户能给孩子用吗", "俺是个体工商户 医保卡里的钱家里人能花不"]
)
def test_who_asks_insured_another_way_is_not_answered_by_the_rule_for_employees(chain: FaqChain, question: str) -> None:
    """The article is on 职工医保; a caller insured as 灵活就业 or as a 个体户 has rules of their own, which it does not
    give: its "可以" would be a guess. A caller who is a 职工 is answered."""
    assert not chain.ask(question).answered
    answer = chain.ask("我是单位职工 医保卡里的钱家里人能花不")
    assert answer.answered, answer.text
    # The service is for those the sentence names (返乡务工人员); a caller who says they are not one is not answered.
    assert not chain.ask("俺不是返乡的 一直在家住 延边供电也能上门给查线路不").answered
    # Not from 长春 but working there: the article on 长春's 职工医保 speaks for them.
    answer = chain.ask("我不是长春人 在长春上班交职工医保 能用家庭共济吗")
    assert answer.answered, answer.text
    # Who the money pays for may be insured otherwise: the spending sentence names 城乡居民基本医疗保险.
    answer = chain.ask("我是城乡居民医保 能用我儿子职工医保账户的钱交医保吗")
    assert answer.answered and "城乡居民基本医疗保险" in answer.text, answer.text


@pytest.mark.parametrize("question", ["来电人说他是个体户 问他医保卡里的钱家里人能花不", "来电人说她是灵活就业人员 问个人账户能给孩子用不"])
def test_a_caller_relayed_by_hotline_staff_is_who_asks(chain: FaqChain, question: str) -> None:
    """Staff type the caller's situation as "来电人说她是…": the caller is insured another way, which the article on
    职工医保 does not speak for, however the question is rewritten without the introduction."""
    assert not chain.ask(question).answered
    answer = chain.ask("来电人说他是单位职工 问他医保卡里的钱家里人能花不")
    assert answer.answered, answer.text


@pytest.mark.parametrize("question", ["我是城乡居民医保 能用家庭共济吗", "我交的是城乡居民医保 家里人能用我个人账户的钱不"])
def test_a_premium_the_account_pays_does_not_speak_for_those_insured_that_way(chain: FaqChain, question: str) -> None:
    """The article names 城乡居民基本医疗保险 only as a premium a 职工's account may pay ("还可用于缴纳…等费用"); a
    caller insured that way asks about an account of their own, which it does not cover. Paying that premium from a
    family member's account is what it answers."""
    assert not chain.ask(question).answered
    answer = chain.ask("我闺女是城乡居民医保 我个人账户的钱能帮她缴不")
    assert answer.answered and "城乡居民基本医疗保险" in answer.text, answer.text


@pytest.mark.parametrize(
    "question",
    [
        "辽源液化气灌装站跨年那天平均每小时灌多少瓶",
        "吉林油田平均一天往地下注多少吨二氧化碳",
        "辽源液化气灌装站每天都灌多少瓶",  # a figure for each day, where the article gives one day's
        "淮安调压站每个月都输多少气",  # a figure for each month, where the article gives the year's
    ],
)
def test_an_average_no_source_states_is_not_answered_by_a_total(chain: FaqChain, question: str) -> None:
    """"全天充装配送液化气钢瓶800余套" and "年注入量突破43万吨" are totals; an average per hour or per day would be the
    bot's own division, which no source states. An average the article does state is answered."""
    assert not chain.ask(question).answered
    answer = chain.ask("2023年退休的人个人账户按哪年的养老金平均水平算")
    assert answer.answered and "2021年养老金平均水平" in answer.text, answer.text
    answer = chain.ask("在职的每个月往医保卡里划多少")  # the rate the account is credited at each month
    assert answer.answered and "2%" in answer.text, answer.text


@pytest.mark.parametrize("question", ["红旗H6的扭矩是多少千克力米", "德惠加气母站跨年夜一共加了多少立方米气"])
def test_a_quantity_in_a_unit_no_quote_states_is_not_answered(chain: FaqChain, question: str) -> None:
    """"峰值扭矩380N·m" gives no figure in 千克力米, and the night at the CNG station counts tankers (6辆), not cubic
    metres: converting or guessing would be the bot's own figure. A figure the article states in the unit asked is
    answered."""
    assert not chain.ask(question).answered
    answer = chain.ask("淮安调压站2022年输了多少方气")
    assert answer.answered and "4.9亿立方米" in answer.text, answer.text


def test_a_claim_whose_key_word_no_quote_says_is_not_confirmed(chain: FaqChain) -> None:
    """"听说…年底不花就清零了 是真的吗": no sentence speaks of the balance being cleared (清零); quoting the sentences on
    what the account pays for would seem to confirm the rumour. A claim the article states is confirmed."""
    assert not chain.ask("我听说医保个人账户的钱年底不花就清零了 是真的吗").answered
    answer = chain.ask("听说长春职工医保个人账户的钱家里人也能用了 是真的不")
    assert answer.answered and "家庭成员共用共享" in answer.text, answer.text


def test_whether_someone_falls_under_a_rule_needs_a_sentence_drawing_its_bounds(chain: FaqChain) -> None:
    """"个体户…属不属于能家庭共济的": whether the rule covers them, which only a sentence saying whom it includes
    answers; the sentence on how to bind family members applies the rule and says nothing of its bounds. "这算不算国内
    最大的" asks a judgement, which the article states."""
    assert classify("我是个体户自己交的医保 属不属于能家庭共济的").kind == "membership"
    assert not chain.ask("我是个体户自己交的医保 属不属于能家庭共济的").answered
    assert classify("吉林油田二氧化碳年注入量这算不算国内最大的").kind != "membership"
    answer = chain.ask("吉林油田二氧化碳年注入量这算不算国内最大的")
    assert answer.answered and "国内最大规模注入" in answer.text, answer.text


@pytest.mark.parametrize("question", ["松原过年快递费涨不涨", "过年快递费会涨吗"])
def test_what_sending_a_parcel_costs_is_a_price_no_article_gives(chain: FaqChain, question: str) -> None:
    """"快递费涨不涨" asks what residents pay to send, which no article gives (提升派费 is couriers' pay)."""
    assert classify(question).kind == "price"
    assert not chain.ask(question).answered


@pytest.mark.parametrize(
    ("question", "kind"),
    [("德惠加气站灌一罐气多少米", "price"), ("延边供电公司共产党员服务队的电话给一个", "phone")],
)
def test_a_price_or_a_phone_number_asked_in_everyday_words_is_declined(chain: FaqChain, question: str, kind: str) -> None:
    """ "一罐多少米" (米 is money in speech) asks a price, "电话给一个" a phone number: no article gives either."""
    assert classify(question).kind == kind
    assert not chain.ask(question).answered


@pytest.mark.parametrize("question", ["自己盖个草莓大棚国家给补贴不", "建温室大棚县里给补贴不"])
def test_whether_someone_gives_something_needs_that_thing_in_the_answer(chain: FaqChain, question: str) -> None:
    """"国家给补贴不": 补贴 is what is asked about (the crux after 给), and no sentence on greenhouses speaks of a
    subsidy for building one. "供电公司给上门检查不" is still answered."""
    assert crux_word(classify(question), tokenize(question)) == "补贴"
    assert not chain.ask(question).answered
    assert chain.ask("返乡的人回家 供电公司给上门检查不").answered


def test_which_city_is_answered_with_a_city_not_its_districts(chain: FaqChain) -> None:
    """"四不两直这个检查办法是哪个市用的": the sentence on the 四不两直 way names 吉林市's districts (昌邑区…), no city;
    the paragraph's opening names 吉林市邮政管理局 and is quoted. 办法 is the article's 方式."""
    assert classify("四不两直这个检查办法是哪个市用的").kind == "city"
    assert not satisfies("city", "5个督导组采取“四不两直”的方式，分赴昌邑区、丰满区、龙潭区")
    answer = chain.ask("四不两直这个检查办法是哪个市用的")
    assert answer.answered and "吉林市" in answer.text, answer.text
    assert_citations_exact(answer)


@pytest.mark.parametrize(
    ("earlier", "question", "fact"),
    [
        ("退休人员个人账户现在每月划多少", "为啥要少划了", "全部用于门诊保障"),
        ("退休的个人账户计入标准是多少", "那为啥降了", "全部用于门诊保障"),
    ],
)
def test_why_a_measure_was_taken_is_answered_with_what_it_is_for(
    chain: FaqChain, earlier: str, question: str, fact: str
) -> None:
    """Reports give a measure's purpose without 为了 or 由于: "增加的医保基金全部用于门诊保障" says what the smaller
    share is for, and is the answer to why it was cut."""
    first = chain.ask(earlier)
    answer = chain.ask(question, [answer_to_turn(first)])
    assert answer.answered and fact in answer.text, answer.text


def test_a_why_question_with_a_slip_is_answered_by_a_sentence_giving_the_cause(chain: FaqChain) -> None:
    """"负合" (负荷 mistyped) is a word no article has; the sentence giving the cause (随着外出人员陆续返乡) is as good
    a sign as a close wording."""
    answer = chain.ask("延边快过年了用电负合为啥一个劲往上涨")
    assert answer.answered and "返乡" in answer.text, answer.text
    assert_citations_exact(answer)


def test_that_day_is_a_time_not_a_pronoun_for_the_subject(chain: FaqChain) -> None:
    """"那天多冷" after a question on 德惠's night: 那天 is that day; read as 那 (that one) it left "天多冷" behind
    the subject, a word no article has."""
    first = chain.ask("德惠加气母站半夜进了几辆车")
    answer = chain.ask("那天多冷", [answer_to_turn(first)])
    assert "那天多冷" in answer.rewritten_question, answer.rewritten_question
    assert answer.answered and "零下20摄氏度" in answer.text, answer.text


def test_which_day_is_cut_as_one_word() -> None:
    """"哪天开的" is 哪天 + 开; jieba's 天开 (异想天开) made a word no article has."""
    assert "天开" not in tokenize("秸秆那个研讨会哪天开的") and "开" in tokenize("秸秆那个研讨会哪天开的")
    # A word the cut keeps whole is still no subject: "哪天开的" after another question is a follow-up.
    assert condense("是哪天开的会", [Turn("吉林市秸秆离田研讨会研究啥问题")]).followup


def test_which_day_a_meeting_was_held_is_answered(chain: FaqChain) -> None:
    answer = chain.ask("秸秆那个研讨会哪天开的")
    assert answer.answered and "11月16日" in answer.text, answer.text


def test_whether_prices_go_up_asks_a_price(chain: FaqChain) -> None:
    """"春节寄快递涨价吗" after 辽源's 不打烊: whether sending costs more is a price, which no article gives; the
    不打烊 sentence on the same subject does not answer it."""
    assert classify("春节寄快递涨价吗").kind == "price"
    first = chain.ask("辽源过年快递歇不歇")
    answer = chain.ask("那春节寄快递涨价吗", [answer_to_turn(first)])
    assert first.answered and not answer.answered, answer.text


def test_who_reported_it_is_answered_with_the_byline(chain: FaqChain) -> None:
    """"谁报道的" after a question on 长春's 门诊共济: the reporter is named in the byline ("本报讯(记者何泽深)"), which
    the quote keeps even when the sentence is cut to fit."""
    assert classify("那篇稿子是哪个记者写的").kind == "reporter"
    first = chain.ask("长春门诊共济啥时候开始的")
    answer = chain.ask("谁报道的", [answer_to_turn(first)])
    assert answer.answered and "何泽深" in answer.text, answer.text
    assert_citations_exact(answer)


def test_an_article_without_a_byline_names_no_reporter(chain: FaqChain) -> None:
    """梨树's article carries no byline: its first sentence is no answer to who wrote it."""
    assert not chain.ask("梨树草莓那篇是哪个记者写的").answered


def test_the_day_of_a_news_item_is_asked_without_the_word_news(chain: FaqChain) -> None:
    """"…是哪天的消息": 消息 frames what is asked (a day); no article calls itself a 消息."""
    answer = chain.ask("红旗H6在广州车展首发是哪天的消息")
    assert answer.answered and "2023年1月3日" in answer.text, answer.text


def test_exactly_where_asks_an_address(chain: FaqChain) -> None:
    """"具体在哪 能去加气不": an address, which no article gives, though the station's night is told in detail."""
    assert classify("德惠加气母站具体在哪 能去加气不").kind == "address"
    assert not chain.ask("德惠加气母站具体在哪 能去加气不").answered


def test_a_place_before_how_it_was_put_is_where_not_what(chain: FaqChain) -> None:
    """"春节期间快递歇不歇业 辽源那嘎达咋讲的": 辽源 before 咋讲 says whose word is asked for; 辽源's paragraph
    answers (不打烊) though its sentence does not repeat the city's name."""
    answer = chain.ask("春节期间快递歇不歇业 辽源那嘎达咋讲的")
    assert answer.answered and "不打烊" in answer.text, answer.text
    assert_citations_exact(answer)


def test_which_days_asks_dates_not_a_duration(chain: FaqChain) -> None:
    """"是哪几天": the days ("11月10日至18日"), which a date range gives; "几天" alone asks how long."""
    assert classify("生态督导第二工作组去四平是哪几天").kind == "time"
    assert classify("延边供电上门服务了几天").kind == "duration"
    answer = chain.ask("生态督导第二工作组去四平是哪几天")
    assert answer.answered and "11月10日至18日" in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "who"),
    [("门诊共济 家庭成员 范围 侄子算不算", "侄子"), ("家庭共济 家属 范围 我小舅子算不算", "小舅子"), ("门诊共济的家属范围 兄弟姐妹算吗", "兄弟姐妹")],
)
def test_whether_someone_counts_needs_an_answer_naming_them(chain: FaqChain, question: str, who: str) -> None:
    """"侄子算不算": the article shares the account with 家庭成员 and never says who they are, so whether a nephew
    counts is not answered by it."""
    info = classify(question)
    assert info.kind == "membership"
    assert crux_word(info, chain._loaded.bank.reader.words(question)) == who
    assert not chain.ask(question).answered


@pytest.mark.parametrize(
    "question", ["北京的门诊共济啥时候开始的", "大连燃气公司跨年那天有人值班吗", "大庆油田二氧化碳一共注了多少", "沈阳的供电公司给返乡的人上门检查没"]
)
def test_a_service_of_another_province_is_not_answered_for_by_jilins(chain: FaqChain, question: str) -> None:
    """The articles are about 吉林: 大庆油田 is not 吉林油田, and 北京's 门诊共济 is not 长春's."""
    assert not chain.ask(question).answered


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("红旗H6是在上海车展首发的吧", "广州"),  # a wrong guess, answered with the right place
        ("我在北京打工，过年回延吉老家，供电公司能上门检查线路不", "共产党员服务队"),  # where the resident works
    ],
)
def test_another_provinces_name_outside_the_subject_is_no_other_place(
    chain: FaqChain, question: str, fact: str
) -> None:
    answer = chain.ask(question)
    assert answer.answered and fact in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("春节期间快递会不会放假不送了", "不打烊"),  # 放假 ~ 打烊: a service on holiday is closed
        ("辽源那边咋鼓励快递小哥回来上班的", "返岗补贴"),  # 鼓励 ~ 引导: what draws them back
        ("辽源过年快递会不会停", "不打烊"),  # a service that stops is closed
        ("梨树那个草莓合作社能不能给村里人找活干", "100余位"),  # 找活 ~ 就业: jobs found
        ("过年快递能不能优先送急用的东西", "优先派送"),  # 急用 ~ 急需
        ("我在辽源 过年往外寄东西能寄出去不", "不打烊"),  # 往外寄 ~ 寄递
        ("红旗H6的动力配置都有啥？", "2.0T四缸发动机"),  # 配置 ~ 搭载: what it is fitted with
        ("我是辽源的 家里用液化气罐 过年那阵子会不会断气啊", "断供"),  # 断气 ~ 断供: the gas cut off
        ("油田往地下打二氧化碳多采出来的油 顶得上个啥", "新油田"),  # 顶得上 ~ 相当于 (东北话)
    ],
)
def test_a_resident_word_for_what_the_article_says_is_read_as_it(chain: FaqChain, question: str, fact: str) -> None:
    answer = chain.ask(question)
    assert answer.answered and fact in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("俺们搁长春双阳，现在门诊开药做检查能给报不", "做检查"),  # 双阳, a district of 长春, named after it
        ("俺家搁九台，现在门诊开药做检查能给报不", "做检查"),  # 搁: 东北话 for 在
        ("延吉返乡的 供电公司帮着消除了多少处隐患", "22处"),  # returned home to 延吉, which is in 延边
        ("敦化这边返乡的，供电有上门给检查线路的吗", "共产党员服务队"),  # "敦化这边": here, where the caller is
        ("长春南关区的 家庭共济在哪个公众号上弄", "吉林医保公共服务"),  # a district named after its city
    ],
)
def test_the_prefectures_article_speaks_for_a_county_or_district_the_resident_is_in(
    chain: FaqChain, question: str, fact: str
) -> None:
    answer = chain.ask(question)
    assert answer.answered and fact in answer.text, answer.text
    assert_citations_exact(answer)


@pytest.mark.parametrize("question", ["吉林市丰满区的天然气是淮安那个调压站供的不", "俺家在吉林市昌邑区 淮安调压站给俺们供气不"])
def test_a_district_left_out_of_the_areas_a_sentence_lists_is_not_answered_for(chain: FaqChain, question: str) -> None:
    """"淮安高中压调压站承载着…吉林市江北、铁东、通潭10万户居民的供气任务" lists the parts of 吉林市 it supplies; a
    district it leaves out is not among them, though it is in 吉林市. A part it lists is answered."""
    assert not chain.ask(question).answered
    answer = chain.ask("吉林市江北的天然气是哪个调压站供的")
    assert answer.answered and "淮安高中压调压站" in answer.text, answer.text


def test_where_the_resident_said_they_live_holds_for_the_follow_ups(chain: FaqChain) -> None:
    first = chain.ask("我们敦化返乡的，供电有上门给检查线路的吗？")
    assert first.answered and "共产党员服务队" in first.text, first.text
    answer = chain.ask("上门了几回", [answer_to_turn(first)])
    assert answer.answered and "30余次" in answer.text, answer.text
    # Not where the caller lives, 敦化 is asked about: the count is 延边's, no answer for 敦化 alone.
    assert not chain.ask("敦化的供电公司给返乡的人上门了几回").answered


def test_a_sentence_about_another_city_of_the_article_does_not_answer_for_this_one(chain: FaqChain) -> None:
    """The gas article is about 吉林市, 辽源 and 德惠; its 辽源 station's count is no answer for 吉林市."""
    assert not chain.ask("吉林市那个液化气灌装站跨年一天灌了多少瓶").answered
    answer = chain.ask("辽源那个液化气灌装站跨年一天灌了多少瓶")
    assert answer.answered and "800余套" in answer.text, answer.text


def test_how_long_is_answered_by_at_once_after_the_step(chain: FaqChain) -> None:
    """"完成家庭成员备案登记后即可实现…共享共用": it works as soon as the family is registered."""
    first = chain.ask("我爸医保个人账户里钱挺多 我能用不")
    second = chain.ask("那咋弄 在哪绑", [answer_to_turn(first)])
    answer = chain.ask("绑完得多久能用上", [answer_to_turn(first), answer_to_turn(second)])
    assert answer.answered and "备案登记后即可" in answer.text, answer.text
    # A wait no sentence gives is still no answer.
    assert not chain.ask("燃气报修后多久能上门").answered


def test_whether_one_must_go_in_person_asks_where_it_is_done(chain: FaqChain) -> None:
    answer = chain.ask("梨树供电所办电用不用跑营业厅")
    assert answer.answered and "网上国网" in answer.text, answer.text


def test_the_same_there_asks_the_last_question_about_the_other_place(chain: FaqChain) -> None:
    first = chain.ask("我在长春上班，医保个人账户的钱家里人能用了吗？")
    assert first.answered
    answer = chain.ask("吉林市也一样不", [answer_to_turn(first)])
    assert "吉林市" in answer.rewritten_question and "个人账户" in answer.rewritten_question, answer.rewritten_question
    assert not answer.answered  # the article is 长春's


def test_sent_first_is_sent_with_priority(chain: FaqChain) -> None:
    first = chain.ask("过年快递歇不歇")
    answer = chain.ask("那买的药能先给送不", [answer_to_turn(first)])
    assert answer.answered and "优先派送药品" in answer.text, answer.text


def test_other_things_asked_for_are_no_word_the_answer_must_hold(chain: FaqChain) -> None:
    """"就药品吗还有别的不": 别的 asks what else the list holds; the answer gives the list, not the word 别的."""
    answer = chain.ask("辽源那边快递优先派啥 就药品吗还有别的不")
    assert answer.answered and "生活必需品" in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("全省哪个县的温室大棚最多", None),  # 梨树's count says nothing of the other counties
        ("延边供电公司是不是全省第一个搞返乡人员上门查线的", None),
        ("长春职工医保个人账户划入比例在全国算最高的吗", None),
        ("梨树县最大的草莓种植合作社是哪个", "六之维"),  # the article states it: 梨树县最大的草莓种植专业合作社
        ("吉林油田二氧化碳注入量是不是国内最大", "国内最大规模注入"),
        ("门诊慢性病最高能上哪级医院报", "三级(市级)及以下"),  # 最高能…: a limit, which a bound gives
    ],
)
def test_a_ranking_is_answered_only_by_a_sentence_that_states_one(
    chain: FaqChain, question: str, fact: str | None
) -> None:
    answer = chain.ask(question)
    if fact is None:
        assert not answer.answered, answer.text
    else:
        assert answer.answered and fact in answer.text, answer.text


def test_the_things_a_name_counts_are_declined_when_no_quote_lists_them(chain: FaqChain) -> None:
    """"是哪四不哪两直": the article names the checks "四不两直" but never says what the four 不 are, so it does not answer;
    "四精是哪四精" is answered, because the article lists the four modes, each with its 精."""
    assert not chain.ask("邮政督导组说的四不两直，是哪四不哪两直").answered
    answer = chain.ask("吉林油田CCUS的四精是哪四精")
    assert answer.answered and "精细雕刻的开发管理模式" in answer.text, answer.text


def test_which_ones_of_a_count_the_resident_knows_needs_them_listed(chain: FaqChain) -> None:
    """"那14条政策措施分别是哪14条": the article says 14 measures were made and lists none; the sentence saying so answers
    how many, which the resident already said. "…四精模式…是哪四个" is answered by the sentence listing them."""
    assert not chain.ask("环保产业那14条政策措施分别是哪14条").answered
    answer = chain.ask("吉林油田CCUS那个四精模式 有四个 是哪四个")
    assert answer.answered and "精耕细作的生产运维模式" in answer.text, answer.text


def test_as_usual_says_how_and_the_action_after_it_is_asked(chain: FaqChain) -> None:
    """"还能不能照常寄": 照常 (as usual) is how; whether parcels are sent is asked, which "春节不打烊" answers."""
    assert crux_word(classify("过年快递还能不能照常寄"), ["过年", "快递", "照常", "寄"]) == "寄"
    answer = chain.ask("春节期间快递还能不能照常寄")
    assert answer.answered and "不打烊" in answer.text, answer.text


def test_a_numbered_group_is_answered_only_by_quotes_naming_it(chain: FaqChain) -> None:
    """The article follows the 第二工作组 only: where a 第四工作组 went is not said by what the second (or the five
    groups as a whole) did. "第二组" is the 第二工作组; a subject a follow-up carries over is not the resident's."""
    assert not chain.ask("生态督导第四工作组去了哪几个市").answered
    answer = chain.ask("督导帮扶第二组去了哪俩市")
    assert answer.answered and "四平市、吉林市" in answer.text, answer.text
    first = chain.ask("生态强省督导帮扶第二工作组都去了哪几个市")
    later = chain.ask("全省一共提了多少项具体问题", [answer_to_turn(first)])
    assert later.answered and "61项" in later.text, later.text


def test_what_a_term_means_needs_a_sentence_saying_it(chain: FaqChain) -> None:
    """"四不两直是啥意思": the postal article names the way 吉林市 checked (采取“四不两直”的方式) and never says what it
    is, so there is nothing to quote. A term the article spells out (即…), lists right before its name (生态经济、…
    “3+1”体系) or gives the purpose of (为更好地满足…) is answered."""
    assert not chain.ask("吉林市邮政管理局查快递用的四不两直是啥意思").answered
    for question, fact in (
        ("职工医保门诊共济是啥意思", "家庭成员共用共享"),
        ("生态强省那个3+1体系具体指啥", "生态经济"),
        ("保通保畅是啥意思啊", "物资寄递需求"),
    ):
        answer = chain.ask(question)
        assert answer.answered and fact in answer.text, (question, answer.text)
    # "啥意思 说大白话" after an answer asks for it in plain words, not what a term means.
    history = [answer_to_turn(chain.ask("长春在职职工个人账户现在按多少计入"))]
    answer = chain.ask("啥意思 你说大白话 我一个月能进多少", history)
    assert answer.answered, answer.text

