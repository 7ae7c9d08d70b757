"""The README and the docs split out of it are a contract: the README's commands are what CI runs, and every sheet,
column, command, page and view is documented, each in the file a reader would look in (linked from the README)."""
import contextlib
import importlib
import re

import pytest

from lasdash import cli, config
from lasdash import schema as S

ROOT = config.REPO_ROOT


def _read(path: str) -> str:
    return (ROOT / path).read_text(encoding="utf-8")


README = _read("README.md")
# What used to be one long README, now in docs/: each guarantee reads the file that now holds the text it guards.
PAGES = _read("docs/PAGES.md")
WORKBOOK = _read("docs/WORKBOOK.md")
CLI_DOC = _read("docs/CLI.md")
DATA_SOURCES = _read("docs/DATA-SOURCES.md")
DEPENDENCIES = _read("docs/DEPENDENCIES.md")
# The guide: the README and every doc split out of it, all written for a reader who ran the README's run command.
# docs/PERFORMANCE.md and docs/RELIABILITY.md are reports of runs and quote commands as they were run.
GUIDE_FILES = ["README.md", "docs/PAGES.md", "docs/BRIEFS.md", "docs/EDITING.md", "docs/WORKBOOK.md", "docs/DATA-SOURCES.md",
               "docs/ACCESS.md", "docs/CONFIGURATION.md", "docs/HOSTING.md", "docs/CLI.md", "docs/TEXT-SAFETY.md",
               "docs/ACCESSIBILITY.md", "docs/ARCHITECTURE.md", "docs/DEPENDENCIES.md", "docs/REMINDERS.md",
               "docs/TESTING.md"]
REPORTS = ["docs/PERFORMANCE.md", "docs/RELIABILITY.md"]
GUIDE = {path: _read(path) for path in GUIDE_FILES}
README_MAX_BYTES = 15_000  # a newcomer's README: what lasdash is, the two commands, the pages, editors, where next


def test_every_doc_is_in_the_guide_or_a_report():
    docs = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("*.md"))
    assert docs == sorted(GUIDE_FILES[1:] + REPORTS), "add the new doc to GUIDE_FILES (or REPORTS) in this file"


def test_every_guide_doc_is_linked_from_the_readme():
    for path in GUIDE_FILES[1:] + REPORTS:
        assert f"]({path})" in README, path


def test_the_readme_stays_short():
    size = len(README.encode("utf-8"))
    assert size < README_MAX_BYTES, f"README.md is {size} bytes: move detail to docs/ and link it"


def _bash_blocks(text):
    return re.findall(r"```bash\n(.*?)\n```", text, re.DOTALL)


def test_ci_runs_the_readme_test_command():
    test_command = next(b for b in _bash_blocks(README) if "pytest" in b).strip()
    assert "pip install -q -r requirements-dev.lock" in test_command
    ci = (ROOT / ".ci" / "run").read_text()
    assert test_command in ci.splitlines()


def test_readme_run_command_starts_the_app():
    run_command = _bash_blocks(README)[0]
    assert "pip install -q -r requirements.lock" in run_command and "streamlit run app.py" in run_command


def test_the_readme_commands_install_from_files_that_exist():
    installed = [f for block in _bash_blocks(README) for f in re.findall(r"-r (\S+)", block)]
    assert installed == ["requirements.lock", "requirements-dev.lock"]
    for path in installed + ["requirements.txt", "requirements-dev.txt", "bin/lock"]:
        assert (ROOT / path).is_file(), path
    assert "`bin/lock`" in README


@pytest.mark.parametrize("sheet", S.SHEETS, ids=lambda s: s.name)
def test_every_sheet_and_column_is_documented(sheet):
    assert f"**{sheet.name}**" in WORKBOOK
    section = WORKBOOK.split(f"**{sheet.name}**", 1)[1].split("\n\n**", 1)[0]
    for col in sheet.input_columns:
        assert f"| {col.header} |" in section, col.header


def test_every_cli_command_is_documented():
    commands = cli.parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert f"`{name}" in CLI_DOC, name


# --- The guide for a newcomer: commands that run as written, and counts that are true -------------------------------
# Wrapped lines are joined, so a phrase or a command may break across lines in a doc.
def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


