"""ruff, with the project's configuration (pyproject.toml), is part of the suite: CI fails on a lint error."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _ruff(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", *args],
                          cwd=ROOT, input=stdin, capture_output=True, text=True, check=False)


def test_the_tree_is_lint_clean():
    result = _ruff(".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_unused_import_fails():
    # the same configuration, on a file that exists only on stdin: proves the check above can fail
    result = _ruff("--stdin-filename", "lasdash/_lint_probe.py", "-", stdin="import os\n")
    assert result.returncode == 1 and "F401" in result.stdout, result.stdout + result.stderr


def test_a_closure_over_a_loop_variable_fails():
    code = "fns = []\nfor i in range(3):\n    fns.append(lambda: i)\n"
    result = _ruff("--stdin-filename", "lasdash/_lint_probe.py", "-", stdin=code)
    assert result.returncode == 1 and "B023" in result.stdout, result.stdout + result.stderr
