"""What residents get in WeChat: answers, the welcome, non-text messages, follow-ups, one answer per message."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import KNOWLEDGE
from sqlalchemy import update
from wechat_harness import (
    ACCOUNT,
    TOKEN,
    Delivery,
    Running,
    WeChatSender,
    event_message,
    media_message,
    new_msg_id,
    new_openid,
    running_app,
    text_message,
)
from wechatpy.replies import TextReply

from bot.config import Settings
from bot.store_schema import messages
from bot.wechat_render import TEXT_ONLY, WELCOME

WIDGET = "https://faq.example.gov.cn/widget?from=wechat&lang=zh"
MEDICAL_SOURCE = "来源：《长春市实施职工医保门诊共济保障机制》2023-01"
HONGQI_SOURCE = "来源：《红旗H6亮相广州车展》2023-01"
GAS_SOURCE = "来源：《跨年夜里的坚守》2023-01"
# The two curated test answers are about articles no other test here asks about, so they never
# take over another test's question.
LONG_QUESTION = "红旗H6新车的全部配置细节请逐条详细介绍一下"
HONGQI_QUOTE = (
    "整车搭载2.0T四缸发动机，最大功率为185kW，峰值扭矩380N·m，匹配8速手自一体变速箱，百公里加速仅需6.8秒。"
)
GAS_QUOTE = "2022年12月31日，当人们准备迎接新年时，中石油昆仑燃气吉林分公司近百名员工坚守在燃气保供一线，他们在零下20摄氏度的严寒中辛勤工作，守护全省人民的燃气供应与燃气安全。"
# eval/dialogs.jsonl d04: the follow-up only means the postal inspection with the first question before it.
FIRST_QUESTION = "长春市邮政管理局检查了哪些分拨中心？"
FOLLOW_UP = "吉林市呢？"
FOLLOW_UP_FACT = "5个督导组"
SYMBOLS_QUESTION = "燃气保供跨年值班登记表里的特殊符号怎么填写？"
SYMBOLS_ANSWER = "值班员姓名里有 <、>、& 或 ]]> 这样的符号，照原样填写 😀\n填好后交给站长就行[1]。"


def long_curated_answer() -> str:
    """A curated answer of more than 5,000 characters built from the article's own sentences."""
    article = (KNOWLEDGE / "hongqi-h6.md").read_text(encoding="utf-8").split("---", 2)[2]
    sentences = [s.strip() + "。" for s in article.replace("\n", "").split("。") if len(s.strip()) > 10]
    parts: list[str] = []
    i = 0
    while sum(len(p) for p in parts) < 5200:
        parts.append(f"第{i + 1}点，{sentences[i % len(sentences)].removesuffix('。')}[1]。")
        i += 1
    return "".join(parts)


