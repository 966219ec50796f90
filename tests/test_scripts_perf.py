"""Each benchmark and profiling script runs once, on a tiny size, and produces its figures.

Benchmarks are not tests: these only prove the scripts work, so the numbers in
docs/performance.md can be reproduced with the commands written there.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import KNOWLEDGE, REPO

sys.path.insert(0, str(REPO / "scripts"))


@pytest.fixture(scope="module")
def tiny_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from synth_kb import generate

    out = tmp_path_factory.mktemp("kb") / "knowledge"
    counts = generate(60, out)
    assert counts["chunks"] >= 60 and counts["documents"] > 8
    return out


def test_synthetic_kb_keeps_real_articles_and_adds_varied_ones(tiny_kb: Path) -> None:
    from bot.ingest import load_documents

    loaded = load_documents([tiny_kb])
    assert not loaded.errors
    ids = {d.doc_id for d in loaded.documents}
    assert {p.stem for p in KNOWLEDGE.glob("*.md")} <= ids
    synthetic = [d for d in loaded.documents if d.source == "synthetic"]
    assert synthetic and len({d.title for d in synthetic}) == len(synthetic)
    # No synthetic article restates a fact an evaluation question expects.
    from synth_kb import eval_facts

    facts = [f for f in eval_facts() if len(f) >= 4 and not any(ch.isdigit() for ch in f)]
    assert not any(f in d.text for d in synthetic for f in facts)


def test_bench_scale_measures_ingest_update_query_answer_and_plots(tiny_kb: Path, tmp_path: Path, embeddings) -> None:  # type: ignore[no-untyped-def]
    import bench_scale

    work = tmp_path / "work"
    out = tmp_path / "scale.json"
    args = ["--sizes", "60", "--work", str(work), "--out", str(out), "--charts", str(tmp_path), "--repeat", "1"]
    assert bench_scale.main([*args, "--stages", "kb", "ingest", "update", "query", "answer", "plot"]) == 0
    figures = json.loads(out.read_text())["60"]
    assert figures["ingest"]["chunks"] >= 60 and figures["ingest"]["index_bytes"] > 0
    assert [run["embedded_chunks"] > 0 for run in figures["update"]["runs"]] == [True, True]
    questions = (Path(__file__).parents[1] / "eval" / "questions.jsonl").read_text(encoding="utf-8")
    assert figures["query"]["latency"]["embed"]["n"] == len(questions.splitlines())  # every question timed
    assert 0.0 < figures["answer"]["accuracy"] <= 1.0
    assert (tmp_path / "scale_latency.png").stat().st_size > 0
    assert (tmp_path / "scale_memory.png").stat().st_size > 0


def test_bench_scale_serve_stage_times_readyz_then_the_pages(tiny_kb: Path, tmp_path: Path, embeddings) -> None:  # type: ignore[no-untyped-def]
    import bench_scale

    work = tmp_path / "work"
    out = tmp_path / "scale.json"
    args = ["--sizes", "60", "--work", str(work), "--out", str(out), "--charts", str(tmp_path), "--repeat", "1"]
    assert bench_scale.main([*args, "--stages", "kb", "ingest", "serve"]) == 0
    serve = json.loads(out.read_text())["60"]["serve"]
    assert 0.0 < serve["cold_start_s"] <= serve["ui_ready_s"]
    assert serve["rss_ready_mb"] > 0 and serve["rss_with_ui_mb"] > 0
    assert serve["first_ask_ms"] > 0


def test_bench_compare_prints_both_pipelines_side_by_side(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import bench_compare

    out = tmp_path / "compare.json"
    assert bench_compare.main(["--limit", "6", "--out", str(out)]) == 0
    table = capsys.readouterr().out
    assert "faqbot" in table and "langchain" in table and "latency p95 ms" in table
    result = json.loads(out.read_text())
    assert result["questions"] == 6 and result["baseline"]["chunks"] > 0 and result["faqbot"]["chunks"] > 0


def test_baseline_answers_with_its_top_chunk() -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "baseline_langchain.py"), "长春职工医保门诊共济从什么时候开始"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("[cc-medical-outpatient]")


def test_bench_dense_compares_flat_hnsw_and_ivf(seed_index_dir: Path, tmp_path: Path) -> None:
    import bench_dense

    out = tmp_path / "dense.json"
    assert bench_dense.main([str(seed_index_dir / "index"), "--repeat", "1", "--out", str(out)]) == 0
    result = next(iter(json.loads(out.read_text()).values()))
    assert result["flat"]["recall@10"] == 1.0
    assert any(name.startswith("ivf") and "update_s" in entry for name, entry in result.items())


def test_profile_scripts_print_a_call_tree(tiny_kb: Path, tmp_path: Path) -> None:
    import profile_ingest
    import profile_query

    assert profile_query.main(["--limit", "3", "--out", str(tmp_path / "q.txt")]) == 0
    assert "FaqChain.ask" in (tmp_path / "q.txt").read_text()
    assert profile_ingest.main(["--knowledge", str(tiny_kb), "--change", "postal-baotong.md", "--out", str(tmp_path / "i.txt")]) == 0
    text = (tmp_path / "i.txt").read_text()
    assert text.startswith("ingest incremental") and "build_index" in text


def test_http_matrix_runs_each_worker_and_client_count_and_plots(seed_index_dir: Path, tmp_path: Path) -> None:
    import bench_http_matrix

    out, chart = tmp_path / "http.json", tmp_path / "http.png"
    args = ["--data-dir", str(seed_index_dir), "--workers", "1", "--clients", "1", "2", "--seconds", "1", "--warmup", "0.2"]
    assert bench_http_matrix.main([*args, "--out", str(out), "--chart", str(chart)]) == 0
    rows = json.loads(out.read_text())["http"]["rows"]
    assert [(r["workers"], r["clients"]) for r in rows] == [(1, 1), (1, 2)]
    assert all(r["requests"] > 0 and r["errors"] == 0 for r in rows)
    assert chart.stat().st_size > 0
