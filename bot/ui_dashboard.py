"""运营看板: the operations dashboard, behind an API key entered once per page.

Why these charts: an operator wants to know how much the bot is used (questions per day), where it
falls short (declined by topic and channel, the top declined questions — the knowledge to add next),
what residents and hotline staff said about its answers, and whether it is fast enough (p95 latency).
The key is compared in constant time against ``FAQBOT_API_KEYS``; with no keys configured the
dashboard stays locked. The "logged in" flag lives in server-side session state, never in the page.
"""

from __future__ import annotations

import hmac
import html
import time
from collections.abc import Callable
from typing import Any

import gradio as gr
import pandas as pd

from bot.ops_stats import dashboard_stats

DAYS = 14


def key_is_valid(key: str, api_keys: list[str]) -> bool:
    """True when ``key`` is one of ``api_keys``; every key is compared, in constant time."""
    given = (key or "").strip().encode()
    ok = False
    for candidate in api_keys:
        ok |= hmac.compare_digest(given, candidate.encode())
    return bool(given) and ok


def _kpis(data: dict[str, Any], overall: dict[str, Any]) -> str:
    cards = [
        (f"近{data['days']}天提问", str(data["questions"])),
        ("已回答", str(data["answered"])),
        ("未回答率", f"{data['declined_rate'] * 100:.1f}%"),
        ("P95 响应", f"{data['p95_ms']:.0f} 毫秒"),
        ("累计提问", str(overall.get("messages", "—"))),
        ("居民好评 / 差评", f"{data['resident_feedback']['up']} / {data['resident_feedback']['down']}"),
    ]
    body = "".join(
        f'<div class="fb-kpi"><div class="fb-kpi-v">{html.escape(v)}</div><div class="fb-kpi-k">{html.escape(k)}</div></div>'
        for k, v in cards
    )
    return f'<div class="fb-kpis">{body}</div>'


def _outcomes(groups: list[dict[str, Any]], name: str) -> pd.DataFrame:
    rows = []
    for g in groups:
        rows.append({name: g["name"], "outcome": "已回答", "n": g["answered"]})
        rows.append({name: g["name"], "outcome": "未回答", "n": g["declined"]})
    return pd.DataFrame(rows, columns=[name, "outcome", "n"])


