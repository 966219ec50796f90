"""The resident widget: served as one small script, and used in a real Chromium on real host pages.

One server for the module (real index, chain, SQLite store); every browser test gets a fresh
browser context, so sessionStorage and cookies never leak between tests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_support import (
    HostSite,
    chromium,
    copy_seed,
    make_settings,
    rows,
    running_app,
    screenshot,
    wait_for_rows,
)

QUESTION = "个人账户的钱能给家人用吗"
OUT_OF_SCOPE = "2022年世界杯冠军是谁"
LLM_SECRET = "sk-test-llm-secret-4c2a9e"
WECHAT_SECRET = "wechat-app-secret-93b1"


@pytest.fixture(scope="module")
def widget_data(tmp_path_factory: pytest.TempPathFactory, seed_index_dir: Path) -> Path:
    return copy_seed(seed_index_dir, tmp_path_factory.mktemp("widget-data"))


@pytest.fixture(scope="module")
def host_site() -> Iterator[HostSite]:
    site = HostSite()
    yield site
    site.close()


@pytest.fixture(scope="module")
def server(widget_data: Path, host_site: HostSite) -> Iterator[str]:
    settings = make_settings(
        widget_data,
        cors_origins=[host_site.origin],
        llm_api_key=LLM_SECRET,
        wechat_app_secret=WECHAT_SECRET,
    )
    with running_app(settings) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    p = context.new_page()
    p.set_default_timeout(20_000)
    yield p
    context.close()


def ask(page: Any, question: str) -> Any:
    """Type a question and press Enter; return the finished answer bubble."""
    box = page.locator("textarea")
    box.fill(question)
    box.press("Enter")
    answer = page.locator(".msg.bot:not(.welcome):not(.typing)").last
    answer.locator(".tools").wait_for()
    return answer


JS_FOCUS = """() => {
  const host = document.getElementById('faqbot-widget');
  const inner = host && host.shadowRoot.activeElement;
  return document.activeElement === host && inner ? inner.className || inner.tagName.toLowerCase() : null;
}"""


# ---------------------------------------------------------------- the script as served
def test_widget_script_is_javascript_cached_and_revalidated_with_etag(server: str) -> None:
    first = httpx.get(f"{server}/widget.js")
    assert first.status_code == 200
    assert first.headers["content-type"] == "text/javascript; charset=utf-8"
    assert "max-age=" in first.headers["cache-control"] and "public" in first.headers["cache-control"]
    again = httpx.get(f"{server}/widget.js", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_widget_is_plain_small_javascript_without_a_build_step(server: str) -> None:
    body = httpx.get(f"{server}/widget.js").text
    assert len(body.encode()) < 30 * 1024
    assert not re.search(r"^\s*(import|export)\s", body, re.M) and "require(" not in body
    assert "attachShadow" in body  # isolated from the host page's CSS


def test_no_secret_appears_in_the_script_or_the_demo_page(server: str) -> None:
    from browser_support import ADMIN_KEY

    for path in ("/widget.js", "/demo"):
        body = httpx.get(f"{server}{path}").text
        for secret in (ADMIN_KEY, LLM_SECRET, WECHAT_SECRET):
            assert secret not in body, (path, secret)


def test_demo_page_embeds_the_widget_with_one_script_tag(server: str) -> None:
    page = httpx.get(f"{server}/demo")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    tags = re.findall(r"<script[^>]*>", page.text)
    assert len(tags) == 1
    assert 'src="/widget.js"' in tags[0] and "data-title=" in tags[0] and "defer" in tags[0]


# ---------------------------------------------------------------- a resident on the demo page
@pytest.mark.browser
def test_resident_gets_a_streamed_cited_answer_opens_the_source_and_rates_it(
    server: str, page: Any, widget_data: Path
) -> None:
    page.goto(f"{server}/demo")
    launcher = page.get_by_role("button", name=re.compile("打开民生问答"))
    launcher.wait_for()
    screenshot(page, "widget-desktop-closed.png")
    launcher.click()
    dialog = page.get_by_role("dialog", name="民生问答")
    assert dialog.is_visible()
    # Record what the answer bubble shows while the answer is still arriving.
    page.evaluate(
        """() => { const root = document.getElementById('faqbot-widget').shadowRoot; window.__partial = [];
        new MutationObserver(() => { const t = root.querySelector('.msg.bot.typing');
          if (t && t.textContent) window.__partial.push(t.textContent); })
        .observe(root, {subtree: true, childList: true, characterData: true}); }"""
    )
    with page.expect_response(f"{server}/api/v1/ask/stream") as response_info:
        answer = ask(page, QUESTION)
    response = response_info.value
    assert response.headers["content-type"].startswith("text/event-stream")
    assert "event: delta" in response.text() and "event: done" in response.text()

    done = json.loads(response.text().split("event: done\ndata: ", 1)[1].split("\n", 1)[0])
    partial = page.evaluate("window.__partial")
    assert partial and done["answer"].startswith(partial[0]), "the answer was shown while it streamed"
    assert done["answered"], done["answer"]
    cite = answer.locator("button.cite").first
    assert cite.is_visible(), "an answered question carries a [n] citation"
    quote = answer.locator("blockquote.quote").first
    assert quote.is_hidden()
    cite.click()
    assert quote.is_visible() and cite.get_attribute("aria-expanded") == "true"
    assert re.search(r"来源：.+ · \d{4}-\d{2}-\d{2}", quote.inner_text()), "the quote shows title and date"
    screenshot(page, "widget-desktop-open.png")

    answer.get_by_role("button", name="有帮助").click()
    answer.get_by_text("谢谢反馈").wait_for()
    stored = rows(
        widget_data,
        "SELECT f.rating, f.kind, m.channel, m.answered FROM feedback f JOIN messages m ON m.id = f.message_id"
        " WHERE m.question = ?",
        (QUESTION,),
    )
    assert stored == [("up", "resident", "web", 1)]


@pytest.mark.browser
def test_declined_question_shows_the_hotline_handoff_line(server: str, page: Any) -> None:
    page.goto(f"{server}/demo")
    page.locator("button.launcher").click()
    answer = ask(page, OUT_OF_SCOPE)
    handoff = answer.locator(".handoff")
    assert handoff.is_visible()
    assert "转人工/热线" in handoff.inner_text() and re.search(r"\d{5}", handoff.inner_text())
    assert answer.locator("button.cite").count() == 0


@pytest.mark.browser
def test_phone_viewport_opens_the_chat_full_screen(browser: Any, server: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{server}/demo")
        launcher = page.locator("button.launcher")
        launcher.wait_for()
        screenshot(page, "widget-phone-closed.png")
        launcher.click()
        box = page.locator(".panel").bounding_box()
        assert box == {"x": 0, "y": 0, "width": 390, "height": 844}
        ask(page, QUESTION)
        screenshot(page, "widget-phone-open.png")
        page.get_by_role("button", name="关闭").click()
        assert page.locator(".panel").is_hidden() and launcher.is_visible()
    finally:
        context.close()


@pytest.mark.browser
def test_keyboard_only_open_tab_order_and_escape_returns_focus_to_the_button(server: str, page: Any) -> None:
    page.goto(f"{server}/demo")
    page.locator("button.launcher").wait_for()
    for _ in range(12):  # the page's own links first, then the widget's button
        page.keyboard.press("Tab")
        if page.evaluate(JS_FOCUS) == "launcher":
            break
    assert page.evaluate(JS_FOCUS) == "launcher"
    assert page.locator("button.launcher").get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    assert page.evaluate(JS_FOCUS) == "textarea", "opening puts the cursor in the question box"
    assert page.locator("button.launcher").get_attribute("aria-expanded") == "true"
    page.keyboard.press("Tab")
    assert page.evaluate(JS_FOCUS) == "send"
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("第一行")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("第二行")
    assert page.locator("textarea").input_value() == "第一行\n第二行", "Shift+Enter is a new line, not send"
    assert page.locator("#fb-count").inner_text() == "7/500"
    page.keyboard.press("Escape")
    assert page.locator(".panel").is_hidden()
    assert page.evaluate(JS_FOCUS) == "launcher"
    assert page.locator("button.launcher").get_attribute("aria-expanded") == "false"


HOSTILE_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>某市供电公司</title>
<style>
  * { all: unset !important; }
  *, *::before, *::after { font-size: 40px !important; line-height: 3 !important; color: lime !important;
    box-sizing: content-box !important; }
  div, button, textarea, span { display: inline !important; position: static !important; z-index: -1 !important;
    width: 10px !important; height: 10px !important; visibility: hidden !important; }
  html { font-size: 5px !important; }
  .bar { display: block !important; position: fixed !important; left: 0; right: 0; bottom: 0; height: 120px !important;
    width: 100% !important; visibility: visible !important; z-index: 99999 !important; background: #333 !important; }
</style></head>
<body><header><h1>某市供电公司</h1></header><p>停电查询、电费缴纳、业务办理。</p>
<footer class="bar">版权所有 · 客服热线</footer>
<script src="{base}/widget.js" data-title="民生问答" data-color="#0b5394" data-position="right" defer></script>
</body></html>"""


