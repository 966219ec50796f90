"""Aggregates for the operations dashboard, read from the conversation store.

``Store.stats()`` gives all-time totals; the dashboard also needs a daily series, answered vs declined
by topic and by channel, p95 latency, the recent thumbs-down with the answer that earned them and the
hotline staff's notes. Rows of the last ``days`` days are fetched once and aggregated in Python, which
is portable between SQLite and PostgreSQL (no dialect-specific date functions) and cheap at the volume
a dashboard looks at.

Example::

    data = dashboard_stats(service.store, days=14)
    data["per_day"][-1]   # {"day": "2023-01-05", "questions": 12, "answered": 10, "declined": 2, "p95_ms": 180.0}
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import select

from bot.store import Store, feedback, messages, utcnow

# Days are counted in China Standard Time (no daylight saving), the residents' and the operators' day.
LOCAL_TZ = dt.timezone(dt.timedelta(hours=8))

TOPIC_LABELS = {
    "medical_insurance": "医保",
    "postal": "邮政快递",
    "power": "供电",
    "gas": "燃气",
    "ecology": "生态环境",
    "auto": "汽车",
    "agriculture": "农业",
    "energy": "能源",
}
CHANNEL_LABELS = {
    "api": "接口",
    "web": "网页组件",
    "wechat": "微信",
    "gradio": "居民咨询页",
    "staff": "坐席助手",
    "openai": "OpenAI接口",
    "cli": "命令行",
}
KIND_LABELS = {
    "staff_used": "已采用",
    "staff_wrong": "答案有误",
    "knowledge_gap": "知识缺口",
    "resident": "居民评价",
}


def topic_label(topic: str | None) -> str:
    return TOPIC_LABELS.get(topic or "", topic or "未分类")


def channel_label(channel: str) -> str:
    return CHANNEL_LABELS.get(channel, channel)


def local_time(value: dt.datetime) -> dt.datetime:
    """A naive-UTC store timestamp as local time."""
    return value.replace(tzinfo=dt.UTC).astimezone(LOCAL_TZ)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n * q / 100), at least 1
    return float(ordered[int(rank) - 1])


def dashboard_stats(
    store: Store, *, days: int = 14, top: int = 10, recent: int = 20, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Everything the dashboard shows, for the last ``days`` days (local calendar days, oldest first)."""
    store.flush(timeout=5.0)
    now_utc = now or utcnow()
    today = local_time(now_utc).date()
    first_day = today - dt.timedelta(days=days - 1)
    since = dt.datetime.combine(first_day, dt.time(), LOCAL_TZ).astimezone(dt.UTC).replace(tzinfo=None)

    with store.engine.connect() as conn:
        rows = conn.execute(
            select(
                messages.c.created_at,
                messages.c.channel,
                messages.c.topic,
                messages.c.answered,
                messages.c.latency_ms,
                messages.c.question,
            ).where(messages.c.created_at >= since)
        ).all()
        fb_rows = conn.execute(
            select(
                feedback.c.created_at,
                feedback.c.rating,
                feedback.c.kind,
                feedback.c.comment,
                messages.c.channel,
                messages.c.question,
                messages.c.answer,
            )
            .join(messages, feedback.c.message_id == messages.c.id)
            .where(feedback.c.created_at >= since)
            .order_by(feedback.c.created_at.desc())
        ).all()

    day_keys = [(first_day + dt.timedelta(days=i)).isoformat() for i in range(days)]
    per_day: dict[str, dict[str, Any]] = {
        d: {"questions": 0, "answered": 0, "latencies": []} for d in day_keys
    }
    by_topic: dict[str, Counter[str]] = defaultdict(Counter)
    by_channel: dict[str, Counter[str]] = defaultdict(Counter)
    declined_questions: Counter[str] = Counter()
    latencies: list[float] = []
    for r in rows:
        day = local_time(r.created_at).date().isoformat()
        bucket = per_day.get(day)
        if bucket is None:
            continue
        bucket["questions"] += 1
        bucket["answered"] += int(bool(r.answered))
        bucket["latencies"].append(float(r.latency_ms))
        latencies.append(float(r.latency_ms))
        outcome = "answered" if r.answered else "declined"
        by_topic[topic_label(r.topic)][outcome] += 1
        by_channel[channel_label(r.channel)][outcome] += 1
        if not r.answered:
            declined_questions[r.question.strip()] += 1

    def split(groups: dict[str, Counter[str]]) -> list[dict[str, Any]]:
        ordered = sorted(groups.items(), key=lambda kv: -(kv[1]["answered"] + kv[1]["declined"]))
        return [{"name": k, "answered": c["answered"], "declined": c["declined"]} for k, c in ordered]

    def feedback_row(f: Any) -> dict[str, Any]:
        return {
            "time": local_time(f.created_at).strftime("%m-%d %H:%M"),
            "kind": KIND_LABELS.get(f.kind, f.kind),
            "channel": channel_label(f.channel),
            "question": f.question,
            "answer": f.answer,
            "comment": f.comment or "",
        }

    staff_kinds = ("staff_used", "staff_wrong", "knowledge_gap")
    total = len(rows)
    answered = sum(int(bool(r.answered)) for r in rows)
    return {
        "days": days,
        "since": first_day.isoformat(),
        "questions": total,
        "answered": answered,
        "declined": total - answered,
        "declined_rate": round((total - answered) / total, 4) if total else 0.0,
        "p95_ms": round(percentile(latencies, 95), 1),
        "per_day": [
            {
                "day": d,
                "questions": b["questions"],
                "answered": b["answered"],
                "declined": b["questions"] - b["answered"],
                "p95_ms": round(percentile(b["latencies"], 95), 1),
            }
            for d, b in per_day.items()
        ],
        "by_topic": split(by_topic),
        "by_channel": split(by_channel),
        "top_declined": [{"question": q, "count": n} for q, n in declined_questions.most_common(top)],
        "thumbs_down": [feedback_row(f) for f in fb_rows if f.rating == "down" and f.kind == "resident"][
            :recent
        ],
        "resident_feedback": {
            rating: sum(1 for f in fb_rows if f.kind == "resident" and f.rating == rating)
            for rating in ("up", "down")
        },
        "staff_counts": {KIND_LABELS[k]: sum(1 for f in fb_rows if f.kind == k) for k in staff_kinds},
        "staff_feedback": [feedback_row(f) for f in fb_rows if f.kind in staff_kinds][:recent],
    }
