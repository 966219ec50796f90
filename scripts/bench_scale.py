"""How faqbot's cost grows with the knowledge base: 1k, 10k, 100k chunks.

For each size it builds a synthetic knowledge base (``scripts/synth_kb.py``: the real articles plus
recombined ones) under ``--work`` and runs the stages asked for:

- ``kb``       generate the articles (skipped when the folder already holds that size)
- ``ingest``   full ingest: time, chunks/s, characters/s, the embed/index split, index size on disk
- ``update``   change one real article and re-ingest incrementally (then put it back): in process
               (file scan + index update) and as a whole ``faqbot ingest`` subprocess
- ``query``    load time, then per real question: embed, dense search, BM25, fusion (p50/p95)
- ``answer``   the chain (bot.chain.build_chain) on the real questions: accuracy and answer latency
- ``serve``    ``faqbot serve`` as a subprocess: cold start to /readyz and RSS after load
- ``plot``     latency and memory against size, PNG under eval/reports/

Every figure goes into ``--out`` (JSON, merged per size and stage) with the machine and its load.

    python scripts/bench_scale.py --sizes 1000 10000 --stages kb ingest query answer serve plot
    nohup python scripts/bench_scale.py --sizes 100000 --stages kb ingest > /tmp/scale100k.log 2>&1 &
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from perf_common import (  # noqa: E402
    REPORTS,
    answer_correct,
    dir_size,
    load_questions,
    machine,
    merge_json,
    pyplot,
    summary_ms,
)
from synth_kb import generate  # noqa: E402

STAGES = ("kb", "ingest", "update", "query", "answer", "serve", "plot")
CHANGED_ARTICLE = "postal-baotong.md"


def log(*parts: object) -> None:
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


def settings_for(work: Path, data_dir: Path | None = None):  # type: ignore[no-untyped-def]
    from bot.config import Settings

    return Settings(data_dir=data_dir or work / "data", knowledge_dir=work / "knowledge")


def stage_kb(size: int, work: Path, force: bool) -> dict[str, Any]:
    marker = work / "kb.json"
    if marker.is_file() and not force:
        return json.loads(marker.read_text())
    started = time.perf_counter()
    counts = generate(size, work / "knowledge")
    counts["seconds"] = round(time.perf_counter() - started, 2)
    marker.write_text(json.dumps(counts))
    return counts


def stage_ingest(work: Path) -> dict[str, Any]:
    from bot.service import embeddings_for, ingest_paths

    settings = settings_for(work)
    shutil.rmtree(settings.data_dir, ignore_errors=True)
    embeddings_for(settings).warm_up()
    marks: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        marks.setdefault(f"{stage}_start", time.perf_counter())
        if done >= total:
            marks[f"{stage}_end"] = time.perf_counter()

    at = machine()
    started = time.perf_counter()
    result = ingest_paths(settings, progress=progress, full=True)
    seconds = time.perf_counter() - started
    report = result.report
    version_dir = settings.index_dir / report.version
    chars = sum(len(line) for line in (version_dir / "chunks.jsonl").open(encoding="utf-8"))
    files = {f.name: f.stat().st_size for f in version_dir.iterdir() if f.is_file()}
    embed_start = marks.get("embed_start", started)
    return {
        "machine_at_start": at,
        "machine_at_end": machine(),
        "documents": len(result.documents),
        "chunks": report.chunks,
        "seconds": round(seconds, 2),
        "chunks_per_s": round(report.chunks / seconds, 1),
        "load_and_chunk_s": round(embed_start - started, 2),
        "embed_s": round(marks.get("embed_end", embed_start) - embed_start, 2),
        "index_s": round(started + seconds - marks.get("embed_end", embed_start), 2),
        "jsonl_chars": chars,
        "index_bytes": dir_size(version_dir),
        "files_bytes": files,
        "dense_kind": json.loads((version_dir / "manifest.json").read_text())["dense"],
    }


def _cli_ingest(settings: Any) -> dict[str, Any]:
    """``faqbot ingest`` as an operator runs it: a new process, imports, model and dictionary load, scan, update."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAQBOT_") or k == "FAQBOT_THREADS"}
    env.update(FAQBOT_DATA_DIR=str(settings.data_dir), FAQBOT_KNOWLEDGE_DIR=str(settings.knowledge_dir))
    faqbot = Path(sys.executable).with_name("faqbot")
    started = time.perf_counter()
    out = subprocess.run([str(faqbot), "ingest", "--quiet"], env=env, capture_output=True, text=True, timeout=3600)
    seconds = time.perf_counter() - started
    if out.returncode != 0:
        raise RuntimeError(f"faqbot ingest exited with {out.returncode}: {out.stderr[-2000:]}")
    found = re.search(r"index version (\S+) in ([\d.]+) s", out.stderr)
    embedded = re.search(r"chunks embedded\s*│\s*(\d+)", out.stderr)
    return {
        "seconds": round(seconds, 3),
        "index_update_s": float(found.group(2)) if found else None,
        "embedded_chunks": int(embedded.group(1)) if embedded else None,
    }


