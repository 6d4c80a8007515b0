"""`trajlm eval` before / after a refactor (review39 split `run_eval_command`): a fixed list of
eval commands (tasks, options, refusals) against one checkout, each one's exit code, stdout,
stderr and written JSON / markdown recorded with the times masked (fit / predict seconds, the
git commit), so two runs diff line by line (docs/testing.md "Session 39 (review39)").

    python scripts/review39/eval_cases.py CHECKOUT RESULT_DIR
    diff -r RESULT_DIR_BEFORE RESULT_DIR_AFTER

Inputs (a synthetic store; trajlm-small from the checkout's trajlm/checkpoints when its weights
are there) go under $REVIEW39_EVAL_WORK (default /tmp/review39/eval_work), the same paths for
both runs so the messages that name them compare.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

WORK = Path(os.environ.get("REVIEW39_EVAL_WORK", "/tmp/review39/eval_work"))
STORE = WORK / "synth"
OUT = WORK / "out"
SMALL = Path(__file__).resolve().parents[2] / "trajlm" / "checkpoints" / "trajlm-small"


def cases() -> list[tuple[str, list[str]]]:
    d = ["--data", str(STORE)]
    m = ["--model", str(SMALL)] if (SMALL / "model.safetensors").exists() else []

    def out(name: str) -> list[str]:
        return ["--out", str(OUT / f"{name}.json")]

    return [
        ("predict_model", ["--task", "predict", *d, *m, *out("predict_model")]),
        ("predict_baselines", ["--task", "predict", *d, *out("predict_baselines")]),
        ("predict_val", ["--task", "predict", *d, *m, "--score-on", "val"]),
        ("predict_steps", ["--task", "predict", *d, "--steps", "3", "--history", "8"]),
        ("predict_horizon", ["--task", "predict", *d, *m, "--horizon-s", "60,120"]),
        ("predict_report_times", ["--task", "predict", *d, *m, "--at-report-times"]),
        ("predict_windows", ["--task", "predict", *d, "--windows", "all"]),
        ("predict_shift", ["--task", "predict", *d, *m, "--shift", "clock=+8h"]),
        (
            "predict_compare",
            ["--task", "predict", *d, *m, "--compare", "trajlm,constant velocity"],
        ),  # fmt: skip
        ("predict_compare_bad", ["--task", "predict", *d, "--compare", "nope,constant velocity"]),
        ("predict_holdout_hour", ["--task", "predict", *d, "--holdout-by", "hour"]),
        ("predict_folder_out", ["--task", "predict", *d, "--out", str(OUT / "folder")]),
        ("predict_out_again", ["--task", "predict", *d, *out("predict_baselines")]),
        ("predict_no_fallback", ["--task", "predict", *d, *m, "--no-fallback"]),
        ("tte", ["--task", "tte", *d, *m, *out("tte")]),
        ("travel_time_val", ["--task", "travel_time", *d, "--score-on", "val"]),
        ("recover", ["--task", "recover", *d]),
        ("similarity", ["--task", "similarity", *d]),
        ("classify_no_label", ["--task", "classify", *d]),
        ("bad_task", ["--task", "nope", *d]),
        ("bad_seeds", ["--task", "predict", *d, "--seeds", "0"]),
        ("bad_classes", ["--task", "predict", *d, "--classes", "walk,bus"]),
        ("bad_context", ["--task", "predict", *d, "--context", "most"]),
        ("bad_score_on", ["--task", "predict", *d, "--score-on", "train"]),
        (
            "windows_report_times",
            ["--task", "predict", *d, "--windows", "all", "--at-report-times"],
        ),  # fmt: skip
        ("shift_on_tte", ["--task", "tte", *d, "--shift", "clock=+8h"]),
        ("bad_shift", ["--task", "predict", *d, "--shift", "clock=soon"]),
        ("out_is_file", ["--task", "predict", *d, "--out", str(WORK / "a_file.txt")]),
        ("out_is_data", ["--task", "predict", *d, "--out", str(STORE / "x.json")]),
        ("no_store", ["--task", "predict", "--data", str(WORK / "nowhere")]),
        ("bad_network", ["--task", "recover", *d, "--network", str(WORK / "nowhere.graphml")]),
        ("save_verdict_no_model", ["--task", "predict", *d, "--save-verdict"]),
        ("steps_on_tte", ["--task", "tte", *d, "--steps", "3"]),
        ("split_by_source_predict", ["--task", "predict", *d, "--split-by", "source"]),
        ("test_data_predict", ["--task", "predict", *d, "--test-data", str(STORE)]),
    ]


def masked(text: str) -> str:
    """Run times and the commit: the only parts that differ between two runs of one code."""
    text = re.sub(r"\| [0-9.]+ \| [0-9.]+ \|$", "| T | T |", text, flags=re.M)
    text = re.sub(r"^(eval: .*) \([0-9]+ s\)$", r"\1 (T s)", text, flags=re.M)  # progress
    # similarity's "ms / query" column (its 6th cell) is a time too
    text = re.sub(r"^(\| odd/even halves(?: \| [^|]*){4}) \| [0-9.]+ \|", r"\1 | T |", text,
                  flags=re.M)  # fmt: skip
    for work in {str(WORK), "/tmp/review39/eval_work"}:  # two runs side by side: two folders
        text = text.replace(work, "WORK")
    return re.sub(r"[0-9a-f]{40}", "COMMIT", text)


def masked_json(obj):
    if isinstance(obj, dict):
        return {k: ("T" if k in ("fit_s", "predict_s", "git_commit") else masked_json(v))
                for k, v in obj.items()}  # fmt: skip
    if isinstance(obj, list):
        return [masked_json(v) for v in obj]
    return obj


def main(checkout: Path, result: Path) -> None:
    if WORK.exists():
        shutil.rmtree(WORK)
    OUT.mkdir(parents=True)
    (WORK / "a_file.txt").write_text("not a folder\n")
    env = dict(os.environ, PYTHONPATH=str(checkout), COLUMNS="120", NO_COLOR="1", TERM="dumb",
               OMP_NUM_THREADS="1")  # fmt: skip
    subprocess.run([sys.executable, "-c", "from trajlm.data.ingest import synth_store; "
                    f"synth_store({str(STORE)!r}, n_trajectories=150, seed=0)"],
                   env=env, check=True, cwd=WORK)  # fmt: skip
    result.mkdir(parents=True, exist_ok=True)
    trajlm = [sys.executable, "-c",
              "import sys; from trajlm.cli import app; sys.argv[0] = 'trajlm'; sys.exit(app())"]  # fmt: skip
    all_cases = cases()
    for i, (name, args) in enumerate(all_cases):
        r = subprocess.run([*trajlm, "eval", *args], env=env, capture_output=True, text=True,
                           cwd=WORK)  # fmt: skip
        (result / f"{i:02d}_{name}.txt").write_text(masked(
            f"$ trajlm eval {' '.join(args)}\nexit {r.returncode}\n"
            f"--- stdout\n{r.stdout}--- stderr\n{r.stderr}"))  # fmt: skip
    for p in sorted(OUT.rglob("*")):
        if p.is_file():
            text = p.read_text()
            if p.suffix == ".json":
                text = json.dumps(masked_json(json.loads(text)), indent=1, sort_keys=True)
            flat = p.relative_to(OUT).as_posix().replace("/", "__")
            (result / f"out_{flat}").write_text(masked(text))
    print(f"{len(all_cases)} commands -> {result}")


if __name__ == "__main__":
    if sys.argv[1] == "--remask":  # a result written before a mask was added
        for f in Path(sys.argv[2]).iterdir():
            f.write_text(masked(f.read_text()))
        sys.exit(0)
    main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]))
