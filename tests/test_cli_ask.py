"""`faqbot ask`, run as a real process against a copy of the seed index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from answers_support import article_texts

ASK_KEYS = {"question", "answer", "answered", "citations", "session"}


def _faqbot(data_dir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FAQBOT_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_ask_prints_the_answer_and_numbered_sources(data_dir: Path) -> None:
    run = _faqbot(data_dir, "红旗H6百公里加速几秒")
    assert run.returncode == 0, run.stderr
    assert "6.8秒" in run.stdout
    assert "出处" in run.stdout and "[1] 《红旗H6亮相广州车展》 2023-01-03" in run.stdout


def test_ask_json_lines_keep_sessions_apart_and_in_order(data_dir: Path) -> None:
    lines = [
        {"question": "六之维合作社梨树分社是做什么的？", "session": "a"},
        {"question": "松原市邮政管理局去了哪个物流园区检查？", "session": "b"},
        {"question": "带动了多少人就业？", "session": "a"},
        {"question": "辽源呢？", "session": "b"},
        {"question": "医保卡丢了怎么补办？"},
    ]
    run = _faqbot(data_dir, "--json", stdin="".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines))
    assert run.returncode == 0, run.stderr
    out = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(out) == len(lines)
    for sent, got in zip(lines, out, strict=True):
        assert set(got) == ASK_KEYS
        assert got["question"] == sent["question"]
        assert got["session"] == sent.get("session")
        for c in got["citations"]:
            assert set(c) == {"doc_id", "title", "date", "quote"}
            assert c["quote"] in article_texts()[c["doc_id"]]
    assert "100余位" in out[2]["answer"] and out[2]["answered"]
    assert "辽源" in out[3]["answer"] and "瑞禾苗" not in out[3]["answer"]
    assert out[4]["answered"] is False and out[4]["citations"] == []


def test_ask_json_reports_a_bad_line_and_answers_the_rest(data_dir: Path) -> None:
    stdin = 'not json\n{"question": ""}\n{"question": "辽源灌装站站长是谁"}\n'
    run = _faqbot(data_dir, "--json", stdin=stdin)
    assert run.returncode == 1
    out = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(out) == 3
    assert "error" in out[0] and "error" in out[1]
    assert out[2]["answered"] and "杨博" in out[2]["answer"]


def test_ask_without_question_or_json_explains_itself(data_dir: Path) -> None:
    run = _faqbot(data_dir)
    assert run.returncode == 2
    assert "--json" in run.stderr and "Traceback" not in run.stderr


def test_ask_without_an_index_says_to_run_ingest(tmp_path: Path) -> None:
    run = _faqbot(tmp_path / "empty", "门诊能报销吗")
    assert run.returncode != 0
    assert "faqbot ingest" in run.stderr and "Traceback" not in run.stderr
