"""The ``faqbot`` command: ingest | search | ask | eval | serve | purge.

Library errors become a one-line message and a non-zero exit here, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings, get_settings
from bot.errors import FaqBotError

if TYPE_CHECKING:
    from bot.ingest_worker import IngestWorker

EXAMPLES = {
    "ingest": "faqbot ingest                 # (re)build the index from knowledge/\n  faqbot ingest docs/ extra.pdf",
    "search": 'faqbot search "家里人能不能用我的医保个人账户" -k 3 --json',
    "ask": 'faqbot ask "个人账户的钱能给家人用吗"\n  echo \'{"question": "门诊能报销吗", "session": "s1"}\' | faqbot ask --json',
    "eval": "faqbot eval eval/questions.jsonl --report eval/reports\n  faqbot eval --retrieval eval/questions.jsonl",
    "serve": "faqbot serve --host 127.0.0.1 --port 8000\n  faqbot serve --host 0.0.0.0 --port 8000 --workers 2",
    "purge": "faqbot purge                  # delete conversations older than FAQBOT_RETENTION_DAYS\n  faqbot purge --days 30 --json",
}


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    sys.stdout.flush()


# ---------------------------------------------------------------- ingest
def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.ingest_worker import IngestWorker

    # First thing, before the imports below: a helper process loads jieba and the model on the
    # other core while this one scans the files (bot/ingest_worker.py).
    with IngestWorker(settings.embedding) if not args.full else nullcontext() as worker:
        return _ingest(args, settings, worker)


def _ingest(args: argparse.Namespace, settings: Settings, worker: IngestWorker | None) -> int:
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from bot.service import ingest_paths

    console = Console(stderr=True)
    paths = [Path(p) for p in args.paths] or [settings.knowledge_dir]
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=args.quiet,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task({"embed": "embedding", "index": "indexing"}.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        result = ingest_paths(settings, paths, progress=progress, full=args.full, worker=worker)
    report, errors = result.report, result.errors
    table = Table(title="faqbot ingest", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, value in (
        ("documents ingested", len(result.documents)),
        ("  added", len(report.added)),
        ("  updated", len(report.updated)),
        ("  unchanged", len(report.unchanged)),
        ("  removed", len(report.removed)),
        ("files with errors", len(errors)),
        ("chunks", report.chunks),
        ("chunks embedded", report.embedded_chunks),
    ):
        table.add_row(label, str(value))
    console.print(table)
    if report.layout == "unchanged":
        console.print(f"nothing changed: index version {report.version} stays current")
    else:
        console.print(f"index version {report.version} in {report.seconds:.1f} s")
    for err in errors:
        console.print(f"[red]error[/red] {escape(err.path)}: {escape(err.reason)}", soft_wrap=True, highlight=False)
    if result.fatal:
        console.print(f"[red]{result.fatal}[/red]")
        return 1
    if result.faq_errors:
        console.print("[red]faq.yaml quotes text the articles no longer contain: fix or retire those entries.[/red]")
        return 1
    return 0


# ---------------------------------------------------------------- search
def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from bot.retrieve import retrieve_hybrid
    from bot.service import load_search

    index, embeddings = load_search(settings)
    hits = retrieve_hybrid(index, embeddings, args.query, args.k)
    rows = [
        {
            "doc_id": h.chunk.doc_id,
            "title": h.chunk.title,
            "date": h.chunk.date.isoformat(),
            "chunk_id": h.chunk.chunk_id,
            "text": h.chunk.text,
            "score": round(h.score, 6),
            "dense_score": None if h.dense_score is None else round(h.dense_score, 4),
            "bm25_score": None if h.bm25_score is None else round(h.bm25_score, 4),
        }
        for h in hits
    ]
    if args.json:
        _print_json(rows)
        return 0
    if not rows:
        print("没有找到相关内容。")
    for i, row in enumerate(rows, 1):
        print(f"{i}. 《{row['title']}》 {row['date']}  [{row['chunk_id']}] score={row['score']}")
        print(f"   {row['text']}")
    return 0


# ---------------------------------------------------------------- ask
def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.ask_cli import run_ask

    return run_ask(settings, args)


# ---------------------------------------------------------------- eval
def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    if args.retrieval:
        from bot.evaluation import format_retrieval_table, retrieval_eval

        table = retrieval_eval(settings, Path(args.retrieval), k=3, split=args.split)
        if args.json:
            _print_json(table)
        else:
            print(format_retrieval_table(table))
        return 0
    from bot.eval_answers import run_answer_eval

    return run_answer_eval(settings, args)


# ---------------------------------------------------------------- serve, purge
def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.serve_cli import run_serve

    return run_serve(settings, args)


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    from bot.serve_cli import run_purge

    return run_purge(settings, args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="faqbot", description="faqbot: 只依据知识库文章回答、并注明出处的政务问答机器人。")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{ingest,search,ask,eval,serve,purge}")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=f"example:\n  {EXAMPLES[name]}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    p = add("ingest", "Build or update the index from knowledge files (default: knowledge/).")
    p.add_argument("paths", nargs="*", help="files or folders (default: FAQBOT_KNOWLEDGE_DIR)")
    p.add_argument("--full", action="store_true", help="re-embed everything instead of only changed documents")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

    p = add("search", "Show the passages the hybrid retriever finds for a query.")
    p.add_argument("query")
    p.add_argument("-k", type=int, default=5, help="number of hits (default 5)")
    p.add_argument("--json", action="store_true", help="print a JSON list of hits, best first")
    p.set_defaults(func=cmd_search)

    p = add("ask", "Answer a question from the knowledge base, with numbered sources.")
    p.add_argument("question", nargs="?", help="the question; omit it with --json to read JSON lines from stdin")
    p.add_argument("--json", action="store_true", help='JSON output; without QUESTION read {"question", "session"?} lines')
    p.add_argument("--detail", action="store_true", help="the longer answer instead of the short one")
    p.set_defaults(func=cmd_ask)

    p = add("eval", "Evaluate answers (default) or retrieval on a question file.")
    p.add_argument("file", nargs="?", default="eval/questions.jsonl", help="questions JSONL (default eval/questions.jsonl)")
    p.add_argument("--retrieval", metavar="FILE", help="compare dense, BM25 and hybrid retrieval on FILE")
    p.add_argument("--report", metavar="DIR", help="write a Markdown report with charts to DIR")
    p.add_argument("--dialogs", default="eval/dialogs.jsonl", help="multi-turn dialogs JSONL")
    p.add_argument("--split", choices=["dev", "test", "all"], default="all")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(func=cmd_eval)

    from bot.serve_cli import add_arguments

    serve = add("serve", "Serve the API, the OpenAI-compatible endpoint and the channels with uvicorn.")
    serve.set_defaults(func=cmd_serve)
    purge = add("purge", "Delete stored conversations and feedback older than the retention period.")
    purge.set_defaults(func=cmd_purge)
    add_arguments(serve, purge)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
        code = int(args.func(args, settings) or 0)
    except FaqBotError as exc:
        print(f"faqbot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    if argv is None and args.func is cmd_ingest:
        _exit_now(code)
    return code


def _exit_now(code: int) -> None:
    """End ``faqbot ingest`` without freeing its objects one by one: at 100k chunks the manifest's
    52k records and documents took 0.4 s to tear down, after the index was written and fsynced.
    Only for the command line (``main()`` without arguments); a caller's process goes on."""
    import os

    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
