from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import KNOWLEDGE

from bot.errors import IndexMismatchError, IndexMissingError
from bot.index import build_index, current_version, load_index
from bot.ingest import load_documents
from bot.retrieve import retrieve_hybrid


def _copy_knowledge(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target, ignore=shutil.ignore_patterns("faq.yaml"))
    return target


def test_manifest_records_model_chunker_hashes_and_build_time(seed_index_dir: Path, embeddings) -> None:  # type: ignore[no-untyped-def]
    index = load_index(seed_index_dir / "index", embeddings.model_id)
    manifest = json.loads((index.path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["embedding"] == {"model_id": embeddings.model_id, "dimension": 512}
    assert manifest["chunker"] == {"size": 300, "overlap": 1}
    assert manifest["built_at"] and manifest["n_chunks"] == len(index.chunks) > 0
    assert set(manifest["documents"]) == {p.stem for p in KNOWLEDGE.glob("*.md")}
    assert all(len(d["hash"]) == 64 for d in manifest["documents"].values())


def test_saved_index_holds_no_pickles(seed_index_dir: Path) -> None:
    version_dir = seed_index_dir / "index" / current_version(seed_index_dir / "index")  # type: ignore[operator]
    for npy in version_dir.rglob("*.np[yz]"):
        loaded = np.load(npy, allow_pickle=False)  # raises if anything in it needs unpickling
        if hasattr(loaded, "files"):
            for name in loaded.files:
                assert loaded[name].dtype != object
    assert not list(version_dir.rglob("*.pkl")) and not list(version_dir.rglob("*.pickle"))


def test_reingest_embeds_only_changed_and_new_documents_and_drops_deleted(tmp_path: Path, embeddings) -> None:  # type: ignore[no-untyped-def]
    knowledge = _copy_knowledge(tmp_path)
    index_dir = tmp_path / "index"
    first = build_index(load_documents([knowledge]).documents, index_dir, embeddings)
    assert len(first.added) == 8 and first.embedded_chunks == first.chunks

    medical = knowledge / "cc-medical-outpatient.md"
    medical.write_text(medical.read_text(encoding="utf-8") + "\n补充说明：具体以医保部门公布为准。\n", encoding="utf-8")
    (knowledge / "hongqi-h6.md").unlink()
    (knowledge / "new.md").write_text("---\ntitle: 新文章\ndate: 2023-02-01\n---\n供暖期自10月28日开始。\n", encoding="utf-8")
    second = build_index(load_documents([knowledge]).documents, index_dir, embeddings)

    assert second.updated == ["cc-medical-outpatient"] and second.added == ["new"] and second.removed == ["hongqi-h6"]
    assert len(second.unchanged) == 6
    index = load_index(index_dir, embeddings.model_id)
    changed_chunks = sum(1 for c in index.chunks if c.doc_id in ("cc-medical-outpatient", "new"))
    assert second.embedded_chunks == changed_chunks
    assert not any(c.doc_id == "hongqi-h6" for c in index.chunks)
    hits = retrieve_hybrid(index, embeddings, "供暖期什么时候开始", 1)
    assert hits[0].chunk.doc_id == "new"
    hits = retrieve_hybrid(index, embeddings, "家里人能不能用我的医保个人账户", 1)
    assert hits[0].chunk.doc_id == "cc-medical-outpatient"


def test_index_built_with_another_model_says_to_reingest(seed_index_dir: Path) -> None:
    with pytest.raises(IndexMismatchError, match="faqbot ingest"):
        load_index(seed_index_dir / "index", "st:bge-small-zh:abc")


def test_missing_index_says_to_ingest(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="faqbot ingest"):
        load_index(tmp_path / "index")


def _big_knowledge(tmp_path: Path, copies: int) -> Path:
    """Many distinct articles, so that embedding takes several seconds."""
    target = tmp_path / "big"
    target.mkdir()
    for source in sorted(KNOWLEDGE.glob("*.md")):
        text = source.read_text(encoding="utf-8")
        for i in range(copies):
            (target / f"{source.stem}-{i}.md").write_text(
                text.replace(f"id: {source.stem}", f"id: {source.stem}-{i}") + f"\n第{i}次转载。\n", encoding="utf-8"
            )
    return target


def test_killed_ingest_leaves_the_previous_index_serving(tmp_path: Path, embeddings) -> None:  # type: ignore[no-untyped-def]
    data_dir = tmp_path / "data"
    index_dir = data_dir / "index"
    build_index(load_documents([KNOWLEDGE]).documents, index_dir, embeddings)
    before = current_version(index_dir)
    big = _big_knowledge(tmp_path, copies=25)

    env = {**os.environ, "FAQBOT_DATA_DIR": str(data_dir)}
    for kill_after in (1.5, 4.0):
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "ingest", "--quiet", str(big)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(kill_after)
        assert proc.poll() is None, "ingest finished before it could be killed; make the knowledge base bigger"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert current_version(index_dir) == before
        index = load_index(index_dir, embeddings.model_id)
        assert retrieve_hybrid(index, embeddings, "液化气灌装站一天充装多少钱瓶", 1)[0].chunk.doc_id == "gas-new-year-eve"

    # A later ingest still works despite the debris of the killed ones.
    build_index(load_documents([KNOWLEDGE]).documents, index_dir, embeddings, full=True)
    assert current_version(index_dir) != before
