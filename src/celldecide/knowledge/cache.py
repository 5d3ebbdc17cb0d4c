"""An on-disk copy of the checked knowledge base, so that a new process skips parsing and validating it.

Loading `knowledge/` parses every YAML and Markdown file and validates each entry with pydantic, which takes
a good part of a second; unpickling the result takes a few hundredths. An entry is keyed by everything the
loaded knowledge depends on:

- the bytes and relative paths of every file under the knowledge root (the digest `content_version` cites),
- the source of the `celldecide.knowledge` package (schemas, loader, checks), so that editing the code
  invalidates entries even before the version changes,
- the versions of CellDecide, Python, pydantic, PyYAML and python-frontmatter, and a format number.

A changed key is a different file, so a stale entry is never read; an entry is written only after a load
that passed every check, atomically (a temporary file, then a rename). Reading verifies a checksum of the
payload before unpickling it, and anything unexpected (a missing, truncated, corrupt or foreign file, an
error while unpickling) makes the loader ignore the entry and load the files as if there were no cache.

Pickles can run code when loaded, so an entry is only read from a folder and a file owned by the current
user that no one else can write to. The folder is `CELLDECIDE_CACHE_DIR`, else `$XDG_CACHE_HOME/celldecide`,
else `~/.cache/celldecide`; setting `CELLDECIDE_CACHE_DIR` to an empty string turns the cache off.

`read_entry` and `write_entry` store any picklable value under a key of the caller's making, by `kind`: the
reader keeps what it derives from its own code there too (`celldecide.reader.memo`).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

FORMAT = 1  # raise when what an entry holds, or how it is written, changes
_MAGIC = b"celldecide knowledge cache\n"
_KEPT = 8  # entries kept per folder; older ones are removed when a new one is written
_PACKAGE = Path(__file__).resolve().parent
_LIBRARIES = ("pydantic", "pydantic-core", "PyYAML", "python-frontmatter")


def cache_dir() -> Path | None:
    """Return the folder holding cache entries, or None when `CELLDECIDE_CACHE_DIR` is set to ""."""
    configured = os.environ.get("CELLDECIDE_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "celldecide"


def _library_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def cache_key(content_digest: str) -> str:
    """Return the key of the entry for knowledge whose files hash to `content_digest` (hex)."""
    from celldecide import __version__

    digest = hashlib.sha256()
    for part in (str(FORMAT), __version__, sys.version, content_digest,
                 *(f"{name}={_library_version(name)}" for name in _LIBRARIES)):
        digest.update(part.encode())
        digest.update(b"\0")
    for source in sorted(_PACKAGE.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(b"\0")
        digest.update(source.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _entry_path(folder: Path, key: str, kind: str = "knowledge") -> Path:
    return folder / f"{kind}-{key[:40]}.pickle"


def _private(path: Path) -> bool:
    """Return True when `path` belongs to the current user and no one else may write to it."""
    info = path.stat()
    owner = getattr(os, "getuid", None)
    return (owner is None or info.st_uid == owner()) and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def read_entry(key: str, kind: str = "knowledge") -> Any | None:
    """Return the object stored under `key`, or None when there is no usable entry (never raises)."""
    folder = cache_dir()
    if folder is None:
        return None
    path = _entry_path(folder, key, kind)
    try:
        if not (_private(folder) and _private(path)):
            return None
        data = path.read_bytes()
    except OSError:
        return None
    header = _MAGIC + key.encode() + b"\n"
    if not data.startswith(header):
        return None
    checksum, _, payload = data[len(header):].partition(b"\n")
    if hashlib.sha256(payload).hexdigest().encode() != checksum:
        return None  # truncated or damaged: load the files instead
    try:
        return pickle.loads(payload)
    except Exception:  # noqa: BLE001 - any failure to restore the entry just means loading the files
        return None


def write_entry(key: str, value: Any, kind: str = "knowledge") -> None:
    """Store `value` under `key`, atomically, then drop the oldest entries of its kind (never raises)."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(folder):
            return
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{kind}-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as fh:
                fh.write(_MAGIC + key.encode() + b"\n" + hashlib.sha256(payload).hexdigest().encode() + b"\n")
                fh.write(payload)
            os.replace(temporary, _entry_path(folder, key, kind))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _prune(folder, kind)
    except Exception:  # noqa: BLE001 - a cache that cannot be written only costs the next process time
        return


def _prune(folder: Path, kind: str) -> None:
    """Remove all but the `_KEPT` most recently written entries of one kind."""
    entries = sorted(folder.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in entries[_KEPT:]:
        stale.unlink(missing_ok=True)
