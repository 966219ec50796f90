"""The verifier on its own: faithful paraphrases of the seed articles pass, typical hallucinations do not.

Claims are checked against every chunk of the real seed index, so a hallucination cannot pass by
matching some other article either. The thresholds in bot/verify.py were set on these examples.
"""

from __future__ import annotations

import pytest

from bot.claims import clause_runs, split_claims
from bot.types import Citation
from bot.verify import Verifier, lexical_support

FAITHFUL = [
    ("power-lishu-strawberry", "这个合作社种了500多亩草莓。"),
    ("power-lishu-strawberry", "供电公司通过“网上国网”APP线上办电，还建了微信群提供服务。"),
    ("gas-new-year-eve", "冬季昼夜温差大，调压器容易冻堵、压力不稳。"),
    ("yanbian-power-returnees", "电器长期闲置受潮，容易出现断电、线路老化等问题。"),
    ("cc-medical-outpatient", "可以，家里人可以用您的个人账户资金支付医疗费用。"),
    ("cc-medical-outpatient", "在“吉林医保公共服务”公众号里的“家庭共济”模块就能办。"),
    ("cc-medical-outpatient", "在职职工个人账户按工资的2%计入。"),
    ("postal-baotong", "松原市邮政管理局去了瑞禾苗物流园区检查邮政和顺丰分拨中心。"),
    ("cc-medical-outpatient", "家庭成员可以共同使用个人账户里的钱。"),
    ("cc-medical-outpatient", "个人账户资金还能用来交城乡居民基本医疗保险。"),
    ("cc-medical-outpatient", "现在在门诊开药、做检查也能报销了。"),
    ("power-lishu-strawberry", "合作社负责人是王宝忠。"),
    ("postal-baotong", "5个督导组采取“四不两直”的方式进行检查。"),
    ("power-lishu-strawberry", "国网吉林电力在梨树县投资2.1亿元实施农网改造升级工程。"),
    (
        "cc-medical-outpatient",
        "门诊统筹报销范围扩大到三级及以下定点医疗机构，门诊慢性病扩大到三级(市级)及以下定点医疗机构。",
    ),
    (
        "cc-medical-outpatient",
        "本人及绑定的家庭成员可以用个人账户资金支付目录内、外的药品、医疗器械、医用耗材等费用。",
    ),
    ("jilin-oilfield-ccus", "2022年12月26日，吉林油田二氧化碳年注入量突破43万吨。"),
    ("hongqi-h6", "红旗H6是B+级豪华风尚轿车。"),
    ("yanbian-power-returnees", "国网延边供电公司组织共产党员服务队给返乡务工人员检查用电线路和设备。"),
    ("postal-baotong", "吉林市邮政管理局成立了5个督导组。"),
    ("postal-baotong", "长春市邮政管理局检查了京东、极兔、圆通分拨中心。"),
    ("gas-new-year-eve", "2022年12月31日，中石油昆仑燃气吉林分公司近百名员工坚守岗位。"),
]