def stage_update(work: Path, data_dir: Path | None = None) -> dict[str, Any]:
    """One article changes; the rest of the base is unchanged: an incremental re-ingest, then put back.

    Measured twice over: in this process (``ingest_paths``, what ``faqbot ingest`` runs, split into
    the file scan and the index update), and as a whole ``faqbot ingest`` subprocess (wall time,
    including Python start, imports and loading the embedder and jieba's dictionary).
    """
    from bot.service import embeddings_for, ingest_paths
    from bot.words import warm_up

    settings = settings_for(work, data_dir)
    embeddings_for(settings, batch=True).warm_up()
    warm_up()  # jieba's dictionary: a fixed ~1 s of any ingest process, not of the update
    article = settings.knowledge_dir / CHANGED_ARTICLE
    original = article.read_text(encoding="utf-8")
    changed = original + "\n邮政管理部门提醒，春节期间寄递网点营业时间以网点公告为准。\n"
    runs: list[dict[str, Any]] = []
    cli_runs: list[dict[str, Any]] = []
    try:
        for how in ("in_process", "cli"):
            for label, text in (("changed", changed), ("restored", original)):
                article.write_text(text, encoding="utf-8")
                machine_before = machine()["load_1_5_15"]
                if how == "cli":
                    run = {"what": label, "how": how, **_cli_ingest(settings)}
                else:
                    started = time.perf_counter()
                    result = ingest_paths(settings)
                    seconds = time.perf_counter() - started
                    report = result.report
                    run = {
                        "what": label,
                        "how": how,
                        "seconds": round(seconds, 3),
                        "scan_s": round(result.scan_seconds, 3),
                        "index_update_s": round(report.seconds, 3),
                        "files_read": result.files_read,
                        "files_reused": result.files_reused,
                        "layout": report.layout,
                        "updated": report.updated,
                        "embedded_chunks": report.embedded_chunks,
                        "chunks": report.chunks,
                    }
                run["load_before"] = machine_before
                (runs if how == "in_process" else cli_runs).append(run)
                log("update", run)
    finally:
        if article.read_text(encoding="utf-8") != original:
            article.write_text(original, encoding="utf-8")
            ingest_paths(settings)
    return {"machine": machine(), "runs": runs, "cli_runs": cli_runs}


def stage_query(work: Path, repeat: int) -> dict[str, Any]:
    from bot.index import load_index
    from bot.retrieve import bm25_search, dense_search, retrieve_hybrid
    from bot.service import embeddings_for
    from bot.words import tokenize_cached, warm_up

    settings = settings_for(work)
    embeddings = embeddings_for(settings)
    embeddings.warm_up()
    warm_up()
    started = time.perf_counter()
    index = load_index(settings.index_dir, embeddings.model_id)
    load_s = time.perf_counter() - started
    questions = [r["question"] for r in load_questions()]
    times: dict[str, list[float]] = {"embed": [], "dense": [], "bm25": [], "retrieve_total": []}
    for _ in range(repeat):
        tokenize_cached.cache_clear()
        for q in questions:
            t0 = time.perf_counter()
            vector = embeddings.encode_query(q)
            t1 = time.perf_counter()
            dense_search(index, vector, 50)
            t2 = time.perf_counter()
            bm25_search(index, tokenize_cached(q), 50)
            t3 = time.perf_counter()
            times["embed"].append(t1 - t0)
            times["dense"].append(t2 - t1)
            times["bm25"].append(t3 - t2)
        tokenize_cached.cache_clear()
        for q in questions:
            t0 = time.perf_counter()
            retrieve_hybrid(index, embeddings, q, settings.retrieve_k)
            times["retrieve_total"].append(time.perf_counter() - t0)
    return {
        "machine": machine(),
        "chunks": len(index.chunks),
        "dense_kind": index.manifest.get("dense"),
        "load_s": round(load_s, 3),
        "latency": {name: summary_ms(values) for name, values in times.items()},
    }


