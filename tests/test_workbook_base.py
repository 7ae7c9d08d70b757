"""A workbook lasdash writes records the snapshot it was made from, and keeps it through Excel-style edits
and a LibreOffice round trip (Debian's libreoffice-calc-nogui, installed by .ci/run)."""
import io
import os
import shutil
import subprocess
import zipfile

import openpyxl
import pytest

from lasdash import pipeline
from lasdash.reader import read_workbook
from lasdash.workbook import BASE_PROPERTY, snapshot_workbook_bytes, workbook_bytes

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _without(content: bytes, part: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename != part:
                dst.writestr(item, src.read(item))
    return out.getvalue()


def test_a_snapshots_workbook_records_its_base_visibly_and_in_a_property(store, tmp_path):
    m = store.current()
    path = tmp_path / "map.xlsx"
    path.write_bytes(snapshot_workbook_bytes(store, m.id))
    wb = openpyxl.load_workbook(path)
    assert wb["Instructions"]["B1"].value == f"Made from snapshot {m.id} of {m.created_at:%d %b %Y %H:%M} UTC"
    assert {p.name: p.value for p in wb.custom_doc_props.props}[BASE_PROPERTY] == m.id
    assert read_workbook(path).base_snapshot == m.id


def test_the_words_alone_are_enough(store, tmp_path):
    path = tmp_path / "map.xlsx"
    path.write_bytes(_without(snapshot_workbook_bytes(store, store.current_id()), "docProps/custom.xml"))
    assert read_workbook(path).base_snapshot == store.current_id()


@pytest.mark.parametrize("value", ["../../state", "not-a-snapshot", "20261201T211407Z-08b610/../x", ""])
def test_a_malformed_base_is_ignored(tmp_path, seed_tables, value):
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(seed_tables)))
    from openpyxl.packaging.custom import StringProperty
    if value:
        wb.custom_doc_props.append(StringProperty(name=BASE_PROPERTY, value=value))
    wb.save(tmp_path / "x.xlsx")
    assert read_workbook(tmp_path / "x.xlsx").base_snapshot is None


def test_blank_template_and_hand_made_workbooks_have_no_base(tmp_path, seed_tables):
    (tmp_path / "t.xlsx").write_bytes(workbook_bytes(None))
    (tmp_path / "m.xlsx").write_bytes(workbook_bytes(seed_tables))
    assert read_workbook(tmp_path / "t.xlsx").base_snapshot is None
    assert read_workbook(tmp_path / "m.xlsx").base_snapshot is None


def test_editing_and_saving_in_openpyxl_keeps_the_base(store, tmp_path):
    path = tmp_path / "map.xlsx"
    path.write_bytes(snapshot_workbook_bytes(store, store.current_id()))
    wb = openpyxl.load_workbook(path)
    wb["Forums"]["A1"].value = "ID"
    wb.save(path)
    assert read_workbook(path).base_snapshot == store.current_id()


@pytest.mark.skipif(not SOFFICE and not os.environ.get("CI"), reason="LibreOffice not installed "
                    "(apt-get install -y libreoffice-calc-nogui)")
def test_a_libreoffice_round_trip_keeps_the_base_and_the_map(store, tmp_path):
    assert SOFFICE, "CI is set but LibreOffice is missing: apt-get install -y libreoffice-calc-nogui"
    src = tmp_path / "map.xlsx"
    src.write_bytes(snapshot_workbook_bytes(store, store.current_id()))
    out = tmp_path / "out"
    subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                    "--convert-to", "xlsx", "--outdir", str(out), str(src)],
                   check=True, capture_output=True, timeout=180)
    again = out / "map.xlsx"
    assert read_workbook(again).base_snapshot == store.current_id()
    v = pipeline.check(again)
    assert v.ok, v.errors[:5]
    assert v.problems == []
    from lasdash.diff import describe, diff_tables
    assert describe(diff_tables(store.read_all(store.current_id()), v.tables)) == []
