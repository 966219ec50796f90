"""Loaders that turn knowledge files into Documents.

Supported: ``.md`` and ``.txt`` (optional YAML front matter), ``.html``/``.htm`` (main text only),
``.pdf`` (pypdf) and ``.docx`` (python-docx). A directory is walked recursively. A file that
cannot be used is reported with its path and the reason, and the rest is still loaded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.errors import IngestError
from bot.types import Document

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf", ".docx")
# Files in the knowledge folder that are not articles.
NOT_ARTICLES = {"faq.yaml", "faq.yml", "readme.md"}
# libyaml's loader when PyYAML was built with it: the pure-Python one spent ~80% of loading a
# 28k-article base parsing front matter. Same safe subset of YAML either way.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n?", re.S)


@dataclass
class LoadResult:
    documents: list[Document] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)


def content_hash(title: str, date: dt.date, text: str, topics: Iterable[str], region: Iterable[str]) -> str:
    payload = json.dumps([title, date.isoformat(), text, list(topics), list(region)], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _as_tuple(value: Any, path: str, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in re.split(r"[,，、]", value) if v.strip())
    if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
        return tuple(str(v) for v in value)
    raise IngestError(path, f"front matter field '{name}' must be a list of strings")


def _parse_date(value: Any, path: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise IngestError(path, f"front matter field 'date' must be an ISO date such as 2023-01-03, got {value!r}")


def _document(meta: dict[str, Any], text: str, path: Path, root: Path, fallback_date: dt.date | None) -> Document:
    where = str(path)
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        raise IngestError(where, "front matter field 'title' is missing or empty")
    if "date" in meta:
        date = _parse_date(meta["date"], where)
    elif fallback_date is not None:
        date = fallback_date
    else:
        raise IngestError(where, "front matter field 'date' is missing")
    if not text.strip():
        raise IngestError(where, "the article has no text")
    doc_id = str(meta.get("id") or _default_id(path, root))
    topics = _as_tuple(meta.get("topics"), where, "topics")
    region = _as_tuple(meta.get("region"), where, "region")
    return Document(
        doc_id=doc_id,
        title=title.strip(),
        date=date,
        text=text,
        source=str(meta.get("source") or ""),
        topics=topics,
        region=region,
        path=where,
        content_hash=content_hash(title.strip(), date, text, topics, region),
    )


def _default_id(path: Path, root: Path) -> str:
    try:
        rel = path.relative_to(root)
    except ValueError:
        rel = Path(path.name)
    return rel.with_suffix("").as_posix()


def _mtime_date(path: Path) -> dt.date:
    return dt.date.fromtimestamp(path.stat().st_mtime)


def _split_front_matter(raw: str, path: Path) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(raw)
    if not match:
        return {}, raw
    try:
        meta = yaml.load(match.group(1), Loader=_YAML_LOADER) or {}
    except yaml.YAMLError as exc:
        raise IngestError(str(path), f"front matter is not valid YAML ({exc.__class__.__name__})") from exc
    if not isinstance(meta, dict):
        raise IngestError(str(path), "front matter must be a YAML mapping")
    return meta, raw[match.end():]


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise IngestError(str(path), "the file is binary, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise IngestError(str(path), "the file is neither UTF-8 nor GB18030 text") from exc


def _first_line_title(text: str) -> tuple[str, str]:
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip():
            title = line.strip().lstrip("#").strip()
            return title, "\n".join(lines[i + 1 :]).lstrip("\n")
    return "", text


def load_markdown(path: Path, root: Path) -> Document:
    meta, body = _split_front_matter(_read_text(path), path)
    if not meta:
        title, _ = _first_line_title(body)
        meta = {"title": title}
        return _document(meta, body, path, root, _mtime_date(path))
    return _document(meta, body, path, root, None)


def load_text(path: Path, root: Path) -> Document:
    meta, body = _split_front_matter(_read_text(path), path)
    if meta:
        return _document(meta, body, path, root, None)
    title, rest = _first_line_title(body)
    return _document({"title": title}, rest, path, root, _mtime_date(path))


def load_html(path: Path, root: Path) -> Document:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_read_text(path), "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "aside", "noscript", "form", "iframe"]):
        tag.decompose()
    main = soup.find("main") or soup.find("article") or soup.body or soup
    h1 = main.find("h1")
    title = (soup.title.get_text(strip=True) if soup.title else "") or (h1.get_text(strip=True) if h1 else "")
    if h1 is not None:
        h1.decompose()
    blocks = [el.get_text(" ", strip=True) for el in main.find_all(["p", "li", "h2", "h3", "h4", "td"])]
    text = "\n\n".join(b for b in blocks if b) or main.get_text("\n", strip=True)
    meta: dict[str, Any] = {"title": title}
    date_tag = soup.find("meta", attrs={"name": re.compile("^(date|publishdate|pubdate)$", re.I)})
    time_tag = soup.find("time")
    if date_tag and date_tag.get("content"):
        meta["date"] = str(date_tag["content"])
    elif time_tag and time_tag.get("datetime"):
        meta["date"] = str(time_tag["datetime"])
    return _document(meta, text + "\n", path, root, _mtime_date(path))


def load_pdf(path: Path, root: Path) -> Document:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings repeat what the IngestError says

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise IngestError(str(path), f"the PDF cannot be read ({exc.__class__.__name__}: {exc})") from exc
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    title = (info.title if info and info.title else "") or _first_line_title(text)[0]
    fallback = info.creation_date.date() if info and info.creation_date else _mtime_date(path)
    return _document({"title": title}, text + "\n", path, root, fallback)


def load_docx(path: Path, root: Path) -> Document:
    import zipfile

    import docx

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise IngestError(str(path), f"the Word file cannot be read ({exc.__class__.__name__})") from exc
    paragraphs = [p.text.strip() for p in document.paragraphs if p.text.strip()]
    props = document.core_properties
    title = props.title or (paragraphs[0] if paragraphs else "")
    if paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    fallback = props.created.date() if props.created else _mtime_date(path)
    return _document({"title": title}, "\n\n".join(paragraphs) + "\n", path, root, fallback)


_LOADERS = {
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
}


def iter_files(paths: Iterable[Path]) -> Iterator[tuple[Path, Path]]:
    """Yield (file, root) for every candidate knowledge file under the given files or folders."""
    for root in paths:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                hidden = any(part.startswith(".") for part in path.relative_to(root).parts)
                if path.is_file() and not hidden and path.name.lower() not in NOT_ARTICLES:
                    yield path, root
        else:
            yield root, root.parent


def load_file(path: Path, root: Path) -> Document:
    """Load one file or raise IngestError naming it and the reason."""
    if not path.exists():
        raise IngestError(str(path), "no such file or folder")
    loader = _LOADERS.get(path.suffix.lower())
    if loader is None:
        raise IngestError(str(path), f"unsupported file type '{path.suffix or path.name}' (use {', '.join(SUPPORTED_SUFFIXES)})")
    try:
        if path.stat().st_size == 0:
            raise IngestError(str(path), "the file is empty")
        return loader(path, root)
    except IngestError:
        raise
    except PermissionError as exc:
        raise IngestError(str(path), "the file cannot be read (permission denied)") from exc
    except Exception as exc:  # a corrupt file must not stop the rest from being ingested
        raise IngestError(str(path), f"the file cannot be read ({exc.__class__.__name__}: {exc})") from exc


def load_documents(paths: Iterable[Path]) -> LoadResult:
    """Load every knowledge file under ``paths``; bad files are collected as errors, not raised."""
    result = LoadResult()
    seen: dict[str, str] = {}
    for path, root in iter_files(paths):
        try:
            doc = load_file(path, root)
        except IngestError as exc:
            result.errors.append(exc)
            continue
        if doc.doc_id in seen:
            result.errors.append(IngestError(str(path), f"id '{doc.doc_id}' is already used by {seen[doc.doc_id]}"))
            continue
        seen[doc.doc_id] = str(path)
        result.documents.append(doc)
    return result


# A file modified within this many seconds of a scan may change again within the same mtime tick
# without its stat changing; its stat is not recorded, so the next scan reads it again.
RACY_SECONDS = 2.0


@dataclass
class ScanResult(LoadResult):
    """What ``scan_documents`` found: documents (re-read or reused), errors, and what it cost."""

    # doc_id -> [size, mtime_ns] of the file, None when the file was too fresh to trust its stat.
    stats: dict[str, list[int] | None] = field(default_factory=dict)
    read: int = 0
    reused: int = 0


def _walk(root: Path) -> list[str]:
    """Every file under ``root`` (no hidden parts), in the order of ``sorted(root.rglob("*"))``.

    Strings, not Paths: building and comparing 28k Path objects was half of a re-ingest's scan.
    Each folder's entries are sorted by name and sub-folders visited in place, which is that
    part-by-part order without splitting and comparing 52k whole paths (0.1-0.2 s at 100k chunks).
    """
    found: list[str] = []

    def visit(folder: str) -> None:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=_entry_name)
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                visit(entry.path)
            elif entry.is_file(follow_symlinks=True) and entry.name.lower() not in NOT_ARTICLES:
                found.append(entry.path)

    visit(str(root))
    return found


def _entry_name(entry: os.DirEntry[str]) -> str:
    return entry.name


_new_document = object.__new__


def _reused(doc_id: str, record: dict[str, Any], path: str) -> Document:
    """The Document a previous ingest recorded for an unchanged file, without its text (not needed
    to keep its chunks; ``bot.index.build_index`` refuses to chunk it).

    Filled in directly rather than through the frozen dataclass's ``__init__`` (one
    ``object.__setattr__`` per field): half the cost, 0.1 s of a 52k-article scan. ``Document``
    has no ``__post_init__`` or slots to bypass, so the result is the same object.
    """
    doc = _new_document(Document)
    doc.__dict__.update(
        doc_id=doc_id,
        title=str(record["title"]),
        date=dt.date.fromisoformat(record["date"]),
        text="",
        source=str(record.get("source") or ""),
        topics=tuple(record.get("topics") or ()),
        region=tuple(record.get("region") or ()),
        path=path,
        content_hash=str(record["hash"]),
    )
    return doc


def scan_documents(paths: Iterable[Path], known: dict[str, dict[str, Any]] | None = None) -> ScanResult:
    """Like ``load_documents``, but a file whose size and mtime are what ``known`` recorded is not
    read: its Document comes from the record (text left empty). ``known`` maps doc_id to the
    records of the index manifest (path, stat, hash, title, date, topics, region, source).

    Reading and hashing 28k files was 4-5 s of every re-ingest of a 100k-chunk base; a ``stat``
    each is ~0.1 s. A file whose stat changed is read; if its content hash is unchanged it is still
    not re-embedded (``build_index`` compares hashes). Deleted files are simply not found.
    """
    known = known or {}
    by_path = {str(r["path"]): doc_id for doc_id, r in known.items() if r.get("stat") and r.get("path")}
    started_ns = time.time_ns()
    racy_ns = started_ns - int(RACY_SECONDS * 1e9)
    result = ScanResult()
    seen: dict[str, str] = {}
    for root in paths:
        files = _walk(root) if root.is_dir() else [str(root)]
        base = root if root.is_dir() else root.parent
        for name in files:
            try:
                st = os.stat(name)
            except OSError:
                st = None
            known_id = by_path.get(name)
            stat = [st.st_size, st.st_mtime_ns] if st is not None else None
            record = known[known_id] if known_id is not None else None
            if record is not None and stat is not None and record["stat"] == stat:
                doc = _reused(known_id, record, name)  # type: ignore[arg-type]
                result.reused += 1
            else:
                try:
                    doc = load_file(Path(name), base)
                except IngestError as exc:
                    result.errors.append(exc)
                    continue
                result.read += 1
            if doc.doc_id in seen:
                result.errors.append(IngestError(name, f"id '{doc.doc_id}' is already used by {seen[doc.doc_id]}"))
                continue
            seen[doc.doc_id] = name
            result.documents.append(doc)
            result.stats[doc.doc_id] = stat if stat is not None and stat[1] < racy_ns else None
    return result