def stage_answer(work: Path) -> dict[str, Any]:
    from bot import heap
    from bot.chain import build_chain

    settings = settings_for(work)
    started = time.perf_counter()
    chain = build_chain(settings)
    build_s = time.perf_counter() - started
    heap.settle()  # as `faqbot serve` does once the index is loaded
    rows = load_questions()
    durations, correct, in_scope_correct, in_scope = [], 0, 0, 0
    for row in rows:
        t0 = time.perf_counter()
        answer = chain.ask(row["question"])
        durations.append(time.perf_counter() - t0)
        ok = answer_correct(row, answer.answered, answer.text, [c.doc_id for c in answer.citations])
        correct += ok
        if row.get("in_scope"):
            in_scope += 1
            in_scope_correct += ok
    return {
        "machine": machine(),
        "build_chain_s": round(build_s, 2),
        "questions": len(rows),
        "accuracy": round(correct / len(rows), 4),
        "in_scope_accuracy": round(in_scope_correct / max(1, in_scope), 4),
        "out_of_scope_declined": round((correct - in_scope_correct) / max(1, len(rows) - in_scope), 4),
        "ask": summary_ms(durations),
    }


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tree_rss(pid: int) -> int:
    import psutil

    proc = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)])


def stage_serve(work: Path, timeout: float = 300.0) -> dict[str, Any]:
    """Cold start: spawn ``faqbot serve``, poll /readyz, read the process tree's RSS once ready; then the first
    answer, and when the pages at /ui are up (built after the index, ``bot.ui.DeferredUI``) with the RSS then."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAQBOT_")}
    env.update(FAQBOT_DATA_DIR=str(work / "data"), FAQBOT_KNOWLEDGE_DIR=str(work / "knowledge"))
    faqbot = Path(sys.executable).with_name("faqbot")
    cmd = [str(faqbot), "serve", "--host", "127.0.0.1", "--port", str(port)]
    at = machine()
    started = time.perf_counter()
    # The server's log goes to a file: a pipe nobody reads fills up (64 KB: ~250 lines of the access log, ~12 s of
    # polling /readyz) and then blocks the server's next log line, mid-start.
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below, once the server has exited
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log, cwd=work)
    ready = None
    try:
        while time.perf_counter() - started < timeout:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"faqbot serve exited with {proc.returncode}: {log.read().decode()[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as resp:
                    if resp.status == 200:
                        ready = time.perf_counter() - started
                        break
            except OSError:
                pass
            time.sleep(0.05)
        if ready is None:
            raise RuntimeError(f"/readyz not ready after {timeout} s")
        rss_ready = _tree_rss(proc.pid)
        body = json.dumps({"question": "长春职工医保门诊共济从什么时候开始"}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/ask", data=body, headers={"Content-Type": "application/json"}
        )
        t0 = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as resp:
            resp.read()
        first_ask = time.perf_counter() - t0
        rss_after = _tree_rss(proc.pid)
        # The Gradio pages are built after the index has loaded (``bot.ui.DeferredUI``): a request to /ui waits for them.
        ui_ready = None
        while time.perf_counter() - started < timeout:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ui/", timeout=timeout) as resp:
                    if resp.status == 200:
                        ui_ready = time.perf_counter() - started
                        break
            except OSError:
                time.sleep(0.05)
        if ui_ready is None:
            raise RuntimeError(f"/ui not ready after {timeout} s")
        rss_ui = _tree_rss(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    return {
        "machine": at,
        "cold_start_s": round(ready, 2),
        "rss_ready_mb": round(rss_ready / 2**20, 1),
        "first_ask_ms": round(first_ask * 1000, 1),
        "rss_after_first_ask_mb": round(rss_after / 2**20, 1),
        "ui_ready_s": round(ui_ready, 2),
        "rss_with_ui_mb": round(rss_ui / 2**20, 1),
    }


def stage_plot(results: dict[str, Any], out_dir: Path) -> list[Path]:
    plt = pyplot()
    sizes = sorted(int(s) for s in results)
    written = []

    def series(stage: str, getter) -> tuple[list[int], list[float]]:  # type: ignore[no-untyped-def]
        xs, ys = [], []
        for s in sizes:
            entry = results[str(s)].get(stage)
            if entry:
                try:
                    ys.append(float(getter(entry)))
                    xs.append(s)
                except (KeyError, TypeError):
                    pass
        return xs, ys

    fig, ax = plt.subplots(figsize=(7, 4.2))
    for label, stage, getter in (
        ("embed p95", "query", lambda e: e["latency"]["embed"]["p95_ms"]),
        ("dense p95", "query", lambda e: e["latency"]["dense"]["p95_ms"]),
        ("BM25 p95", "query", lambda e: e["latency"]["bm25"]["p95_ms"]),
        ("retrieve p95", "query", lambda e: e["latency"]["retrieve_total"]["p95_ms"]),
        ("ask (chain) p95", "answer", lambda e: e["ask"]["p95_ms"]),
        ("retrieve p50", "query", lambda e: e["latency"]["retrieve_total"]["p50_ms"]),
        ("ask (chain) p50", "answer", lambda e: e["ask"]["p50_ms"]),
    ):
        xs, ys = series(stage, getter)
        if xs:
            ax.plot(xs, ys, marker="o", label=label, linestyle="--" if "p50" in label else "-")
    ax.axhline(60, color="grey", linestyle="--", linewidth=1, label="target 60 ms")
    ax.set_xscale("log")
    ax.set_xlabel("chunks in the knowledge base")
    ax.set_ylabel("ms per question")
    ax.set_title("faqbot query latency vs size (2 cores)")
    ax.legend()
    fig.tight_layout()
    path = out_dir / "scale_latency.png"
    fig.savefig(path, dpi=120)
    written.append(path)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4.2))
    for label, stage, getter in (
        ("server RSS after load (MB)", "serve", lambda e: e["rss_ready_mb"]),
        ("index on disk (MB)", "ingest", lambda e: e["index_bytes"] / 2**20),
    ):
        xs, ys = series(stage, getter)
        if xs:
            ax.plot(xs, ys, marker="o", label=label)
    ax.axhline(1536, color="grey", linestyle="--", linewidth=1, label="RSS target 1.5 GB")
    ax.set_xscale("log")
    ax.set_xlabel("chunks in the knowledge base")
    ax.set_ylabel("MB")
    ax.set_title("faqbot memory and index size vs size")
    ax.legend()
    fig.tight_layout()
    path = out_dir / "scale_memory.png"
    fig.savefig(path, dpi=120)
    written.append(path)
    plt.close(fig)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES))
    parser.add_argument("--work", type=Path, default=Path("/tmp/faqbot-scale"))
    parser.add_argument("--out", type=Path, default=REPORTS / "scale.json")
    parser.add_argument("--charts", type=Path, default=REPORTS)
    parser.add_argument("--repeat", type=int, default=2, help="passes over the questions in the query stage")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the synthetic articles")
    parser.add_argument("--data-dir", type=Path, help="update stage: this data dir instead of <work>/<size>/data")
    args = parser.parse_args(argv)

    from bot.embed import limit_threads

    limit_threads(os.cpu_count() or 1)
    for size in args.sizes:
        work = args.work / str(size)
        work.mkdir(parents=True, exist_ok=True)
        for stage in args.stages:
            if stage == "plot":
                continue
            log(f"size {size}: {stage}")
            if stage == "kb":
                figures = stage_kb(size, work, args.regenerate)
            elif stage == "ingest":
                figures = stage_ingest(work)
            elif stage == "update":
                figures = stage_update(work, args.data_dir)
            elif stage == "query":
                figures = stage_query(work, args.repeat)
            elif stage == "answer":
                figures = stage_answer(work)
            else:
                figures = stage_serve(work)
            log(f"size {size}: {stage}", json.dumps(figures, ensure_ascii=False))
            data = json.loads(args.out.read_text()) if args.out.is_file() else {}
            entry = data.get(str(size), {})
            entry[stage] = figures
            merge_json(args.out, str(size), entry)
    if "plot" in args.stages and args.out.is_file():
        for path in stage_plot(json.loads(args.out.read_text()), args.charts):
            log("wrote", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
