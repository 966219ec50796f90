"""`faqbot ask`: one question on the command line, or JSON lines on stdin with sessions.

    faqbot ask "个人账户的钱能给家人用吗"
    printf '%s\\n' '{"question": "六之维合作社梨树分社是做什么的？", "session": "s1"}' \\
                   '{"question": "带动了多少人就业？", "session": "s1"}' | faqbot ask --json

Lines with the same ``session`` form one conversation, in order; a line without one stands alone.
Every input line gets exactly one output line, an ``{"error": ...}`` object when the line is unusable.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import IO, Any

from bot.config import Settings
from bot.types import Answer

MAX_QUESTION_CHARS = 500


def answer_json(answer: Answer, session: str | None) -> dict[str, Any]:
    """The output line of the design contract."""
    return {
        "question": answer.question,
        "answer": answer.text,
        "answered": answer.answered,
        "citations": [
            {"doc_id": c.doc_id, "title": c.title, "date": c.date.isoformat(), "quote": c.quote}
            for c in answer.citations
        ],
        "session": session,
    }


def format_text(answer: Answer) -> str:
    lines = [answer.text]
    if answer.citations:
        lines.append("")
        lines.append("出处：")
        for c in answer.citations:
            lines.append(f"[{c.n}] 《{c.title}》 {c.date.isoformat()}：“{c.quote}”")
    return "\n".join(lines)


def _problem(question: object) -> str:
    if not isinstance(question, str) or not question.strip():
        return "question must be a non-empty string"
    if len(question.strip()) > MAX_QUESTION_CHARS:
        return f"question is longer than {MAX_QUESTION_CHARS} characters"
    return ""


def answer_lines(chain: Any, lines: Iterable[str], out: IO[str], *, detail: bool = False) -> int:
    """Answer JSON lines in order, one output line each; returns how many lines were unusable."""
    from bot.chain import answer_to_turn

    sessions: dict[str, list[Any]] = {}
    bad = 0
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("each line must be a JSON object")
        except ValueError as exc:
            bad += 1
            out.write(json.dumps({"error": f"line {n}: {exc}", "line": n}, ensure_ascii=False) + "\n")
            out.flush()
            continue
        session = item.get("session")
        session = None if session is None else str(session)
        problem = _problem(item.get("question"))
        if problem:
            bad += 1
            out.write(json.dumps({"error": f"line {n}: {problem}", "line": n, "session": session}) + "\n")
            out.flush()
            continue
        history = sessions.setdefault(session, []) if session is not None else []
        answer = chain.ask(item["question"].strip(), history, detail=detail)
        if session is not None:
            history.append(answer_to_turn(answer))
        out.write(json.dumps(answer_json(answer, session), ensure_ascii=False) + "\n")
        out.flush()
    return bad


def run_ask(settings: Settings, args: argparse.Namespace) -> int:
    from bot.chain import build_chain

    if args.question is None and not args.json:
        print("faqbot ask: give a QUESTION, or use --json to read JSON lines from stdin.", file=sys.stderr)
        return 2
    if args.question is not None:
        problem = _problem(args.question)
        if problem:
            print(f"faqbot ask: {problem}.", file=sys.stderr)
            return 2
    chain = build_chain(settings)
    if args.question is None:
        return 1 if answer_lines(chain, sys.stdin, sys.stdout, detail=args.detail) else 0
    answer = chain.ask(args.question.strip(), detail=args.detail)
    if args.json:
        sys.stdout.write(json.dumps(answer_json(answer, None), ensure_ascii=False) + "\n")
    else:
        print(format_text(answer))
    return 0