FLAT = _flat("\n\n".join(GUIDE.values()))
WORDS = {w: n for n, w in enumerate(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                                      "ten", "eleven", "twelve"])}
COMMANDS = cli.parser()._subparsers._group_actions[0].choices


def _number(text: str) -> int | float:
    text = text.replace(",", "")
    return WORDS[text.lower()] if text.lower() in WORDS else (float(text) if "." in text else int(text))


# Every `python -m X` the guide shows, with what precedes it: the run command makes .venv but never activates it,
# so an example is only runnable as written if it calls .venv/bin/python (python3 -m venv makes the venv itself).
PYTHON_CALLS = [(m.group(0), m.group(1), m.group(2), m.group(3))
                for m in re.finditer(r"([\w./]*)python3? -m ([\w.]+)(?= ([\w.-]+))?", FLAT)]


@pytest.mark.parametrize("call, prefix, module, then", PYTHON_CALLS,
                         ids=[f"{c} {t or ''}" for c, _, _, t in PYTHON_CALLS])
def test_every_python_example_runs_after_the_run_command(call, prefix, module, then):
    if module == "venv":
        assert call == "python3 -m venv" and "python3 -m venv .venv &&" in _bash_blocks(README)[0]
    else:
        assert prefix == ".venv/bin/", f"{call!r}: write it as .venv/bin/python -m {module} (nothing activates .venv)"


def test_the_guide_shows_python_examples():
    assert sum(module == "lasdash" for _, _, module, _ in PYTHON_CALLS) >= 10


LASDASH_SUBCOMMANDS = sorted(set(re.findall(r"python -m lasdash ([\w-]+)", FLAT)))


@pytest.mark.parametrize("word", LASDASH_SUBCOMMANDS)
def test_every_lasdash_example_names_a_real_subcommand(word):
    assert word in COMMANDS or word == "COMMAND", f"python -m lasdash {word}: no such subcommand ({sorted(COMMANDS)})"


def _cli_table_commands() -> list[str]:
    table = CLI_DOC.split("# The CLI", 1)[1].split("| command | does |", 1)[1].split("\n\n", 1)[0]
    first_cells = [line.split(" | ", 1)[0] for line in table.splitlines() if line.startswith("| `")]
    return [span.split()[0] for cell in first_cells for span in re.findall(r"`([^`]+)`", cell)]


@pytest.mark.parametrize("word", sorted(set(_cli_table_commands())))
def test_every_command_in_the_cli_table_is_real(word):
    assert word in COMMANDS


def test_the_cli_table_lists_every_command():
    assert set(_cli_table_commands()) == set(COMMANDS)


def _view_names() -> list[str]:
    from lasdash import queries
    return list(queries.VIEWS)


EXPORTED = sorted(set(re.findall(r"python -m lasdash export ([a-z_]+)", FLAT)))
_LISTED = re.search(r"`export --list` names[^(]*\((.*?)\)", _flat(CLI_DOC))  # the views the CLI table gives as examples
NAMED_VIEWS = sorted(set(re.findall(r"`(gap_[a-z_]+)`", FLAT))
                     | set(re.findall(r"`([a-z_]+)`", _LISTED.group(1) if _LISTED else "")))


def test_the_cli_table_names_example_views():
    assert _LISTED and re.findall(r"`([a-z_]+)`", _LISTED.group(1))


@pytest.mark.parametrize("view", EXPORTED + NAMED_VIEWS)
def test_every_view_the_readme_names_exists(view):
    assert view in _view_names()


def test_every_gap_view_is_in_the_data_gaps_bullet():
    bullet = _flat(PAGES).split("- **Data gaps**:", 1)[1].split(" - **", 1)[0]
    assert {v for v in _view_names() if v.startswith("gap_")} == set(re.findall(r"`(gap_[a-z_]+)`", bullet))


@pytest.mark.parametrize("doc, heading, header", [
    (README, "## The pages", "| page | the question it answers |"),
    (PAGES, "## The pages", "| page | answers | screenshot |"),
], ids=["README", "docs/PAGES.md"])
def test_the_dashboard_table_lists_every_page_of_the_menu(doc, heading, header):
    from lasdash.ui.menu import MENU
    table = doc.split(heading, 1)[1].split(header, 1)[1].split("\n\n", 1)[0]
    rows = [line.split(" | ", 1)[0].lstrip("| ") for line in table.splitlines()[2:] if line.startswith("| ")]
    assert rows == [title for _, title, _ in MENU]


