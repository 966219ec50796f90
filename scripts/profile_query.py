"""Profile the question path (pyinstrument): where one ``chain.ask`` spends its time.

Builds the chain once (model, jieba, index load are start-up costs, outside the profile), asks the
real evaluation questions, and prints the call tree; ``--out`` also writes it to a text file.

    python scripts/profile_query.py                                   # seed knowledge base
    python scripts/profile_query.py --data /tmp/faqbot-scale/100000/data --knowledge /tmp/faqbot-scale/100000/knowledge
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from perf_common import REPO, load_questions, summary_ms  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, help="data dir with a built index (default: build the seed one in a temp dir)")
    parser.add_argument("--knowledge", type=Path, default=REPO / "knowledge")
    parser.add_argument("--limit", type=int, default=None, help="first N questions")
    parser.add_argument("--out", type=Path, help="write the call tree here as text")
    args = parser.parse_args(argv)

    from pyinstrument import Profiler

    from bot.chain import build_chain
    from bot.config import Settings
    from bot.embed import limit_threads
    from bot.service import ingest_paths

    limit_threads(os.cpu_count() or 1)
    tmp = None
    data = args.data
    if data is None:
        tmp = Path(tempfile.mkdtemp(prefix="faqbot-profile-"))
        data = tmp
    try:
        settings = Settings(data_dir=data, knowledge_dir=args.knowledge)
        if tmp is not None:
            ingest_paths(settings)
        started = time.perf_counter()
        chain = build_chain(settings)
        print(f"build_chain {time.perf_counter() - started:.2f} s", flush=True)
        questions = [r["question"] for r in load_questions(limit=args.limit)]
        profiler = Profiler(interval=0.0005)
        times = []
        profiler.start()
        for q in questions:
            t = time.perf_counter()
            chain.ask(q)
            times.append(time.perf_counter() - t)
        profiler.stop()
        text = profiler.output_text(unicode=True, color=False, show_all=False)
        head = f"{len(questions)} questions, chain.ask {summary_ms(times)}\n"
        print(head + text)
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(head + text, encoding="utf-8")
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