@pytest.mark.browser
def test_hostile_host_css_on_another_site_does_not_break_the_widget(
    server: str, page: Any, host_site: HostSite
) -> None:
    host_site.pages["/power"] = HOSTILE_PAGE.replace("{base}", server)
    page.goto(f"{host_site.origin}/power")
    launcher = page.locator("button.launcher")
    launcher.wait_for()
    box = launcher.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 80
    assert box["x"] + box["width"] <= 1280 and box["y"] + box["height"] <= 800
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).id",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert on_top == "faqbot-widget", "the button sits above the page's fixed footer"
    launcher.click()
    panel = page.locator(".panel").bounding_box()
    assert 360 <= panel["width"] <= 400 and panel["height"] >= 500
    assert page.locator("textarea").evaluate("e => getComputedStyle(e).fontSize") == "15px"
    assert page.locator(".head h2").evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 255)"
    page.locator(".ex button").first.click()  # an example question, asked across origins (CORS)
    answer = page.locator(".msg.bot:not(.welcome):not(.typing)").last
    answer.locator(".tools").wait_for()
    assert answer.locator(".text").inner_text().strip()
    assert "err" not in (answer.get_attribute("class") or "")


@pytest.mark.browser
def test_opening_the_widget_does_not_move_the_host_page(server: str, browser: Any) -> None:
    measure = """() => ['header', 'nav', 'main', 'footer'].map(s => { const r = document.querySelector(s).getBoundingClientRect();
      return [s, r.x, r.y, r.width, r.height]; }).concat([[document.documentElement.scrollWidth, document.documentElement.scrollHeight]])"""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        bare = context.new_page()
        bare.route("**/widget.js", lambda route: route.abort())
        bare.goto(f"{server}/demo")
        without = bare.evaluate(measure)
        page = context.new_page()
        page.goto(f"{server}/demo")
        page.locator("button.launcher").click()
        page.locator("textarea").wait_for()
        assert page.evaluate(measure) == without
    finally:
        context.close()


