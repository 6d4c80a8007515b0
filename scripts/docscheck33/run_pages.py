"""Run the docs' cheap commands for real, in page order, in a scratch folder, as a new user would.

    PYTHONPATH=$PWD .venv/bin/python scripts/docscheck33/run_pages.py --out OUT_DIR \
        [--pages README.md,docs/serve.md] [--shrink-steps 60] [--timeout 120]

The commands are scripts/docscheck33/extract.py's whole (non-template, non-mention) commands of
README.md and the user pages (api, data, finetune, llm, serve) classed cheap-runnable or
needs-data (a session section that starts from a research step's output is left out), plus two kinds of `long` ones a reader needs for the next steps: a `trajlm train`
of N steps runs with min(N, --shrink-steps) steps (said in the record), and `trajlm serve`
starts in the background on --port (its `8000` and the curls' `localhost:8000` rewritten) and
is stopped at the end. Installs, `make` and research commands are not run.

OUT_DIR/project is the reader's repository root: `configs/`, `scripts/` and `docs/` link to this
checkout, `../shared/data` to $TRAJLM_DATA (default ../shared/data next to the checkout);
`trajlm` / `python` / `uvicorn` on PATH run this checkout's code on 1 thread. Each command's
rc, seconds and the tail of its output go to OUT_DIR/results.json and OUT_DIR/results.md.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import extract  # noqa: E402 - this folder's sibling

ROOT = extract.ROOT
PAGES = ",".join(extract.USER_PAGES)


def scratch(out: Path) -> tuple[Path, dict]:
    """The reader's folder and the environment its commands run in."""
    project, bin_dir = out / "project", out / "bin"
    project.mkdir(parents=True, exist_ok=True)
    bin_dir.mkdir(exist_ok=True)
    for name in ("configs", "scripts", "docs"):
        link = project / name
        if not link.exists():
            link.symlink_to(ROOT / name)
    data = Path(os.environ.get("TRAJLM_DATA", ROOT.parent / "shared" / "data")).resolve()
    if not data.is_dir():
        sys.exit(f"error: no shared data at {data}: set TRAJLM_DATA to the folder holding porto/")
    (out / "shared").mkdir(exist_ok=True)
    if not (out / "shared" / "data").exists():
        (out / "shared" / "data").symlink_to(data)
    venv = ROOT / ".venv" / "bin"
    for tool in ("trajlm", "python", "uvicorn"):
        wrapper = bin_dir / tool
        wrapper.write_text(f'#!/bin/sh\nexec nice -n 10 "{venv / tool}" "$@"\n')
        wrapper.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "PYTHONPATH": str(ROOT),
           "OMP_NUM_THREADS": "1", "TRAJLM_DATA": str(data)}  # fmt: skip
    return project, env


def wanted(cmd: "extract.Command", fed: set[tuple[str, str]] = frozenset()) -> str | None:
    """Why this command runs (None: it does not). `fed`: the (doc, section)s whose commands
    start from a research step's output (a generator under scripts/<helper>/, /tmp/...): those
    are not a reader's path and are not run."""
    if cmd.template or cmd.klass in {"mention", "research-only"}:
        return None
    if cmd.session and (cmd.doc, cmd.section) in fed:
        return None
    if cmd.klass in {"cheap-runnable", "needs-data"}:
        return "as written"
    if re.match(r"trajlm (?:train|finetune|train-selector|train-recovery)\b", cmd.text):
        return "shrunk"
    if re.match(r"trajlm serve\b", cmd.text):
        return "background"
    return None


def rewrite(text: str, shrink: int, port: int) -> str:
    text = re.sub(r"--max-steps[ =](\d+)", lambda m: f"--max-steps {min(int(m[1]), shrink)}", text)
    text = re.sub(r"(localhost|127\.0\.0\.1):8000\b", rf"\1:{port}", text)
    if text.startswith("trajlm serve"):  # the port goes before a trailing comment
        command, _, comment = text.partition(" #")
        text = re.sub(r"--port \d+", "", command).rstrip() + f" --port {port}"
        text += f" #{comment}" if comment else ""
    return text


def wait_up(port: int, seconds: float, server: subprocess.Popen) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end and server.poll() is None:  # a refused start ends at once
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
            return True
        except OSError:
            time.sleep(1)
    return False


