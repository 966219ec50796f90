"""In a large base, retrieval finds the one passage that answers among many that only share the question's words:
a how-many question finds the passage giving the count, and a resident's word finds the article's word for it.

Real files in a temp folder, a real index (FAISS, BM25) built by ``ingest_paths``, the real chain.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from answers_support import crowded_base

from bot.chain import build_chain
from bot.config import Settings
from bot.counts import _NUMERALS, AFTER, CountIndex, _count_ends
from bot.question import classify, count_keys
from bot.types import Chunk

CITIES = ["四平", "辽源", "通化", "白山", "松原", "白城", "延边", "长春", "吉林市", "梅河口", "公主岭", "珲春"]
HOSPITALS = ["人民医院", "中心医院", "中医院", "妇幼保健院", "社区医院", "卫生院"]
SITES = ["污水处理厂", "湿地公园", "秸秆离田现场", "垃圾发电厂", "养殖场", "水泥厂", "河道", "尾矿库", "造纸厂", "煤矿"]
DOINGS = ["查阅资料", "交流座谈", "现场查看", "走访企业", "召开推进会"]


def _chunk(text: str, n: int = 0) -> Chunk:
    return Chunk(f"c{n}", f"d{n}", "标题", None, text, 0, len(text))  # type: ignore[arg-type]


def _look_alike(n: int) -> str:
    """A report that names the programme and its working group over and over, and counts no working group."""
    city, site, doing = CITIES[n % len(CITIES)], SITES[n // len(CITIES) % len(SITES)], DOINGS[n % len(DOINGS)]
    return (
        f"---\nid: look-alike-{n:03d}\ntitle: {city}生态强省建设督导帮扶见闻之{n}\ndate: 2023-01-0{n % 9 + 1}\n"
        f"topics: [ecology]\nregion: [{city}]\n---\n"
        f"生态强省建设督导帮扶工作组到{city}开展督导帮扶。工作组深入{site}，采取{doing}等方式督导帮扶。"
        f"督导帮扶工作组表示，生态强省建设督导帮扶将一跟到底。\n"
    )


def _clinic_report(n: int) -> str:
    """A report on outpatient services that says 门诊 and 医院 over and over, and nothing of 慢性病 or levels."""
    city, hospital = CITIES[n % len(CITIES)], HOSPITALS[n // len(CITIES) % len(HOSPITALS)]
    return (
        f"---\nid: clinic-{n:03d}\ntitle: {city}{hospital}门诊便民服务见闻之{n}\ndate: 2023-01-0{n % 9 + 1}\n"
        f"topics: [medical_insurance]\nregion: [{city}]\n---\n"
        f"{city}{hospital}优化门诊服务，参保人看门诊更方便。{hospital}门诊开设便民窗口，医院门诊大厅有专人引导。"
        f"看门诊的参保人可以在医院门诊自助机上查询。\n"
    )


def _crowded(root: Path, article: str, report) -> Settings:  # type: ignore[no-untyped-def]
    settings: Settings = crowded_base(root, article, report, 300)
    return settings


def test_count_index_finds_the_chunks_that_count_what_is_asked() -> None:
    index = CountIndex.build(
        [
            _chunk("由10个部门组成的5个帮扶工作组分赴各地。", 0),
            _chunk("一个工作组就是一支宣传队。", 1),  # "a working group", not a count
            _chunk("工作组派出了3个。", 2),  # what the 3 counts comes before it
            _chunk("共走访了12个", 3),  # the count ends the chunk: what follows is the next chunk's
            _chunk("工作组深入一线。", 4),
            _chunk("５个工作组分赴各地。", 5),  # full-width digits
        ]
    )
    assert index.counting(("个",), ("工",)).tolist() == [0, 5]
    assert index.counting(("个",), ("部",)).tolist() == [0]
    assert index.counting(("项", "条"), ("工",)).tolist() == []
    assert index.counting(("个",), ()).tolist() == []


def _plain_count_ends(codes: np.ndarray) -> np.ndarray:
    """What ``counts._count_ends`` finds, with a mask over every code point (as it was first written)."""
    table = np.zeros(0x10000, dtype=bool)
    table[[ord(ch) for ch in _NUMERALS]] = True
    numeral = table[np.minimum(codes, 0xFFFF)] & (codes <= 0xFFFF)
    starts = np.flatnonzero(numeral & ~np.concatenate([[False], numeral[:-1]]))
    unit_at = np.flatnonzero(numeral & ~np.append(numeral[1:], False)) + 1
    more = codes[unit_at]
    unit_at += (more == ord("余")) | (more == ord("多"))
    more = codes[unit_at]
    unit_at += (more == ord("万")) | (more == ord("亿"))
    unit = codes[unit_at]
    han = (unit >= 0x4E00) & (unit <= 0x9FFF)
    bare_one = (unit_at - starts == 1) & (codes[starts] == ord("一"))
    return (unit_at[han & ~bare_one] + 1).astype(np.int64)


def test_counts_found_among_the_numerals_are_those_a_mask_over_every_character_finds() -> None:
    pick = random.Random(3)
    alphabet = _NUMERALS + "余多万亿个项人组工部 。\n𠀀😀ab"  # numerals, what follows counts, and characters past the BMP
    for _ in range(500):
        text = "".join(pick.choice(alphabet) for _ in range(pick.randint(0, 40)))
        codes = np.frombuffer((text + " " * (AFTER + 2)).encode("utf-32-le"), dtype=np.uint32)
        found = _count_ends(codes)
        assert found.dtype == np.int64 and found.tolist() == _plain_count_ends(codes).tolist(), text


@pytest.fixture(scope="module")
def crowded_chain(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The eco article among 300 look-alike reports: more than ``LARGE_BASE_CHUNKS`` chunks."""
    return build_chain(_crowded(tmp_path_factory.mktemp("crowded"), "eco-supervision", _look_alike))


def test_how_many_question_is_answered_from_the_passage_giving_the_count(crowded_chain) -> None:  # type: ignore[no-untyped-def]
    # Every look-alike names the programme and its working groups; only the article counts them. Without the count
    # ranking the question was declined: the passage was not among the chunks read.
    answer = crowded_chain.ask("生态强省督导帮扶一共有几个工作组")
    assert answer.answered
    assert "5个帮扶工作组" in answer.text
    assert answer.citations[0].doc_id == "eco-supervision"


def test_only_how_many_questions_look_for_a_count() -> None:
    units, heads = count_keys(classify("生态强省督导帮扶一共有几个工作组"))
    assert "个" in units and "项" in units and heads[0] == "工"
    # "几个厅局" is worded 部门 by the article: the thesaurus's wording is looked for too.
    assert {"厅", "部"} <= set(count_keys(classify("是从多少个厅局抽的人"))[1])
    # Which cities, not how many; people are counted in 人/名/位 with no noun after them.
    assert count_keys(classify("督导帮扶第二工作组去了哪几个市")) == ((), ())
    assert count_keys(classify("一共有多少个人参加")) == ((), ())



def test_a_residents_word_finds_the_passage_using_the_articles_word(tmp_path: Path) -> None:
    # 慢病 is the resident's word for the article's 门诊慢性病. Every report says 门诊 and 医院; only the article
    # says 门诊慢性病. BM25 over the question's own words never reached its passage, and the question was declined.
    chain = build_chain(_crowded(tmp_path, "cc-medical-outpatient", _clinic_report))
    answer = chain.ask("有慢病的人看门诊能去到哪级医院")
    assert answer.answered, answer.text
    assert "三级(市级)及以下" in answer.text
    assert answer.citations[0].doc_id == "cc-medical-outpatient"
