"""Which FAISS structure for a large knowledge base: exact flat vs HNSW vs IVF, on real vectors.

Reads the chunk vectors of a built index version (``vectors.npy``), embeds the real evaluation
questions as queries, and reports for each candidate: build time, search latency p50/p95 for one
query (top 50, as retrieval asks for), recall@10 against exact search, memory of the index, and
the cost of an incremental update (remove one article's chunks, add them back).

    python scripts/bench_dense.py /tmp/faqbot-scale/100000/data/index
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from perf_common import REPORTS, load_questions, machine, merge_json, summary_ms  # noqa: E402

DEPTH = 50
RECALL_AT = 10


def _latency(index: Any, queries: np.ndarray, repeat: int) -> dict[str, float]:
    times = []
    for _ in range(repeat):
        for q in queries:
            t = time.perf_counter()
            index.search(q[None, :], DEPTH)
            times.append(time.perf_counter() - t)
    return summary_ms(times)


def _recall(index: Any, queries: np.ndarray, truth: np.ndarray) -> float:
    _, found = index.search(queries, RECALL_AT)
    return float(np.mean([len(set(f) & set(t)) / RECALL_AT for f, t in zip(found, truth, strict=True)]))


def candidates(n: int, d: int) -> list[tuple[str, Any]]:
    import faiss

    from bot.dense import n_lists

    out: list[tuple[str, Any]] = [("flat", lambda: faiss.IndexFlatIP(d))]
    for ef in (64, 128):

        def hnsw(ef: int = ef) -> Any:
            index = faiss.IndexHNSWFlat(d, 32, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = 80
            index.hnsw.efSearch = ef
            return index

        out.append((f"hnsw M=32 efSearch={ef}", hnsw))
    nlist = max(1, min(n_lists(n), n // 39))  # faiss wants >= 39 training points per list
    for nprobe in (8, 16, 24, 32, 64):

        def ivf(nprobe: int = nprobe) -> Any:
            index = faiss.IndexIVFFlat(faiss.IndexFlatIP(d), d, nlist, faiss.METRIC_INNER_PRODUCT)
            index.nprobe = nprobe
            return index

        out.append((f"ivf nlist={nlist} nprobe={nprobe}", ivf))
    return out


def run(index_dir: Path, repeat: int, limit: int | None) -> dict[str, Any]:
    import faiss

    from bot.dense import TRAIN_PER_LIST
    from bot.embed import make_embeddings
    from bot.index import current_version

    version = current_version(index_dir)
    vectors = np.ascontiguousarray(np.load(index_dir / str(version) / "vectors.npy", allow_pickle=False))
    if limit:
        vectors = vectors[:limit]
    n, d = vectors.shape
    embeddings = make_embeddings("bundled", threads=os.cpu_count() or 1)
    queries = embeddings.encode([r["question"] for r in load_questions()])
    exact = faiss.IndexFlatIP(d)
    exact.add(vectors)
    _, truth = exact.search(queries, RECALL_AT)
    results: dict[str, Any] = {"machine": machine(), "chunks": n, "queries": len(queries), "depth": DEPTH}
    rng = np.random.default_rng(1234)
    trained: dict[Any, Any] = {}
    for name, make in candidates(n, d):
        index = make()
        t = time.perf_counter()
        if isinstance(index, faiss.IndexHNSW) and "hnsw" in trained:  # same graph, other efSearch
            ef = index.hnsw.efSearch
            index = trained["hnsw"]
            index.hnsw.efSearch = ef
        elif isinstance(index, faiss.IndexHNSW):
            index.add(vectors)
            trained["hnsw"] = index
        elif isinstance(index, faiss.IndexIVF):
            key = index.nlist
            if key in trained:  # same lists, other nprobe: reuse the training, not re-time it
                nprobe = index.nprobe
                index = faiss.clone_index(trained[key])
                index.nprobe = nprobe
            else:
                sample = vectors[np.sort(rng.choice(n, min(n, key * TRAIN_PER_LIST), replace=False))]
                index.train(sample)
                index.add(vectors)
                trained[key] = index
        else:
            index.add(vectors)
        build_s = time.perf_counter() - t
        entry: dict[str, Any] = {
            "build_s": round(build_s, 2),
            "recall@10": round(_recall(index, queries, truth), 4),
            "latency": _latency(index, queries, repeat),
            "bytes": int(faiss.serialize_index(index).nbytes) if n <= 200_000 else None,
        }
        if isinstance(index, faiss.IndexIVF):
            from bot.dense import update_ivf

            # One article of k chunks changes: its rows go, the rest close up, k new rows are added.
            a, k = n // 3, max(1, min(10, n // 4))
            new_position = np.arange(n)
            new_position[a : a + k] = -1
            new_position[a + k :] -= k
            t = time.perf_counter()
            update_ivf(faiss.clone_index(index), new_position, np.arange(n - k, n), vectors[a : a + k])
            entry["update_s"] = round(time.perf_counter() - t, 3)
        results[name] = entry
        print(f"{name:34} build {build_s:7.2f} s  recall@10 {entry['recall@10']:.3f}  "
              f"p50 {entry['latency']['p50_ms']:.2f} ms  p95 {entry['latency']['p95_ms']:.2f} ms", flush=True)  # fmt: skip
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("index_dir", type=Path, help="an index folder (the one holding CURRENT)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N vectors")
    parser.add_argument("--out", type=Path, default=REPORTS / "dense.json")
    args = parser.parse_args(argv)
    from bot.embed import limit_threads

    limit_threads(os.cpu_count() or 1)
    result = run(args.index_dir, args.repeat, args.limit)
    merge_json(args.out, str(result["chunks"]), result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
