"""`faqbot eval`: the figures on small question and dialog files, the judge, and the Markdown+PNG report."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

from bot.config import Settings
from bot.eval_answers import judge, run_answer_eval
from bot.types import Answer, Citation

QUESTIONS = [
    {
        "id": "t1",
        "question": "红旗H6百公里加速几秒",
        "in_scope": True,
        "doc_id": "hongqi-h6",
        "facts": ["6.8秒"],
        "topic": "auto",
        "split": "dev",
    },
    {
        "id": "t2",
        "question": "辽源灌装站站长是谁",
        "in_scope": True,
        "doc_id": "gas-new-year-eve",
        "facts": ["杨博"],
        "topic": "gas",
        "split": "dev",
    },
    {
        "id": "t3",
        "question": "液化气一罐多少钱？",
        "in_scope": False,
        "doc_id": None,
        "facts": [],
        "topic": "gas",
        "split": "dev",
    },
    {
        "id": "t4",
        "question": "梨树县温室大棚年产蔬菜水果多少吨？",
        "in_scope": True,
        "doc_id": "power-lishu-strawberry",
        "facts": ["32万余吨"],
        "topic": "power",
        "split": "test",
    },
    {
        "id": "t5",
        "question": "医保卡丢了怎么补办？",
        "in_scope": False,
        "doc_id": None,
        "facts": [],
        "topic": "medical_insurance",
        "split": "test",
    },
]
DIALOGS = [
    {
        "id": "dd1",
        "split": "dev",
        "turns": [
            {
                "question": "六之维合作社梨树分社是做什么的？",
                "in_scope": True,
                "doc_id": "power-lishu-strawberry",
                "facts": ["草莓"],
            },
            {
                "question": "带动了多少人就业？",
                "in_scope": True,
                "doc_id": "power-lishu-strawberry",
                "facts": ["100余位"],
            },
        ],
    }
]


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_judge_needs_answered_every_fact_and_the_expected_article() -> None:
    item = {"in_scope": True, "doc_id": "hongqi-h6", "facts": ["2.0T", "185kW"]}
    cite = Citation(1, "hongqi-h6", "红旗H6亮相广州车展", dt.date(2023, 1, 3), "…", 0, 1)
    good = Answer(text="整车搭载2.0T四缸发动机，最大功率为185ｋＷ[1]。", answered=True, citations=[cite])
    assert judge(item, good)[0], "facts compare after normalising full-width letters"
    assert not judge(item, Answer(text="整车搭载2.0T四缸发动机[1]。", answered=True, citations=[cite]))[0]
    other = Citation(1, "gas-new-year-eve", "跨年夜里的坚守", dt.date(2023, 1, 3), "…", 0, 1)
    assert not judge(item, Answer(text=good.text, answered=True, citations=[other]))[0]
    assert not judge(item, Answer(text=good.text, answered=False))[0]
    assert judge({"in_scope": False}, Answer(text="抱歉", answered=False))[0]


def test_eval_reports_both_splits_and_writes_a_report_with_charts(
    settings: Settings, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    args = argparse.Namespace(
        file=str(_write(tmp_path / "q.jsonl", QUESTIONS)),
        dialogs=str(_write(tmp_path / "d.jsonl", DIALOGS)),
        split="all",
        json=True,
        report=str(tmp_path / "report"),
        retrieval=None,
    )
    assert run_answer_eval(settings, args) == 0
    printed = capsys.readouterr().out
    figures = json.loads(printed[: printed.rindex("}") + 1])
    assert set(figures) == {"dev", "test"}
    dev, test = figures["dev"], figures["test"]
    assert (dev["in_scope"], dev["out_of_scope"], test["in_scope"], test["out_of_scope"]) == (2, 1, 1, 1)
    assert dev["answer_accuracy"] == 1.0 and test["answer_accuracy"] == 1.0
    assert dev["out_of_scope_declined"] == 1.0 and dev["abstention_precision"] == 1.0
    assert dev["followup_turns"] == 1 and dev["followup_accuracy"] == 1.0
    assert test["followup_turns"] == 0 and test["followup_accuracy"] is None
    assert dev["citation_precision"] == 1.0
    assert 0 < dev["latency_p50_ms"] <= dev["latency_p95_ms"]
    assert dev["per_topic"]["gas"] == {
        "in_scope": 1,
        "answer_accuracy": 1.0,
        "out_of_scope": 1,
        "declined": 1.0,
    }

    report = tmp_path / "report"
    markdown = (report / "report.md").read_text(encoding="utf-8")
    assert "faqbot eval" in markdown and "| answer accuracy (in scope) |" in markdown
    for chart in ("summary.png", "topics.png", "latency.png"):
        assert (report / chart).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"({chart})" in markdown
