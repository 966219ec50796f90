"""Markdown tables for docs/performance.md from the benchmark results under eval/reports/.

    python scripts/perf_tables.py > /tmp/tables.md
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from perf_common import REPORTS  # noqa: E402


def _load(name: str) -> dict[str, Any]:
    path = REPORTS / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _get(d: dict[str, Any], *keys: str, default: Any = "–") -> Any:
    for key in keys:
        if not isinstance(d, dict) or key not in d:
            return default
        d = d[key]
    return d


def scale_tables(scale: dict[str, Any]) -> str:
    sizes = sorted(scale, key=int)
    out = ["| | " + " | ".join(f"{int(s):,} chunks" for s in sizes) + " |", "|---|" + "---|" * len(sizes)]

    def row(label: str, fn) -> None:  # type: ignore[no-untyped-def]
        cells = []
        for s in sizes:
            try:
                cells.append(fn(scale[s]))
            except (KeyError, TypeError, ZeroDivisionError):
                cells.append("–")
        out.append(f"| {label} | " + " | ".join(str(c) for c in cells) + " |")

    row("articles", lambda e: f"{e['ingest']['documents']:,}")
    row("ingest, full (s)", lambda e: f"{e['ingest']['seconds']:.0f}")
    row("  of which embedding (s)", lambda e: f"{e['ingest']['embed_s']:.0f}")
    row("  load + chunk + tokenise (s)", lambda e: f"{e['ingest']['load_and_chunk_s']:.1f}")
    row("  index write (s)", lambda e: f"{e['ingest']['index_s']:.1f}")
    row("chunks/s", lambda e: f"{e['ingest']['chunks_per_s']:.0f}")
    row("chunk characters/s embedded", lambda e: f"{e['kb']['characters'] / max(1e-9, e['ingest']['embed_s']):,.0f}")
    row("index on disk (MB)", lambda e: f"{e['ingest']['index_bytes'] / 2**20:.0f}")
    row("dense index", lambda e: e["query"]["dense_kind"]["kind"])
    row("re-ingest 1 changed article: index update (s)", lambda e: " / ".join(f"{r['index_update_s']:.2f}" for r in e["update"]["runs"]))
    row("  + reading every file first (s)", lambda e: " / ".join(f"{r['read_files_s']:.2f}" for r in e["update"]["runs"]))
    row("index load (s)", lambda e: f"{e['query']['load_s']:.2f}")
    for part in ("embed", "dense", "bm25", "retrieve_total"):
        row(f"{part} p50 / p95 (ms)", lambda e, p=part: f"{e['query']['latency'][p]['p50_ms']:.1f} / {e['query']['latency'][p]['p95_ms']:.1f}")
    row("chain.ask p50 / p95 (ms)", lambda e: f"{e['answer']['ask']['p50_ms']:.1f} / {e['answer']['ask']['p95_ms']:.1f}")
    row("answer accuracy, all 200", lambda e: f"{e['answer']['accuracy']:.3f}")
    row("  in scope (145)", lambda e: f"{e['answer']['in_scope_accuracy']:.3f}")
    row("  out of scope declined (55)", lambda e: f"{e['answer']['out_of_scope_declined']:.3f}")
    row("cold start to /readyz (s)", lambda e: f"{e['serve']['cold_start_s']:.1f}")
    row("server RSS after load (MB)", lambda e: f"{e['serve']['rss_ready_mb']:.0f}")
    row("server RSS after first ask (MB)", lambda e: f"{e['serve']['rss_after_first_ask_mb']:.0f}")
    # Rounds before 24 built the pages before /readyz: their results have no separate figures for them.
    row("pages at /ui up (s)", lambda e: f"{e['serve']['ui_ready_s']:.1f}" if "ui_ready_s" in e["serve"] else "with /readyz")
    row("server RSS with /ui built (MB)", lambda e: f"{e['serve']['rss_with_ui_mb']:.0f}" if "rss_with_ui_mb" in e["serve"] else "as after load")
    row("load average during query stage", lambda e: e["query"]["machine"]["load_1_5_15"][0])
    return "\n".join(out)


def dense_table(dense: dict[str, Any]) -> str:
    out = []
    for size, result in sorted(dense.items(), key=lambda kv: int(kv[0])):
        out.append(f"\n{int(size):,} chunks, {result['queries']} queries, top {result['depth']}, "
                   f"load {result['machine']['load_1_5_15'][0]}:\n")  # fmt: skip
        out.append("| index | build (s) | recall@10 | p50 (ms) | p95 (ms) | size (MB) | update 1 article (s) |")
        out.append("|---|---|---|---|---|---|---|")
        for name, e in result.items():
            if not isinstance(e, dict) or "recall@10" not in e:
                continue
            size_mb = f"{e['bytes'] / 2**20:.0f}" if e.get("bytes") else "–"
            out.append(
                f"| {name} | {e['build_s']:.1f} | {e['recall@10']:.3f} | {e['latency']['p50_ms']:.2f} | "
                f"{e['latency']['p95_ms']:.2f} | {size_mb} | {e.get('update_s', '–')} |"
            )
    return "\n".join(out)


def compare_table(c: dict[str, Any]) -> str:
    if not c:
        return ""
    f, b, r = c["faqbot"], c["baseline"], c["ratios"]
    lines = ["| | faqbot | langchain default | faqbot / baseline |", "|---|---|---|---|"]
    lines.append(f"| retrieval hit@1 | {f['hit@1']:.3f} | {b['hit@1']:.3f} | |")
    lines.append(f"| retrieval hit@3 | {f['hit@3']:.3f} | {b['hit@3']:.3f} | |")
    lines.append(f"| answer accuracy, all {c['questions']} | {f['accuracy']:.3f} | {b['accuracy']:.3f} | {r['accuracy']:.2f}x |")
    lines.append(f"| answer accuracy, in scope ({c['in_scope']}) | {f['in_scope_accuracy']:.3f} | {b['in_scope_accuracy']:.3f} | |")
    lines.append(f"| latency p50 (ms) | {f['latency']['p50_ms']:.1f} | {b['latency']['p50_ms']:.1f} | {r['p50']:.2f}x |")
    lines.append(f"| latency p95 (ms) | {f['latency']['p95_ms']:.1f} | {b['latency']['p95_ms']:.1f} | {r['p95']:.2f}x |")
    lines.append(f"| chunks | {f['chunks']} | {b['chunks']} | |")
    lines.append(f"\nload average at start {c['machine']['load_1_5_15']}, at end {c['machine_after']['load_1_5_15']}")
    return "\n".join(lines)


def http_table(h: dict[str, Any]) -> str:
    out = []
    for label, result in h.items():
        out.append(f"\n`{label}`: {result['data_dir']}, answer cache {'on' if result['answer_cache'] else 'off'}, "
                   f"{result['seconds']:.0f} s per cell\n")  # fmt: skip
        out.append("| workers | clients | requests/s | p50 (ms) | p95 (ms) | errors | load before |")
        out.append("|---|---|---|---|---|---|---|")
        for r in result["rows"]:
            out.append(
                f"| {r['workers']} | {r['clients']} | {r['requests_per_s']:.1f} | {r['p50_ms']:.0f} | "
                f"{r['p95_ms']:.0f} | {r['errors']} | {r['load_before'][0]} |"
            )
    return "\n".join(out)


def main() -> int:
    print("## Scale\n")
    print(scale_tables(_load("scale.json")))
    print("\n## Dense index choice\n")
    print(dense_table(_load("dense.json")))
    print("\n## Baseline comparison\n")
    print(compare_table(_load("compare.json")))
    print("\n## HTTP\n")
    print(http_table(_load("http.json")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