@pytest.mark.browser
def test_panel_fits_the_window_at_200_percent_zoom(browser: Any, server: str) -> None:
    # 200% zoom of a 1280x800 window leaves 640x400 CSS pixels.
    context = browser.new_context(viewport={"width": 640, "height": 400})
    page = context.new_page()
    try:
        page.goto(f"{server}/demo")
        page.locator("button.launcher").click()
        for selector in (".panel", ".head h2", "textarea", "button.send", "button.x"):
            r = page.locator(selector).bounding_box()
            assert (
                r["x"] >= 0 and r["y"] >= 0 and r["x"] + r["width"] <= 640 and r["y"] + r["height"] <= 400
            ), selector
        assert page.locator(".log").bounding_box()["height"] >= 120
    finally:
        context.close()


@pytest.mark.browser
def test_network_error_offers_retry_and_retry_gets_the_answer(server: str, page: Any) -> None:
    page.goto(f"{server}/demo")
    page.locator("button.launcher").click()
    page.route("**/api/v1/ask/stream", lambda route: route.abort("internetdisconnected"))
    page.locator("textarea").fill(QUESTION)
    page.locator("textarea").press("Enter")
    retry = page.get_by_role("button", name="重试")
    retry.wait_for()
    assert "网络" in page.locator(".msg.bot.err").inner_text()
    page.unroute("**/api/v1/ask/stream")
    retry.click()
    page.locator(".msg.bot .tools .rate-up").wait_for()
    assert page.locator(".msg.user").count() == 1 and page.locator(".msg.bot.err").count() == 0


@pytest.mark.browser
def test_conversation_survives_a_page_change_and_start_over_clears_it(
    server: str, page: Any, widget_data: Path
) -> None:
    page.goto(f"{server}/demo")
    page.locator("button.launcher").click()
    ask(page, "职工医保门诊共济从哪天开始")
    page.goto(f"{server}/demo?from=menu")  # another page of the same site, same tab
    page.locator("button.launcher").click()
    assert page.locator(".msg.user").all_inner_texts() == ["职工医保门诊共济从哪天开始"]
    ask(page, "那退休人员呢")
    counts = wait_for_rows(
        widget_data,
        "SELECT COUNT(*), COUNT(DISTINCT session_id) FROM messages WHERE question IN (?, ?) AND channel = 'web'"
        " HAVING COUNT(*) = 2",
        ("职工医保门诊共济从哪天开始", "那退休人员呢"),
    )
    assert counts == [(2, 1)], "the follow-up continued the same conversation"
    page.get_by_role("button", name="重新开始对话").click()
    assert page.locator(".msg.user").count() == 0 and page.locator(".welcome").is_visible()
    assert page.evaluate(
        "Object.keys(sessionStorage).map(k => JSON.parse(sessionStorage[k]).messages.length)"
    ) == [0]
