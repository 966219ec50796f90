from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest
from conftest import KNOWLEDGE

from bot.ingest import load_documents

MD = """---
id: hotline-hours
title: 12345热线服务时间
date: 2023-02-01
topics: [service]
region: [长春]
---
# 12345热线服务时间

12345政务服务便民热线全天24小时接听。节假日照常服务。
"""


def _minimal_pdf(text: str) -> bytes:
    """A one-page PDF with ``text`` in Helvetica, written by hand so the test needs no PDF writer."""
    stream = f"BT /F1 14 Tf 50 750 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_markdown_front_matter_becomes_document_fields(tmp_path: Path) -> None:
    (tmp_path / "hotline.md").write_text(MD, encoding="utf-8")
    result = load_documents([tmp_path])
    assert not result.errors
    (doc,) = result.documents
    assert (doc.doc_id, doc.title, doc.date) == ("hotline-hours", "12345热线服务时间", dt.date(2023, 2, 1))
    assert doc.topics == ("service",) and doc.region == ("长春",)
    assert "全天24小时接听" in doc.text and "title:" not in doc.text


def test_every_loader_reads_its_format(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("停水通知\n\n3月5日8时至18时，朝阳区部分小区停水。\n", encoding="utf-8")
    (tmp_path / "b.html").write_text(
        "<html><head><title>供暖公告</title><meta name='date' content='2023-10-20'><script>var x='不要';</script></head>"
        "<body><nav>首页 | 导航</nav><main><h1>供暖公告</h1><p>今年供暖期自10月28日开始。</p></main>"
        "<footer>版权所有</footer></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "c.pdf").write_bytes(_minimal_pdf("Hotline 12345 answers around the clock."))
    word = docx.Document()
    word.core_properties.title = "社保卡补办指南"
    word.add_paragraph("社保卡遗失后，可到任一服务网点补办。")
    word.save(str(tmp_path / "d.docx"))

    result = load_documents([tmp_path])
    assert not result.errors, result.errors
    by_id = {d.doc_id: d for d in result.documents}
    assert by_id["a"].title == "停水通知" and "朝阳区部分小区停水" in by_id["a"].text
    html = by_id["b"]
    assert html.title == "供暖公告" and html.date == dt.date(2023, 10, 20)
    assert "10月28日" in html.text and "不要" not in html.text and "导航" not in html.text and "版权" not in html.text
    assert "around the clock" in by_id["c"].text
    assert by_id["d"].title == "社保卡补办指南" and "任一服务网点补办" in by_id["d"].text


def test_folders_are_walked_recursively_and_faq_file_is_not_an_article(tmp_path: Path) -> None:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "sub" / "deeper" / "x.md").write_text(MD, encoding="utf-8")
    (tmp_path / "faq.yaml").write_text("entries: []\n", encoding="utf-8")
    (tmp_path / ".hidden.md").write_text(MD.replace("hotline-hours", "hidden"), encoding="utf-8")
    result = load_documents([tmp_path])
    assert [d.doc_id for d in result.documents] == ["hotline-hours"] and not result.errors


def test_bad_files_are_reported_by_name_and_the_rest_is_ingested(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text(MD, encoding="utf-8")
    (tmp_path / "corrupt.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf \x00\x01")
    (tmp_path / "corrupt.docx").write_bytes(b"PK\x03\x04 broken zip")
    (tmp_path / "empty.md").write_text("", encoding="utf-8")
    (tmp_path / "table.xlsx").write_bytes(b"whatever")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 10)
    (tmp_path / "no-title.md").write_text("---\ndate: 2023-01-01\n---\n正文。\n", encoding="utf-8")
    (tmp_path / "bad-date.md").write_text("---\ntitle: 标题\ndate: 明天\n---\n正文。\n", encoding="utf-8")
    (tmp_path / "bad-yaml.md").write_text("---\ntitle: [unclosed\n---\n正文。\n", encoding="utf-8")

    result = load_documents([tmp_path])
    assert [d.doc_id for d in result.documents] == ["hotline-hours"]
    reasons = {Path(e.path).name: e.reason for e in result.errors}
    assert set(reasons) == {
        "corrupt.pdf", "corrupt.docx", "empty.md", "table.xlsx", "binary.txt", "no-title.md", "bad-date.md", "bad-yaml.md"
    }
    assert "title" in reasons["no-title.md"]
    assert "date" in reasons["bad-date.md"]
    assert "unsupported" in reasons["table.xlsx"]
    assert "empty" in reasons["empty.md"]


def test_duplicate_ids_are_an_error_naming_both_files(tmp_path: Path) -> None:
    (tmp_path / "one.md").write_text(MD, encoding="utf-8")
    (tmp_path / "two.md").write_text(MD, encoding="utf-8")
    result = load_documents([tmp_path])
    assert len(result.documents) == 1
    (error,) = result.errors
    assert "two.md" in error.path and "one.md" in error.reason


def test_gb18030_text_is_read(tmp_path: Path) -> None:
    (tmp_path / "gbk.txt").write_bytes("燃气安全提示\n\n闻到异味请开窗通风。\n".encode("gb18030"))
    (doc,) = load_documents([tmp_path]).documents
    assert doc.title == "燃气安全提示"


@pytest.mark.parametrize("name", [p.name for p in sorted(KNOWLEDGE.glob("*.md"))])
def test_seed_knowledge_articles_load_cleanly(name: str) -> None:
    result = load_documents([KNOWLEDGE / name])
    assert not result.errors, result.errors
    (doc,) = result.documents
    assert doc.topics and doc.title and doc.content_hash
