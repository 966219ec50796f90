"""Profile the ingest path (pyinstrument): loading, chunking, tokenising, embedding, indexing.

Runs ``ingest_paths`` (what ``faqbot ingest`` runs) on a knowledge folder into a temp data dir,
full or, with ``--change``, once fully and then again after one article changed (the
incremental path), and prints the call tree of the profiled run.

    python scripts/profile_ingest.py --knowledge /tmp/faqbot-scale/1000/knowledge
    python scripts/profile_ingest.py --knowledge /tmp/kb --data /tmp/faqbot-scale/100000/data --change postal-baotong.md
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

from perf_common import REPO  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--knowledge", type=Path, default=REPO / "knowledge")
    parser.add_argument("--data", type=Path, help="existing data dir to update (default: a temp dir)")
    parser.add_argument("--change", help="article file (relative to --knowledge) to change and re-ingest incrementally")
    parser.add_argument("--out", type=Path, help="write the call tree here as text")
    args = parser.parse_args(argv)

    from pyinstrument import Profiler

    from bot.config import Settings
    from bot.embed import limit_threads
    from bot.service import embeddings_for, ingest_paths

    limit_threads(os.cpu_count() or 1)
    tmp = None if args.data else Path(tempfile.mkdtemp(prefix="faqbot-profile-"))
    data = args.data or tmp
    article = args.knowledge / args.change if args.change else None
    original = article.read_text(encoding="utf-8") if article else None
    try:
        settings = Settings(data_dir=data, knowledge_dir=args.knowledge)
        embeddings_for(settings, batch=True).warm_up()
        if article is not None:
            from bot.words import warm_up

            warm_up()  # jieba's dictionary: a fixed cost of the process, not of the update profiled here
        if article is not None:
            if args.data is None:
                ingest_paths(settings)
            article.write_text(original + "\n本文已更新。\n", encoding="utf-8")
        profiler = Profiler(interval=0.001)
        started = time.perf_counter()
        profiler.start()
        result = ingest_paths(settings, full=article is None)
        profiler.stop()
        head = (
            f"ingest {'incremental' if article else 'full'}: {len(result.documents)} documents, "
            f"{result.report.chunks} chunks, {result.report.embedded_chunks} embedded, "
            f"{time.perf_counter() - started:.2f} s (file scan {result.scan_seconds:.2f} s: "
            f"{result.files_read} files read, {result.files_reused} unchanged by size+mtime; "
            f"index {result.report.layout} {result.report.seconds:.2f} s)\n"
        )
        text = profiler.output_text(unicode=True, color=False, show_all=False)
        print(head + text)
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(head + text, encoding="utf-8")
    finally:
        if article is not None and original is not None:
            article.write_text(original, encoding="utf-8")
            if args.data is not None:
                ingest_paths(Settings(data_dir=data, knowledge_dir=args.knowledge))
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
