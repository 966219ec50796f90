"""Keep the garbage collector off the loaded index.

A loaded knowledge base is hundreds of thousands of container objects that live as long as their index
version: ~310k on the seed base, ~620k at 100k chunks (jieba's dictionary, the sentence bank, chunk
records). Python's collector walks all of them on every full collection: 90 ms and 250 ms pauses
(measured), landing on whichever request allocated the object that triggered it, and its sweep evicts the
caches the next answer needs. Nothing in them is garbage until the next index swap, so they are frozen
(``gc.freeze``) once loaded; a swap unfreezes first, so cycles left by the old version are collected once,
then freezes what is loaded now.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()


def settle() -> float:
    """Collect once and freeze every live object; return the seconds it took. Call after loading an index.

    The first time (nothing frozen yet: the process's first index) there is no old version to free, so what is
    live is frozen without a collection first: at 100k chunks that collection walked ~480k objects to find ~20
    (0.23 s), and a server said ready only after it. Any such leftovers are collected at the next swap.
    """
    started = time.perf_counter()
    with _lock:
        if gc.get_freeze_count():
            gc.unfreeze()
            gc.collect()
        gc.freeze()
    return time.perf_counter() - started


_starting = False  # the collector was turned off by ``pause_for_startup`` and the first load turns it back on


def pause_for_startup() -> None:
    """The cycle collector off from a server process's start until its first index load ends (``paused``).

    Importing the server's packages (Gradio above all) made ~400k objects, none garbage, and the collector walked them
    in six full collections as they were made: 0.5-0.8 s of the imports' ~3.8 s (measured with and without). What
    those imports leave unreachable (~4k objects, ~5 MB) is frozen with the first index by ``settle`` and collected
    at the next swap. Only for a process that loads an index next: nothing else turns the collector back on.
    """
    global _starting
    with _lock:
        if gc.isenabled():
            gc.disable()
            _starting = True


@contextmanager
def paused() -> Iterator[None]:
    """The cycle collector off while an index loads: loading allocates ~1M objects at 100k chunks, none
    garbage, and the collector kept walking them as they were made. ``settle`` follows the load. The first load
    after ``pause_for_startup`` turns the collector on at its end, whether it loaded or failed."""
    global _starting
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        with _lock:
            if was_enabled or _starting:
                _starting = False
                gc.enable()
