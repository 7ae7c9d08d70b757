"""Reading an untrusted .xlsx into raw cell values.

Two gates: `inspect_file` looks at the bytes and the zip directory without parsing any XML;
then calamine parses in a child process with memory, CPU and wall-clock limits, so a file that
crashes or exhausts the parser cannot take the app or the CLI down with it.
"""
from __future__ import annotations

import codecs
import os
import queue
import re
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from .cells import CellColumn

# pyarrow (lasdash.cells) is imported only once the child is started (Reading.result), so the child parses while
# the app loads it: the CLI from cold (issue 26).


class ReadError(Exception):
    """The file cannot be read as a workbook at all (CLI exit code 2)."""


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 20 * 1024 * 1024
    max_entries: int = 2_000
    max_uncompressed_bytes: int = 300 * 1024 * 1024
    max_ratio: int = 200  # uncompressed/compressed per entry; real sheets compress ~10-30x
    max_rows: int = 1_048_576
    max_cells: int = 20_000_000  # as claimed by each sheet's <dimension>
    memory_bytes: int = 2 * 1024**3
    cpu_seconds: int = 60
    timeout_seconds: float = 60.0


DEFAULT_LIMITS = Limits()


@dataclass(eq=False)  # compared by identity: SheetsAhead keys sheets by id()
class RawSheet:
    """One sheet's cells, column by column (lasdash.cells): the form the reader gives and the validator reads.
    Tests and other small sheets start from rows: `from_rows`."""
    name: str
    visible: bool
    columns: list[CellColumn]
    n_rows: int  # Excel rows 1..n_rows; also when there are no columns
    merged: list[str] = field(default_factory=list)  # e.g. ['A2:B2']
    # Cells holding a formula with no saved result (calamine reads them as blank), e.g. ['K2']
    uncalculated: list[str] = field(default_factory=list)

    @classmethod
    def from_rows(cls, name: str, visible: bool, rows: list[list[object]], merged: list[str] | None = None,
                  uncalculated: list[str] | None = None) -> RawSheet:
        from .cells import columns_of
        return cls(name, visible, columns_of(rows), len(rows), merged or [], uncalculated or [])

    @property
    def rows(self) -> list[list[object]]:
        """The cells row by row (rows[0] is Excel row 1), made from the columns at each call: to read, not edit."""
        values = [c.values() for c in self.columns]
        return [list(r) for r in zip(*values, strict=True)] if values else [[] for _ in range(self.n_rows)]


@dataclass
class RawWorkbook:
    file_name: str
    sheets: list[RawSheet]
    base_snapshot: str | None = None  # the snapshot lasdash made this workbook from, if it says


SNAPSHOT_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{6}")
_BASE_PROPERTY = "lasdash_base_snapshot"  # written by lasdash.workbook
_BASE_WORDS = re.compile(r"Made from snapshot (" + SNAPSHOT_ID.pattern + ")")


_MB = 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


