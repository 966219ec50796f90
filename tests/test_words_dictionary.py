"""jieba's dictionary is loaded from faqbot's faster copy of it (``bot.words.load_dictionary``): the tokenizer must
hold exactly what jieba's own ``initialize`` gives it, whether the copy is there, missing or damaged."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.words import dictionary_cache, load_dictionary


def _tokenizer(tmp_dir: Path):  # type: ignore[no-untyped-def]
    import jieba

    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(tmp_dir)  # jieba's marshal cache and faqbot's copy both go here
    return tokenizer


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    tokenizer = _tokenizer(tmp_path_factory.mktemp("jieba"))
    tokenizer.initialize()
    return tokenizer


def _assert_same(tokenizer, reference) -> None:  # type: ignore[no-untyped-def]
    assert tokenizer.initialized
    assert tokenizer.total == reference.total
    assert tokenizer.FREQ == reference.FREQ
    assert list(tokenizer.FREQ) == list(reference.FREQ)  # the same order too


def test_the_copy_is_written_once_then_read_instead_of_jiebas_cache(tmp_path: Path, reference, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    first = _tokenizer(tmp_path)
    load_dictionary(first)  # no copy yet: jieba parses, the copy is written
    _assert_same(first, reference)
    cache = dictionary_cache(first)
    assert cache is not None and cache.is_file() and cache.parent == tmp_path

    import jieba

    def not_called(self, dictionary=None):  # type: ignore[no-untyped-def]
        raise AssertionError("jieba parsed its dictionary although the copy was there")

    monkeypatch.setattr(jieba.Tokenizer, "initialize", not_called)
    second = _tokenizer(tmp_path)
    load_dictionary(second)
    _assert_same(second, reference)
    assert list(second.cut("长春职工医保门诊共济从什么时候开始")) == list(reference.cut("长春职工医保门诊共济从什么时候开始"))


def test_a_damaged_copy_is_parsed_again_and_replaced(tmp_path: Path, reference) -> None:  # type: ignore[no-untyped-def]
    cache = dictionary_cache(_tokenizer(tmp_path))
    assert cache is not None
    cache.write_bytes(b"not a numpy archive")
    tokenizer = _tokenizer(tmp_path)
    load_dictionary(tokenizer)
    _assert_same(tokenizer, reference)
    assert cache.read_bytes().startswith(b"PK")  # written anew
    assert not list(tmp_path.glob(".faqbot-jieba-*"))  # no temporary file left behind


def test_a_dictionary_of_ones_own_is_left_to_jieba(tmp_path: Path) -> None:
    import jieba

    own = tmp_path / "own.txt"
    own.write_text("门诊共济 100 n\n", encoding="utf-8")
    tokenizer = jieba.Tokenizer(str(own))
    tokenizer.tmp_dir = str(tmp_path)
    assert dictionary_cache(tokenizer) is None
    load_dictionary(tokenizer)
    assert tokenizer.FREQ["门诊共济"] == 100 and tokenizer.total == 100


def test_a_copy_someone_else_could_have_written_is_not_read(tmp_path: Path, reference, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import jieba

    from bot import kept

    load_dictionary(_tokenizer(tmp_path))
    cache = dictionary_cache(_tokenizer(tmp_path))
    assert cache is not None and kept.read(cache) is not None
    cache.chmod(0o666)  # the temp dir is shared: a copy others may write could have been planted
    assert kept.read(cache) is None
    parsed: list[int] = []
    initialize = jieba.Tokenizer.initialize
    monkeypatch.setattr(jieba.Tokenizer, "initialize", lambda self, d=None: parsed.append(1) or initialize(self, d))
    tokenizer = _tokenizer(tmp_path)
    load_dictionary(tokenizer)
    assert parsed == [1]
    _assert_same(tokenizer, reference)
    assert kept.read(cache) is not None  # replaced by this user's own copy
