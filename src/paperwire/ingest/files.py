"""Read paper files (JSON lines, gzip or plain) into Parsed items that can resume at a byte offset.

Formats (docs/ingest-formats.md): kaggle, listing, oai-dc, hf-daily, jsonl; `auto` detects one from
the first non-blank line. `Parsed.position` is the byte offset in the decompressed stream just after
the item, so `read_file(path, fmt, start_position=p)` continues exactly after the last committed line.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, cast

from paperwire.errors import InvalidInput, NotFound
from paperwire.ingest._formats import CONVERTERS, Converter, guess_format
from paperwire.ingest.interfaces import Parsed, RecordError

FORMATS = tuple(CONVERTERS)
GZIP_MAGIC = b"\x1f\x8b"
_CHUNK_BYTES = 1 << 20
_ARRAY_SEPARATORS = re.compile(r"[\s,]*")
_RECORD_ERRORS = (ValueError, KeyError, TypeError, AttributeError, IndexError)


def open_stream(path: str | os.PathLike[str]) -> IO[bytes]:
    """The file's bytes, decompressed when it starts with the gzip magic (whatever its name)."""
    path = Path(path)
    try:
        with path.open("rb") as probe:
            is_gzip = probe.read(2) == GZIP_MAGIC
    except (FileNotFoundError, IsADirectoryError):
        raise NotFound(f"{path}: no such file") from None
    if is_gzip:
        return cast(IO[bytes], gzip.GzipFile(path, "rb"))
    return path.open("rb", buffering=_CHUNK_BYTES)


def detect_format(path: str | os.PathLike[str]) -> str:
    """The format of `path`, guessed from its first non-blank line; InvalidInput if it fits none."""
    with open_stream(path) as stream:
        first = next((line for line in _lines(stream, path) if line.strip()), b"")
    stripped = first.strip()
    try:
        fmt = guess_format(json.loads(stripped))
    except ValueError:  # not one complete JSON value: the start of a pretty-printed array?
        fmt = "hf-daily" if _is_array_start(stripped) else None
    if fmt is None:
        raise InvalidInput(f"{path}: cannot detect the format; pass one of: {', '.join(FORMATS)}")
    return fmt


def read_file(path: str | os.PathLike[str], fmt: str = "auto", start_position: int = 0) -> Iterator[Parsed]:
    """Parsed items of `path` from byte `start_position` on; bad lines become RecordErrors."""
    if not Path(path).is_file():
        raise NotFound(f"{path}: no such file")
    if fmt == "auto":
        fmt = detect_format(path)
    if fmt not in CONVERTERS:
        raise InvalidInput(f"unknown format {fmt!r}; valid formats: auto, {', '.join(FORMATS)}")
    if fmt == "hf-daily" and _starts_with_array(path):
        return _read_json_array(path, CONVERTERS[fmt], start_position)
    return _read_lines(path, CONVERTERS[fmt], start_position)


def _read_lines(path: str | os.PathLike[str], convert: Converter, start: int) -> Iterator[Parsed]:
    location = os.fspath(path)
    with open_stream(path) as stream:
        line_no = _skip(stream, start, path)
        position = start
        for line in _lines(stream, path):
            line_no += 1
            position += len(line)
            if line.isspace():
                continue
            try:
                value = json.loads(line)
            except ValueError as exc:
                error = RecordError(location, line_no, _reason(exc))
                yield Parsed(record=None, error=error, position=position)
            else:
                yield _convert_item(convert, value, location, line_no, position)


def _lines(stream: IO[bytes], path: str | os.PathLike[str]) -> Iterator[bytes]:
    """Lines of the stream; a truncated or corrupt gzip stream is an InvalidInput naming the file."""
    try:
        yield from stream
    except (EOFError, gzip.BadGzipFile) as exc:
        raise InvalidInput(f"{path}: damaged gzip data ({exc})") from None


def _skip(stream: IO[bytes], count: int, path: str | os.PathLike[str]) -> int:
    """Read past the first `count` bytes (decompressing gzip); returns the newlines skipped."""
    newlines = 0
    while count > 0:
        try:
            chunk = stream.read(min(count, _CHUNK_BYTES))
        except (EOFError, gzip.BadGzipFile) as exc:
            raise InvalidInput(f"{path}: damaged gzip data ({exc})") from None
        if not chunk:
            break
        newlines += chunk.count(b"\n")
        count -= len(chunk)
    return newlines


def _reason(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"malformed JSON: {exc.msg} (char {exc.pos})"
    if isinstance(exc, KeyError):
        return f"missing {exc.args[0]}"
    return str(exc) or type(exc).__name__


def _is_array_start(line: bytes) -> bool:
    """'[', '[{...' or '[]': a JSON array of objects (unlike oai-dc's '["<id>", {...}]' lines)."""
    stripped = line.strip()
    return stripped.startswith(b"[") and stripped[1:].lstrip()[:1] in (b"", b"{", b"]")


def _starts_with_array(path: str | os.PathLike[str]) -> bool:
    with open_stream(path) as stream:
        first = next((line for line in _lines(stream, path) if line.strip()), b"")
    return _is_array_start(first)


def _read_json_array(path: str | os.PathLike[str], convert: Converter, start: int) -> Iterator[Parsed]:
    """Items of one JSON array (the /api/daily_papers response); read whole, as those are small.

    position = byte offset just after the item's closing brace; line = the item's 1-based number.
    """
    location = os.fspath(path)
    with open_stream(path) as stream:
        text = b"".join(_lines(stream, path)).decode("utf-8")
    decoder = json.JSONDecoder()
    index = done = text.index("[") + 1
    position = len(text[:index].encode("utf-8"))
    number = 0
    while True:
        index = _ARRAY_SEPARATORS.match(text, index).end()  # type: ignore[union-attr]
        if index >= len(text) or text[index] == "]":
            return
        number += 1
        try:
            value, index = decoder.raw_decode(text, index)
        except json.JSONDecodeError as exc:
            yield Parsed(record=None, error=RecordError(location, number, _reason(exc)), position=position)
            return  # the rest of the array cannot be located
        position += len(text[done:index].encode("utf-8"))
        done = index
        if position > start:
            yield _convert_item(convert, value, location, number, position)


def _convert_item(convert: Converter, value: object, location: str, number: int, position: int) -> Parsed:
    try:
        return Parsed(record=convert(value), position=position)
    except _RECORD_ERRORS as exc:
        return Parsed(record=None, error=RecordError(location, number, _reason(exc)), position=position)
