"""The Markdown report of `faqbot eval --report DIR`, with PNG charts drawn by matplotlib (Agg, no display)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from bot.eval_answers import TARGETS, Outcome, format_summary, format_topics


def _pyplot():  # type: ignore[no-untyped-def]
    from bot.charts import pyplot

    return pyplot()


def _topic_chart(path: Path, figs: dict[str, dict[str, Any]]) -> None:
    plt = _pyplot()
    topics = sorted({t for f in figs.values() for t, row in f["per_topic"].items() if row["in_scope"]})
    fig, ax = plt.subplots(figsize=(8, 3.6))
    width = 0.8 / max(1, len(figs))
    for i, (split, f) in enumerate(figs.items()):
        values = [(f["per_topic"].get(t, {}).get("answer_accuracy") or 0.0) for t in topics]
        ax.bar([x + i * width for x in range(len(topics))], values, width, label=split)
    ax.axhline(TARGETS["answer_accuracy"], color="grey", linestyle="--", linewidth=1, label="目标 0.95")
    ax.set_xticks([x + width * (len(figs) - 1) / 2 for x in range(len(topics))], topics, rotation=20)
    ax.set_ylim(0, 1.05)
    ax.set_title("各主题回答准确率")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _summary_chart(path: Path, figs: dict[str, dict[str, Any]]) -> None:
    plt = _pyplot()
    keys = [
        ("answer_accuracy", "回答准确率"),
        ("citation_precision", "引用准确率"),
        ("out_of_scope_declined", "超范围拒答率"),
        ("abstention_precision", "拒答精确率"),
        ("followup_accuracy", "追问准确率"),
    ]
    fig, ax = plt.subplots(figsize=(8, 3.6))
    width = 0.8 / max(1, len(figs))
    for i, (split, f) in enumerate(figs.items()):
        ax.bar(
            [x + i * width for x in range(len(keys))], [f.get(k) or 0.0 for k, _ in keys], width, label=split
        )
    ax.set_xticks([x + width * (len(figs) - 1) / 2 for x in range(len(keys))], [label for _, label in keys])
    ax.set_ylim(0, 1.05)
    ax.set_title("总体指标")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _latency_chart(path: Path, outcomes: list[Outcome]) -> None:
    plt = _pyplot()
    values = [o.latency_ms for o in outcomes]
    fig, ax = plt.subplots(figsize=(8, 3.2))
    ax.hist(values, bins=30, color="#4a7ab5")
    ax.axvline(TARGETS["latency_p95_ms"], color="grey", linestyle="--", linewidth=1, label="p95 目标 50 ms")
    ax.set_xlabel("毫秒")
    ax.set_ylabel("问题数")
    ax.set_title("单次回答耗时（进程内）")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _failures(outcomes: list[Outcome]) -> str:
    rows = ["| id | question | expected | got |", "|---|---|---|---|"]
    for o in outcomes:
        if o.correct:
            continue
        expected = f"answer from {o.expected_doc}" if o.in_scope else "decline"
        if o.in_scope and o.answered:
            got = f"answered ({'facts ok' if o.facts_ok else 'facts missing'}, {'doc ok' if o.doc_ok else 'wrong doc'})"
        else:
            got = "answered" if o.answered else "declined"
        question = (
            o.question if not o.rewritten or o.rewritten == o.question else f"{o.question} → {o.rewritten}"
        )
        rows.append(f"| {o.item_id} | {question} | {expected} | {got} |")
    return "\n".join(rows) if len(rows) > 2 else "(none)"


def write_report(
    directory: Path,
    results: dict[str, tuple[dict[str, Any], list[Outcome], list[Outcome]]],
    *,
    command: str,
    index_version: str,
) -> Path:
    """Write report.md and its charts into ``directory``; returns the Markdown path."""
    directory.mkdir(parents=True, exist_ok=True)
    figs = {s: r[0] for s, r in results.items()}
    _summary_chart(directory / "summary.png", figs)
    _topic_chart(directory / "topics.png", figs)
    _latency_chart(directory / "latency.png", [o for r in results.values() for o in r[1] + r[2]])
    lines = [
        "# faqbot answer evaluation",
        "",
        f"- command: `{command}`",
        f"- index version: `{index_version}`",
        f"- run at: {dt.datetime.now().isoformat(timespec='seconds')}",
        "- thresholds were tuned on the dev split only; test failures are not listed on purpose.",
        "",
        "## Summary",
        "",
        format_summary(figs),
        "",
        "![summary](summary.png)",
        "",
        "![per topic](topics.png)",
        "",
        "![latency](latency.png)",
        "",
    ]
    for split, (fig, qs, ds) in results.items():
        lines += [f"## {split} split, per topic", "", format_topics(fig), ""]
        lines += [f"Answer modes: {', '.join(f'{k} {v}' for k, v in fig['modes'].items())}", ""]
        if split == "dev":
            lines += ["### dev failures", "", _failures(qs + ds), ""]
    path = directory / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
