"""Round 24's readings of what a message asks: what money may pay for, which account a matter is done through, a
how-part beside a yes/no, a scheme named in a caller's story, formal courtesy words, and people's names.

The seed index and the real chain (no curated FAQ).
"""

from __future__ import annotations

from answers_support import body

from bot.chain import FaqChain, answer_to_turn
from bot.condense import story_and_ask
from bot.question import asks_procedure, classify


def _answered_with(chain: FaqChain, question: str, *facts: str) -> None:
    """``question`` is answered, and the answer quotes every one of ``facts``."""
    answer = chain.ask(question)
    assert answer.answered, answer.text
    text = body(answer.text)
    for fact in facts:
        assert fact in text, text


def test_what_money_may_pay_for_is_a_kind_of_its_own() -> None:
    assert classify("医保个人账户家里人共用以后，这钱都能花在哪些地方啊？").kind == "uses"
    assert classify("绑完家里人能拿账户钱干啥").kind == "uses"
    # Where money went is a purpose ("全部用于门诊保障"), asked as before.
    assert classify("少划的钱都上哪去了").kind != "uses"
    # "拿这钱干啥" asks what it buys, not how to do anything.
    assert not asks_procedure("绑完家里人能拿这钱干啥")
    assert asks_procedure("咋整才能一家人共着用")
    assert asks_procedure("上哪儿弄啊")


def test_where_the_money_may_be_spent_is_answered_by_what_it_pays_for(no_faq_chain: FaqChain) -> None:
    # Read as a place ("花在哪些地方"), it was answered by the sentences on sharing and binding, which name no use.
    answer = no_faq_chain.ask("医保个人账户家里人共用以后，这钱都能花在哪些地方啊？")
    assert answer.answered, answer.text
    assert "药品" in body(answer.text)
    assert answer.citations[0].doc_id == "cc-medical-outpatient"


def test_a_part_asking_what_the_money_buys_is_answered_beside_how_to_bind(no_faq_chain: FaqChain) -> None:
    # "绑完家里人能拿账户钱干啥" was taken for a how-part, which the binding sentence already answered.
    _answered_with(no_faq_chain, "家庭共济咋绑 绑完家里人能拿账户钱干啥", "家庭共济账号", "药品")


def test_which_account_to_go_through_is_named(no_faq_chain: FaqChain) -> None:
    # "找哪个号" asks for the WeChat account; the binding sentence was cut to fit and lost its first clause, which names it.
    _answered_with(no_faq_chain, "想让我妈花我卡里那点医保钱 手机上找哪个号弄啊", "吉林医保公共服务")


def test_a_how_part_after_a_yes_no_gets_the_steps(no_faq_chain: FaqChain) -> None:
    # The quote on what family members may pay for says all the how-part names (一家人, 共用) but not how; the steps
    # sentence was not quoted.
    question = "俺家老头子的医保卡里的钱，俺们家里人能拿来买药不？咋整才能一家人共着用"
    _answered_with(no_faq_chain, question, "吉林医保公共服务", "家庭共济")


def test_a_where_to_do_it_part_gets_the_channel(no_faq_chain: FaqChain) -> None:
    question = (
        "我是长春二道区的，在厂里上班交的职工医保，我媳妇没工作也没职工医保，听邻居大姐说现在我卡里个人账户的钱能给"
        "家里人用了，这事儿从哪天开始的？上哪儿弄啊？谢谢了"
    )
    _answered_with(no_faq_chain, question, "1月1日", "吉林医保公共服务")


def test_a_scheme_in_the_story_is_no_group_of_gas_users() -> None:
    # "交的是城乡居民医保": 居民 there is part of the insurance's name; the story kept the gas article's 居民用户 instead.
    story, _ask = story_and_ask(
        "我是长春上班的 交的职工医保 我闺女在家没工作交的是城乡居民医保 每年都得掏现钱交 听说现在我个人账户里的钱能给她交了"
        " 是真的假的"
    )
    assert "居民医保" in story
    assert "居民用户" not in story


def test_formal_courtesy_words_are_not_what_is_asked(no_faq_chain: FaqChain) -> None:
    # 敬请 and 告知 weighed as rare words no article uses, and the plain count question was declined.
    question = "敬请告知，本次生态强省建设督导帮扶共组建多少个帮扶工作组，赴多少个地区开展了实地帮扶？"
    _answered_with(no_faq_chain, question, "5个帮扶工作组", "9个地区")


def test_fruit_in_north_eastern_words(no_faq_chain: FaqChain) -> None:
    _answered_with(no_faq_chain, "梨树那旮大棚一共多少栋啊，一年能出多少菜和果子", "3.25万栋", "32万余吨")


def test_peoples_names_need_a_sentence_naming_someone(no_faq_chain: FaqChain) -> None:
    history = [answer_to_turn(no_faq_chain.ask("生态强省督导帮扶一共几个工作组"))]
    answer = no_faq_chain.ask("帮扶组里那10余名专家都叫啥名", history)
    assert not answer.answered, answer.text
    # A sentence naming the one asked about still answers.
    _answered_with(no_faq_chain, "德惠加气站跨年夜带班的人叫啥", "熊华")


def test_the_kind_of_thing_asked_for_is_named_by_the_answer(no_faq_chain: FaqChain) -> None:
    # The article's opening says more of 延边, 供电公司 and 返乡 but names no 群; the sentence inviting residents into
    # the WeChat group scored 0.93 of it and was not quoted.
    _answered_with(no_faq_chain, "延边供电公司让返乡的人加个啥群来着", "微信服务群")


def test_places_gone_to_are_the_regions_counted(no_faq_chain: FaqChain) -> None:
    question = "省里为了搞生态那事派人下去帮地方，分了几拨、去了几个地方？我是市里小科员要写汇报"
    _answered_with(no_faq_chain, question, "9个地区")
