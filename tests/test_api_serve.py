"""`faqbot serve --workers 2` as an operator runs it: a real process tree, JSON logs, graceful shutdown."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from conftest import KNOWLEDGE, free_port
from live_server import copy_seed

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "门诊共济是什么",
    "门诊用的耗材能报吗",
    "燃气灌装站跨年那天从几点开始忙？",
    "我的手机13812345678能绑定家庭共济吗",
]


@pytest.mark.slow
def test_serve_with_two_workers_answers_and_shuts_down_without_losing_messages(
    tmp_path: Path, seed_index_dir: Path
) -> None:
    data = copy_seed(seed_index_dir, tmp_path / "data")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAQBOT_")}
    env.update(
        FAQBOT_DATA_DIR=str(data),
        FAQBOT_KNOWLEDGE_DIR=str(KNOWLEDGE),
        FAQBOT_API_KEYS="serve-test-key",
        FAQBOT_RATE_LIMIT_PER_MINUTE="0",
    )
    log_path = tmp_path / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "2",
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=log,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 240
            ready_in_a_row = 0
            while ready_in_a_row < 10:  # both workers must have their index loaded
                assert proc.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, log_path.read_text()
                try:
                    ok = httpx.get(url + "/readyz", timeout=5).status_code == 200
                except httpx.TransportError:
                    ok = False
                ready_in_a_row = ready_in_a_row + 1 if ok else 0
                time.sleep(0.05 if ok else 0.5)

            def ask(i: int) -> dict[str, object]:
                with httpx.Client(timeout=60) as c:  # a new connection each time, spread over the workers
                    r = c.post(url + "/api/v1/ask", json={"question": QUESTIONS[i % len(QUESTIONS)]})
                assert r.status_code == 200, r.text
                return dict(r.json())

            with ThreadPoolExecutor(8) as pool:
                answers = list(pool.map(ask, range(24)))

            # Residents' keep-alive connections opened at the same moment must not all land on one worker.
            opened = threading.Barrier(12)

            def keep_alive(i: int) -> list[str]:
                with httpx.Client(timeout=60) as c:
                    opened.wait()
                    ids = []
                    for k in range(2):
                        r = c.post(url + "/api/v1/ask", json={"question": QUESTIONS[(i + k) % len(QUESTIONS)]})
                        assert r.status_code == 200, r.text
                        ids.append(str(r.json()["message_id"]))
                    return ids

            with ThreadPoolExecutor(12) as pool:
                kept = [m for ids in pool.map(keep_alive, range(12)) for m in ids]
            models = httpx.get(url + "/v1/models", headers={"Authorization": "Bearer serve-test-key"})
            assert models.json()["data"][0]["id"] == "faqbot"
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise
    assert code == 0, log_path.read_text()

    with sqlite3.connect(data / "faqbot.sqlite3") as db:
        stored = db.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
        questions = [row[0] for row in db.execute("SELECT question FROM messages")]
    assert stored == len(answers) + len(kept)
    assert "我的手机[手机号]能绑定家庭共济吗" in questions

    lines = [json.loads(line) for line in log_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    answered = [line for line in lines if line["msg"] == "answered"]
    assert len(answered) == len(answers) + len(kept)
    assert len({line["pid"] for line in answered}) == 2  # both workers answered
    pid_of = {line["message_id"]: line["pid"] for line in answered}
    assert len({pid_of[m] for m in kept}) == 2, "every keep-alive connection went to the same worker"
    text = log_path.read_text(encoding="utf-8")
    assert "13812345678" not in text and "serve-test-key" not in text
