"""A worksheet's cells as columns, and the compact form they travel in from the reading child to the app.

The child writes each sheet as plain buffers the app reads as Arrow arrays without copying (in frames: see `frame`;
the form is described at `encode_sheet`), one array per column: a column whose cells are all text (or empty) is one
string array, the usual case; a column of mixed cells (a header above dates) is one array per Python type, null where
another type is. Nothing the app loads can run code (no pickle), every array is validated in full, and text stays in
Arrow buffers until a check needs it. The child needs no pyarrow to write them (0.1 s of every read, issue 26). Pure
functions: no I/O beyond bytes.
"""
from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import struct
from collections.abc import Iterator
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    import pyarrow as pa

# pyarrow is imported by the functions that need it, not here: splitting frames (read_frames) needs only json and
# struct, so the reader can collect the child's answer before pyarrow has loaded (issue 26: the CLI from cold).


@functools.cache
def _kinds() -> dict[type, tuple[str, pa.DataType]]:
    """Python type of a calamine cell -> (wire suffix, Arrow type). A bool is not an int here: type() is exact."""
    import pyarrow as pa

    return {str: ("s", pa.string()), float: ("f", pa.float64()), int: ("i", pa.int64()), bool: ("b", pa.bool_()),
            dt.date: ("d", pa.date32()), dt.datetime: ("t", pa.timestamp("us")), dt.time: ("h", pa.time64("us")),
            dt.timedelta: ("u", pa.duration("us"))}


BIG_INT = "I"  # whole numbers beyond 64 bits travel as their digits
_INT64 = 2**63


class CellColumn:
    """One worksheet column: `text` when every cell is text or empty; else `parts`, one array per kind of cell
    (suffix -> array, null where the cell is of another kind); or, for what no Arrow type holds, the cells as
    Python values."""

    __slots__ = ("_values", "parts", "text")

    def __init__(self, text: pa.Array | None = None, values: list | None = None,
                 parts: dict[str, pa.Array] | None = None):
        self.text, self.parts, self._values = text, parts, values

    def __len__(self) -> int:
        if self.text is not None:
            return len(self.text)
        return len(self._values) if self._values is not None else len(next(iter(self.parts.values())))

    def values(self) -> list:
        if self._values is None:
            if self.text is not None:
                self._values = self.text.to_pylist()
            else:
                values: list = [None] * len(self)
                for suffix, array in self.parts.items():
                    for i, v in enumerate(array.to_pylist()):
                        if v is not None:
                            values[i] = _python(suffix, v)
                self._values = values
        return self._values

    def value(self, i: int) -> object:
        if self._values is not None:
            return self._values[i]
        if self.text is not None:
            return self.text[i].as_py()
        for suffix, part in self.parts.items():
            if (v := part[i].as_py()) is not None:
                return _python(suffix, v)
        return None


def _python(suffix: str, value: object) -> object:
    return int(value) if suffix == BIG_INT else value


def column(cells: list) -> CellColumn:
    """The column for a list of cell values: a string array when they are all text or empty."""
    import pyarrow as pa

    try:
        parts = _encode(cells)
    except (pa.ArrowException, OverflowError, TypeError):  # a value no Arrow type holds (a huge timedelta)
        return CellColumn(values=list(cells))
    return CellColumn(text=parts["s"]) if set(parts) == {"s"} else CellColumn(parts=parts)


def _transposed(rows: list[list]) -> list[list]:
    """Rows (of any lengths) as columns, padded with empty cells."""
    width = max(map(len, rows), default=0)
    if any(len(r) != width for r in rows):  # calamine's rows are all as wide as the sheet: padding is rare
        rows = [r if len(r) == width else [*r, *([None] * (width - len(r)))] for r in rows]
    return [list(cells) for cells in zip(*rows, strict=True)]


def columns_of(rows: list[list]) -> list[CellColumn]:
    return [column(cells) for cells in _transposed(rows)]


