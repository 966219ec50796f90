from __future__ import annotations

import datetime as dt

from bot.chunk import chunk_document, normalize, split_sentences
from bot.types import Document

ARTICLE = (
    "# 长春市实施职工医保门诊共济保障机制\n\n"
    "本报讯(记者何泽深)近日，记者从长春市医保局获悉。2024年1月起，调整为2021年养老金平均水平的2.8%。\n\n"
    "“在冬季保供的紧要关头，我们必须打起十二分精神完成全年的保供任务。”都兴屹说。\n\n"
    "## 强指导 明责任 勇担当\n\n"
    "生态环境质量更优是生态强省建设的核心目标之一！真的吗？是的；就这样……最后一句\n"
)


def _doc(text: str = ARTICLE) -> Document:
    return Document("cc", "长春市实施职工医保门诊共济保障机制", dt.date(2023, 1, 3), text)


def test_sentences_end_at_chinese_punctuation_and_keep_closing_quotes() -> None:
    texts = [s.text for s in split_sentences(ARTICLE, "长春市实施职工医保门诊共济保障机制")]
    assert texts == [
        "本报讯(记者何泽深)近日，记者从长春市医保局获悉。",
        "2024年1月起，调整为2021年养老金平均水平的2.8%。",
        "“在冬季保供的紧要关头，我们必须打起十二分精神完成全年的保供任务。”",
        "都兴屹说。",
        "生态环境质量更优是生态强省建设的核心目标之一！",
        "真的吗？",
        "是的；",
        "就这样……",
        "最后一句",
    ]


def test_sentence_offsets_point_into_the_article() -> None:
    for sentence in split_sentences(ARTICLE):
        assert ARTICLE[sentence.start : sentence.end] == sentence.text


def test_number_with_decimal_point_is_never_split() -> None:
    texts = [s.text for s in split_sentences("比例为2.8%。另有3.25万栋。")]
    assert texts == ["比例为2.8%。", "另有3.25万栋。"]


def test_heading_path_goes_with_each_sentence() -> None:
    sentences = split_sentences(ARTICLE, "长春市实施职工医保门诊共济保障机制")
    assert sentences[0].heading == "长春市实施职工医保门诊共济保障机制"
    assert sentences[-1].heading == "长春市实施职工医保门诊共济保障机制 > 强指导 明责任 勇担当"


def test_chunks_are_whole_sentences_within_the_size_bound_with_offsets() -> None:
    doc = _doc()
    chunks = chunk_document(doc, size=60, overlap=1)
    assert len(chunks) >= 3
    sentences = split_sentences(doc.text)
    starts, ends = {s.start for s in sentences}, {s.end for s in sentences}
    for chunk in chunks:
        assert doc.text[chunk.start : chunk.end] == chunk.text
        assert chunk.start in starts and chunk.end in ends, "a chunk must begin and end at sentence bounds"
        assert len(chunk.text) <= 60 or chunk.text in {s.text for s in sentences}
        assert chunk.doc_id == "cc" and chunk.date == dt.date(2023, 1, 3)


def test_consecutive_chunks_overlap_by_a_whole_sentence() -> None:
    text = "".join(f"第{i}句话说的是一件事情。" for i in range(30)) + "\n"
    doc = _doc("# 标题\n\n" + text)
    chunks = chunk_document(doc, size=50, overlap=1)
    for a, b in zip(chunks, chunks[1:], strict=False):
        last_of_a = split_sentences(a.text)[-1].text
        assert b.text.startswith(last_of_a)


def test_chunks_do_not_cross_headings() -> None:
    chunks = chunk_document(_doc(), size=1000, overlap=0)
    assert [c.heading.split(" > ")[-1] for c in chunks] == ["长春市实施职工医保门诊共济保障机制", "强指导 明责任 勇担当"]


def test_a_sentence_longer_than_the_bound_is_kept_whole() -> None:
    long_sentence = "很" * 500 + "长。"
    chunks = chunk_document(_doc(f"# t\n\n{long_sentence}短句。\n"), size=100, overlap=1)
    assert chunks[0].text == long_sentence


def test_normalize_folds_full_width_variants_for_matching() -> None:
    assert normalize("２．８％（ＣＣＵＳ）") == "2.8%(ccus)"
    assert normalize("门诊共济") == "门诊共济"
