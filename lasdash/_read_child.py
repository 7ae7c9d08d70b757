"""Child process entry: parse one workbook with calamine under resource limits.

Usage: python -m lasdash._read_child PATH MEMORY_BYTES CPU_SECONDS
Writes a pickled list of sheet dicts to stdout; exit 3 with a message on stderr for a clean refusal.
"""
import pickle
import resource
import sys


def main() -> int:
    path, memory, cpu = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    # Limits first, before the parser is even imported.
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(path)
        sheets = []
        for meta in wb.sheets_metadata:
            sheet = wb.get_sheet_by_name(meta.name)
            merged = sheet.merged_cell_ranges or []
            sheets.append({
                "name": meta.name,
                "visible": meta.visible == pc.SheetVisibleEnum.Visible,
                "rows": sheet.to_python(skip_empty_area=False),
                "merged": [_a1(r) for r in merged],
            })
    except pc.PasswordError:
        print("The workbook is password-protected. Remove the password and save it as .xlsx.", file=sys.stderr)
        return 3
    except (pc.CalamineError, pc.ZipError, pc.XmlError, ValueError) as exc:
        print(f"The workbook could not be read: {exc}", file=sys.stderr)
        return 3
    except MemoryError:
        print("The workbook needs more memory to read than allowed; it is too large.", file=sys.stderr)
        return 3
    sys.stdout.buffer.write(pickle.dumps(sheets, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


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
