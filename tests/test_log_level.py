"""An operator who asks for quieter logs gets them: at "warning" no line per answer, problems still logged."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pydantic
import pytest
from conftest import KNOWLEDGE
from live_server import clean_settings, copy_seed, live_server

from bot.api import create_app
from bot.config import Settings


def test_warning_level_keeps_answers_out_of_the_log_but_not_warnings(tmp_path: Path, seed_index_dir: Path) -> None:
    data = copy_seed(seed_index_dir, tmp_path / "data")
    settings = clean_settings(data_dir=data, knowledge_dir=KNOWLEDGE, log_level="warning")
    with live_server(create_app(settings)) as server:
        r = httpx.post(server.url + "/api/v1/ask", json={"question": "门诊共济是什么"}, timeout=60)
        assert r.status_code == 200 and r.json()["answered"]
        lines = [json.loads(line) for line in server.log_lines()]
    assert lines, "the startup warning about FAQBOT_API_KEYS must still be logged"
    assert {line["level"] for line in lines} <= {"WARNING", "ERROR", "CRITICAL"}
    assert not [line for line in lines if line["msg"] == "answered"]


def test_info_level_logs_each_answer(tmp_path: Path, seed_index_dir: Path) -> None:
    data = copy_seed(seed_index_dir, tmp_path / "data")
    settings = clean_settings(data_dir=data, knowledge_dir=KNOWLEDGE)
    with live_server(create_app(settings)) as server:
        httpx.post(server.url + "/api/v1/ask", json={"question": "门诊共济是什么"}, timeout=60)
        lines = [json.loads(line) for line in server.log_lines()]
    assert [line for line in lines if line["msg"] == "answered"]


def test_unknown_log_level_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAQBOT_LOG_LEVEL", "loud")
    with pytest.raises(pydantic.ValidationError):
        Settings()
