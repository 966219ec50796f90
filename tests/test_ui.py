"""What the Gradio screens show, checked without a browser: read-aloud text, highlights, the hotline
line, the dashboard key check and the dashboard's numbers from a real SQLite store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.ops_stats import dashboard_stats, percentile
from bot.store import MessageRecord, Store
from bot.types import Answer, Citation
from bot.ui_dashboard import key_is_valid
from bot.ui_render import chat_markdown, highlight, read_aloud, sources_html

CITE = Citation(
    n=1,
    doc_id="cc-medical-outpatient",
    title="长春市实施职工医保门诊共济保障机制",
    date=dt.date(2023, 1, 3),
    quote="职工医保个人账户资金可由家庭成员共用共享。",
)


def test_read_aloud_answer_has_no_citation_markers() -> None:
    answer = Answer(text="可以。个人账户资金可由家庭成员共用共享[1]。需要先备案[2]。", answered=True)
    assert read_aloud(answer) == "可以。个人账户资金可由家庭成员共用共享。需要先备案。"


def test_read_aloud_of_a_long_answer_stops_at_a_sentence_end() -> None:
    answer = Answer(text="第一句话说明情况。" * 40, answered=True)
    spoken = read_aloud(answer, limit=100)
    assert len(spoken) <= 100 and spoken.endswith("。")


def test_declined_answer_read_aloud_ends_with_the_hotline() -> None:
    answer = Answer(
        text="抱歉，知识库里没有这个问题的答案。",
        answered=False,
        mode="declined",
        handoff="请拨打12345热线。",
    )
    assert read_aloud(answer).endswith("请拨打12345热线。")


def test_question_words_are_highlighted_in_the_quote_and_html_is_escaped() -> None:
    marked = highlight("<b>个人账户</b>资金可由家庭成员共用", ["个人账户", "家庭成员", "用"])
    assert marked == "&lt;b&gt;<mark>个人账户</mark>&lt;/b&gt;资金可由<mark>家庭成员</mark>共用"


def test_longer_question_word_wins_over_its_parts() -> None:
    assert highlight("门诊共济保障机制", ["门诊", "门诊共济"]) == "<mark>门诊共济</mark>保障机制"


def test_sources_show_title_date_and_marked_quote() -> None:
    html = sources_html([CITE], ["个人账户", "家庭成员"])
    assert "长春市实施职工医保门诊共济保障机制" in html and "2023-01-03" in html
    assert "<mark>个人账户</mark>" in html and "<mark>家庭成员</mark>" in html


def test_chat_message_shows_the_hotline_once_on_a_declined_answer() -> None:
    handoff = "如需进一步帮助，请拨打12345政务服务便民热线。"
    answer = Answer(
        text="抱歉，没有这个问题的答案。" + handoff, answered=False, mode="declined", handoff=handoff
    )
    shown = chat_markdown(answer)
    assert shown.count(handoff) == 1 and "转人工/热线" in shown


def test_chat_message_has_a_collapsible_quote_per_citation() -> None:
    shown = chat_markdown(Answer(text="可以共用[1]。", answered=True, citations=[CITE]))
    assert "<details><summary>[1] 长春市实施职工医保门诊共济保障机制 · 2023-01-03</summary>" in shown


def test_dashboard_key_must_match_one_configured_key() -> None:
    keys = ["alpha-key-1", "beta-key-2"]
    assert key_is_valid("beta-key-2", keys)
    assert key_is_valid("  alpha-key-1 ", keys)
    assert not key_is_valid("beta-key", keys)
    assert not key_is_valid("", keys)
    assert not key_is_valid("", [""])
    assert not key_is_valid("anything", [])


def test_p95_is_the_nearest_rank() -> None:
    assert percentile([], 95) == 0.0
    assert percentile([5.0], 95) == 5.0
    assert percentile([float(i) for i in range(1, 101)], 95) == 95.0


def _record(n: int, when: dt.datetime, **kw: object) -> MessageRecord:
    values: dict[str, object] = {
        "message_id": f"m{n}",
        "session_id": f"s{n}",
        "channel": "web",
        "question": "个人账户的钱能给家人用吗",
        "answer": "可以[1]。",
        "answered": True,
        "mode": "extractive",
        "topic": "medical_insurance",
        "latency_ms": 100.0,
        "created_at": when,
    }
    values.update(kw)
    return MessageRecord(**values)  # type: ignore[arg-type]


def test_dashboard_counts_days_topics_channels_declines_feedback_and_p95(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'faqbot.sqlite3'}")
    now = dt.datetime(2023, 1, 10, 12, 0)  # naive UTC, 20:00 in China
    try:
        store.record_message(_record(1, now - dt.timedelta(days=2), latency_ms=80.0))
        store.record_message(_record(2, now - dt.timedelta(hours=1), channel="wechat", latency_ms=120.0))
        store.record_message(
            _record(
                3,
                now,
                answered=False,
                mode="declined",
                topic=None,
                question="电费多少钱一度",
                latency_ms=900.0,
            )
        )
        store.record_message(
            _record(4, now, answered=False, mode="declined", topic=None, question="电费多少钱一度")
        )
        store.record_message(_record(5, now - dt.timedelta(days=30)))  # outside the window
        store.flush()
        store.add_feedback("m2", "down", "没说怎么备案", kind="resident")
        store.add_feedback("m1", "up", None, kind="staff_used")
        store.add_feedback("m3", "down", "缺电价", kind="knowledge_gap")

        data = dashboard_stats(store, days=14, now=now)
    finally:
        store.close()

    assert data["questions"] == 4 and data["answered"] == 2 and data["declined"] == 2
    assert [d["questions"] for d in data["per_day"]][-3:] == [1, 0, 3]
    assert data["per_day"][-1]["day"] == "2023-01-10"
    assert {t["name"]: (t["answered"], t["declined"]) for t in data["by_topic"]} == {
        "医保": (2, 0),
        "未分类": (0, 2),
    }
    assert {c["name"]: (c["answered"], c["declined"]) for c in data["by_channel"]} == {
        "网页组件": (1, 2),
        "微信": (1, 0),
    }
    assert data["top_declined"] == [{"question": "电费多少钱一度", "count": 2}]
    assert data["p95_ms"] == 900.0
    assert [(f["question"], f["comment"]) for f in data["thumbs_down"]] == [
        ("个人账户的钱能给家人用吗", "没说怎么备案")
    ]
    assert data["resident_feedback"] == {"up": 0, "down": 1}, "staff ratings are not residents' ratings"
    assert data["staff_counts"] == {"已采用": 1, "答案有误": 0, "知识缺口": 1}
    assert {f["kind"] for f in data["staff_feedback"]} == {"已采用", "知识缺口"}