def same_json(shown: str, output: str) -> bool:
    """The doc shows a JSON answer whole (no `...`) and the output is that answer, its numbers
    to the decimals the doc shows ("numbers rounded here")."""

    def decimals(x: float) -> int:
        text = repr(x)
        return len(text.split(".")[1]) if "." in text and "e" not in text else 0

    def match(doc: object, got: object) -> bool:
        if isinstance(doc, dict):
            return isinstance(got, dict) and doc.keys() == got.keys() and all(
                match(doc[k], got[k]) for k in doc)  # fmt: skip
        if isinstance(doc, list):
            return isinstance(got, list) and len(doc) == len(got) and all(map(match, doc, got))
        if isinstance(doc, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
            return round(got, decimals(doc)) == doc
        return doc == got

    try:
        return match(json.loads(shown), json.loads(output))
    except ValueError:
        return False


def missing_lines(shown: tuple[str, ...], output: str) -> list[str]:
    """The lines a doc shows under a command that its output no longer has: each shown line's
    pieces between `...` must appear in the output, in order (spaces and table borders aside;
    a JSON answer the doc wraps over lines is one line of output)."""

    def norm(x: str) -> str:
        return " ".join(re.sub(r"[│┆┌┐└┘─┬┴╞╪╡═]", " ", x).split())

    if same_json(" ".join(shown), output):
        return []
    got = norm(output)
    missing = []
    for line in shown:
        pieces = [norm(p) for p in re.split(r"\.\.\.|…", line) if norm(p).strip(' ,"{}[]:')]
        if pieces and not re.search(".*".join(map(re.escape, pieces)), got, re.S):
            missing.append(line)
    return missing


def tail(text: str, lines: int = 6) -> str:
    return "\n".join(text.strip().split("\n")[-lines:])[-1500:]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, required=True, help="scratch folder (created)")
    ap.add_argument("--pages", default=PAGES, help=f"comma-separated docs, in order ({PAGES})")
    ap.add_argument("--shrink-steps", type=int, default=60, help="cap on a training's steps")
    ap.add_argument("--timeout", type=int, default=120, help="seconds per command")
    ap.add_argument("--port", type=int, default=18733, help="port for `trajlm serve`")
    args = ap.parse_args(argv)
    project, env = scratch(args.out.resolve())
    commands = extract.extract()
    fed = {(c.doc, c.section) for c in commands if c.session and c.klass == "research-only"}
    records, server = [], None
    try:
        for page in args.pages.split(","):
            for cmd in (c for c in commands if c.doc == page):
                how = wanted(cmd, fed)
                if how is None:
                    continue
                text = rewrite(cmd.text, args.shrink_steps, args.port)
                rec = {"doc": cmd.doc, "line": cmd.line, "section": cmd.section,
                       "klass": cmd.klass, "how": how, "command": text}  # fmt: skip
                start = time.monotonic()
                if how == "background":
                    if server is not None:
                        server.terminate()
                        server.wait(30)
                    log = open(args.out / f"serve_{cmd.line}.log", "w")  # noqa: SIM115 - kept open
                    server = subprocess.Popen(["bash", "-c", text], cwd=project, env=env,
                                              stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
                    up = wait_up(args.port, args.timeout, server)
                    rec.update(rc=0 if up else 1, output="up" if up else tail(
                        (args.out / f"serve_{cmd.line}.log").read_text()))  # fmt: skip
                else:
                    # its own process group: a timeout stops the command and what it started
                    proc = subprocess.Popen(["bash", "-c", text], cwd=project, env=env,
                                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                            text=True, start_new_session=True)  # fmt: skip
                    try:
                        output, _ = proc.communicate(timeout=args.timeout)
                        rec.update(rc=proc.returncode, output=tail(output))
                        if proc.returncode == 0:  # an error is said above, not compared
                            rec["not_shown"] = missing_lines(cmd.shown, output)
                    except subprocess.TimeoutExpired:
                        os.killpg(proc.pid, signal.SIGTERM)
                        proc.communicate()
                        rec.update(rc="timeout", output="")
                rec["seconds"] = round(time.monotonic() - start, 1)
                records.append(rec)
                print(f"{cmd.doc}:{cmd.line} rc={rec['rc']} {rec['seconds']} s  {text[:100]}",
                      flush=True)  # fmt: skip
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
    (args.out / "results.json").write_text(json.dumps(records, indent=1))
    rows = ["| doc:line | how | rc | s | command | output (tail) |", "|---|---|---|---|---|---|"]
    for r in records:
        out = r["output"].replace("\n", " / ").replace("|", "\\|")[:300]
        cmd = r["command"].replace("|", "\\|")[:160]
        rows.append(f"| {r['doc']}:{r['line']} | {r['how']} | {r['rc']} | {r['seconds']} | "
                    f"`{cmd}` | {out} |")  # fmt: skip
    for r in records:
        if r.get("not_shown"):
            rows.append(f"\n{r['doc']}:{r['line']} shows lines its output lacks:\n"
                        + "\n".join(f"    {x}" for x in r["not_shown"]))  # fmt: skip
    (args.out / "results.md").write_text("\n".join(rows) + "\n")
    failed = sum(r["rc"] != 0 for r in records)
    stale = sum(bool(r.get("not_shown")) for r in records)
    print(
        f"{len(records)} commands run, {failed} did not exit 0, {stale} with output the doc "
        f"shows differently: {args.out / 'results.md'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
