"""`faqbot ingest` hands jieba and the model to helper processes: the index must not notice.

Real helper processes, real files in a temp folder, real indexes compared with a full rebuild.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO
from index_support import assert_same_index, dated_knowledge, edit

from bot.config import Settings
from bot.index import load_index
from bot.ingest_worker import IngestWorker, WorkerError
from bot.service import embeddings_for, ingest_paths
from bot.words import tokenize

QUESTIONS = ("供暖期什么时候开始", "家里人能不能用我的医保个人账户", "春节快递网点营业时间")


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    return dated_knowledge(tmp_path)


def _change_three_articles(knowledge: Path) -> None:
    postal = knowledge / "postal-baotong.md"
    edit(postal, postal.read_text(encoding="utf-8") + "\n邮政管理部门提醒，春节期间寄递网点营业时间以网点公告为准。\n")
    (knowledge / "hongqi-h6.md").unlink()
    edit(knowledge / "heating.md", "---\ntitle: 供暖通知\ndate: 2023-02-01\n---\n供暖期自10月28日开始，次年4月停止。\n")


def faqbot_ingest(data_dir: Path, knowledge: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAQBOT_")}
    env.update(FAQBOT_DATA_DIR=str(data_dir), FAQBOT_KNOWLEDGE_DIR=str(knowledge))
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "ingest", "--quiet"], capture_output=True, text=True, env=env, cwd=REPO, timeout=300
    )


def _assert_same_index(settings: Settings, knowledge: Path, tmp_path: Path) -> None:
    """The index in ``settings`` answers exactly as a full rebuild of ``knowledge`` in this process."""
    incremental = load_index(settings.index_dir)
    rebuilt_settings = Settings(data_dir=tmp_path / "rebuilt", knowledge_dir=knowledge)
    ingest_paths(rebuilt_settings, full=True)
    rebuilt = load_index(rebuilt_settings.index_dir)
    emb = embeddings_for(rebuilt_settings)
    assert_same_index(incremental, rebuilt, emb, terms=("供暖", "网点"), questions=QUESTIONS)


def test_faqbot_ingest_after_editing_articles_answers_as_a_full_rebuild(tmp_path: Path, knowledge: Path) -> None:
    data = tmp_path / "data"
    first = faqbot_ingest(data, knowledge)
    assert first.returncode == 0, first.stderr
    _change_three_articles(knowledge)
    again = faqbot_ingest(data, knowledge)
    assert again.returncode == 0, again.stderr
    assert re.search(r"added\s*│\s*1\s*│", again.stderr) and re.search(r"updated\s*│\s*1\s*│", again.stderr)
    assert re.search(r"removed\s*│\s*1\s*│", again.stderr) and "Traceback" not in again.stderr
    _assert_same_index(Settings(data_dir=data, knowledge_dir=knowledge), knowledge, tmp_path)


def test_an_update_through_the_helpers_equals_a_full_rebuild(tmp_path: Path, knowledge: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=knowledge)
    ingest_paths(settings)
    _change_three_articles(knowledge)
    with IngestWorker(settings.embedding) as worker:
        result = ingest_paths(settings, worker=worker)
        # The helpers tokenized and embedded the new chunks; this process did not fall back.
        assert worker.words.answered == 1 and worker.model.answered >= 1
        assert not worker.words.failed and not worker.model.failed
    assert result.report.updated == ["postal-baotong"] and result.report.added == ["heating"]
    assert result.report.embedded_chunks > 0 and result.files_read == 2
    _assert_same_index(settings, knowledge, tmp_path)


def test_helpers_give_the_tokens_and_vectors_ingest_computes_itself(settings: Settings) -> None:
    texts = ["职工医保个人账户可以给家属用吗", "春节期间寄递网点营业时间以网点公告为准。", "H6 车型 2023 年上市"]
    with IngestWorker(settings.embedding) as worker:
        assert worker.tokenize(texts) == [tokenize(t) for t in texts]
        vectors = worker.encode(texts)
    local = embeddings_for(settings, batch=True).encode(texts)
    assert vectors.shape == local.shape and vectors.dtype == np.float32
    assert np.allclose(vectors, local, atol=1e-5)


def test_a_helper_that_cannot_load_the_model_leaves_the_work_to_the_ingest(tmp_path: Path, knowledge: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=knowledge)
    ingest_paths(settings)
    _change_three_articles(knowledge)
    with IngestWorker(str(tmp_path / "no-such-model")) as worker:
        with pytest.raises(WorkerError):
            worker.encode(["供暖期什么时候开始"])
        result = ingest_paths(settings, worker=worker)
    assert not result.fatal and result.report.updated == ["postal-baotong"]
    _assert_same_index(settings, knowledge, tmp_path)


def test_ingest_of_many_files_embeds_half_of_every_batch_in_the_helper_with_the_same_vectors(
    tmp_path: Path, knowledge: Path
) -> None:
    """Past ``WORKER_MAX_FILES`` read files the model helper embeds half of each batch on the other core
    (jieba stays here); the index is the one a single process writes."""
    from bot import service

    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=knowledge)
    for i in range(service.WORKER_MAX_FILES + 1):
        edit(knowledge / f"notice-{i:02d}.md", f"---\ntitle: 通知{i}\ndate: 2023-02-01\n---\n第{i}号通知：供暖期自10月28日开始。\n")
    with IngestWorker(settings.embedding) as worker:
        result = ingest_paths(settings, worker=worker)
        assert worker.model.answered > 0 and not worker.model.failed and worker.words.answered == 0
    assert len(result.report.added) == 8 + service.WORKER_MAX_FILES + 1

    alone = Settings(data_dir=tmp_path / "alone", knowledge_dir=knowledge, threads=1)  # one thread: no split
    ingest_paths(alone, full=True)
    split, single = load_index(settings.index_dir), load_index(alone.index_dir)
    assert [c.to_dict() for c in split.chunks] == [c.to_dict() for c in single.chunks]
    assert np.allclose(np.asarray(split.vectors), np.asarray(single.vectors), atol=1e-5)
