"""Files on disk: content hashes, names bounded in bytes, what counts as a drop, atomic placing.

File systems limit a name to 255 bytes, not characters: 83 Chinese characters already fill it, so a
prefix like `000123-` or a suffix like `.rejected.csv` must be made room for by cutting the name in
bytes (at a character boundary). The manifest keeps the original name.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import uuid
from pathlib import Path

NAME_MAX = 255
# Longest suffix added beside an archived file (its rejected-rows report).
_REPORT_SUFFIX = ".rejected.csv"
# Room kept for a partial upload's ".NAME.part" and a "_NN" to tell equal names apart.
UPLOAD_NAME_BYTES = NAME_MAX - len("..part") - len("_9999")
_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f\x7f]")


def sha256_of(path: Path, no_follow: bool = False) -> str:
    """The content hash. no_follow: refuse (OSError) when `path` is a link or not a regular file (opened
    without blocking, so a pipe put in its place cannot stall the caller)."""
    flags = os.O_RDONLY | (os.O_NOFOLLOW | os.O_NONBLOCK if no_follow else 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as fh:
        if no_follow and not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise IsADirectoryError(f"{path} is not a regular file")
        digest = hashlib.sha256()
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_regular(path: Path) -> bool:
    """A regular file itself: not a link (to anything), a folder, a pipe or a device."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def in_folder(path: Path, folder: Path) -> bool:
    """Whether `path` is directly inside `folder` (the path's own name is not resolved: a link in the
    inbox is in the inbox, wherever it points)."""
    try:
        return path.absolute().parent.resolve() == folder.resolve()
    except OSError:
        return False


def cut_name(name: str, max_bytes: int) -> str:
    """`name` in at most `max_bytes` bytes: the stem is cut at a character boundary and marked with
    "…", the extension kept."""
    if len(os.fsencode(name)) <= max_bytes:
        return name
    stem, suffix = os.path.splitext(name)
    suffix = suffix if len(os.fsencode(suffix)) <= 16 else ""
    room = max_bytes - len(os.fsencode(suffix)) - len("…".encode("utf-8"))
    cut = os.fsencode(stem)[:max(room, 0)].decode("utf-8", errors="ignore")
    while len(os.fsencode(cut)) > room:          # surrogate-escaped bytes are one byte each
        cut = cut[:-1]
    return f"{cut}…{suffix}"


def archive_name(file_id: int, name: str) -> str:
    """`NNNNNN-name`, short enough for its reports beside it (`….rejected.csv`)."""
    prefix = f"{file_id:06d}-"
    return prefix + cut_name(name, NAME_MAX - len(prefix) - len(_REPORT_SUFFIX))


def safe_name(name: str) -> str:
    """A name to drop an upload under: no folders, no characters file systems refuse, not hidden,
    bounded in bytes."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip().lstrip(".") or "upload"
    return cut_name(cleaned, UPLOAD_NAME_BYTES)


def unique_target(folder: Path, name: str) -> Path:
    target = folder / name
    stem, suffix = os.path.splitext(name)
    n = 1
    while os.path.lexists(target):
        target = folder / f"{stem}_{n}{suffix}"
        n += 1
    return target


def place(folder: Path, name: str, data: bytes | Path) -> Path:
    """Write `data` (bytes, or a file to copy) into `folder` under a safe, unused name, atomically:
    a hidden partial file first, linked under its name only when complete (so a watcher never sees
    half a file, and two uploads of the same name never overwrite each other)."""
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".upload-{uuid.uuid4().hex}.part"
    if isinstance(data, Path):
        shutil.copyfile(data, partial)
    else:
        partial.write_bytes(data)
    with partial.open("rb") as fh:
        os.fsync(fh.fileno())
    while True:
        target = unique_target(folder, safe_name(name))
        try:
            os.link(partial, target)
        except FileExistsError:
            continue
        except OSError:                  # a file system without hard links
            os.replace(partial, target)
            return target
        partial.unlink()                 # the temporary name only; the file lives on as `target`
        return target