def test_the_sources_table_lists_the_bundled_documents(seed_tables):
    table = DATA_SOURCES.split("# Where the data comes from", 1)[1].split("| ID | document |", 1)[1].split("\n\n", 1)[0]
    ids = [line.split(" | ", 1)[0].lstrip("| ") for line in table.splitlines()[2:] if line.startswith("| ")]
    assert ids == seed_tables["Documents"]["id"].tolist()


def test_each_pinned_package_is_named_and_the_added_ones_counted():
    section = DEPENDENCIES.split("# Dependencies, and why", 1)[1].split("\nNot used:", 1)[0]
    pinned = [line.split("==")[0] for line in (ROOT / "requirements.txt").read_text().splitlines()
              if line and not line.startswith("#")]
    for name in pinned:
        assert re.search(rf"\b{re.escape(name)}\b", section, re.IGNORECASE), name
    stated = re.search(r"and (\w+) added for the job:\n", section)
    added = re.findall(r"^- \*\*([\w-]+)\*\*", section.split(stated.group(0), 1)[1], re.MULTILINE)
    assert _number(stated.group(1)) == len(added) and {a.lower() for a in added} <= {p.lower() for p in pinned}


def _literals(path: str) -> dict:
    """A test module's top-level constants, read without importing it (no servers, no fixtures)."""
    import ast
    found = {}
    for node in ast.parse((ROOT / path).read_text()).body:
        if isinstance(node, ast.Assign):
            targets = node.targets[0].elts if isinstance(node.targets[0], ast.Tuple) else node.targets
            values = node.value.elts if isinstance(node.value, ast.Tuple) and len(targets) > 1 else [node.value]
            for target, value in zip(targets, values, strict=False):
                if isinstance(target, ast.Name):
                    with contextlib.suppress(ValueError):
                        found[target.id] = ast.literal_eval(value)
    return found


def _seed():
    from lasdash.defaults import load_seed_tables
    return load_seed_tables()


def _unassessed(orgs):
    return int(((orgs["power"].fillna("") == "") | (orgs["interest"].fillna("") == "")).sum())


def _hostile_views():
    pytest.importorskip("playwright")
    from browser import test_hostile_text
    return len(test_hostile_text.VIEWS)


def _poll_default():
    import os
    from unittest import mock
    with mock.patch.dict(os.environ, {"LASDASH_POLL_SECONDS": ""}):
        return config.poll_seconds()


def _throttle():
    from lasdash.editors import Throttle
    t = Throttle()
    return (t.base, t.cap, t.window / 60)


def _viewports():
    sizes = _literals("tests/browser/test_accessibility.py")
    desktop, phone = sizes["DESKTOP"], sizes["PHONE"]
    return (desktop["width"], desktop["height"], phone["width"], phone["height"])


# (what, the doc that states it, a pattern whose groups are the numbers stated, the truth). The pattern must still be
# found in that doc (if a sentence is reworded, reword its pattern here rather than lose the check), and every
# occurrence anywhere in the guide must be true.
# Figures of the bundled map are checked against data/seed (what editors change is the store, not the seed).
def _size(module: str, name: str):
    return lambda: len(getattr(importlib.import_module(module), name))


def _const(module: str, name: str, scale: float = 1):
    return lambda: getattr(importlib.import_module(module), name) / scale


def _test_const(path: str, *names: str):
    return lambda: tuple(_literals(path)[n] for n in names)


