"""faqbot against the default langchain pipeline, same knowledge base, same questions, one process.

Prints, side by side: retrieval hit@1/hit@3 (distinct articles), answer accuracy, in-process
latency p50/p95 per question, and faqbot/baseline ratios. Accuracy: an in-scope question is
right when the reply answers, contains every expected fact and cites the expected article
(the baseline always "answers" with its top chunk, citing that chunk's article); an out-of-scope
question is right when the reply declines, which the baseline never does.

    python scripts/bench_compare.py                         # knowledge/ and eval/questions.jsonl
    python scripts/bench_compare.py --limit 20 --out /tmp/compare.json
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from baseline_langchain import LangchainBaseline  # noqa: E402
from perf_common import (  # noqa: E402
    QUESTIONS,
    REPO,
    REPORTS,
    answer_correct,
    load_questions,
    machine,
    summary_ms,
    write_json,
)


def _hits(rankings: list[tuple[str, list[str]]]) -> dict[str, float]:
    n = len(rankings) or 1
    return {
        "hit@1": round(sum(got[:1] == [want] for want, got in rankings) / n, 4),
        "hit@3": round(sum(want in got[:3] for want, got in rankings) / n, 4),
    }


def run(knowledge: Path, questions: list[dict[str, Any]], data_dir: Path | None = None) -> dict[str, Any]:
    from bot import heap
    from bot.chain import build_chain
    from bot.config import Settings
    from bot.evaluation import ranked_doc_ids
    from bot.retrieve import retrieve_hybrid
    from bot.service import embeddings_for, ingest_paths

    owned = data_dir is None
    data = Path(tempfile.mkdtemp(prefix="faqbot-compare-")) if owned else data_dir
    try:
        settings = Settings(data_dir=data, knowledge_dir=knowledge)
        embeddings = embeddings_for(settings)
        embeddings.warm_up()
        t0 = time.perf_counter()
        if owned:
            ingest_paths(settings)
        chain = build_chain(settings)
        faqbot_setup = time.perf_counter() - t0
        t0 = time.perf_counter()
        baseline = LangchainBaseline(knowledge, embeddings, chunk_size=settings.chunk_size)
        baseline_setup = time.perf_counter() - t0

        # One throwaway question each, unrelated to the set, so neither pays first-call costs.
        chain.ask("你好，请问营业时间")
        baseline.ask("你好，请问营业时间")
        # As `faqbot serve` does once an index is loaded: what both sides loaded is kept out of the collector.
        heap.settle()

        sides: dict[str, dict[str, Any]] = {
            name: {"times": [], "correct": 0, "in_scope_correct": 0, "rankings": []} for name in ("faqbot", "baseline")
        }
        in_scope = sum(1 for r in questions if r.get("in_scope") and r.get("doc_id"))
        for i, row in enumerate(questions):
            q = row["question"]
            # Each side is timed after a full collection and the sides take turns going first, so neither
            # runs with the other's warm caches (the embedder's weights are shared) or pays its garbage.
            timed: dict[str, Any] = {}
            for name in ("faqbot", "baseline") if i % 2 == 0 else ("baseline", "faqbot"):
                gc.collect()
                t = time.perf_counter()
                timed[name] = chain.ask(q) if name == "faqbot" else baseline.ask(q)
                sides[name]["times"].append(time.perf_counter() - t)
            answer, base = timed["faqbot"], timed["baseline"]
            ok = answer_correct(row, answer.answered, answer.text, [c.doc_id for c in answer.citations])
            base_ok = answer_correct(row, True, base.text, base.doc_ids[:1])
            for name, right in (("faqbot", ok), ("baseline", base_ok)):
                sides[name]["correct"] += right
                sides[name]["in_scope_correct"] += right and bool(row.get("in_scope"))
            if row.get("in_scope") and row.get("doc_id"):
                hits = retrieve_hybrid(chain.index, embeddings, q, settings.retrieve_k)
                sides["faqbot"]["rankings"].append((row["doc_id"], ranked_doc_ids(hits)))
                sides["baseline"]["rankings"].append((row["doc_id"], base.doc_ids))
        out: dict[str, Any] = {"questions": len(questions), "in_scope": in_scope}
        for name, side in sides.items():
            out[name] = {
                **_hits(side["rankings"]),
                "accuracy": round(side["correct"] / len(questions), 4),
                "in_scope_accuracy": round(side["in_scope_correct"] / max(1, in_scope), 4),
                "latency": summary_ms(side["times"]),
            }
        out["faqbot"]["setup_s"] = round(faqbot_setup, 2)
        out["baseline"]["setup_s"] = round(baseline_setup, 2)
        out["baseline"]["chunks"] = len(baseline.chunks)
        out["faqbot"]["chunks"] = len(chain.index.chunks)
        f, b = out["faqbot"]["latency"], out["baseline"]["latency"]
        out["ratios"] = {
            "accuracy": round(out["faqbot"]["accuracy"] / max(1e-9, out["baseline"]["accuracy"]), 3),
            "p50": round(f["p50_ms"] / max(1e-9, b["p50_ms"]), 2),
            "p95": round(f["p95_ms"] / max(1e-9, b["p95_ms"]), 2),
        }
        return out
    finally:
        if owned:
            shutil.rmtree(data, ignore_errors=True)


def format_table(result: dict[str, Any]) -> str:
    f, b, r = result["faqbot"], result["baseline"], result["ratios"]
    rows = [
        ("retrieval hit@1", f"{f['hit@1']:.3f}", f"{b['hit@1']:.3f}", ""),
        ("retrieval hit@3", f"{f['hit@3']:.3f}", f"{b['hit@3']:.3f}", ""),
        ("answer accuracy (all)", f"{f['accuracy']:.3f}", f"{b['accuracy']:.3f}", f"{r['accuracy']:.2f}x"),
        ("answer accuracy (in scope)", f"{f['in_scope_accuracy']:.3f}", f"{b['in_scope_accuracy']:.3f}", ""),
        ("latency p50 ms", f"{f['latency']['p50_ms']:.1f}", f"{b['latency']['p50_ms']:.1f}", f"{r['p50']:.2f}x"),
        ("latency p95 ms", f"{f['latency']['p95_ms']:.1f}", f"{b['latency']['p95_ms']:.1f}", f"{r['p95']:.2f}x"),
    ]
    head = f"{result['questions']} questions ({result['in_scope']} in scope)"
    lines = [head, f"{'':28}{'faqbot':>10}{'langchain':>11}{'ratio':>9}"]
    lines += [f"{name:28}{a:>10}{c:>11}{d:>9}" for name, a, c, d in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--knowledge", type=Path, default=REPO / "knowledge")
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--split", choices=["dev", "test", "all"], default="all")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--out", type=Path, default=REPORTS / "compare.json")
    args = parser.parse_args(argv)

    from bot.embed import limit_threads

    limit_threads(os.cpu_count() or 1)
    at = machine()
    result = run(args.knowledge, load_questions(args.questions, args.limit, args.split))
    result["machine"] = at
    result["machine_after"] = machine()
    print(format_table(result))
    write_json(args.out, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