def _encode(cells: list) -> dict[str, pa.Array]:
    """Suffix -> array: one string array for text, else one array per kind of cell."""
    import pyarrow as pa

    kinds = set(map(type, cells))
    kinds.discard(type(None))
    if kinds <= {str}:
        return {"s": pa.array(cells, type=pa.string())}
    out = {}
    for kind in kinds:
        suffix, arrow_type = _kinds().get(kind, (None, None))
        part = [v if type(v) is kind else None for v in cells]
        if kind is int and any(not -_INT64 <= v < _INT64 for v in part if v is not None):
            suffix, arrow_type, part = BIG_INT, pa.string(), [None if v is None else str(v) for v in part]
        if suffix is None:  # a type calamine is not known to give: keep its text, so nothing is dropped silently
            suffix, arrow_type, part = "s", pa.string(), [None if v is None else str(v) for v in part]
        out[suffix] = pa.array(part, type=arrow_type)
    return out


# The wire form of a sheet, written without pyarrow (the child does not load it: 0.1 s of every read) and read into
# Arrow arrays without copying: a JSON list, per column, of its parts [suffix, length, [buffer sizes]], then the
# buffers, each padded to 8 bytes. A part's buffers are its validity (one byte per cell, 1 = a value of this kind; left
# out when every cell is one), then its values: text as int32 offsets and UTF-8 bytes, numbers as float64 or int64,
# TRUE/FALSE one byte per cell, dates as int32 days since 1970, date-times, times and durations as int64 microseconds.
# Every array the app builds from them is validated in full (offsets, sizes, UTF-8) before use.
_EPOCH_DAY = dt.date(1970, 1, 1).toordinal()
_EPOCH = dt.datetime(1970, 1, 1)
_US = dt.timedelta(microseconds=1)
_PAD = 8