FACTS = [
    ("views", "docs/CLI.md", r"`export --list` names all (\w+) views", lambda: len(_view_names())),
    ("gap views, counted on the Data gaps page", "docs/ACCESSIBILITY.md", r"Data gaps its (\w+) counts",
     lambda: sum(v.startswith("gap_") for v in _view_names())),
    ("pages opened by the hostile-text test", "docs/TEXT-SAFETY.md", r"then all (\w+) pages are opened",
     _size("lasdash.ui.menu", "MENU")),
    ("views of the hostile-text test", "docs/TEXT-SAFETY.md", r"hostile link parameters \((\w+) views\)",
     _hostile_views),
    ("views that fail without literal()", "docs/TEXT-SAFETY.md", r"switched off, \w+ of (\w+) views fail",
     _hostile_views),
    ("kinds of markup read back by test_text", "docs/TEXT-SAFETY.md", r"for (\w+) kinds of markup",
     _size("test_text", "MARKUP")),
    ("kinds of markup in the hostile map", "docs/TEXT-SAFETY.md", r"puts (\w+) kinds of markup",
     _size("hostile_text", "PAYLOADS")),
    ("broken workbooks", "docs/TESTING.md", r"(\w+) broken workbooks", _size("corpus", "BROKEN")),
    ("hostile files", "docs/TESTING.md", r"(\w+) hostile files", _size("corpus", "HOSTILE")),
    ("SIGKILL trials", "docs/TESTING.md", r"(\w+) SIGKILL trials",
     lambda: sum(_test_const("tests/test_crash_safety.py", "STORE_TRIALS", "PIPELINE_TRIALS")())),
    ("kill trials on object storage", "docs/TESTING.md", r"(\w+) kill trials each",
     _test_const("tests/test_replicas.py", "KILL_TRIALS")),
    ("racing publishers", "docs/TESTING.md", r"(\w+) processes × (\w+) threads",
     _test_const("tests/test_replicas.py", "PROCESSES", "THREADS")),
    ("axe viewports", "docs/ACCESSIBILITY.md", r"at (\d+)×(\d+) and (\d+)×(\d+)", _viewports),
    ("HCPs", "README.md", r"with (\w+) Health and Care Partnerships", lambda: len(S.HCP_CODES)),
    ("sub-groups of the bundled map", "docs/PAGES.md", r"The (\w+) sub-groups with their categories",
     lambda: len(_seed()["Sub-groups"])),
    ("JHOSCs of the bundled map", "docs/PAGES.md", r"The (\w+) JHOSCs",
     lambda: int((_seed()["Forums"]["kind"] == "JHOSC").sum())),
    ("organisations of the bundled map", "docs/PAGES.md", r"on the bundled map that is all (\w+),",
     lambda: len(_seed()["Organisations"])),
    ("none of them assessed", "docs/PAGES.md", r"on the bundled map that is all (\w+),",
     lambda: _unassessed(_seed()["Organisations"])),
    ("source documents", "docs/DATA-SOURCES.md", r"transcribed from (\w+) source documents",
     lambda: len(_seed()["Documents"])),
    ("rows a table shows", "docs/PAGES.md", r"Tables show at most ([\d,]+) rows",
     _const("lasdash.ui.page", "MAX_ROWS")),
    ("people in the network picture", "docs/PAGES.md", r"draws the top (\w+) of that ranking",
     _const("lasdash.network", "MAX_PEOPLE")),
    ("deep link kept (minutes)", "docs/ACCESS.md", r"kept for (\w+) minutes",
     _const("lasdash.ui.auth", "DEEP_LINK_SECONDS", 60)),
    ("passphrase throttle", "docs/ACCESS.md", r"\(([\d.]+) s doubling to ([\d.]+) s, forgotten after (\d+) min\)",
     _throttle),
    ("poll interval", "docs/CONFIGURATION.md", r"`LASDASH_POLL_SECONDS` \| `(\d+)`", _poll_default),
    ("poll interval, in Hosting", "docs/HOSTING.md", r"`LASDASH_POLL_SECONDS` \((\d+)\)", _poll_default),
]


@pytest.mark.parametrize("what, home, pattern, truth", FACTS, ids=[f[0] for f in FACTS])
def test_every_count_the_docs_state_is_true(what, home, pattern, truth):
    assert re.search(pattern, _flat(GUIDE[home])), f"{home} no longer says this ({pattern!r}): update FACTS here"
    stated = [tuple(_number(g) for g in m.groups()) for m in re.finditer(pattern, FLAT)]
    want = truth()
    want = want if isinstance(want, tuple) else (want,)
    for numbers in stated:
        assert numbers == want, f"{what}: the docs say {numbers}, the code/data say {want}"
