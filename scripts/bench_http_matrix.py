"""``scripts/bench_http.py`` over a grid: 1, 8, 32, 64 clients x 1 and 2 server workers; table and chart.

One server per worker count (started by bench_http's ``own_server`` on a copy of the index), then
each client count in turn against it. The answer cache is off unless ``--cache``: every request
runs the chain, which is the cost being measured (residents' repeated questions are cheaper).

    python scripts/bench_http_matrix.py --data-dir /tmp/faqbot-scale/100000/data --seconds 15
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from perf_common import QUESTIONS, REPO, REPORTS, machine, merge_json, pyplot  # noqa: E402


def run_grid(data_dir: Path, workers: list[int], clients: list[int], seconds: float, warmup: float, cache: bool) -> dict[str, Any]:
    import bench_http

    questions = bench_http.load_questions(QUESTIONS)
    rows = []
    for w in workers:
        with bench_http.own_server(w, data_dir, cache=cache) as url:
            for c in clients:
                at = machine()
                results, secs = asyncio.run(bench_http.run(url, c, seconds, warmup, questions))
                lat = [x * 1000 for x in results.latencies]
                row = {
                    "workers": w,
                    "clients": c,
                    "requests": len(lat),
                    "requests_per_s": round(len(lat) / secs, 1),
                    "p50_ms": round(bench_http.percentile(lat, 50), 1),
                    "p95_ms": round(bench_http.percentile(lat, 95), 1),
                    "errors": results.errors,
                    "load_before": at["load_1_5_15"],
                }
                rows.append(row)
                print(
                    f"workers {w}  clients {c:3d}  {row['requests_per_s']:7.1f} req/s  "
                    f"p50 {row['p50_ms']:8.1f} ms  p95 {row['p95_ms']:8.1f} ms  errors {row['errors']}",
                    flush=True,
                )
    return {"machine": machine(), "data_dir": str(data_dir), "answer_cache": cache, "seconds": seconds, "rows": rows}


def plot(result: dict[str, Any], path: Path) -> Path:
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for w in sorted({r["workers"] for r in result["rows"]}):
        rows = [r for r in result["rows"] if r["workers"] == w]
        xs = [r["clients"] for r in rows]
        left.plot(xs, [r["requests_per_s"] for r in rows], marker="o", label=f"--workers {w}")
        right.plot(xs, [r["p95_ms"] for r in rows], marker="o", label=f"--workers {w}")
    for ax, label in ((left, "requests/s"), (right, "p95 latency (ms)")):
        ax.set_xscale("log", base=2)
        ax.set_xlabel("concurrent clients")
        ax.set_ylabel(label)
        ax.legend()
        ax.grid(alpha=0.3)
    left.set_title("throughput")
    right.set_title("p95 latency")
    fig.suptitle(f"POST /api/v1/ask on 2 cores (answer cache {'on' if result['answer_cache'] else 'off'})")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("FAQBOT_DATA_DIR", REPO / "data")))
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32, 64])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--cache", action="store_true", help="leave the answer cache on")
    parser.add_argument("--label", default="http", help="key in the results file and chart name suffix")
    parser.add_argument("--out", type=Path, default=REPORTS / "http.json")
    parser.add_argument("--chart", type=Path, default=None, help="PNG path (default eval/reports/<label>.png)")
    args = parser.parse_args(argv)
    result = run_grid(args.data_dir, args.workers, args.clients, args.seconds, args.warmup, args.cache)
    merge_json(args.out, args.label, result)
    print("wrote", plot(result, args.chart or REPORTS / f"{args.label}.png"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
