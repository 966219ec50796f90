"""Helpers the benchmark scripts share: questions, answer scoring, percentiles, machine facts.

Benchmarks are scripts, not tests; ``tests/test_scripts_perf.py`` runs each once on a tiny size.
"""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bot.chunk import normalize  # noqa: E402

QUESTIONS = REPO / "eval" / "questions.jsonl"
REPORTS = REPO / "eval" / "reports"


def load_questions(path: Path = QUESTIONS, limit: int | None = None, split: str = "all") -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    rows = [r for r in rows if split in ("all", r.get("split", "dev"))]
    return rows[:limit] if limit else rows


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", normalize(text))


def answer_correct(row: dict[str, Any], answered: bool, text: str, cited_docs: Iterable[str]) -> bool:
    """In scope: answered, every expected fact in the answer text, the expected article cited.
    Out of scope: declined."""
    if not row.get("in_scope", True) or not row.get("doc_id"):
        return not answered
    if not answered:
        return False
    body = _squash(text)
    return all(_squash(f) in body for f in row.get("facts", [])) and row["doc_id"] in set(cited_docs)


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def summary_ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "p50_ms": round(pct(ms, 50), 2),
        "p95_ms": round(pct(ms, 95), 2),
        "mean_ms": round(statistics.fmean(ms), 2) if ms else 0.0,
        "n": len(ms),
    }


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def machine() -> dict[str, Any]:
    """Cores, memory and the load average at the moment a figure is taken."""
    import psutil

    load = os.getloadavg()
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "load_1_5_15": [round(x, 2) for x in load],
        "at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
    }


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def merge_json(path: Path, key: str, value: Any) -> dict[str, Any]:
    """Update one entry of a results file, keeping the others (figures taken at different times)."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    data[key] = value
    write_json(path, data)
    return data


def pyplot():  # type: ignore[no-untyped-def]
    """matplotlib with the Agg backend and a CJK font when one is installed (``bot.charts``)."""
    from bot.charts import pyplot as charts_pyplot

    return charts_pyplot()
