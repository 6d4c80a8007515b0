"""What it measures: the CPU seconds (user + sys of the child process, from wait4) of `trajlm`
start-ups and small commands on two trees, run interleaved (A B A B ...) so both see the same
load; the median of N per case and tree (docs/testing.md, "Session 30 (tidy30)").

    python scripts/tidy30/import_cpu.py BASE_TREE NEW_TREE [--n 5] [--cases import_cli,help,...]

Each tree needs its .venv and trajlm-small's weights (e.g. `git worktree add --detach
/tmp/tidy30/base MAIN`, a .venv link, the weights copied). Outputs under $OUT (default
/tmp/tidy30/import_cpu), never the repository: the inputs (a synthetic store, a CSV of 5 of its
trajectories), raw.tsv (one line per run) and table.md (the medians)."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

PREDICT_API = (
    "import polars as pl, sys, trajlm; lm = trajlm.TrajLM.from_pretrained('trajlm-small', "
    "threads=1); lm.predict(pl.read_csv(sys.argv[1]), steps=5)"
)


def cases(out: Path) -> dict[str, list[str]]:
    """case -> the arguments after `python`; {tree} and {i} are filled per run."""
    csv, store = str(out / "in.csv"), str(out / "store")
    t = ["-m", "trajlm.cli"]
    return {
        "import_cli": ["-c", "import trajlm.cli"],
        "import_trajlm": ["-c", "import trajlm"],
        "help": [*t, "--help"],
        "predict_help": [*t, "predict", "--help"],
        "user_error": [*t, "predict", "--model", str(out / "missing"), "--input", csv],
        "ingest": [*t, "data", "ingest", csv, "--out", str(out / "ing_{tree}_{i}")],
        "predict_small": [
            *t,
            "predict",
            "--model",
            "trajlm-small",
            "--input",
            csv,
            "--steps",
            "5",
            "--out",
            str(out / "pred_{tree}_{i}.csv"),
            "--threads",
            "1",
        ],  # fmt: skip
        "api_predict_small": ["-c", PREDICT_API, csv],
        "ask": [*t, "ask", "how many trips are there", "--data", store, "--planner", "rules"],
        "train_2_steps": [
            *t,
            "train",
            "--data",
            store,
            "--out",
            str(out / "run_{tree}_{i}"),
            "--max-steps",
            "2",
            "--threads",
            "1",
        ],  # fmt: skip
    }


def cpu_of(tree: Path, args: list[str]) -> tuple[float, float, int]:
    """(CPU s, wall s, exit status) of `python ARGS` with `tree` first on sys.path."""
    env = dict(os.environ, PYTHONPATH=str(tree), OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    start = time.perf_counter()
    proc = subprocess.Popen([str(tree / ".venv/bin/python"), *args], cwd=tree, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime, time.perf_counter() - start, proc.returncode


def inputs(tree: Path, out: Path) -> None:
    """A 60-trajectory synthetic store and a CSV of 5 of its trajectories (made once)."""
    if not (out / "store" / "manifest.json").is_file():
        py = [str(tree / ".venv/bin/python"), "-m", "trajlm.cli"]
        env = dict(os.environ, PYTHONPATH=str(tree), OMP_NUM_THREADS="1")
        subprocess.run([*py, "data", "synth", "-o", str(out / "store"), "-n", "60"], cwd=tree,
                       env=env, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    if not (out / "in.csv").is_file():
        import polars as pl

        df = pl.read_parquet(out / "store" / "points", hive_partitioning=False)
        keep = df["traj_id"].unique().sort()[:5].to_list()
        df.filter(pl.col("traj_id").is_in(keep)).select("traj_id", "t", "lat", "lon").write_csv(
            out / "in.csv"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("base", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("--n", type=int, default=5, help="Runs per case and tree.")
    ap.add_argument("--cases", default=None, help="Comma-separated (default: all).")
    a = ap.parse_args()
    out = Path(os.environ.get("OUT", "/tmp/tidy30/import_cpu"))
    out.mkdir(parents=True, exist_ok=True)
    inputs(a.base.resolve(), out)
    for old in [*out.glob("ing_*"), *out.glob("run_*"), *out.glob("pred_*")]:  # a run before
        shutil.rmtree(old) if old.is_dir() else old.unlink()
    todo = cases(out)
    names = a.cases.split(",") if a.cases else list(todo)
    trees = {"base": a.base.resolve(), "new": a.new.resolve()}
    cpu: dict[tuple[str, str], list[float]] = {}
    with open(out / "raw.tsv", "a") as raw:
        for name in names:
            for i in range(a.n):
                order = list(trees.items()) if i % 2 == 0 else list(trees.items())[::-1]
                for label, tree in order:
                    args = [x.format(tree=label, i=i) for x in todo[name]]
                    c, w, rc = cpu_of(tree, args)
                    load = os.getloadavg()[0]
                    raw.write(f"{name}\t{label}\t{i}\t{c:.3f}\t{w:.3f}\t{rc}\t{load:.1f}\n")
                    cpu.setdefault((name, label), []).append(c)
                    if rc != (2 if name == "user_error" else 0):
                        print(f"warning: {name} on {label} exited {rc}", file=sys.stderr)
            b, n = (statistics.median(cpu[name, k]) for k in ("base", "new"))
            print(f"{name}: base {b:.2f} CPU s, new {n:.2f} ({n - b:+.2f})", flush=True)
    lines = ["| case | base CPU s (median) | new CPU s (median) | new - base |",
             "| --- | --- | --- | --- |"]  # fmt: skip
    for name in names:
        b, n = (statistics.median(cpu[name, k]) for k in ("base", "new"))
        lines.append(f"| {name} | {b:.2f} | {n:.2f} | {n - b:+.2f} |")
    (out / "table.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"n={a.n} per case and tree; raw runs: {out / 'raw.tsv'}", file=sys.stderr)


if __name__ == "__main__":
    main()
