"""`faqbot eval`: how well the chain answers eval/questions.jsonl and eval/dialogs.jsonl, per split.

An in-scope question counts as correct when it is answered, the answer contains every expected fact
(compared after ``normalize``) and a citation points at the expected article. An out-of-scope one is
correct when it is declined. Dialog turns after the first measure follow-up handling. Figures are
reported for the dev and test splits separately: thresholds are tuned on dev only, and test failures
are not listed, so nobody is tempted to fix them one by one.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.chunk import normalize
from bot.config import Settings
from bot.types import Answer

SPLITS = ("dev", "test")
TARGETS = {
    "answer_accuracy": 0.95,
    "out_of_scope_declined": 0.90,
    "followup_accuracy": 0.90,
    "latency_p95_ms": 50.0,
}


@dataclass
class Outcome:
    item_id: str
    question: str
    split: str
    topic: str
    in_scope: bool
    correct: bool
    answered: bool
    facts_ok: bool = False
    doc_ok: bool = False
    cited_docs: list[str] = field(default_factory=list)
    expected_doc: str | None = None
    latency_ms: float = 0.0
    mode: str = ""
    answer: str = ""
    rewritten: str = ""
    followup: bool = False


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def judge(item: dict[str, Any], answer: Answer) -> tuple[bool, bool, bool]:
    """(correct, facts_ok, doc_ok) of one answer against one expected item."""
    if not item["in_scope"]:
        return (not answer.answered), False, False
    text = normalize(answer.text)
    facts_ok = all(normalize(f) in text for f in item.get("facts", []))
    doc_ok = any(c.doc_id == item["doc_id"] for c in answer.citations)
    return bool(answer.answered and facts_ok and doc_ok), facts_ok, doc_ok


def _outcome(
    item: dict[str, Any], answer: Answer, split: str, latency: float, *, followup: bool = False
) -> Outcome:
    correct, facts_ok, doc_ok = judge(item, answer)
    return Outcome(
        item_id=str(item.get("id", "")),
        question=item["question"],
        split=split,
        topic=str(item.get("topic") or _doc_topic(item.get("doc_id"))),
        in_scope=bool(item["in_scope"]),
        correct=correct,
        answered=answer.answered,
        facts_ok=facts_ok,
        doc_ok=doc_ok,
        cited_docs=[c.doc_id for c in answer.citations],
        expected_doc=item.get("doc_id"),
        latency_ms=latency,
        mode=answer.mode,
        answer=answer.text,
        rewritten=answer.rewritten_question,
        followup=followup,
    )


_DOC_TOPICS = {
    "cc-medical-outpatient": "medical_insurance",
    "postal-baotong": "postal",
    "gas-new-year-eve": "gas",
    "power-lishu-strawberry": "power",
    "yanbian-power-returnees": "power",
    "eco-supervision": "ecology",
    "jilin-oilfield-ccus": "energy",
    "hongqi-h6": "auto",
}


def _doc_topic(doc_id: str | None) -> str:
    return _DOC_TOPICS.get(doc_id or "", "none")


def run_questions(chain: Any, items: Sequence[dict[str, Any]]) -> list[Outcome]:
    out = []
    for item in items:
        started = time.perf_counter()
        answer = chain.ask(item["question"])
        out.append(_outcome(item, answer, item.get("split", "dev"), (time.perf_counter() - started) * 1000))
    return out


def run_dialogs(chain: Any, dialogs: Sequence[dict[str, Any]]) -> list[Outcome]:
    from bot.chain import answer_to_turn

    out = []
    for dialog in dialogs:
        history: list[Any] = []
        for n, turn in enumerate(dialog["turns"]):
            started = time.perf_counter()
            answer = chain.ask(turn["question"], history)
            latency = (time.perf_counter() - started) * 1000
            item = {**turn, "id": f"{dialog['id']}.{n + 1}"}
            out.append(_outcome(item, answer, dialog.get("split", "dev"), latency, followup=n > 0))
            history.append(answer_to_turn(answer))
    return out


def _ratio(num: int, den: int) -> float | None:
    return None if den == 0 else num / den


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def figures(questions: list[Outcome], dialogs: list[Outcome]) -> dict[str, Any]:
    """Every figure of one split."""
    inscope = [o for o in questions if o.in_scope]
    oos = [o for o in questions if not o.in_scope]
    declined = [o for o in questions if not o.answered]
    cited = [d for o in inscope if o.answered for d in o.cited_docs]
    cited_right = sum(1 for o in inscope if o.answered for d in o.cited_docs if d == o.expected_doc)
    followups = [o for o in dialogs if o.followup]
    latencies = [o.latency_ms for o in questions + dialogs]
    per_topic: dict[str, dict[str, Any]] = {}
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in questions:
        groups[o.topic].append(o)
    for topic, items in sorted(groups.items()):
        ins = [o for o in items if o.in_scope]
        outs = [o for o in items if not o.in_scope]
        per_topic[topic] = {
            "in_scope": len(ins),
            "answer_accuracy": _ratio(sum(o.correct for o in ins), len(ins)),
            "out_of_scope": len(outs),
            "declined": _ratio(sum(o.correct for o in outs), len(outs)),
        }
    return {
        "questions": len(questions),
        "in_scope": len(inscope),
        "out_of_scope": len(oos),
        "answer_accuracy": _ratio(sum(o.correct for o in inscope), len(inscope)),
        "answered_in_scope": _ratio(sum(o.answered for o in inscope), len(inscope)),
        "citation_precision": _ratio(cited_right, len(cited)),
        "out_of_scope_declined": _ratio(sum(not o.answered for o in oos), len(oos)),  # abstention recall
        "abstention_precision": _ratio(sum(1 for o in declined if not o.in_scope), len(declined)),
        "followup_turns": len(followups),
        "followup_accuracy": _ratio(sum(o.correct for o in followups), len(followups)),
        "dialog_turn_accuracy": _ratio(sum(o.correct for o in dialogs), len(dialogs)),
        "latency_p50_ms": round(_percentile(latencies, 0.5), 2),
        "latency_p95_ms": round(_percentile(latencies, 0.95), 2),
        "latency_mean_ms": round(statistics.fmean(latencies), 2) if latencies else 0.0,
        "modes": dict(sorted(_count(o.mode for o in questions).items())),
        "per_topic": per_topic,
    }


def _count(values: Any) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for v in values:
        out[v] += 1
    return dict(out)


def evaluate(
    chain: Any, questions: Sequence[dict[str, Any]], dialogs: Sequence[dict[str, Any]], splits: Sequence[str]
):  # type: ignore[no-untyped-def]
    """Run everything once and group by split: {split: (figures, question outcomes, dialog outcomes)}."""
    q_out = run_questions(chain, [q for q in questions if q.get("split", "dev") in splits])
    d_out = run_dialogs(chain, [d for d in dialogs if d.get("split", "dev") in splits])
    result = {}
    for split in splits:
        qs = [o for o in q_out if o.split == split]
        ds = [o for o in d_out if o.split == split]
        result[split] = (figures(qs, ds), qs, ds)
    return result


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


SUMMARY_ROWS = (
    ("answer_accuracy", "answer accuracy (in scope)"),
    ("citation_precision", "citation precision"),
    ("out_of_scope_declined", "out of scope declined (abstention recall)"),
    ("abstention_precision", "abstention precision"),
    ("followup_accuracy", "follow-up accuracy"),
    ("dialog_turn_accuracy", "dialog turns correct"),
    ("latency_p50_ms", "latency p50 (ms)"),
    ("latency_p95_ms", "latency p95 (ms)"),
)


def format_summary(by_split: dict[str, dict[str, Any]]) -> str:
    splits = list(by_split)
    lines = ["| figure | " + " | ".join(splits) + " | target |", "|---|" + "---|" * len(splits) + "---|"]
    for key, label in SUMMARY_ROWS:
        target = TARGETS.get(key)
        values = " | ".join(_fmt(by_split[s].get(key)) for s in splits)
        lines.append(
            f"| {label} | {values} | {'' if target is None else ('<= ' if 'latency' in key else '>= ') + str(target)} |"
        )
    counts = " | ".join(
        f"{by_split[s]['in_scope']} in / {by_split[s]['out_of_scope']} out / {by_split[s]['followup_turns']} follow-ups"
        for s in splits
    )
    lines.append(f"| items | {counts} | |")
    return "\n".join(lines)


def format_topics(fig: dict[str, Any]) -> str:
    lines = ["| topic | in scope | accuracy | out of scope | declined |", "|---|---|---|---|---|"]
    for topic, row in fig["per_topic"].items():
        lines.append(
            f"| {topic} | {row['in_scope']} | {_fmt(row['answer_accuracy'])} | {row['out_of_scope']} | {_fmt(row['declined'])} |"
        )
    return "\n".join(lines)


def run_answer_eval(settings: Settings, args: argparse.Namespace) -> int:
    """Entry point of `faqbot eval` (answers). Prints the figures; ``--report DIR`` writes Markdown + PNG charts."""
    from bot.chain import build_chain

    questions = read_jsonl(Path(args.file))
    dialogs_path = Path(getattr(args, "dialogs", "") or "")
    dialogs = read_jsonl(dialogs_path) if dialogs_path.is_file() else []
    split = getattr(args, "split", "all")
    splits = SPLITS if split == "all" else (split,)
    chain = build_chain(settings)
    results = evaluate(chain, questions, dialogs, splits)
    by_split = {s: results[s][0] for s in splits}
    if getattr(args, "json", False):
        print(json.dumps(by_split, ensure_ascii=False, indent=1))
    else:
        print(format_summary(by_split))
        for s in splits:
            print(f"\n{s} split, per topic:\n{format_topics(by_split[s])}")
    if getattr(args, "report", None):
        from bot.eval_report import write_report

        # BLAS threads change latency a lot on a busy 2-core machine, so the report says how it was run.
        command = (f"FAQBOT_THREADS={settings.threads} " if settings.threads else "") + _command(args)
        path = write_report(Path(args.report), results, command=command, index_version=chain.index_version)
        print(f"\nreport written to {path}")
    return 0


def _command(args: argparse.Namespace) -> str:
    parts = ["faqbot eval", str(args.file)]
    if getattr(args, "split", "all") != "all":
        parts.append(f"--split {args.split}")
    if getattr(args, "report", None):
        parts.append(f"--report {args.report}")
    return " ".join(parts)