@pytest.fixture(scope="module")
def server(seed_index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """A server whose curated FAQ also holds a 5,000-character answer and one full of XML specials."""
    root = tmp_path_factory.mktemp("wechat-messages")
    shutil.copytree(seed_index_dir, root / "data")
    knowledge = root / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    faq_path = knowledge / "faq.yaml"
    existing = yaml.safe_load(faq_path.read_text(encoding="utf-8")) if faq_path.exists() else []
    entries = existing.get("entries", []) if isinstance(existing, dict) else list(existing or [])
    entries += [
        {
            "id": "wechat-long",
            "question": LONG_QUESTION,
            "answer": long_curated_answer(),
            "sources": [{"doc_id": "hongqi-h6", "quote": HONGQI_QUOTE}],
        },
        {
            "id": "wechat-symbols",
            "question": SYMBOLS_QUESTION,
            "answer": SYMBOLS_ANSWER,
            "sources": [{"doc_id": "gas-new-year-eve", "quote": GAS_QUOTE}],
        },
    ]
    for entry in entries[-2:]:
        entry.update(status="approved", effective_from="2023-01-01", owner="测试")
    faq_path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")
    settings = Settings(
        data_dir=root / "data",
        knowledge_dir=knowledge,
        wechat_token=TOKEN,
        widget_url=WIDGET,
        llm_base_url=None,
        wechat_app_secret=None,
    )
    with running_app(settings) as running:
        yield running


@pytest.fixture
def wechat(server: Running) -> WeChatSender:
    return WeChatSender(server.base)


def concurrently(sender: WeChatSender, xml: str, n: int = 3) -> list[Delivery]:
    results: list[Delivery | None] = [None] * n

    def deliver(i: int) -> None:
        results[i] = sender.post(xml)

    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(r is not None for r in results)
    return [r for r in results if r is not None]


# ---------------------------------------------------------------------- answers
def test_answer_names_its_source_and_is_addressed_back_to_the_resident(wechat: WeChatSender) -> None:
    openid = new_openid()
    reply = wechat.ask(openid, "家庭共济在哪里办理？")
    assert isinstance(reply, TextReply)
    assert reply.target == openid and reply.source == ACCOUNT
    assert "吉林医保公共服务" in reply.content
    assert MEDICAL_SOURCE in reply.content


def test_five_thousand_character_answer_is_cut_at_a_sentence_and_points_to_the_widget(
    wechat: WeChatSender,
) -> None:
    assert len(long_curated_answer()) >= 5000
    delivery = wechat.post(text_message(new_openid(), LONG_QUESTION))
    content = wechat.reply(delivery).content
    assert len(content.encode("utf-8")) <= 2048
    body, sources, more = content.rsplit("\n\n", 2)
    assert body.startswith("第1点，")
    assert body.endswith("。") and "[1]" not in body
    assert sources == HONGQI_SOURCE
    assert more == f"内容较长，完整答案请看：{WIDGET}"


def test_special_characters_round_trip_in_questions_and_answers(
    server: Running, wechat: WeChatSender
) -> None:
    openid = new_openid()
    reply = wechat.ask(openid, SYMBOLS_QUESTION)
    assert reply.content.startswith(
        "值班员姓名里有 <、>、& 或 ]]> 这样的符号，照原样填写 😀\n填好后交给站长就行。"
    )
    assert reply.content.endswith(GAS_SOURCE)

    odd = "医保<家庭共济> & ]]> 怎么办？😀\n第二行"
    reply = wechat.ask(openid, odd)
    assert isinstance(reply, TextReply) and reply.content
    assert server.store_rows(openid)[-1].question == odd


# ---------------------------------------------------------------------- welcome, events, non-text
def test_subscribe_gets_a_welcome_with_three_example_questions(wechat: WeChatSender) -> None:
    openid = new_openid()
    reply = wechat.reply(wechat.post(event_message(openid, "subscribe")))
    assert isinstance(reply, TextReply)
    assert reply.target == openid and reply.source == ACCOUNT
    assert reply.content == WELCOME
    examples = [line.split(". ", 1)[1] for line in WELCOME.splitlines() if line[:2] in ("1.", "2.", "3.")]
    assert len(examples) == 3
    for example in examples:  # the promise holds: each example is answered from a named source
        answer = wechat.ask(new_openid(), example).content
        assert "来源：《" in answer, example


def test_unsubscribe_and_other_events_get_success(wechat: WeChatSender) -> None:
    for event in ("unsubscribe", "CLICK", "VIEW", "LOCATION"):
        delivery = wechat.post(event_message(new_openid(), event))
        assert delivery.status == 200 and delivery.body == b"success", event


def test_repeated_subscribe_event_is_answered_once_and_alike(wechat: WeChatSender) -> None:
    openid = new_openid()
    xml = event_message(openid, "subscribe", create_time=1714036504)
    first, second = wechat.reply(wechat.post(xml)), wechat.reply(wechat.post(xml))
    assert first.content == second.content == WELCOME


@pytest.mark.parametrize(
    ("msg_type", "extra"),
    [
        (
            "image",
            "<PicUrl><![CDATA[http://mmbiz.example/pic.jpg]]></PicUrl><MediaId><![CDATA[m1]]></MediaId>",
        ),
        ("voice", "<MediaId><![CDATA[m2]]></MediaId><Format><![CDATA[amr]]></Format>"),
        ("video", "<MediaId><![CDATA[m3]]></MediaId><ThumbMediaId><![CDATA[t3]]></ThumbMediaId>"),
        ("shortvideo", "<MediaId><![CDATA[m4]]></MediaId><ThumbMediaId><![CDATA[t4]]></ThumbMediaId>"),
        (
            "location",
            "<Location_X>43.88</Location_X><Location_Y>125.35</Location_Y><Scale>15</Scale><Label><![CDATA[长春]]></Label>",
        ),
        (
            "link",
            "<Title><![CDATA[标题]]></Title><Description><![CDATA[描述]]></Description><Url><![CDATA[http://x.example]]></Url>",
        ),
    ],
)
def test_non_text_messages_get_a_text_only_notice(
    server: Running, wechat: WeChatSender, msg_type: str, extra: str
) -> None:
    openid = new_openid()
    reply = wechat.reply(wechat.post(media_message(openid, msg_type, extra)))
    assert isinstance(reply, TextReply)
    assert reply.target == openid
    assert reply.content == TEXT_ONLY
    assert server.store_rows(openid) == []


def test_voice_with_recognition_is_answered_as_text(wechat: WeChatSender) -> None:
    extra = (
        "<MediaId><![CDATA[m5]]></MediaId><Format><![CDATA[amr]]></Format>"
        "<Recognition><![CDATA[家庭共济在哪里办理？]]></Recognition>"
    )
    reply = wechat.reply(wechat.post(media_message(new_openid(), "voice", extra)))
    assert "吉林医保公共服务" in reply.content
    assert MEDICAL_SOURCE in reply.content


# ---------------------------------------------------------------------- one computation per message
def test_same_msgid_delivered_three_times_at_once_runs_the_chain_once(
    server: Running, wechat: WeChatSender
) -> None:
    openid = new_openid()
    retries_before = server.metric("faqbot_wechat_deliveries_total", outcome="retry")
    xml = text_message(openid, "家庭共济在哪里办理？", msg_id=new_msg_id())
    deliveries = concurrently(wechat, xml, 3)
    replies = [wechat.reply(d) for d in deliveries]
    assert len({r.content for r in replies}) == 1
    assert "吉林医保公共服务" in replies[0].content
    assert all(r.target == openid for r in replies)
    assert len(server.store_rows(openid)) == 1
    assert server.metric("faqbot_wechat_deliveries_total", outcome="retry") - retries_before == 2

    late_retry = wechat.reply(wechat.post(xml))  # after the answer went out
    assert late_retry.content == replies[0].content
    assert len(server.store_rows(openid)) == 1


def test_different_messages_with_the_same_text_are_each_answered(
    server: Running, wechat: WeChatSender
) -> None:
    openid = new_openid()
    wechat.ask(openid, "家庭共济在哪里办理？")
    wechat.ask(openid, "家庭共济在哪里办理？")
    assert len(server.store_rows(openid)) == 2


# ---------------------------------------------------------------------- conversations per openid
def test_follow_up_question_inherits_topic_per_resident(wechat: WeChatSender) -> None:
    resident, stranger = new_openid(), new_openid()
    first = wechat.ask(resident, FIRST_QUESTION).content
    assert "长春市邮政管理局" in first
    follow_up = wechat.ask(resident, FOLLOW_UP).content
    assert FOLLOW_UP_FACT in follow_up
    assert "来源：《开展邮政快递业保通保畅工作》2023-01" in follow_up
    alone = wechat.ask(stranger, FOLLOW_UP).content  # another resident's conversation knows no topic
    assert FOLLOW_UP_FACT not in alone


def test_conversation_resets_after_thirty_idle_minutes(server: Running, wechat: WeChatSender) -> None:
    openid = new_openid()
    wechat.ask(openid, FIRST_QUESTION)
    store = server.app.state.service.store
    store.flush()
    with store.engine.begin() as conn:
        conn.execute(
            update(messages)
            .where(messages.c.session_id == f"wechat:{openid}")
            .values(created_at=messages.c.created_at - dt.timedelta(minutes=31))
        )
    later = wechat.ask(openid, FOLLOW_UP).content
    assert FOLLOW_UP_FACT not in later
