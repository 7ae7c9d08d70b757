"""The reader refuses what is not a plain .xlsx, with a message, before or instead of parsing it."""
import io
import zipfile

import openpyxl
import pytest

from lasdash.reader import Limits, ReadError, read_workbook


def _xlsx_bytes():
    wb = openpyxl.Workbook()
    wb.active["A1"] = "hello"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rezip(data: bytes, edit) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        files = {i.filename: src.read(i) for i in src.infolist()}
        edit(files)
        for name, body in files.items():
            dst.writestr(name, body)
    return out.getvalue()


def _macro(files):
    files["xl/vbaProject.bin"] = b"\x00" * 10


def _entities(files):
    files["xl/sharedStrings.xml"] = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                                     b'<!ENTITY lol2 "&lol;&lol;">]><sst>&lol2;</sst>')


def _huge_dimension(files):
    name = "xl/worksheets/sheet1.xml"
    files[name] = files[name].replace(b'<dimension ref="A1:A1" />', b'<dimension ref="A1:XFD1048576" />')


def _bomb(files):
    files["xl/media/padding.bin"] = b"\x00" * 50_000_000


CASES = {
    "empty": (lambda: b"", "empty"),
    "png": (lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "PNG"),
    "csv": (lambda: b"ID,Name\n1,Sarah Blow\n", "CSV"),
    "random bytes": (lambda: bytes(range(256)) * 4, "not an Excel"),
    "xls": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls"),
    "encrypted": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "EncryptedPackage".encode("utf-16-le"),
                  "password"),
    "truncated zip": (lambda: _xlsx_bytes()[:700], "damaged"),
    "plain zip": (lambda: _rezip(_xlsx_bytes(), lambda f: f.pop("xl/workbook.xml")), "not an Excel workbook"),
    "macro": (lambda: _rezip(_xlsx_bytes(), _macro), "macros"),
    "billion laughs": (lambda: _rezip(_xlsx_bytes(), _entities), "entities"),
    "XFD1048576": (lambda: _rezip(_xlsx_bytes(), _huge_dimension), "XFD1048576"),
    "zip bomb": (lambda: _rezip(_xlsx_bytes(), _bomb), "zip bomb"),
}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_refused_with_a_clear_message(tmp_path, case):
    make, fragment = CASES[case]
    path = tmp_path / "upload.xlsx"
    path.write_bytes(make())
    with pytest.raises(ReadError, match=fragment):
        read_workbook(path)


def test_over_the_size_limit(tmp_path):
    path = tmp_path / "big.xlsx"
    path.write_bytes(_xlsx_bytes())
    with pytest.raises(ReadError, match="limit"):
        read_workbook(path, Limits(max_file_bytes=100))


@pytest.mark.parametrize("limits, fragment", [
    (Limits(memory_bytes=10 * 1024 * 1024), "reader stopped"),  # the child dies under its memory limit
    (Limits(timeout_seconds=0.001), "longer than"),  # the parent kills the child (SIGKILL)
])
def test_parent_survives_when_the_child_dies_or_is_killed(tmp_path, limits, fragment):
    path = tmp_path / "ok.xlsx"
    path.write_bytes(_xlsx_bytes())
    with pytest.raises(ReadError, match=fragment):
        read_workbook(path, limits)
    assert read_workbook(path).sheets[0].rows == [["hello"]]


def test_reads_values_without_guessing_types(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["007", 5, "03/04/2023"])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    rows = read_workbook(path).sheets[0].rows
    assert rows[0][0] == "007" and rows[0][2] == "03/04/2023"


def _two_sheets() -> bytes:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "first"
    wb.create_sheet("Second")["A1"] = "second"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_each_sheet_is_handed_over_as_soon_as_it_is_read(tmp_path):
    path = tmp_path / "two.xlsx"
    path.write_bytes(_two_sheets())
    seen = []
    raw = read_workbook(path, on_sheet=seen.append)
    assert [s.name for s in seen] == ["Sheet", "Second"] and seen == raw.sheets
    assert [s.rows for s in raw.sheets] == [[["first"]], [["second"]]]


def test_a_sheet_that_fails_after_others_were_handed_over_still_refuses_the_file(tmp_path):
    def break_second(files):
        files["xl/worksheets/sheet2.xml"] = b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x'

    path = tmp_path / "broken-second.xlsx"
    path.write_bytes(_rezip(_two_sheets(), break_second))
    seen = []
    with pytest.raises(ReadError, match="could not be read"):
        read_workbook(path, on_sheet=seen.append)
    assert [s.name for s in seen] == ["Sheet"]


def test_the_app_never_unpickles_what_the_reading_child_sends():
    import ast
    from pathlib import Path

    for module in ("reader.py", "cells.py", "_read_child.py"):
        tree = ast.parse((Path(__file__).parent.parent / "lasdash" / module).read_text())
        imported = {a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
                    for a in n.names} | {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not imported & {"pickle", "marshal", "shelve", "dill"}, module
