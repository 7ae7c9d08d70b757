"""A worksheet's cells as columns, and the compact form they travel in from the reading child to the app.

The child writes each sheet as Arrow IPC (in frames: see `frame`), one array per column: a column whose cells
are all text (or empty) is one string array, the usual case; a column of mixed cells (a header above dates) is one array per Python
type, null where another type is. Nothing the app loads can run code (no pickle), and text stays in Arrow
buffers until a check needs it. Pure functions: no I/O beyond bytes.
"""
from __future__ import annotations

import datetime as dt
import json
import struct
from collections.abc import Iterator
from typing import BinaryIO

import pyarrow as pa

# Python type of a calamine cell -> (wire suffix, Arrow type). A bool is not an int here: type() is exact.
_KINDS = {str: ("s", pa.string()), float: ("f", pa.float64()), int: ("i", pa.int64()), bool: ("b", pa.bool_()),
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
    try:
        parts = _encode(cells)
    except (pa.ArrowException, OverflowError, TypeError):  # a value no Arrow type holds (a huge timedelta)
        return CellColumn(values=list(cells))
    return CellColumn(text=parts["s"]) if set(parts) == {"s"} else CellColumn(parts=parts)


def _transposed(rows: list[list]) -> list[list]:
    """Rows (of any lengths) as columns, padded with empty cells."""
    width = max(map(len, rows), default=0)
    padded = [r if len(r) == width else [*r, *([None] * (width - len(r)))] for r in rows]
    return [list(cells) for cells in zip(*padded, strict=True)]


def columns_of(rows: list[list]) -> list[CellColumn]:
    return [column(cells) for cells in _transposed(rows)]


def _encode(cells: list) -> dict[str, pa.Array]:
    """Suffix -> array: one string array for text, else one array per kind of cell."""
    kinds = set(map(type, cells))
    kinds.discard(type(None))
    if kinds <= {str}:
        return {"s": pa.array(cells, type=pa.string())}
    out = {}
    for kind in kinds:
        suffix, arrow_type = _KINDS.get(kind, (None, None))
        part = [v if type(v) is kind else None for v in cells]
        if kind is int and any(not -_INT64 <= v < _INT64 for v in part if v is not None):
            suffix, arrow_type, part = BIG_INT, pa.string(), [None if v is None else str(v) for v in part]
        if suffix is None:  # a type calamine is not known to give: keep its text, so nothing is dropped silently
            suffix, arrow_type, part = "s", pa.string(), [None if v is None else str(v) for v in part]
        out[suffix] = pa.array(part, type=arrow_type)
    return out


def encode_sheet(rows: list[list]) -> bytes:
    """A sheet's rows as one Arrow IPC stream of its columns."""
    arrays: dict[str, pa.Array] = {}
    for j, cells in enumerate(_transposed(rows)):
        arrays.update({f"{j}{suffix}": array for suffix, array in _encode(cells).items()})
    table = pa.table(arrays) if arrays else pa.table({})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def decode_sheet(data: bytes | memoryview) -> list[CellColumn]:
    """The columns encode_sheet wrote."""
    table = pa.ipc.open_stream(pa.py_buffer(data)).read_all()
    parts: dict[int, dict[str, pa.Array]] = {}
    for name in table.column_names:
        parts.setdefault(int(name[:-1]), {})[name[-1]] = table.column(name).combine_chunks()
    out = []
    for j in range(len(parts)):
        kinds = parts[j]
        out.append(CellColumn(text=kinds["s"]) if set(kinds) == {"s"} else CellColumn(parts=kinds))
    return out


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
