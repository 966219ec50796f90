"""The loaded index is kept out of the garbage collector's walks, without keeping old versions alive."""

from __future__ import annotations

import gc
import weakref

import pytest

from bot import heap


@pytest.fixture
def settled():  # type: ignore[no-untyped-def]
    yield heap
    gc.unfreeze()  # the rest of the test session collects normally


def test_loaded_index_is_frozen_so_a_full_collection_does_not_walk_it(settings, settled) -> None:  # type: ignore[no-untyped-def]
    from bot.chain import build_chain

    chain = build_chain(settings)
    settled.settle()
    assert chain.ask("门诊共济是什么？").answered
    frozen = gc.get_freeze_count()
    # The chunk records and the sentence bank are among the frozen objects: the collector no longer visits them.
    assert frozen > 50_000
    assert not any(o is chain.index.chunks for o in gc.get_objects(generation=2))


def test_swapping_the_index_frees_the_old_version_even_though_it_was_frozen(settings, settled) -> None:  # type: ignore[no-untyped-def]
    from bot.chain import build_chain
    from bot.index import load_index

    chain = build_chain(settings)
    settled.settle()
    old = weakref.ref(chain.index)
    old_bank = weakref.ref(chain._loaded.bank)
    chain.swap_index(load_index(settings.index_dir, chain.embeddings.model_id))
    settled.settle()
    assert old() is None
    assert old_bank() is None
    assert chain.ask("门诊共济是什么？").answered


def test_loading_the_index_in_the_server_leaves_the_collector_on_and_the_index_frozen(settings, settled) -> None:  # type: ignore[no-untyped-def]
    from bot.admin import load_chain_into
    from bot.conversations import ConversationService
    from bot.store import Store

    store = Store(settings.resolved_database_url)
    try:
        service = ConversationService(None, store)
        load_chain_into(service, settings)
        assert service.ready and gc.isenabled()
        assert gc.get_freeze_count() > 50_000
        assert service.ask("门诊共济是什么？").answer.answered
    finally:
        store.close()


def test_the_first_index_is_frozen_without_a_collection_and_a_swap_collects(settled, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Nothing frozen yet: no old version to free, so no full walk of the heap on the way to /readyz."""
    collections: list[int] = []
    real_collect = gc.collect
    monkeypatch.setattr(gc, "collect", lambda *a: collections.append(1) or real_collect(*a))
    gc.unfreeze()
    settled.settle()
    assert collections == [] and gc.get_freeze_count() > 0
    settled.settle()  # a later version: the old one is collected before the new heap is frozen
    assert collections == [1] and gc.get_freeze_count() > 0


def test_a_server_collects_nothing_while_it_starts_and_as_usual_once_its_index_has_loaded(settings, settled) -> None:  # type: ignore[no-untyped-def]
    from bot.admin import load_chain_into
    from bot.conversations import ConversationService
    from bot.store import Store

    store = Store(settings.resolved_database_url)
    try:
        heap.pause_for_startup()  # what `faqbot serve` does first
        assert not gc.isenabled()
        service = ConversationService(None, store)
        load_chain_into(service, settings)
        assert service.ready and gc.isenabled()
    finally:
        gc.enable()
        store.close()


def test_a_first_load_that_fails_turns_the_collector_back_on_too(settings, settled, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.admin import load_chain_into
    from bot.conversations import ConversationService
    from bot.store import Store

    empty = settings.model_copy(update={"data_dir": tmp_path})  # no index built here
    store = Store(empty.resolved_database_url)
    try:
        heap.pause_for_startup()
        service = ConversationService(None, store)
        load_chain_into(service, empty)
        assert not service.ready and "faqbot ingest" in (service.load_error or "")
        assert gc.isenabled()
    finally:
        gc.enable()
        store.close()


def test_the_startup_pause_leaves_a_collector_someone_else_turned_off_off(settled) -> None:  # type: ignore[no-untyped-def]
    gc.disable()
    try:
        heap.pause_for_startup()
        with heap.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