HALLUCINATED = [
    ("cc-medical-outpatient", "家庭成员共用共享个人账户需要到社区开证明。"),
    ("gas-new-year-eve", "昆仑燃气吉林分公司的员工在除夕夜加班。"),
    ("cc-medical-outpatient", "职工医保个人账户资金可由家庭成员共用共享，但仅限直系亲属。"),
    ("cc-medical-outpatient", "参保职工可通过“吉林医保公共服务”微信公众号办理，办理后次月生效。"),
    ("power-lishu-strawberry", "梨树分社是梨树县最大的草莓种植专业合作社，年产值超过千万元。"),
    ("postal-baotong", "吉林市邮政管理局成立了督导组，检查结果将向社会公布。"),
    ("cc-medical-outpatient", "个人账户资金可以给家庭成员使用，每年最多5000元。"),
    ("cc-medical-outpatient", "长春市正式启动实施职工医保门诊共济保障机制，外地参保人员也可以办理。"),
    ("cc-medical-outpatient", "医保卡丢失后可以在微信公众号“吉林医保公共服务”上挂失补办。"),
    ("power-lishu-strawberry", "合作社负责人是王宝忠，他今年55岁。"),
    ("power-lishu-strawberry", "王宝忠按下开关后，大棚里的草莓自动采摘。"),
    ("power-lishu-strawberry", "合作社负责人王宝忠是梨树县的人大代表。"),
    ("postal-baotong", "吉林市邮政管理局对快递员进行了核酸检测。"),
    ("postal-baotong", "5个督导组采取“四不两直”的方式检查了长春。"),
    ("cc-medical-outpatient", "个人账户的钱可以用来交物业费。"),
    ("cc-medical-outpatient", "医保卡可以借给邻居用。"),
    ("yanbian-power-returnees", "供电公司免费为返乡人员更换电表。"),
    ("hongqi-h6", "红旗H6的售价是20万元。"),
    ("hongqi-h6", "红旗H6是纯电动车。"),
    ("jilin-oilfield-ccus", "吉林油田二氧化碳年注入量突破100万吨。"),
    ("cc-medical-outpatient", "退休人员2024年1月起调整为养老金平均水平的2.5%。"),
    ("cc-medical-outpatient", "门诊报销仍局限于合规药品费用。"),
    ("cc-medical-outpatient", "个人账户资金不可以用于缴纳长期护理保险。"),
    ("postal-baotong", "松原市邮政管理局检查了长春物流园区的顺丰分拨中心。"),
    ("cc-medical-outpatient", "门诊统筹报销范围扩大到四级及以下定点医疗机构。"),
    ("power-lishu-strawberry", "这个合作社种了800多亩草莓，带动100多位返乡农民就业。"),
]


@pytest.fixture(scope="module")
def verifier(seed_index_dir, embeddings) -> Verifier:  # type: ignore[no-untyped-def]
    from bot.index import load_index

    index = load_index(seed_index_dir / "index", embeddings.model_id)
    passages = [
        Citation(n, c.doc_id, c.title, c.date, c.text, c.start, c.end)
        for n, c in enumerate(index.chunks, start=1)
    ]
    return Verifier(passages, embeddings)


def best(verifier: Verifier, text: str):  # type: ignore[no-untyped-def]
    [claim] = split_claims(text)
    [vector] = verifier.embed_claims([claim])
    return verifier.best_support(claim, vector)


@pytest.mark.parametrize(("doc_id", "text"), FAITHFUL, ids=[t for _, t in FAITHFUL])
def test_faithful_paraphrase_is_supported_by_its_article(verifier: Verifier, doc_id: str, text: str) -> None:
    support = best(verifier, text)

    assert support is not None and support.supported, support
    assert verifier.passages[support.passage].doc_id == doc_id


@pytest.mark.parametrize(("doc_id", "text"), HALLUCINATED, ids=[t for _, t in HALLUCINATED])
def test_hallucinated_sentence_is_supported_by_no_article(verifier: Verifier, doc_id: str, text: str) -> None:
    support = best(verifier, text)

    assert support is None or not support.supported, support


def test_invented_condition_after_a_true_clause_shows_in_the_weakest_clause() -> None:
    source = "本报讯(记者何泽深)近日，长春市正式启动实施职工医保门诊共济保障机制，即职工医保个人账户资金可由家庭成员共用共享。"

    true_part = lexical_support("职工医保个人账户资金可由家庭成员共用共享。", source)
    with_condition = lexical_support("职工医保个人账户资金可由家庭成员共用共享，但仅限直系亲属。", source)

    assert true_part.coverage == 1.0 and true_part.weakest_clause == 1.0
    assert with_condition.coverage > 0.6  # overall coverage alone would let it through
    assert with_condition.weakest_clause == 0.0


def test_clause_runs_are_exact_pieces_of_the_sentence() -> None:
    sentence = "大棚内，合作社负责人王宝忠按下开关，喷灌、恒温控制设备开启运行。"

    runs = clause_runs(sentence)

    assert "合作社负责人王宝忠按下开关，" in runs
    assert all(run in sentence for run in runs)
    assert sentence not in runs
