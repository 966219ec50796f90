"""The Gradio app at /ui in a real Chromium: resident chat, hotline staff panel, operations dashboard.

One server for the module (real index, chain, SQLite store); each test opens its own browser context.
What a staffer or operator does is checked in the store with plain sqlite3.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_support import (
    ADMIN_KEY,
    chromium,
    copy_seed,
    make_settings,
    rows,
    running_app,
    screenshot,
    wait_for_rows,
)

pytestmark = pytest.mark.browser

QUESTION = "个人账户的钱能给家人用吗"


@pytest.fixture(scope="module")
def ui_data(tmp_path_factory: pytest.TempPathFactory, seed_index_dir: Path) -> Path:
    return copy_seed(seed_index_dir, tmp_path_factory.mktemp("ui-data"))


@pytest.fixture(scope="module")
def server(ui_data: Path) -> Iterator[str]:
    with running_app(make_settings(ui_data)) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def open_tab(browser: Any, server: str, tab: str, **context_args: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", **context_args)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{server}/ui/")
    page.get_by_role("tab", name=tab).click()
    return page


def staff_ask(page: Any, question: str, nth: int) -> None:
    box = page.locator("#staff-question textarea")
    box.fill(question)
    box.press("Enter")
    page.locator("#staff-call-info").get_by_text(f"本次通话第 {nth} 个问题").wait_for()


# ---------------------------------------------------------------- 坐席助手
def test_staff_gets_a_read_aloud_answer_with_highlighted_sources_and_marks_it_used(
    browser: Any, server: str, ui_data: Path
) -> None:
    page = open_tab(browser, server, "坐席助手")
    try:
        staff_ask(page, QUESTION, 1)
        suggested = page.locator("#staff-answer textarea").input_value()
        assert suggested and not re.search(r"\[\d+\]", suggested), "read aloud: no [n] markers"
        assert "可以回答" in page.locator("#staff-verdict").inner_text()
        assert re.search(r"把握度 \d+%", page.locator("#staff-verdict").inner_text())
        sources = page.locator("#staff-sources")
        assert sources.locator("mark").count() >= 1, "the question's words are highlighted in the quotes"
        assert re.search(r"\[1\] .+ \d{4}-\d{2}-\d{2}", sources.locator(".fb-src-head").first.inner_text())
        page.locator("#staff-used").click()
        page.locator("#staff-feedback-status").get_by_text("已记录：已采用").wait_for()
        screenshot(page, "staff-panel.png", full_page=True)
    finally:
        page.context.close()
    stored = rows(
        ui_data,
        "SELECT f.rating, f.kind, m.channel FROM feedback f JOIN messages m ON m.id = f.message_id WHERE m.question = ?"
        " AND m.channel = 'staff'",
        (QUESTION,),
    )
    assert stored == [("up", "staff_used", "staff")]


def test_staff_follow_up_keeps_the_call_context_until_new_call(
    browser: Any, server: str, ui_data: Path
) -> None:
    page = open_tab(browser, server, "坐席助手")
    try:
        staff_ask(page, "职工医保门诊共济从哪天开始", 1)
        staff_ask(page, "那退休人员呢", 2)
        page.keyboard.press("Alt+N")  # new call, from the keyboard
        page.locator("#staff-call-info").get_by_text("新来电").wait_for()
        assert page.locator("#staff-answer textarea").input_value() == ""
        staff_ask(page, "那退休人员呢", 1)
    finally:
        page.context.close()
    asked = ("职工医保门诊共济从哪天开始", "那退休人员呢")
    where = "FROM messages WHERE channel = 'staff' AND question IN (?, ?)"
    assert wait_for_rows(ui_data, f"SELECT COUNT(*) {where} HAVING COUNT(*) = 3", asked)
    found = rows(ui_data, f"SELECT question, session_id {where} ORDER BY created_at", asked)
    assert [q for q, _ in found] == ["职工医保门诊共济从哪天开始", "那退休人员呢", "那退休人员呢"]
    first_call, follow_up, next_call = (s for _, s in found)
    assert first_call == follow_up, "the follow-up belongs to the same call"
    assert next_call != first_call, "新来电 starts a new session"


def test_staff_reports_a_wrong_answer_with_a_note_and_a_knowledge_gap(
    browser: Any, server: str, ui_data: Path
) -> None:
    page = open_tab(browser, server, "坐席助手")
    try:
        staff_ask(page, "CCUS能提高多少采收率", 1)
        assert page.locator("#staff-alternatives .fb-src").count() in (2, 3), "other passages to look at"
        page.locator("#staff-note textarea").fill("来电人问的是哪一年的数据")
        page.locator("#staff-wrong").click()
        page.locator("#staff-feedback-status").get_by_text("已记录：答案有误").wait_for()
        assert page.locator("#staff-note textarea").input_value() == "", "the note clears once recorded"
        page.locator("#staff-note textarea").fill("知识库没有2024年的数据")
        page.locator("#staff-gap").click()
        page.locator("#staff-feedback-status").get_by_text("已记录：知识缺口").wait_for()
    finally:
        page.context.close()
    stored = rows(
        ui_data,
        "SELECT f.kind, f.rating, f.comment FROM feedback f JOIN messages m ON m.id = f.message_id"
        " WHERE m.question = ? ORDER BY f.id",
        ("CCUS能提高多少采收率",),
    )
    assert stored == [
        ("staff_wrong", "down", "来电人问的是哪一年的数据"),
        ("knowledge_gap", "down", "知识库没有2024年的数据"),
    ]


def test_staff_copies_the_suggested_answer_with_alt_c(browser: Any, server: str) -> None:
    page = open_tab(browser, server, "坐席助手", permissions=["clipboard-read", "clipboard-write"])
    try:
        staff_ask(page, QUESTION, 1)
        suggested = page.locator("#staff-answer textarea").input_value()
        page.evaluate("navigator.clipboard.writeText('')")
        page.keyboard.press("Alt+C")
        page.wait_for_function("async (t) => (await navigator.clipboard.readText()) === t", arg=suggested)
    finally:
        page.context.close()


# ---------------------------------------------------------------- 居民咨询
def test_resident_chat_answers_with_collapsible_sources_and_stores_a_thumbs_down(
    browser: Any, server: str, ui_data: Path
) -> None:
    page = open_tab(browser, server, "居民咨询")
    try:
        box = page.locator("#resident-input textarea")
        box.fill(QUESTION)
        box.press("Enter")
        summary = page.locator("#resident-chat details summary").first
        summary.wait_for()
        assert re.search(r"\[1\] .+ · \d{4}-\d{2}-\d{2}", summary.inner_text())
        summary.click()
        assert page.locator("#resident-chat details blockquote").first.is_visible()
        page.locator("#resident-chat").get_by_role("button", name=re.compile("^(踩|Dislike)$")).click()
        page.locator("#resident-note").get_by_text("谢谢").wait_for()
        screenshot(page, "resident-chat.png", full_page=True)
    finally:
        page.context.close()
    stored = rows(
        ui_data,
        "SELECT f.rating, f.kind FROM feedback f JOIN messages m ON m.id = f.message_id WHERE m.channel = 'gradio'",
    )
    assert stored == [("down", "resident")]


# ---------------------------------------------------------------- 运营看板
def test_dashboard_rejects_a_wrong_key(browser: Any, server: str) -> None:
    page = open_tab(browser, server, "运营看板")
    try:
        page.locator("#dash-key input").fill(ADMIN_KEY + "x")
        page.locator("#dash-enter").click()
        page.locator("#dash-login-msg").get_by_text("密钥不正确").wait_for()
        assert page.locator("#dash-board").is_hidden()
        assert page.locator("#dash-kpis").count() == 0 or page.locator("#dash-kpis").is_hidden()
    finally:
        page.context.close()


def test_dashboard_shows_charts_after_some_traffic(browser: Any, server: str, ui_data: Path) -> None:
    for question, channel in (
        (QUESTION, "web"),
        ("2022年世界杯冠军是谁", "api"),
        ("2022年世界杯冠军是谁", "web"),
    ):
        r = httpx.post(f"{server}/api/v1/ask", json={"question": question, "channel": channel}, timeout=30)
        assert r.status_code == 200
    disliked = r.json()["message_id"]
    assert httpx.post(
        f"{server}/api/v1/feedback",
        json={"message_id": disliked, "rating": "down", "comment": "没有回答我的问题"},
    ).is_success

    page = open_tab(browser, server, "运营看板")
    try:
        page.locator("#dash-key input").fill(ADMIN_KEY)
        page.locator("#dash-key input").press("Enter")
        board = page.locator("#dash-board")
        board.wait_for()
        page.locator("#dash-kpis .fb-kpi").first.wait_for()
        for chart in ("#dash-daily", "#dash-latency", "#dash-topic", "#dash-channel", "#dash-declined-chart"):
            page.locator(f"{chart} canvas, {chart} svg.marks").first.wait_for()
        assert "2022年世界杯冠军是谁" in page.locator("#dash-declined").inner_text()
        assert "没有回答我的问题" in page.locator("#dash-down").inner_text()
        total = rows(ui_data, "SELECT COUNT(*) FROM messages")[0][0]
        assert page.locator("#dash-kpis .fb-kpi-v").first.inner_text() == str(total)
        page.wait_for_timeout(500)  # let the charts finish drawing before the screenshot
        screenshot(page, "dashboard.png", full_page=True)
    finally:
        page.context.close()
