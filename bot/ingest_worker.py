"""Helper processes that load jieba's dictionary and the embedding model while ingest scans files.

Why processes and not a thread: in a new ``faqbot ingest`` process, loading those two (~1.7 s:
a marshalled dictionary, a pure-Python tokenizer model, the weights) and scanning a 100k-chunk
base (~1.2 s: the manifest, 52k stats) are almost all Python work under one GIL, so a warm-up
thread overlapped little of it. Two children (one for jieba, one for the model: together they
were still GIL-bound) load on the other core; the parent then sends them the texts of the few new
chunks and gets back their tokens and vectors, computed by the same ``bot.words.tokenize`` and
embedder an in-process ingest uses.

Protocol on a child's stdin/stdout, one request at a time (nothing is unpickled):

    parent  {"op": "tokenize" | "encode", "texts": [...]}    one JSON line
    child   {"tokens": [[...], ...]}                          one JSON line, or
            {"bytes": n} then n bytes of a .npy float32 array, or
            {"error": "..."}

Any failure of a helper (it died, could not load the model) makes the caller do that work in its
own process, as it did before helpers existed: ``IngestWorker`` raises ``WorkerError`` and
``WorkerEmbeddings`` / ``IngestWorker.tokenize_many`` fall back.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # this module is imported first thing by `faqbot ingest`: nothing heavy here
    import numpy as np

    from bot.embed import VectorEmbeddings


class WorkerError(RuntimeError):
    """A helper process could not answer; the caller does the work itself."""


class _Helper:
    """One child process answering requests of one kind."""

    def __init__(self, *args: str) -> None:
        package_root = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
        self._lock = threading.Lock()
        self.failed = False
        self.answered = 0  # requests this helper served (the ingest did not fall back)
        self._proc: subprocess.Popen[bytes] | None = None
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "bot.ingest_worker", *args],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # jieba's notices; failures come back as WorkerError
                env=env,
            )
        except OSError:
            self.failed = True  # the ingest loads everything itself, as without a helper

    def ask(self, op: str, texts: list[str]) -> tuple[dict[str, Any], bytes]:
        """The reply's JSON line and, for an array, its bytes."""
        with self._lock:
            proc = self._proc
            if proc is None or self.failed or proc.stdin is None or proc.stdout is None:
                raise WorkerError("the ingest helper is not running")
            payload = b""
            try:
                proc.stdin.write(json.dumps({"op": op, "texts": texts}, ensure_ascii=False).encode("utf-8") + b"\n")
                proc.stdin.flush()
                line = proc.stdout.readline()
                reply = json.loads(line) if line else {"error": f"the ingest helper exited ({proc.poll()})"}
                if "bytes" in reply:
                    payload = proc.stdout.read(int(reply["bytes"]))
                    if len(payload) != int(reply["bytes"]):
                        reply = {"error": "the ingest helper sent a short array"}
            except (OSError, ValueError) as exc:
                reply = {"error": f"the ingest helper failed ({exc.__class__.__name__}: {exc})"}
            if "error" in reply:
                self.failed = True
                raise WorkerError(str(reply["error"]))
            self.answered += 1
            return reply, payload

    def close(self) -> None:
        """End the child now. It holds nothing to save, and when nothing changed it may still be
        loading: waiting for it to notice its closed stdin would only delay the exit."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.kill()
        proc.wait()
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


class IngestWorker:
    """The parent's handle on the two helpers, started at once so that they load while it scans.

    ``threads`` BLAS threads in the model's helper: 1, because it only embeds a handful of chunks,
    and two threads on tiny matrices were 4-10x slower than one while the other core was busy.
    """

    def __init__(self, embedding: str, threads: int = 1) -> None:
        self.model = _Helper("model", embedding, str(threads))
        self.words = _Helper("words")

    def tokenize(self, texts: list[str]) -> list[list[str]]:
        reply, _ = self.words.ask("tokenize", texts)
        return [list(words) for words in reply["tokens"]]

    def encode(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        _, payload = self.model.ask("encode", texts)
        return np.load(io.BytesIO(payload), allow_pickle=False)

    def tokenize_many(self, texts: list[str]) -> list[list[str]]:
        """Tokens of each text, from the helper or, if it failed, from ``bot.words`` here."""
        try:
            return self.tokenize(texts)
        except WorkerError:
            from bot.words import tokenize

            return [tokenize(text) for text in texts]

    def close(self) -> None:
        self.model.close()
        self.words.close()

    def __enter__(self) -> IngestWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class WorkerEmbeddings:
    """An embedder (``VectorEmbeddings``) whose vectors come from the model helper; ``local()``, the
    same model in this process, is built and loaded only if the helper fails."""

    def __init__(self, worker: IngestWorker, model_id: str, dimension: int, local: Callable[[], VectorEmbeddings]) -> None:
        self.worker, self.local = worker, local
        self.model_id, self.dimension = model_id, dimension

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if texts:
            try:
                return self.worker.encode(texts)
            except WorkerError:
                pass
        return self.local().encode(texts, batch_size)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def warm_up(self) -> None:
        """Nothing to load here: the helper loads the model."""


class SplitEmbeddings:
    """A big ingest's embedder: each batch is embedded half in the model helper and half here, at once.

    Embedding is nearly all of a full ingest (100k chunks: ~21 CPU-minutes) and the bundled encoder
    keeps one core busy whatever its BLAS threads (its tokenizer is pure Python; its matrices are small),
    so the second core sat idle. The helper and this process each run one BLAS thread, never more than
    the two cores. If the helper fails, this process embeds everything from then on.
    """

    def __init__(self, worker: IngestWorker, local: VectorEmbeddings) -> None:
        self.worker, self.local = worker, local
        self.model_id, self.dimension = local.model_id, local.dimension
        self.failed = False
        self.helped = 0  # texts the helper embedded

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        import numpy as np

        if self.failed or len(texts) < 8:
            return self.local.encode(texts, batch_size)
        half = len(texts) // 2
        theirs: list[Any] = []

        def remote() -> None:
            try:
                theirs.append(self.worker.encode(texts[:half]))
            except WorkerError:
                self.failed = True

        thread = threading.Thread(target=remote, name="faqbot-ingest-split", daemon=True)
        thread.start()
        mine = self.local.encode(texts[half:], batch_size)
        thread.join()
        if not theirs:
            return np.vstack([self.local.encode(texts[:half], batch_size), mine])
        self.helped += half
        return np.vstack([theirs[0], mine])

    def encode_query(self, text: str) -> np.ndarray:
        return self.local.encode_query(text)

    def warm_up(self) -> None:
        self.local.warm_up()


def _serve(args: list[str], stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """A child's loop: load what its kind needs, then answer requests until stdin closes."""
    handle: Any = None
    failure = ""
    try:
        if args[0] == "words":
            from bot import words

            words.warm_up()
            handle = words.tokenize
        else:
            handle = _load_encoder(args[1], int(args[2]))
    except Exception as exc:  # reported on the first request; the parent loads it itself
        failure = f"{exc.__class__.__name__}: {exc}"
    for line in stdin:
        if not line.strip():
            continue
        try:
            if failure:
                raise RuntimeError(failure)
            request = json.loads(line)
            texts = [str(t) for t in request["texts"]]
            reply = _answer(args[0], request["op"], texts, handle)
        except Exception as exc:
            reply = json.dumps({"error": f"{exc.__class__.__name__}: {exc}"}).encode("utf-8") + b"\n"
        stdout.write(reply)
        stdout.flush()


