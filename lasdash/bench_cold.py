"""The CLI from cold (issue 26): each command as a new process, as a person at a terminal meets it.

`cold_cli` runs, as separate processes and interleaved within each repeat so drift on a shared machine hits them
alike: `python -m lasdash --help`; `python -m lasdash validate` of the bundled map; and at each scale
`python -m lasdash publish FILE` into a store holding only the bundled map, a raw python-calamine parse (import it, read every sheet's cells
with `to_python()`; the parser's floor) and `pandas.read_excel(FILE, sheet_name=None, engine="openpyxl")`, each its own
process too. Every figure is a median.

- wall: seconds from starting the process to reaping it.
- cpu: user + system seconds of the process and the processes it waited for (publish's reading child).
- peak RSS: `ru_maxrss` from `os.wait4`, the largest single process of the tree (the CLI or its reading child),
  not their sum.
- start (validate, publish): seconds from starting the process to the moment it starts the reading child, the start
  of the work; measured in a separate run through an audit hook (`subprocess.Popen`), which also records whether
  pandas or pyarrow were loaded by then.

Python caches compiled modules (`__pycache__`, git-ignored). An environment may turn that off
(PYTHONDONTWRITEBYTECODE), which a person's clone does not, and then every run would compile lasdash's modules again
(the installed packages come compiled). So every process here runs with it on, after one untimed publish has compiled
lasdash's modules, as a person's first run does. Nothing here imports pandas, so the module is cheap to import.
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import config

CALAMINE_PARSE = ("import sys\nfrom python_calamine import CalamineWorkbook\n"
                  "wb = CalamineWorkbook.from_path(sys.argv[1])\n"
                  "print(sum(len(wb.get_sheet_by_name(n).to_python()) for n in wb.sheet_names))\n")
OPENPYXL_READ = ("import sys\nimport pandas as pd\n"
                 "print(sum(map(len, pd.read_excel(sys.argv[1], sheet_name=None, engine='openpyxl').values())))\n")
# Runs the CLI as `python -m lasdash` does, and notes when it first starts a process (the reading child).
START_PROBE = ("import sys, time\n"
               "def _hook(event, args):\n"
               "    if event == 'subprocess.Popen' and not _hook.seen:\n"
               "        _hook.seen = True\n"
               "        loaded = [m for m in ('pandas', 'pyarrow', 'numpy', 'duckdb', 'openpyxl') if m in sys.modules]\n"
               "        print('LASDASH-START', repr(time.time()), ','.join(loaded), file=sys.stderr, flush=True)\n"
               "_hook.seen = False\n"
               "sys.addaudithook(_hook)\n"
               "import runpy\n"
               "sys.argv = ['lasdash', *sys.argv[1:]]\n"
               "runpy.run_module('lasdash', run_name='__main__', alter_sys=True)\n")
MARK = "LASDASH-START"
# Starts the command and reports its wall time, CPU and peak RSS (with the children it waited for). Linux records a
# process's peak RSS as at least that of whatever called exec for it, so a command started straight from the
# benchmark (1 GB by then) would report the benchmark's peak: started from this small launcher, the floor is the
# launcher's (about 10 MB).
LAUNCHER = ("import os, resource, sys, time\n"
            "start = time.perf_counter()\n"
            "pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ)\n"
            "_, status = os.waitpid(pid, 0)\n"
            "wall = time.perf_counter() - start\n"
            "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
            "os.write(2, f'LASDASH-USAGE {wall!r} {u.ru_utime + u.ru_stime!r} {u.ru_maxrss}\\n'.encode())\n"
            "sys.exit(os.waitstatus_to_exitcode(status))\n")
USAGE = "LASDASH-USAGE"


def process_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(config.REPO_ROOT), os.environ.get("PYTHONPATH")]))
    return {**env, **extra}


def run_cold(cmd: list[str], env: dict[str, str], cwd: Path, timeout: float = 600.0, stderr: bool = False) -> dict:
    """One new process: wall seconds, cpu seconds (with its waited-for children), peak RSS in MB, exit code, and
    the start mark if it printed one (START_PROBE); with `stderr`, what it wrote there."""
    with tempfile.TemporaryFile() as err:
        began_at = time.time()
        proc = subprocess.Popen([sys.executable, "-I", "-S", "-c", LAUNCHER, *cmd], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=cwd)
        try:
            code = proc.wait(timeout)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    out = {"exit": code}
    reported = [line.split()[1:] for line in text.splitlines() if line.startswith(USAGE)]
    if not reported:
        raise RuntimeError(f"{' '.join(map(str, cmd))}: the launcher reported nothing (exit {out['exit']}): {text[-2000:]}")
    wall, cpu, maxrss_kb = reported[-1]
    out |= {"wall_s": float(wall), "cpu_s": float(cpu), "peak_rss_mb": int(maxrss_kb) / 1024}
    text = "\n".join(line for line in text.splitlines() if not line.startswith(USAGE))
    if stderr:
        out["stderr"] = text
    for line in text.splitlines():
        if line.startswith(MARK):
            _, at, *loaded = line.split(" ")
            out["start_s"] = float(at) - began_at
            out["loaded_at_start"] = [m for m in (loaded or [""])[0].split(",") if m]
            break
    if out["exit"] not in (0, 1):
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {out['exit']}: {text[-2000:]}")
    return out


def _summary(runs: list[dict]) -> dict:
    out = {key: statistics.median(r[key] for r in runs) for key in ("wall_s", "cpu_s", "peak_rss_mb")}
    if all("start_s" in r for r in runs) and runs:
        out["start_s"] = statistics.median(r["start_s"] for r in runs)
    out["runs"] = runs
    return out


def cold_cli(workbooks: dict[int, Path], folder: Path, repeats: int) -> dict:
    """The CLI from cold at each scale (see the module's docstring); JSON-able. `workbooks`: scale -> .xlsx.
    The fresh stores are made in `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    python, root = sys.executable, config.REPO_ROOT
    cli = [python, "-m", "lasdash"]
    probe = [python, "-c", START_PROBE]
    default = config.default_workbook()
    stores = iter(range(1_000_000))

    template = folder / "cold-store-template"

    def fresh_store() -> dict[str, str]:
        """A copy of a store that already holds the bundled map, as a running service's does: a publish into it
        pays for the new map, not for the one-off bootstrap of an empty store."""
        path = folder / f"cold-store-{next(stores)}"
        shutil.rmtree(path, ignore_errors=True)
        shutil.copytree(template, path, symlinks=True)
        return process_env(LASDASH_DATA_DIR=str(path))

    def publish(path: Path, scale: int, how: list[str]) -> list[str]:
        return [*how, "publish", str(path), "--by", "lasdash bench",
                "--note", f"lasdash bench: the CLI from cold, S{scale}"]

    env = process_env()
    shutil.rmtree(template, ignore_errors=True)  # untimed: bootstraps the template and compiles lasdash's modules
    run_cold(publish(default, 1, cli), process_env(LASDASH_DATA_DIR=str(template)), root)

    commands: dict[str, list[dict]] = {"help": [], "validate": [], "validate_start": []}
    scales: dict[int, dict[str, list[dict]]] = {s: {"publish": [], "publish_start": [], "calamine": [], "openpyxl": []}
                                                for s in workbooks}
    for _ in range(repeats):
        commands["help"].append(run_cold([*cli, "--help"], env, root))
        commands["validate"].append(run_cold([*cli, "validate", str(default)], env, root))
        commands["validate_start"].append(run_cold([*probe, "validate", str(default)], env, root))
        for scale, path in workbooks.items():
            runs = scales[scale]
            runs["publish"].append(run_cold(publish(path, scale, cli), fresh_store(), root))
            runs["calamine"].append(run_cold([python, "-c", CALAMINE_PARSE, str(path)], env, root))
            runs["openpyxl"].append(run_cold([python, "-c", OPENPYXL_READ, str(path)], env, root))
            runs["publish_start"].append(run_cold(publish(path, scale, probe), fresh_store(), root))

    validate = _summary(commands["validate"])
    start = _summary(commands["validate_start"])
    validate["start_s"] = start["start_s"]
    validate["loaded_at_start"] = sorted({m for r in start["runs"] for m in r.get("loaded_at_start", [])})
    out: dict = {
        "repeats": repeats,
        "python": sys.version.split()[0],
        "bytecode": "cached (__pycache__), as after a first run",
        "help": _summary(commands["help"]),
        "validate_default": validate,
        "scales": {},
    }
    for scale, runs in scales.items():
        pub, raw, naive = _summary(runs["publish"]), _summary(runs["calamine"]), _summary(runs["openpyxl"])
        pub_start = _summary(runs["publish_start"])
        pub["start_s"] = pub_start["start_s"]
        pub["loaded_at_start"] = sorted({m for r in pub_start["runs"] for m in r.get("loaded_at_start", [])})
        out["scales"][str(scale)] = {
            "file": str(workbooks[scale]),
            "file_mb": workbooks[scale].stat().st_size / 1e6,
            "publish": pub,
            "calamine": raw,
            "openpyxl": naive,
            "publish_over_calamine": pub["wall_s"] / raw["wall_s"],
            "openpyxl_over_publish": naive["wall_s"] / pub["wall_s"],
            "publish_over_calamine_cpu": pub["cpu_s"] / raw["cpu_s"],
        }
    return out


def report(result: dict) -> str:
    """The figures as a Markdown table."""
    rows = ["| command | wall s | start s | cpu s | peak RSS MB |", "|---|---|---|---|---|"]

    def row(name: str, r: dict) -> str:
        start = f"{r['start_s']:.3f}" if "start_s" in r else "–"
        return f"| {name} | {r['wall_s']:.3f} | {start} | {r['cpu_s']:.3f} | {r['peak_rss_mb']:.0f} |"

    rows.append(row("`--help`", result["help"]))
    rows.append(row("`validate` of the bundled map", result["validate_default"]))
    for scale, s in result["scales"].items():
        rows.append(row(f"`publish` S{scale} (store holding the bundled map)", s["publish"]))
        rows.append(row(f"raw calamine parse S{scale}", s["calamine"]))
        rows.append(row(f"pandas + openpyxl S{scale}", s["openpyxl"]))
    ratios = [f"S{scale}: publish / raw parse {s['publish_over_calamine']:.2f}x, openpyxl / publish "
              f"{s['openpyxl_over_publish']:.2f}x" for scale, s in result["scales"].items()]
    return "\n".join([*rows, "", *ratios])


if __name__ == "__main__":  # python -m lasdash.bench_cold [S1.xlsx [S10.xlsx ...]] (scale read from sN in the name)
    import json
    import re

    books = {int(m.group(1)) if (m := re.search(r"s(\d+)", Path(a).stem)) else 1: Path(a) for a in sys.argv[1:]}
    with tempfile.TemporaryDirectory() as tmp:
        res = cold_cli(books or {1: config.default_workbook()}, Path(tmp), int(os.environ.get("REPEATS", "3")))
    print(report(res))
    print(json.dumps(res, indent=1, default=str), file=sys.stderr)
