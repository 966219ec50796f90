"""Resident identifiers never reach the store or the logs: 身份证号, mobile numbers, bank cards."""

from __future__ import annotations

import pytest

from bot.redact import ID_MASK, MOBILE_MASK, redact


@pytest.mark.parametrize(
    "text",
    [
        "我的身份证号是220102199003071234，能查医保吗",
        "身份证11010519491231002X丢了",
        "身份证11010519491231002x丢了",
        "证件220102199003071234",
    ],
)
def test_id_card_number_is_masked(text: str) -> None:
    out = redact(text)
    assert ID_MASK in out
    assert not any(ch.isdigit() for ch in out.replace(ID_MASK, ""))


@pytest.mark.parametrize(
    "text",
    [
        "电话13812345678谢谢",
        "手机号 139-1234-5678",
        "打+86 15012345678",
        "联系 8613712345678",
        "号码186 1234 5678。",
    ],
)
def test_mobile_number_is_masked(text: str) -> None:
    out = redact(text)
    assert MOBILE_MASK in out
    assert not any(ch.isdigit() for ch in out.replace(MOBILE_MASK, ""))


@pytest.mark.parametrize(
    ("text", "last4"),
    [
        ("卡号6222021234567890123转账失败", "0123"),
        ("6217 0000 1234 5678 退款", "5678"),
        ("卡号 6228-4800-1234-5670-019", "0019"),
        ("银行卡6212261202011234", "1234"),
    ],
)
def test_bank_card_keeps_only_last_four_digits(text: str, last4: str) -> None:
    out = redact(text)
    assert f"[银行卡尾号{last4}]" in out
    digits = "".join(ch for ch in out if ch.isdigit())
    assert digits == last4


def test_everything_in_one_question_is_masked() -> None:
    text = "我叫张三，身份证220102199003071234，电话13812345678，卡号6222021234567890123，问医保报销"
    out = redact(text)
    assert out == f"我叫张三，身份证{ID_MASK}，电话{MOBILE_MASK}，卡号[银行卡尾号0123]，问医保报销"


@pytest.mark.parametrize(
    "text",
    [
        "长春职工医保门诊共济是从2023年1月1日开始的吗",
        "热线12345能打通吗",
        "拨打95598报修",
        "快递单号1234567890123到哪了",
        "门诊报销比例50%，年度限额1000元",
        "",
    ],
)
def test_ordinary_numbers_are_kept(text: str) -> None:
    assert redact(text) == text
