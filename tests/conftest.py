"""Shared fixtures: real embedder, a real index of the seed knowledge base, isolated data dirs.

Heavy things (the embedder, the seed index) are built once per test session; every test gets
its own data dir with a copy of that index, so no test sees another's writes.
"""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
KNOWLEDGE = REPO / "knowledge"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's FAQBOT_* settings or writes into the repo's data/."""
    for name in list(os.environ):
        if name.startswith("FAQBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("FAQBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FAQBOT_KNOWLEDGE_DIR", str(KNOWLEDGE))


@pytest.fixture(scope="session")
def embeddings():  # type: ignore[no-untyped-def]
    """The bundled USE embedder, loaded once."""
    from bot.embed import limit_threads, make_embeddings

    emb = make_embeddings("bundled", threads=limit_threads(os.cpu_count() or 1))
    emb.warm_up()
    return emb


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Path:  # type: ignore[no-untyped-def]
    """An index of knowledge/ built once: ``<dir>/index/<version>``."""
    from bot.index import build_index
    from bot.ingest import load_documents

    data_dir = tmp_path_factory.mktemp("seed-data")
    loaded = load_documents([KNOWLEDGE])
    assert not loaded.errors, loaded.errors
    build_index(loaded.documents, data_dir / "index", embeddings)
    return data_dir


@pytest.fixture(scope="session")
def no_faq_chain(seed_index_dir: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The chain over the seed index with no curated FAQ, built once: the extractive answerer's rules are tested on
    it. ``knowledge_dir`` only locates faq.yaml; the index is the seed's."""
    from bot.chain import build_chain
    from bot.config import Settings

    return build_chain(Settings(data_dir=seed_index_dir, knowledge_dir=tmp_path_factory.mktemp("no-faq")))


@pytest.fixture(scope="session")
def synthetic_kb(tmp_path_factory: pytest.TempPathFactory, embeddings):  # type: ignore[no-untyped-def]
    """Settings of a base built once: the seed articles plus ~300 chunks of synthetic look-alikes
    (scripts/synth_kb.py), ingested. Read-only: tests build their own chains on it."""
    import sys

    from bot.config import Settings
    from bot.service import ingest_paths

    sys.path.insert(0, str(REPO / "scripts"))
    from synth_kb import generate

    work = tmp_path_factory.mktemp("synthetic-kb")
    generate(300, work / "knowledge")
    settings = Settings(data_dir=work / "data", knowledge_dir=work / "knowledge")
    result = ingest_paths(settings, [settings.knowledge_dir])
    assert not result.fatal and not result.errors
    return settings


@pytest.fixture
def data_dir(tmp_path: Path, seed_index_dir: Path) -> Path:
    """A private data dir holding a copy of the seed index (FAQBOT_DATA_DIR points at it)."""
    target = tmp_path / "data"
    shutil.copytree(seed_index_dir, target, dirs_exist_ok=True)
    return target


@pytest.fixture
def seed_index(seed_index_dir: Path, embeddings):  # type: ignore[no-untyped-def]
    from bot.index import load_index

    return load_index(seed_index_dir / "index", embeddings.model_id)


@pytest.fixture
def settings(data_dir: Path):  # type: ignore[no-untyped-def]
    from bot.config import Settings

    return Settings(data_dir=data_dir, knowledge_dir=KNOWLEDGE)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
