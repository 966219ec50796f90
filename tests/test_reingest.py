"""Re-ingesting a knowledge folder after small edits: only what changed is read and embedded.

Real files in a temp folder, a real index, ``ingest_paths`` as ``faqbot ingest`` runs it.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from index_support import assert_same_index, dated_knowledge, edit

from bot.config import Settings
from bot.index import current_version, load_index
from bot.retrieve import retrieve_hybrid
from bot.service import ingest_paths
from bot.words import words_fingerprint


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    return dated_knowledge(tmp_path)


def _settings(tmp_path: Path, knowledge: Path, name: str = "data") -> Settings:
    return Settings(data_dir=tmp_path / name, knowledge_dir=knowledge)


def test_second_ingest_of_an_unchanged_folder_reads_no_file(tmp_path: Path, knowledge: Path) -> None:
    settings = _settings(tmp_path, knowledge)
    first = ingest_paths(settings)
    assert first.files_read == 8 and first.report.embedded_chunks == first.report.chunks > 0
    again = ingest_paths(settings)
    assert again.files_read == 0 and again.files_reused == 8
    assert again.report.embedded_chunks == 0 and len(again.report.unchanged) == 8


def test_ingest_with_nothing_changed_keeps_the_serving_version(tmp_path: Path, knowledge: Path) -> None:
    settings = _settings(tmp_path, knowledge)
    first = ingest_paths(settings).report.version
    again = ingest_paths(settings).report
    assert again.layout == "unchanged" and again.version == first
    assert current_version(settings.index_dir) == first  # running servers have nothing to reload
    assert [p.name for p in settings.index_dir.iterdir() if p.is_dir()] == [first]
    # A touched file gets its new size and time recorded, in a new version, still embedding nothing.
    os.utime(knowledge / "postal-baotong.md", (time.time() - 30, time.time() - 30))
    touched = ingest_paths(settings).report
    assert touched.version != first and touched.embedded_chunks == 0


def test_touching_a_file_without_changing_it_re_embeds_nothing(tmp_path: Path, knowledge: Path) -> None:
    settings = _settings(tmp_path, knowledge)
    ingest_paths(settings)
    os.utime(knowledge / "postal-baotong.md", (time.time() - 30, time.time() - 30))
    touched = ingest_paths(settings)
    assert touched.files_read == 1  # its mtime changed, so it is read and hashed ...
    assert touched.report.embedded_chunks == 0 and touched.report.updated == []  # ... but its hash did not
    # The new mtime was recorded: the next scan skips the file again.
    assert ingest_paths(settings).files_read == 0


def test_changing_one_file_re_embeds_only_its_chunks(tmp_path: Path, knowledge: Path) -> None:
    settings = _settings(tmp_path, knowledge)
    ingest_paths(settings)
    before = load_index(settings.index_dir)
    article = knowledge / "postal-baotong.md"
    edit(article, article.read_text(encoding="utf-8") + "\n邮政管理部门提醒，春节期间寄递网点营业时间以网点公告为准。\n")
    result = ingest_paths(settings)
    assert result.files_read == 1 and result.report.updated == ["postal-baotong"]
    index = load_index(settings.index_dir)
    postal = [c for c in index.chunks if c.doc_id == "postal-baotong"]
    assert result.report.embedded_chunks == len(postal)
    assert [c for c in index.chunks if c.doc_id != "postal-baotong"] == [
        c for c in before.chunks if c.doc_id != "postal-baotong"
    ]
    hit = retrieve_hybrid(index, settings_embeddings(settings), "春节期间寄递网点营业时间以什么为准", 1)[0]
    assert hit.chunk.doc_id == "postal-baotong" and "网点公告" in hit.chunk.text


def settings_embeddings(settings: Settings):  # type: ignore[no-untyped-def]
    from bot.service import embeddings_for

    return embeddings_for(settings)


def test_deleting_a_file_removes_its_chunks_and_a_broken_file_is_named(tmp_path: Path, knowledge: Path) -> None:
    settings = _settings(tmp_path, knowledge)
    ingest_paths(settings)
    (knowledge / "hongqi-h6.md").unlink()
    (knowledge / "broken.pdf").write_bytes(b"not a pdf at all")
    result = ingest_paths(settings)
    assert result.report.removed == ["hongqi-h6"] and result.report.embedded_chunks == 0
    assert [e.path for e in result.errors] == [str(knowledge / "broken.pdf")]
    assert len(result.report.unchanged) == 7
    index = load_index(settings.index_dir)
    assert not any(c.doc_id == "hongqi-h6" for c in index.chunks)
    assert "hongqi-h6" not in index.documents
    # The broken file is reported again on every ingest until it is fixed.
    assert [e.path for e in ingest_paths(settings).errors] == [str(knowledge / "broken.pdf")]


def test_a_file_whose_size_and_mtime_did_not_change_is_not_read_until_a_full_ingest(
    tmp_path: Path, knowledge: Path
) -> None:
    """The quick check trusts size + mtime, like make and git; ``faqbot ingest --full`` reads everything."""
    settings = _settings(tmp_path, knowledge)
    ingest_paths(settings)
    article = knowledge / "gas-new-year-eve.md"
    st = article.stat()
    text = article.read_text(encoding="utf-8")
    swapped = text.replace("液化气", "天然气", 1)
    assert swapped != text and len(swapped.encode()) == st.st_size
    article.write_text(swapped, encoding="utf-8")
    os.utime(article, ns=(st.st_atime_ns, st.st_mtime_ns))
    quick = ingest_paths(settings)
    assert quick.files_read == 0 and quick.report.updated == []
    full = ingest_paths(settings, full=True)
    assert full.files_read == 8
    assert any("天然气" in c.text for c in load_index(settings.index_dir).chunks if c.doc_id == "gas-new-year-eve")


def test_incremental_index_equals_a_full_rebuild(tmp_path: Path, knowledge: Path) -> None:
    settings = _settings(tmp_path, knowledge)
    ingest_paths(settings)
    medical = knowledge / "cc-medical-outpatient.md"
    edit(medical, medical.read_text(encoding="utf-8") + "\n补充说明：具体以医保部门公布为准。\n")
    (knowledge / "hongqi-h6.md").unlink()
    edit(knowledge / "new.md", "---\ntitle: 供暖通知\ndate: 2023-02-01\n---\n供暖期自10月28日开始，次年4月停止。\n")
    ingest_paths(settings)
    postal = knowledge / "postal-baotong.md"
    edit(postal, postal.read_text(encoding="utf-8") + "\n网点营业时间以公告为准。\n")
    second = ingest_paths(settings)
    assert second.report.layout == "delta"
    incremental = load_index(settings.index_dir)
    rebuilt_settings = _settings(tmp_path, knowledge, "rebuilt")
    ingest_paths(rebuilt_settings, full=True)
    rebuilt = load_index(rebuilt_settings.index_dir)

    questions = ("供暖期什么时候开始", "家里人能不能用我的医保个人账户", "春节快递网点营业时间")
    emb = settings_embeddings(settings)
    assert_same_index(incremental, rebuilt, emb, terms=("门诊", "网点"), questions=questions)


def test_an_update_shares_the_unchanged_base_with_the_serving_version(tmp_path: Path, knowledge: Path) -> None:
    settings = _settings(tmp_path, knowledge)
    ingest_paths(settings)
    serving = settings.index_dir / str(current_version(settings.index_dir))
    before = load_index(settings.index_dir)
    article = knowledge / "postal-baotong.md"
    edit(article, article.read_text(encoding="utf-8") + "\n网点营业时间以公告为准。\n")
    assert ingest_paths(settings).report.layout == "delta"
    new = settings.index_dir / str(current_version(settings.index_dir))
    assert new != serving
    for name in ("chunks.jsonl", "vectors.npy", "dense.faiss", "tokens.npz"):
        assert (new / name).stat().st_ino == (serving / name).stat().st_ino  # a hard link, not a copy
    # The version that was serving still loads as it was.
    old = load_index(settings.index_dir, version=serving.name)
    assert [c.to_dict() for c in old.chunks] == [c.to_dict() for c in before.chunks]


def test_a_delta_that_outgrows_its_base_is_folded_into_a_new_base(tmp_path: Path, knowledge: Path) -> None:
    settings = _settings(tmp_path, knowledge)
    ingest_paths(settings)
    for article in sorted(knowledge.glob("*.md")):
        edit(article, article.read_text(encoding="utf-8") + "\n以上内容如有变化，以有关部门最新公告为准。\n")
    result = ingest_paths(settings)
    assert result.report.layout == "rebase" and len(result.report.updated) == 8
    version = settings.index_dir / str(current_version(settings.index_dir))
    assert not (version / "order.npy").exists() and not (version / "delta").exists()
    index = load_index(settings.index_dir)
    assert len(index.chunks) == result.report.chunks == index.dense.ntotal
    hit = retrieve_hybrid(index, settings_embeddings(settings), "家里人能不能用我的医保个人账户", 1)[0]
    assert hit.chunk.doc_id == "cc-medical-outpatient"


def test_an_index_cut_into_words_another_way_is_cut_again(tmp_path: Path, knowledge: Path) -> None:
    """After an upgrade that cuts words differently (a new domain word), unchanged articles must not keep
    their old tokens: the next ingest rebuilds, and the index equals a fresh build. An index from before
    the fingerprint existed counts as cut another way."""
    settings = _settings(tmp_path, knowledge)
    first = ingest_paths(settings).report.version
    manifest_path = settings.index_dir / first / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    assert manifest["words"] == words_fingerprint()
    del manifest["words"]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    again = ingest_paths(settings)
    assert again.report.layout == "full" and again.report.version != first
    assert again.files_read == 8 and not again.report.unchanged
    rebuilt_settings = _settings(tmp_path, knowledge, "rebuilt")
    ingest_paths(rebuilt_settings, full=True)
    questions = ("家里人能不能用我的医保个人账户", "春节快递网点营业时间")
    assert_same_index(
        load_index(settings.index_dir),
        load_index(rebuilt_settings.index_dir),
        settings_embeddings(settings),
        terms=("门诊", "网点"),
        questions=questions,
    )
    assert ingest_paths(settings).report.layout == "unchanged"  # same rules now: nothing to do
