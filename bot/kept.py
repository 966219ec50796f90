"""Parsed tables of third-party packages, kept in the temp dir between processes as numpy arrays.

jieba's dictionary (``bot.words.load_dictionary``) and the bundled encoder's tokenizer (``bot.bundled``) are parsed
by pure Python in every process that cuts words or embeds text; kept as UTF-8 texts and arrays they read back in a
fraction of that. A copy is named after everything it was made from (``path``), so a new release or a changed source
file is parsed again. It is read without pickles, and only if this user wrote it and no one else may change it: the
temp dir is shared, and a planted copy would change how every text is cut.
"""

from __future__ import annotations

import logging
import os
import stat
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def path(prefix: str, *made_from: object, folder: str | None = None) -> Path:
    """``<temp dir>/<prefix>-<hash of made_from>.npz`` (``folder`` instead of the temp dir, if given)."""
    import hashlib

    key = "|".join(str(part) for part in made_from)
    return Path(folder or tempfile.gettempdir()) / f"{prefix}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.npz"


def source_stamp(file: Path) -> str | None:
    """What identifies a source file's contents cheaply (path, size, modification time); None if it is missing."""
    try:
        st = file.stat()
    except OSError:
        return None
    return f"{file}|{st.st_size}|{st.st_mtime_ns}"


def read(file: Path) -> dict[str, Any] | None:
    """Every array of a kept copy, or None: missing, unreadable, or not safely this user's."""
    import numpy as np

    try:
        st = file.stat()
        if st.st_uid != os.getuid() or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH) or not stat.S_ISREG(st.st_mode):
            return None
        with np.load(file, allow_pickle=False) as kept:
            return {name: kept[name] for name in kept.files}
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return None


def write(file: Path, arrays: Mapping[str, Any], accept: Any = None) -> bool:
    """Keep ``arrays`` at ``file``, whole or not at all (another process may be starting meanwhile); ``accept``, if
    given, is called with the written copy's path and must return True for it to be kept. Failures only cost the
    next process the parse again."""
    import numpy as np

    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=f".{file.stem}-")
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
        if accept is not None and not accept(Path(tmp)):
            return False
        os.replace(tmp, file)
        tmp = None
        return True
    except OSError:
        log.debug("could not keep %s", file, exc_info=True)
        return False
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