def inspect_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Reject what is not a plain .xlsx, before any XML is parsed. Raises ReadError."""
    size = path.stat().st_size
    if size == 0:
        raise ReadError("The file is empty (0 bytes). Expected an Excel workbook (.xlsx).")
    if size > limits.max_file_bytes:
        # MB as Streamlit's server.maxUploadSize counts them (2**20 bytes), so the two limits read the same
        raise ReadError(f"The file is {size / _MB:.1f} MB, over the {limits.max_file_bytes / _MB:.0f} MB limit.")
    with path.open("rb") as fh:
        head = fh.read(8)
        if head.startswith(_OLE_MAGIC):
            fh.seek(0)
            body = fh.read(min(size, 1 << 20))
            if "EncryptedPackage".encode("utf-16-le") in body:
                raise ReadError("The workbook is password-protected (encrypted). Remove the password in Excel "
                                "(File > Info > Protect Workbook) and save it as .xlsx.")
            raise ReadError("This is an old-format Excel file (.xls). Open it in Excel and save it as "
                            "'Excel Workbook (.xlsx)'.")
    if not head.startswith(b"PK"):
        with path.open("rb") as fh:
            kind = _guess_kind(fh.read(512))
        raise ReadError(f"The file is not an Excel .xlsx workbook{kind}. Expected an .xlsx saved from Excel.")
    try:
        with zipfile.ZipFile(path) as zf:
            entries = zf.infolist()
            _check_zip(entries, limits)
            names = {e.filename for e in entries}
            if "xl/workbook.xml" not in names:
                raise ReadError("The file is a zip archive but not an Excel workbook (no xl/workbook.xml).")
            if "xl/vbaProject.bin" in names:
                raise ReadError("The workbook contains macros (.xlsm). Save it as a plain 'Excel Workbook (.xlsx)' "
                                "without macros and upload that.")
            for e in entries:
                if e.filename.endswith((".xml", ".rels")):
                    _check_xml(zf, e, limits)
    except zipfile.BadZipFile as exc:
        raise ReadError(f"The file is damaged or incomplete (not a readable zip: {exc}). "
                        "Save it again from Excel and retry.") from None


def _guess_kind(head: bytes) -> str:
    if head.startswith(b"\x89PNG"):
        return " (it is a PNG image)"
    if head.startswith(b"%PDF"):
        return " (it is a PDF)"
    try:  # utf-8-sig: Excel's "CSV UTF-8" starts with a BOM; not final: 512 bytes may end mid-character
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        return ""
    looks_like_text = all(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return " (it looks like text, perhaps a CSV)" if looks_like_text else ""


def _check_zip(entries: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(entries) > limits.max_entries:
        raise ReadError(f"The workbook has {len(entries)} parts; the limit is {limits.max_entries}.")
    total = sum(e.file_size for e in entries)
    if total > limits.max_uncompressed_bytes:
        raise ReadError(f"The workbook would unpack to {total / _MB:.0f} MB; the limit is "
                        f"{limits.max_uncompressed_bytes / _MB:.0f} MB.")
    for e in entries:
        if e.file_size > 1_000_000 and e.file_size > limits.max_ratio * max(e.compress_size, 1):
            raise ReadError(f"The workbook part {e.filename} is compressed {e.file_size // max(e.compress_size, 1)}:1, "
                            "which is typical of a zip bomb. Rejected.")


def _check_xml(zf: zipfile.ZipFile, entry: zipfile.ZipInfo, limits: Limits) -> None:
    with zf.open(entry) as fh:
        head = fh.read(4096)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise ReadError(f"The workbook part {entry.filename} declares XML entities (a DOCTYPE), which Excel "
                        "never writes. Rejected as unsafe.")
    if entry.filename.startswith("xl/worksheets/"):
        m = _DIMENSION.search(head)
        if m and m.group(3):
            rows = int(m.group(4)) - int(m.group(2)) + 1
            cols = _col_number(m.group(3)) - _col_number(m.group(1)) + 1
            if rows > limits.max_rows or rows * cols > limits.max_cells:
                raise ReadError(f"A sheet claims to span {m.group(1).decode()}{m.group(2).decode()}:"
                                f"{m.group(3).decode()}{m.group(4).decode()} ({rows:,} rows x {cols:,} columns), "
                                f"more than the {limits.max_cells:,} cells allowed. Delete the unused rows and "
                                "columns and save again.")


def read_workbook(path: Path | str, limits: Limits = DEFAULT_LIMITS, display_name: str | None = None,
                  on_sheet: Callable[[RawSheet], None] | None = None) -> RawWorkbook:
    """Inspect, then parse in a limited child process. Raises ReadError with a user-facing message.

    `on_sheet` is given each sheet as soon as the child has read it (validation can start while the child parses
    the next); if the read then fails, the ReadError still comes, and what was given must be dropped.
    """
    with start_read(path, limits, display_name) as reading:
        return reading.result(on_sheet)


def start_read(path: Path | str, limits: Limits = DEFAULT_LIMITS, display_name: str | None = None) -> Reading:
    """Inspect, then start the limited child; its answer is `Reading.result()`. Raises ReadError if the file is
    refused before parsing. The caller can load what it needs (pandas, the store) while the child parses."""
    return Reading(Path(path), limits, display_name)


_END = object()


class Reading:
    """A workbook being parsed by the limited child. A thread collects the child's frames as they come, so the
    child never waits on a full pipe while the caller is busy. Use as a context manager: leaving it before
    `result()` stops the child."""

    def __init__(self, path: Path, limits: Limits, display_name: str | None):
        if not path.is_file():
            raise ReadError(f"No such file: {path}")
        inspect_file(path, limits)
        self.path, self.limits, self.display_name = path, limits, display_name
        cmd = [sys.executable, "-m", "lasdash._read_child", str(path),
               str(limits.memory_bytes), str(limits.cpu_seconds)]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parent.parent),
                                                                            os.environ.get("PYTHONPATH")]))}
        self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                      env=env)
        self._timed_out = threading.Event()
        self._timer = threading.Timer(limits.timeout_seconds, self._stop)
        self._timer.daemon = True  # a Reading left without result() must not keep the process alive
        self._stderr: list[bytes] = []
        self._frames: queue.SimpleQueue = queue.SimpleQueue()
        self._drain = threading.Thread(target=lambda: self._stderr.append(self._proc.stderr.read()), daemon=True)
        self._collect = threading.Thread(target=self._collect_frames, daemon=True)
        self._timer.start()
        self._drain.start()
        self._collect.start()
        self._done = False

    def _stop(self) -> None:
        self._timed_out.set()
        self._proc.kill()

    def _collect_frames(self) -> None:
        """Frames as they come; then _END if the stream ended (whole, or cut short inside a frame: the exit code
        says how it went), or the exception of a frame that does not decode."""
        from .cells import read_frames  # json and struct only: pyarrow is not needed to split frames

        try:
            for item in read_frames(self._proc.stdout):
                self._frames.put(item)
            self._frames.put(_END)
        except EOFError:  # cut short inside a frame
            self._frames.put(_END)
        except (ValueError, KeyError, TypeError, OSError) as exc:  # a frame that does not decode
            self._frames.put(exc)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        if not self._done:
            self._finish(ended=False)

    def _finish(self, ended: bool) -> int:
        self._done = True
        if not ended:
            self._proc.kill()
        returncode = self._proc.wait()
        self._timer.cancel()
        self._drain.join()
        self._collect.join()
        self._proc.stdout.close()
        return returncode

    def result(self, on_sheet: Callable[[RawSheet], None] | None = None) -> RawWorkbook:
        """The workbook, each sheet given to `on_sheet` as it comes (see read_workbook). Raises ReadError."""
        from .cells import decode_sheet

        sheets: list[RawSheet] = []
        properties: dict[str, str] | None = None
        ended = False  # the child closed its output: it is exiting, and its exit code says how it went
        try:
            while (item := self._frames.get()) is not _END:
                if isinstance(item, Exception):  # a frame that does not decode: not worth waiting for the rest
                    break
                header, blob = item
                try:
                    if "properties" in header:
                        properties = header["properties"]
                        continue
                    sheet = RawSheet(header["name"], header["visible"], decode_sheet(blob), header["n_rows"],
                                     header["merged"], header["uncalculated"])
                except (ValueError, KeyError, TypeError):  # likewise
                    break
                sheets.append(sheet)
                if on_sheet is not None:
                    on_sheet(sheet)
            else:
                ended = True
        finally:
            returncode = self._finish(ended)
        if self._timed_out.is_set():
            raise ReadError(f"Reading the workbook took longer than {self.limits.timeout_seconds:.0f} s and was "
                            "stopped.")
        if returncode == 3:
            raise ReadError(b"".join(self._stderr).decode("utf-8", "replace").strip()
                            or "The workbook could not be read.")
        if returncode != 0 or properties is None:
            raise ReadError(f"The workbook could not be read: the reader stopped ({_describe_exit(returncode)}). "
                            "The file may be damaged or too large.")
        return RawWorkbook(self.display_name or self.path.name, sheets, _base_snapshot(properties, sheets))


def _base_snapshot(properties: dict[str, str], sheets: list[RawSheet]) -> str | None:
    """The base as the document property says, else as the Instructions sheet's words say; only a well-formed id."""
    value = properties.get(_BASE_PROPERTY, "")
    if SNAPSHOT_ID.fullmatch(value):
        return value
    for sheet in sheets:
        if sheet.name.strip().lower() == "instructions":
            for i in range(min(5, sheet.n_rows)):  # row by row, cell by cell: not the whole sheet as rows
                for col in sheet.columns:
                    if isinstance(cell := col.value(i), str) and (m := _BASE_WORDS.search(cell)):
                        return m.group(1)
    return None


def _describe_exit(code: int) -> str:
    if code < 0:
        import signal
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"
