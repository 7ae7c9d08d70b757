"""Child process entry: parse one workbook with calamine under resource limits.

Usage: python -m lasdash._read_child PATH MEMORY_BYTES CPU_SECONDS
Writes a pickled {"sheets": [sheet dicts], "properties": {name: text}} to stdout (the workbook's custom
document properties); exit 3 with a message on stderr for a clean refusal.
"""
import pickle
import re
import resource
import sys
import zipfile
from xml.etree.ElementTree import ParseError


def main() -> int:
    path, memory, cpu = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    # Limits first, before the parser is even imported.
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(path)
        uncalculated = _uncalculated_formulas(path)
        properties = _custom_properties(path)
        sheets = []
        for meta in wb.sheets_metadata:
            sheet = wb.get_sheet_by_name(meta.name)
            merged = sheet.merged_cell_ranges or []
            sheets.append({
                "name": meta.name,
                "visible": meta.visible == pc.SheetVisibleEnum.Visible,
                "rows": sheet.to_python(skip_empty_area=False),
                "merged": [_a1(r) for r in merged],
                "uncalculated": uncalculated.get(meta.name, []),
            })
    except pc.PasswordError:
        print("The workbook is password-protected. Remove the password and save it as .xlsx.", file=sys.stderr)
        return 3
    except (pc.CalamineError, pc.ZipError, pc.XmlError, ValueError, ParseError, KeyError, zipfile.BadZipFile) as exc:
        print(f"The workbook could not be read: {exc}", file=sys.stderr)
        return 3
    except MemoryError:
        print("The workbook needs more memory to read than allowed; it is too large.", file=sys.stderr)
        return 3
    sys.stdout.buffer.write(pickle.dumps({"sheets": sheets, "properties": properties},
                                         protocol=pickle.HIGHEST_PROTOCOL))
    return 0


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _uncalculated_formulas(path: str) -> dict[str, list[str]]:
    """Sheet name -> cells with a formula but no saved result, e.g. {'Forums': ['K2']}.

    Excel always saves a formula's result, and calamine reads that; files written by programs that do
    not calculate (openpyxl, some exports) have none, and calamine reads those cells as blank.
    Only sheets whose XML contains a formula tag are parsed a second time.
    """
    from defusedxml.ElementTree import fromstring, iterparse

    found: dict[str, list[str]] = {}
    with zipfile.ZipFile(path) as zf:
        targets = {r.get("Id"): r.get("Target", "") for r in fromstring(zf.read("xl/_rels/workbook.xml.rels"))}
        for el in fromstring(zf.read("xl/workbook.xml")).iter():
            if _local(el.tag) != "sheet":
                continue
            rel = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
            target = targets.get(rel, "")
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            if part not in zf.namelist():
                continue
            with zf.open(part) as fh:
                if not _FORMULA_TAG.search(fh.read()):
                    continue
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
            found[el.get("name")] = cells
    return found


def _custom_properties(path: str) -> dict[str, str]:
    """docProps/custom.xml as {name: text}: where lasdash records the snapshot a workbook was made from."""
    from defusedxml.ElementTree import fromstring

    with zipfile.ZipFile(path) as zf:
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
    sys.exit(main())