def _short(text: str, n: int = 18) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def frames(data: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """The dashboard's tables and chart series as DataFrames (plot field names are ASCII on purpose:
    Vega-Lite reads dots and brackets in field names as paths)."""
    per_day = pd.DataFrame(data["per_day"], columns=["day", "questions", "answered", "declined", "p95_ms"])
    per_day["day"] = per_day["day"].str[5:]  # MM-DD
    daily_outcome = pd.concat(
        [
            pd.DataFrame({"day": per_day["day"], "outcome": "已回答", "n": per_day["answered"]}),
            pd.DataFrame({"day": per_day["day"], "outcome": "未回答", "n": per_day["declined"]}),
        ],
        ignore_index=True,
    )
    declined = pd.DataFrame(data["top_declined"], columns=["question", "count"])
    staff_counts = pd.DataFrame(
        [{"kind": k, "n": v} for k, v in data["staff_counts"].items()], columns=["kind", "n"]
    )
    cols = ["time", "channel", "question", "answer", "comment"]
    return {
        "daily": daily_outcome,
        "latency": per_day[["day", "p95_ms"]],  # a day without questions has no bar
        "topic": _outcomes(data["by_topic"], "topic"),
        "channel": _outcomes(data["by_channel"], "channel"),
        "declined_chart": pd.DataFrame(
            {"question": [_short(q) for q in declined["question"]], "count": declined["count"]}
        ),
        "declined_table": declined.rename(columns={"question": "问题", "count": "次数"}),
        "staff_counts": staff_counts,
        "thumbs_down": pd.DataFrame(data["thumbs_down"], columns=cols).rename(
            columns={
                "time": "时间",
                "channel": "渠道",
                "question": "问题",
                "answer": "回答",
                "comment": "留言",
            }
        ),
        "staff": pd.DataFrame(data["staff_feedback"], columns=["time", "kind", *cols[2:]]).rename(
            columns={"time": "时间", "kind": "类型", "question": "问题", "answer": "回答", "comment": "备注"}
        ),
    }


OUTCOME_COLORS = {"已回答": "#2e7d32", "未回答": "#c62828"}


def _bar(
    x: str, y: str, title: str, x_title: str, y_title: str, *, outcome: bool = False, **kwargs: Any
) -> Any:
    """A bar chart whose y axis starts at 0 (Gradio's default "zero: false" hides a chart of equal bars)."""
    options: dict[str, Any] = {"y_lim": [0, None], "y_axis_format": "d"}
    if outcome:
        options.update(color="outcome", color_title="结果", color_map=OUTCOME_COLORS)
    options.update(kwargs)
    return gr.BarPlot(x=x, y=y, title=title, x_title=x_title, y_title=y_title, **options)


def _counts(frame: pd.DataFrame, x: str, y: str, *, keep_order: bool = False) -> Any:
    """A count chart's data with a y axis of at least 0..5, so that small counts get whole-number ticks.

    ``keep_order`` keeps the rows' order on the x axis (most frequent first) instead of alphabetical.
    """
    tallest = int(frame.groupby(x)[y].sum().max()) if len(frame) else 0
    extra: dict[str, Any] = {"sort": list(dict.fromkeys(frame[x]))} if keep_order and len(frame) else {}
    return gr.BarPlot(value=frame, y_lim=[0, max(5, tallest)], **extra)


def build(get_service: Callable[[], Any], get_settings: Callable[[], Any]) -> None:
    """Lay out the tab inside the current ``gr.Blocks`` context and wire its events."""
    authorized = gr.State(False)
    with gr.Column(visible=True, elem_id="dash-login") as login:
        gr.Markdown("请输入管理员 API 密钥（`FAQBOT_API_KEYS` 中的一个），本页打开期间只需输入一次。")
        with gr.Row():
            key = gr.Textbox(label="API 密钥", type="password", scale=4, elem_id="dash-key")
            enter = gr.Button("进入看板", variant="primary", scale=1, elem_id="dash-enter")
        login_msg = gr.Markdown(elem_id="dash-login-msg")
    with gr.Column(visible=False, elem_id="dash-board") as board:
        with gr.Row():
            gr.Markdown(f"### 近 {DAYS} 天运营情况")
            refresh = gr.Button("刷新", size="sm", scale=0, min_width=80, elem_id="dash-refresh")
        kpis = gr.HTML(elem_id="dash-kpis")
        with gr.Row():
            daily = _bar(
                "day",
                "n",
                "每日提问量",
                "日期",
                "提问数",
                outcome=True,
                x_label_angle=-45,
                elem_id="dash-daily",
            )
            latency = _bar(
                "day",
                "p95_ms",
                "每日 P95 响应时间",
                "日期",
                "毫秒",
                y_axis_format=",.0f",
                x_label_angle=-45,
                elem_id="dash-latency",
            )
        with gr.Row():
            topic = _bar(
                "topic", "n", "按主题：已回答 / 未回答", "主题", "提问数", outcome=True, elem_id="dash-topic"
            )
            channel = _bar(
                "channel",
                "n",
                "按渠道：已回答 / 未回答",
                "渠道",
                "提问数",
                outcome=True,
                elem_id="dash-channel",
            )
        with gr.Row():
            declined_chart = _bar(
                "question",
                "count",
                "未回答最多的问题（下一步要补的知识）",
                "问题",
                "次数",
                x_label_angle=-30,
                elem_id="dash-declined-chart",
            )
            staff_chart = _bar("kind", "n", "坐席反馈", "类型", "次数", elem_id="dash-staff-chart")
        declined_table = gr.Dataframe(
            label="未回答最多的问题", interactive=False, wrap=True, elem_id="dash-declined"
        )
        # The answer column is the long one; the comment must stay readable next to it.
        widths: list[str | int] = ["11%", "10%", "20%", "39%", "20%"]
        thumbs_down = gr.Dataframe(
            label="最近的差评（含当时的回答）",
            interactive=False,
            wrap=True,
            column_widths=widths,
            elem_id="dash-down",
        )
        staff = gr.Dataframe(
            label="坐席反馈明细", interactive=False, wrap=True, column_widths=widths, elem_id="dash-staff"
        )

    outputs = [
        kpis,
        daily,
        latency,
        topic,
        channel,
        declined_chart,
        staff_chart,
        declined_table,
        thumbs_down,
        staff,
    ]

    def load(ok: bool) -> tuple:
        if not ok:  # server-side flag: a client cannot call this without having entered a key
            return tuple(gr.skip() for _ in outputs)
        service = get_service()
        data = dashboard_stats(service.store, days=DAYS)
        f = frames(data)
        return (
            _kpis(data, service.stats()),
            _counts(f["daily"], "day", "n"),
            f["latency"],
            _counts(f["topic"], "topic", "n"),
            _counts(f["channel"], "channel", "n"),
            _counts(f["declined_chart"], "question", "count", keep_order=True),
            _counts(f["staff_counts"], "kind", "n"),
            f["declined_table"],
            f["thumbs_down"],
            f["staff"],
        )

    def check(entered: str) -> tuple:
        keys = list(get_settings().api_keys)
        if not keys:
            return False, "服务器没有配置 `FAQBOT_API_KEYS`，看板已锁定。", gr.skip(), gr.skip(), ""
        if not key_is_valid(entered, keys):
            time.sleep(0.5)  # slows down guessing
            return False, "密钥不正确，请重新输入。", gr.skip(), gr.skip(), ""
        return True, "", gr.Column(visible=False), gr.Column(visible=True), ""

    login_outputs = [authorized, login_msg, login, board, key]
    enter.click(check, [key], login_outputs, api_visibility="private").then(
        load, [authorized], outputs, api_visibility="private"
    )
    key.submit(check, [key], login_outputs, api_visibility="private").then(
        load, [authorized], outputs, api_visibility="private"
    )
    refresh.click(load, [authorized], outputs, api_visibility="private")
