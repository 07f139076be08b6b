"""The one way bls reads a TOML file (profiles, settings, session logs): bytes in, a dict or
one `TomlFileError` naming the file and saying why, in one line. And the one way bls writes its
own small files (settings, saved profiles): `write_atomically`.

Rules: nothing but a regular file is ever read (a folder, FIFO, device or socket is refused
before a byte is read, and opening never blocks); size, encoding, nesting depth and key depth
are checked before the parser runs, so no file - however adversarial - costs more than a fraction
of a second or ends in an exception other than `TomlFileError`.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
import tomllib
from pathlib import Path
from typing import Any

# bls's own files are a few hundred bytes; a session log a few KB. The parser is pure Python
# (about 0.6 s per MB of adversarial input), so the cap is what keeps every read quick.
MAX_BYTES = 256 * 1024
# bls's files nest two levels ([section] then key); these leave room and stop the parser's
# recursion (arrays, inline tables) and its slow handling of long dotted keys long before harm.
MAX_NESTING = 32
MAX_KEY_PARTS = 16

# Strings and comments, as a TOML lexer sees them; what is left is structure. Each alternative
# consumes every character one way only, so scanning is linear in the file's size.
_STRINGS_AND_COMMENTS = re.compile(
    r'"""(?:[^"\\]|\\.|""?(?!"))*+"{3,5}'
    r"|'''(?:[^']|''?(?!'))*+'{3,5}"
    r'|"(?:[^"\\\n]|\\.)*+"'
    r"|'[^'\n]*+'"
    r"|#[^\n]*+",
    re.DOTALL,
)
_BRACKETS = re.compile(r"[\[\]{}]")
# A key of more than MAX_KEY_PARTS parts: that many dots with no separator between them (only a
# dotted key has more than one dot between two separators; a number or a time has one).
_LONG_DOTTED_KEY = re.compile(
    r"(?:^|[=,{}\[\]\n])(?:[^=,{}\[\]\n.]*+\.){" + str(MAX_KEY_PARTS) + "}")


class TomlFileError(Exception):
    """A TOML file that cannot be used; `str()` is one line: "<path>: <reason>"."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def read_toml(path: Path | str, *, max_bytes: int = MAX_BYTES) -> dict[str, Any]:
    """The file's TOML as a dict, or TomlFileError (missing, not a file, too large, not UTF-8,
    nested too deeply, not valid TOML, unreadable)."""
    text = read_text(path, max_bytes=max_bytes)
    problem = structure_problem(text)
    if problem is not None:
        raise TomlFileError(path, problem)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TomlFileError(path, f"not valid TOML: {error}") from None
    except (ValueError, RecursionError, MemoryError) as error:
        # ValueError: an integer of more than 4300 digits. The others should be unreachable
        # after the checks above; they stay one line should the parser change.
        raise TomlFileError(path, f"not valid TOML: {_one_line(error)}") from None


def read_text(path: Path | str, *, max_bytes: int = MAX_BYTES) -> str:
    """A regular file's text as UTF-8 (an initial byte-order mark is allowed), or TomlFileError."""
    return decode_utf8(path, read_bytes(path, max_bytes=max_bytes))


def read_bytes(path: Path | str, *, max_bytes: int = MAX_BYTES) -> bytes:
    """A regular file's bytes, at most `max_bytes` of them, or TomlFileError (missing, a link
    that loops, not a regular file, too large, unreadable). The session log reads through it."""
    try:
        info = os.stat(path)  # follows links: a dangling link or a loop fails here
        _check_kind(path, info.st_mode)
        _check_size(path, info.st_size, max_bytes)
        # O_NONBLOCK: should the path have become a FIFO since the stat, open must not wait for
        # a writer; the fstat below then refuses it.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) \
            | getattr(os, "O_CLOEXEC", 0)
        descriptor = os.open(path, flags)
        try:
            info = os.fstat(descriptor)
            _check_kind(path, info.st_mode)
            _check_size(path, info.st_size, max_bytes)
            data = _read_at_most(descriptor, max_bytes + 1)
        finally:
            os.close(descriptor)
    except OSError as error:
        raise TomlFileError(path, _os_reason(path, error)) from None
    _check_size(path, len(data), max_bytes)
    return data


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` whole, or leave it as it was: written 0600 to a temporary file
    beside it (".name.*.tmp", which no listing of *.toml picks up), synced, then renamed over it.
    Raises OSError; no temporary file is left."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                             suffix=".tmp")  # mkstemp makes it 0600
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())  # a full disk shows here, not after the rename
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def decode_utf8(path: Path | str, data: bytes) -> str:
    """`data` as text, or TomlFileError saying which encoding it is in and what to do."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_like_utf16(data[:512]):
        raise TomlFileError(path, "is saved as UTF-16; save it as UTF-8 (plain text)")
    if b"\x00" in data:
        raise TomlFileError(path, "is not a text file (it holds NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise TomlFileError(path, f"is not UTF-8 text (byte 0x{data[error.start]:02x} on line "
                                  f"{line}); save it as UTF-8 (plain text)") from None
    return text.removeprefix("\ufeff")


def _looks_like_utf16(head: bytes) -> bool:
    """Text in UTF-16 without a byte-order mark: every other byte is NUL."""
    return len(head) >= 2 and (head[1::2].count(0) > 0.9 * len(head[1::2])
                               or head[0::2].count(0) > 0.9 * len(head[0::2]))


def structure_problem(text: str) -> str | None:
    """Why the parser must not see `text` (nesting or dotted keys too deep), or None."""
    structure = _STRINGS_AND_COMMENTS.sub("", text)
    depth = 0
    for bracket in _BRACKETS.findall(structure):
        if bracket in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return (f"nested more than {MAX_NESTING} levels deep "
                        "(arrays or tables inside each other); bls files need two")
        else:
            depth = max(0, depth - 1)
    if _LONG_DOTTED_KEY.search(structure):
        return f"has a dotted key of more than {MAX_KEY_PARTS} parts; bls files need two"
    return None


def _check_kind(path: Path | str, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    kind = ("a folder" if stat.S_ISDIR(mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
    raise TomlFileError(path, f"is {kind}, not a file" if kind.startswith("a ") else kind)


def _check_size(path: Path | str, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise TomlFileError(path, f"is larger than {max_bytes // 1024} KB; "
                                  "bls's own files are far smaller")


def _read_at_most(descriptor: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = os.read(descriptor, min(remaining, 65536))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _os_reason(path: Path | str, error: OSError) -> str:
    if error.errno == errno.ENOENT and os.path.islink(path):
        return "is a link to a file that does not exist"

    reasons = {
        errno.ENOENT: "no such file",
        errno.ELOOP: "is a link that loops",
        errno.EACCES: "cannot read: permission denied",
        errno.EPERM: "cannot read: permission denied",
        errno.EISDIR: "is a folder, not a file",
        errno.ENOTDIR: "a part of the path is not a folder",
        errno.ENAMETOOLONG: "the name is too long",
    }
    return reasons.get(error.errno or 0, f"cannot read: {error.strerror or _one_line(error)}")


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "..."