def _wire_values(suffix: str, values: list) -> list[bytes]:
    from array import array

    if suffix in ("s", BIG_INT):
        texts = [v if v is not None else "" for v in values]
        data = "".join(texts).encode()
        sizes = map(len, texts) if len(data) == sum(map(len, texts)) else (len(t.encode()) for t in texts)
        offsets = array("i", [0])
        offsets.extend(itertools.accumulate(sizes))
        return [offsets.tobytes(), data]
    if suffix == "f":
        return [array("d", [0.0 if v is None else v for v in values]).tobytes()]
    if suffix == "b":
        return [bytes([v is True for v in values])]
    if suffix == "d":
        return [array("i", [0 if v is None else v.toordinal() - _EPOCH_DAY for v in values]).tobytes()]
    if suffix == "t":
        micros = [0 if v is None else (v - _EPOCH) // _US for v in values]
    elif suffix == "h":
        micros = [0 if v is None else ((v.hour * 60 + v.minute) * 60 + v.second) * 1_000_000 + v.microsecond
                  for v in values]
    elif suffix == "u":
        micros = [0 if v is None else v // _US for v in values]
    else:  # "i"
        micros = [0 if v is None else v for v in values]
    return [array("q", micros).tobytes()]


def _wire_parts(cells: list) -> dict[str, list]:
    """Suffix -> the cells of that kind, None elsewhere: as _encode splits them."""
    kinds = set(map(type, cells))
    kinds.discard(type(None))
    if kinds <= {str}:
        return {"s": cells}
    out = {}
    for kind in kinds:
        suffix = _SUFFIXES.get(kind)
        part = [v if type(v) is kind else None for v in cells]
        if kind is int and any(not -_INT64 <= v < _INT64 for v in part if v is not None):
            suffix, part = BIG_INT, [None if v is None else str(v) for v in part]
        if suffix is None:  # a type calamine is not known to give: keep its text, so nothing is dropped silently
            suffix, part = "s", [None if v is None else str(v) for v in part]
        out[suffix] = part
    return out


_SUFFIXES = {str: "s", float: "f", int: "i", bool: "b", dt.date: "d", dt.datetime: "t", dt.time: "h", dt.timedelta: "u"}


def encode_sheet(rows: list[list]) -> bytes:
    """A sheet's rows in the wire form above, one column at a time; needs no pyarrow."""
    layout: list[list] = []
    buffers: list[bytes] = []
    for cells in _transposed(rows):
        parts = []
        for suffix, values in _wire_parts(cells).items():
            mask = bytes([v is not None for v in values])
            wire = ([mask] if mask.count(0) else [b""]) + _wire_values(suffix, values)
            parts.append([suffix, len(values), [len(b) for b in wire]])
            buffers += [b + bytes(-len(b) % _PAD) for b in wire]
        layout.append(parts)
    meta = json.dumps(layout).encode()
    return b"".join([struct.pack("<Q", len(meta)), meta, bytes(-len(meta) % _PAD), *buffers])


def decode_sheet(data: bytes | memoryview) -> list[CellColumn]:
    """The columns encode_sheet wrote, as Arrow arrays over its buffers. Raises ValueError (pyarrow's ArrowInvalid
    too), KeyError or TypeError when they do not make whole, valid arrays."""
    import numpy as np
    import pyarrow as pa

    whole = pa.py_buffer(data)
    (size,) = struct.unpack_from("<Q", data)
    layout = json.loads(bytes(data[8:8 + size]))
    pos = 8 + size + (-size % _PAD)
    out = []
    for parts in layout:
        kinds: dict[str, pa.Array] = {}
        for suffix, length, sizes in parts:
            if not isinstance(length, int) or length < 0 or not all(isinstance(n, int) and n >= 0 for n in sizes):
                raise ValueError("a malformed part")
            wire = []
            for n in sizes:
                if pos + n > len(whole):
                    raise ValueError("a part beyond the data")
                wire.append(whole.slice(pos, n))
                pos += n + (-n % _PAD)
            mask, *values = wire
            validity = None if not mask.size else pa.py_buffer(np.packbits(
                np.frombuffer(mask, dtype=np.uint8).astype(bool), bitorder="little"))
            if mask.size and mask.size != length:
                raise ValueError("a validity of the wrong length")
            arrow_type = _kinds_by_suffix()[suffix]
            if suffix == "b":
                values = [pa.py_buffer(np.packbits(np.frombuffer(values[0], dtype=np.uint8).astype(bool),
                                                   bitorder="little"))]
                if len(wire[1]) != length:
                    raise ValueError("a part of the wrong length")
            nulls = length - int(np.count_nonzero(np.frombuffer(mask, dtype=np.uint8))) if mask.size else 0
            array = pa.Array.from_buffers(arrow_type, length, [validity, *values], null_count=nulls)
            array.validate(full=True)
            kinds[suffix] = array
        out.append(CellColumn(text=kinds["s"]) if set(kinds) == {"s"} else CellColumn(parts=kinds))
    return out


@functools.cache
def _kinds_by_suffix() -> dict[str, pa.DataType]:
    import pyarrow as pa

    return {**{suffix: arrow_type for suffix, arrow_type in _kinds().values()}, BIG_INT: pa.string()}


def frame(header: dict, blob: bytes = b"") -> bytes:
    """One message of the child's answer: a JSON header, then the blob (a sheet's Arrow IPC stream) it announces.
    The child writes a frame per sheet as soon as it is encoded, so the app can check one while the next is parsed."""
    meta = json.dumps({**header, "length": len(blob)}).encode()
    return b"".join([struct.pack("<Q", len(meta)), meta, blob])


def read_frames(stream: BinaryIO) -> Iterator[tuple[dict, bytes]]:
    """The frames on a stream, until it ends. Raises EOFError if it ends inside one."""
    while size := stream.read(8):
        if len(size) < 8:
            raise EOFError("the stream ended inside a frame")
        header = json.loads(_exactly(stream, struct.unpack("<Q", size)[0]))
        yield header, _exactly(stream, header.pop("length"))


def _exactly(stream: BinaryIO, n: int) -> bytes:
    data = stream.read(n) if n else b""
    if len(data) != n:
        raise EOFError("the stream ended inside a frame")
    return data
