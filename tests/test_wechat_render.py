"""What a resident reads in WeChat: plain text within 2048 UTF-8 bytes, sources as short lines."""

from __future__ import annotations

import datetime as dt

from wechatpy.replies import TextReply, deserialize_reply

from bot.types import Answer, Citation
from bot.wechat_protocol import text_reply_xml
from bot.wechat_render import REPLY_LIMIT_BYTES, cut_to_bytes, render_answer, utf8_len

MEDICAL = Citation(
    1, "cc-medical-outpatient", "长春市实施职工医保门诊共济保障机制", dt.date(2023, 1, 3), "……"
)
GAS = Citation(2, "gas-new-year-eve", "跨年夜里的坚守", dt.date(2022, 12, 31), "……")
WIDGET = "https://faq.example.gov.cn/widget?from=wechat&lang=zh"
SENTENCE_ENDS = "。！？!?；;…"


def long_answer(chars: int = 5000) -> Answer:
    """A 5,000-character answer: numbered sentences of mixed length, citing two articles."""
    parts: list[str] = []
    i = 0
    while sum(len(p) for p in parts) < chars:
        i += 1
        n = 1 if i < 20 else 2
        parts.append(
            f"第{i}条：参保职工可通过家庭共济模块绑定家庭成员，个人账户资金可以共用共享{'，费用包括药品和耗材' * (i % 3)}[{n}]。"
        )
    return Answer("".join(parts), True, [MEDICAL, GAS])


def test_short_answer_is_plain_text_then_one_source_line_per_article() -> None:
    answer = Answer(
        "2023年1月1日起，长春市启动门诊共济[1]。家庭成员可以共用个人账户[1]。燃气员工坚守一线[2]。",
        True,
        [MEDICAL, GAS],
    )
    text = render_answer(answer, WIDGET)
    assert text == (
        "2023年1月1日起，长春市启动门诊共济。家庭成员可以共用个人账户。燃气员工坚守一线。\n\n"
        "来源：《长春市实施职工医保门诊共济保障机制》2023-01\n"
        "来源：《跨年夜里的坚守》2022-12"
    )


def test_five_thousand_character_answer_is_cut_at_a_sentence_end_within_2048_bytes() -> None:
    answer = long_answer(5000)
    assert len(answer.text) >= 5000
    text = render_answer(answer, WIDGET)
    assert utf8_len(text) <= REPLY_LIMIT_BYTES
    body, _, tail = text.partition("\n\n")
    assert body[-1] in SENTENCE_ENDS
    assert body in answer.text.replace("[1]", "").replace("[2]", "")
    assert len(body) > 400, "the cut keeps as much of the answer as fits"
    assert tail.endswith(f"内容较长，完整答案请看：{WIDGET}")
    # Only the first 19 sentences cite article 1, and they are all that fits: article 2 is not listed.
    assert "来源：《长春市实施职工医保门诊共济保障机制》2023-01" in tail
    assert "跨年夜里的坚守" not in tail


def test_cut_answer_without_widget_url_still_says_it_was_shortened() -> None:
    text = render_answer(long_answer(), None)
    assert utf8_len(text) <= REPLY_LIMIT_BYTES
    assert text.endswith("内容较长，以上是主要部分。")


def test_cut_never_splits_a_multibyte_character_or_an_emoji() -> None:
    # One endless "sentence" of 4-byte emoji and 3-byte Chinese with a skin-tone modifier: no sentence end fits.
    text = "👍🏽医保" * 1000
    for budget in range(200, 220):
        kept = cut_to_bytes(text, budget)
        assert utf8_len(kept) <= budget
        kept.encode("utf-8").decode("utf-8")  # whole characters only
        assert kept.endswith("……")
        assert not kept.removesuffix("……").endswith("👍"), "the skin tone stays with its emoji"


def test_rendered_answer_fits_2048_bytes_for_every_length() -> None:
    for chars in (100, 600, 700, 2000, 5000, 20000):
        text = render_answer(long_answer(chars), WIDGET)
        assert utf8_len(text) <= REPLY_LIMIT_BYTES, chars


def test_declined_answer_keeps_the_handoff_line() -> None:
    answer = Answer(
        "抱歉，知识库里没有这个问题的答案。", False, handoff="请拨打12345政务服务便民热线。", mode="declined"
    )
    assert render_answer(answer) == "抱歉，知识库里没有这个问题的答案。\n请拨打12345政务服务便民热线。"


def test_pickup_header_counts_against_the_limit() -> None:
    header = "您刚才问：“家庭共济在哪办”\n"
    text = render_answer(long_answer(), WIDGET, header=header)
    assert text.startswith(header)
    assert utf8_len(text) <= REPLY_LIMIT_BYTES


def test_special_characters_round_trip_through_the_reply_xml() -> None:
    content = "a]]>b <tag> & &amp; \"quote\" 'single' 😀👨‍👩‍👧\n第二行\n\n第四行 ]]]]> ]]"
    xml = text_reply_xml("o6_openid", "gh_account", content, now=1714036504)
    reply = deserialize_reply(xml)
    assert isinstance(reply, TextReply)
    assert reply.content == content
    assert reply.target == "o6_openid"
    assert reply.source == "gh_account"
    assert reply.time == 1714036504


def test_control_characters_are_dropped_so_the_xml_stays_valid() -> None:
    reply = deserialize_reply(text_reply_xml("o", "gh", "答案\x00\x08\x1b是这样\t的\n。"))
    assert reply.content == "答案是这样\t的\n。"
