"""The `faqbot` command as an operator runs it: a real subprocess, a private data dir."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import KNOWLEDGE, REPO


def faqbot(*args: str, data_dir: Path, input: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAQBOT_")}
    env.update(FAQBOT_DATA_DIR=str(data_dir), FAQBOT_KNOWLEDGE_DIR=str(KNOWLEDGE))
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, env=env, input=input, cwd=REPO, timeout=300
    )


def test_ingest_reports_a_summary_and_bad_files_by_name(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge, ignore=shutil.ignore_patterns("faq.yaml"))
    (knowledge / "broken.pdf").write_bytes(b"not a pdf at all")
    out = faqbot("ingest", str(knowledge), data_dir=tmp_path / "data")
    assert out.returncode == 0, out.stderr
    assert re.search(r"documents ingested\s*│\s*8\s*│", out.stderr)
    assert "broken.pdf" in out.stderr
    again = faqbot("ingest", str(knowledge), data_dir=tmp_path / "data")
    assert "unchanged" in again.stderr and "chunks embedded" in again.stderr


def test_ingest_of_nothing_usable_fails_and_keeps_no_index(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "junk.xlsx").write_bytes(b"x")
    out = faqbot("ingest", str(empty), data_dir=tmp_path / "data")
    assert out.returncode != 0
    assert "junk.xlsx" in out.stderr and "Traceback" not in out.stderr


def test_search_json_ranks_the_family_sharing_article_first(data_dir: Path) -> None:
    out = faqbot("search", "家里人能不能用我的医保个人账户", "--json", "-k", "3", data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)
    assert hits[0]["doc_id"] == "cc-medical-outpatient"
    assert set(hits[0]) >= {"doc_id", "title", "date", "chunk_id", "text", "score"}
    assert len(hits) == 3 and hits[0]["score"] >= hits[1]["score"]


def test_search_without_an_index_is_a_one_line_error(tmp_path: Path) -> None:
    out = faqbot("search", "医保", data_dir=tmp_path / "nothing")
    assert out.returncode != 0
    assert "faqbot ingest" in out.stderr and "Traceback" not in out.stderr


def test_eval_retrieval_prints_three_modes_side_by_side(data_dir: Path) -> None:
    out = faqbot("eval", "--retrieval", str(REPO / "eval" / "questions.jsonl"), data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    lines = {line.split()[0]: line.split()[1:] for line in out.stdout.splitlines()[2:]}
    assert set(lines) == {"dense", "bm25", "hybrid"}
    assert all(len(values) == 3 and all(0 <= float(v) <= 1 for v in values) for values in lines.values())


def test_every_command_help_carries_an_example(tmp_path: Path) -> None:
    for command in ("ingest", "search", "eval"):
        out = faqbot(command, "--help", data_dir=tmp_path)
        assert out.returncode == 0 and "example:" in out.stdout
