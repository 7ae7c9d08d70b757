"""The README is a contract: its commands are what CI runs, and every sheet, column and command is in it."""
import re

import pytest

from lasdash import cli, config
from lasdash import schema as S

README = (config.REPO_ROOT / "README.md").read_text(encoding="utf-8")


def _bash_blocks(text):
    return re.findall(r"```bash\n(.*?)\n```", text, re.S)


def test_ci_runs_the_readme_test_command():
    test_command = next(b for b in _bash_blocks(README) if "pytest" in b).strip()
    ci = (config.REPO_ROOT / ".ci" / "run").read_text()
    assert test_command in ci.splitlines()


def test_readme_run_command_starts_the_app():
    run_command = _bash_blocks(README)[0]
    assert "pip install -r requirements.txt" in run_command and "streamlit run app.py" in run_command


@pytest.mark.parametrize("sheet", S.SHEETS, ids=lambda s: s.name)
def test_every_sheet_and_column_is_documented(sheet):
    assert f"**{sheet.name}**" in README
    section = README.split(f"**{sheet.name}**", 1)[1].split("\n\n**", 1)[0]
    for col in sheet.input_columns:
        assert f"| {col.header} |" in section, col.header


def test_every_cli_command_is_documented():
    commands = cli.parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert f"`{name}" in README, name
