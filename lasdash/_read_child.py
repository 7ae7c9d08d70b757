"""Child process entry: parse one workbook with calamine under resource limits.

Usage: python -m lasdash._read_child PATH MEMORY_BYTES CPU_SECONDS
Writes lasdash.cells frames to stdout: one per sheet as soon as it is read (name, visibility, size, merged and
uncalculated cells, and its cells as lasdash.cells.encode_sheet writes them, without pyarrow), then one with the workbook's custom document properties, which
ends the answer. Exit 3 with a message on stderr for a clean refusal.
"""
import gc
import os
import re
import resource
import sys
import threading
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from xml.etree.ElementTree import ParseError


def main() -> int:
    path, memory, cpu = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    # No cyclic garbage collection: this short process makes no cycles, and its collections walked every cell of
    # every row parsed so far, again and again (a fifth of its time at S100). Memory is freed as before, and limited.
    gc.disable()
    # Limits first, before the parser is even imported.
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    import python_calamine as pc

    sys.meta_path.insert(0, _WithoutPandas())
    try:
        wb = pc.CalamineWorkbook.from_path(path)
        out = sys.stdout.buffer
        with zipfile.ZipFile(path) as zf:
            parts = _sheet_parts(zf)
            names = [meta.name for meta in wb.sheets_metadata]
            parsed = _parse_ahead(path, names, parts, {name: zf.getinfo(part).file_size for name, part in parts.items()})
            from lasdash.cells import encode_sheet, frame  # json, struct and array: no pyarrow

            properties = _custom_properties(zf)
            for meta, future in zip(wb.sheets_metadata, parsed, strict=True):
                merged, rows, uncalculated = future.result()
                out.write(frame({
                    "name": meta.name,
                    "visible": meta.visible == pc.SheetVisibleEnum.Visible,
                    "n_rows": len(rows),
                    "merged": [_a1(r) for r in merged],
                    "uncalculated": uncalculated,
                }, encode_sheet(rows)))
                out.flush()
                del rows
    except pc.PasswordError:
        print("The workbook is password-protected. Remove the password and save it as .xlsx.", file=sys.stderr)
        return 3
    except (pc.CalamineError, pc.ZipError, pc.XmlError, ValueError, ParseError, KeyError, zipfile.BadZipFile) as exc:
        print(f"The workbook could not be read: {exc}", file=sys.stderr)
        return 3
    except MemoryError:
        print("The workbook needs more memory to read than allowed; it is too large.", file=sys.stderr)
        return 3
    out.write(frame({"properties": properties}))  # the last frame: the reader knows the answer is whole
    return 0


def _parse_ahead(path: str, names: list[str], parts: dict[str, str], sizes: dict[str, int]) -> list[Future]:
    """Each sheet's (merged ranges, rows, uncalculated formulas), by two threads, each with its own workbook and zip
    (neither can be shared). calamine parses, and zlib inflates for the formula scan, without the GIL, so the two
    work while this thread encodes. The largest sheet first, so it is not left for last; then the others in the
    workbook's order, the order they are sent in, so the app can check the first while the largest is parsed."""
    import python_calamine as pc

    local = threading.local()

    def parse(name: str):
        if not hasattr(local, "wb"):
            local.wb = pc.CalamineWorkbook.from_path(path)
            local.zf = zipfile.ZipFile(path)
        sheet = local.wb.get_sheet_by_name(name)
        merged, rows = sheet.merged_cell_ranges or [], sheet.to_python(skip_empty_area=False)
        return merged, rows, _uncalculated_formulas(local.zf, parts.get(name))

    pool = ThreadPoolExecutor(2)
    largest = max(names, key=lambda n: sizes.get(n, 0), default=None)
    futures = {name: pool.submit(parse, name) for name in sorted(names, key=lambda n: n != largest)}
    pool.shutdown(wait=False)
    return [futures[name] for name in names]


class _WithoutPandas:
    """This process never needs pandas (0.3 s); pyarrow, when it was used here, imported it to ask whether a list was
    a Series. Kept so that nothing loads it by the way."""

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "pandas":
            raise ImportError("the reading process does not use pandas")


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _uncalculated_formulas(zf: zipfile.ZipFile, part: str | None) -> list[str]:
    """The cells of a sheet's part with a formula but no saved result, e.g. ['K2'].

    Excel always saves a formula's result, and calamine reads that; files written by programs that do
    not calculate (openpyxl, some exports) have none, and calamine reads those cells as blank.
    Only a sheet whose XML contains a formula tag is parsed a second time.
    """
    from defusedxml.ElementTree import iterparse

    if part is None:
        return []
    with zf.open(part) as fh:
        xml = fh.read()
    # a byte search first: the pattern scans every '<', and most sheets have no formula at all. Only up to the last
    # "sheetData>" (a formula is in a cell; a data validation's <formula1> comes after the cells)
    end = xml.rfind(b"sheetData>")
    end = len(xml) if end < 0 else end
    if (xml.find(b"<f", 0, end) < 0 and xml.find(b":f", 0, end) < 0) or not _FORMULA_TAG.search(xml, 0, end):
        return []
    cells = []
    with zf.open(part) as fh:
        for _, cell in iterparse(fh, forbid_dtd=True):
            if _local(cell.tag) != "c":
                continue
            kids = {_local(k.tag): k for k in cell}
            value = kids.get("v")
            # an empty <v/> is a saved result only for text formulas (t="str"); openpyxl writes <v/>
            if "f" in kids and (value is None or (not value.text and cell.get("t") != "str")) and cell.get("r"):
                cells.append(cell.get("r"))
            cell.clear()
    return cells


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part in the zip, e.g. {'Roles': 'xl/worksheets/sheet8.xml'}, for the parts present."""
    from defusedxml.ElementTree import fromstring

    targets = {r.get("Id"): r.get("Target", "") for r in fromstring(zf.read("xl/_rels/workbook.xml.rels"))}
    names, parts = set(zf.namelist()), {}
    for el in fromstring(zf.read("xl/workbook.xml")).iter():
        if _local(el.tag) != "sheet":
            continue
        rel = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
        target = targets.get(rel, "")
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        if part in names:
            parts[el.get("name")] = part
    return parts


def _custom_properties(zf: zipfile.ZipFile) -> dict[str, str]:
    """docProps/custom.xml as {name: text}: where lasdash records the snapshot a workbook was made from."""
    from defusedxml.ElementTree import fromstring

    if "docProps/custom.xml" not in zf.namelist():
        return {}
    root = fromstring(zf.read("docProps/custom.xml"))
    return {p.get("name"): "".join(p.itertext()).strip() for p in root if _local(p.tag) == "property" and p.get("name")}


def _a1(rng) -> str:
    (r1, c1), (r2, c2) = rng
    return f"{_letters(c1)}{r1 + 1}:{_letters(c2)}{r2 + 1}"


def _letters(col: int) -> str:
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # now: after a refusal, sheets still being parsed by the pool are not waited for