def _load_encoder(spec: str, threads: int) -> Callable[[list[str]], np.ndarray]:
    """texts -> unit vectors, as ``bot.embed`` computes them; the bundled model without langchain."""
    from bot.bundled import bundled_batch, encode_in_batches, is_bundled, load_bundled

    if is_bundled(spec):
        encode_batch = bundled_batch(load_bundled(threads))
        return lambda texts: encode_in_batches(encode_batch, texts)
    from bot.embed import make_embeddings

    embeddings = make_embeddings(spec, threads)
    embeddings.warm_up()
    return embeddings.encode


def _answer(kind: str, op: str, texts: list[str], handle: Any) -> bytes:
    if kind == "words" and op == "tokenize":
        return json.dumps({"tokens": [handle(t) for t in texts]}, ensure_ascii=False).encode("utf-8") + b"\n"
    if kind == "model" and op == "encode":
        import numpy as np

        buffer = io.BytesIO()
        np.save(buffer, np.ascontiguousarray(handle(texts), dtype=np.float32), allow_pickle=False)
        return json.dumps({"bytes": buffer.tell()}).encode("utf-8") + b"\n" + buffer.getvalue()
    raise ValueError(f"a {kind} helper does not {op}")


if __name__ == "__main__":
    _serve(sys.argv[1:], sys.stdin.buffer, sys.stdout.buffer)
