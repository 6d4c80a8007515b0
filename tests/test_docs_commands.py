"""Every `trajlm` command line the docs and the demo show parses as written (session 31, demo31).

tests/test_docs_options.py checks that each `--option` the docs name exists. This file goes one
step further: each command line of a fenced shell block in README.md and docs/*.md, and each
`trajlm` call of scripts/demo.sh (what `make demo` runs), goes through the CLI's own parser, so a
value of the wrong type (`--max-steps 2k`), a count written as a word (`--holdout five`), a missing
required option or an extra positional argument fails here, not in a reader's shell. Nothing runs:
parsing converts and checks values but calls no command. Template lines are left out: they show
`...`, `[--optional x]`, a shell variable (`$S`) or a one-letter placeholder (`--seed S`).
The `configs/*.toml` they train and the `make X` targets the README names must exist.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import load_script

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELL_FENCES = {"", "bash", "sh", "shell", "console", "zsh"}
TEMPLATE = re.compile(r"\.\.\.|\[--|(?<![\w$])\$\{?\w|(?<!\S)[A-Z](?!\S)")
CALL = re.compile(r"(?<![\w/.:-])trajlm\s")
# where one command ends: shell separators and redirections (as shlex punctuation tokens)
ENDS = {";", ";;", "&&", "||", "|", "&", ">", ">>", "<", "2>", ")"}


def shell_lines(path: Path) -> list[tuple[int, str]]:
    """(line, logical line) of every fenced shell block, continuation lines joined; a console
    block's lines that do not start with `$ ` are its output, not commands."""
    text, out = path.read_text(), []
    for block in re.finditer(r"^```(\S*)[^\n]*\n(.*?)^```", text, re.S | re.M):
        if block.group(1) not in SHELL_FENCES:
            continue
        first = text[: block.start(2)].count("\n") + 1
        body = block.group(2)
        for logical in re.finditer(r"(?:[^\n]*\\\n)*[^\n]*\n", body):
            line = logical.group(0).replace("\\\n", " ").rstrip("\n")
            if block.group(1) != "console" or line.startswith("$ "):
                out.append((first + body[: logical.start()].count("\n"), line))
    return out


def trajlm_calls(text: str) -> list[list[str]]:
    """The argument lists of each `trajlm ...` command in a shell line (comments dropped)."""
    lexer = shlex.shlex(text.strip().removeprefix("$ "), posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    calls, current = [], None
    for word in lexer:
        if word in ENDS or set(word) <= set(";&|<>()"):
            current = None
        elif current is not None:
            current.append(word)
        elif word == "trajlm":
            current = []
            calls.append(current)
    return calls


# `trajlm ARGS` through the CLI's own parser (None, or its message; runs nothing): one copy, in
# scripts/docscheck33/extract.py, which also reads the docs' inline spans (tests/test_docscheck33.py)
parse = load_script("docscheck33", "extract.py").parse


def doc_calls(docs: list[Path], root: Path) -> list[tuple[str, list[str]]]:
    return [(f"{doc.relative_to(root)}:{n}", call) for doc in docs
            for n, text in shell_lines(doc) if CALL.search(text) and not TEMPLATE.search(text)
            for call in trajlm_calls(text)]  # fmt: skip


def test_every_trajlm_command_in_the_docs_parses():
    calls = doc_calls(DOCS, ROOT)
    assert len(calls) > 80  # the docs' blocks were read at all
    assert any(where.startswith("README.md") for where, _ in calls)
    bad = [f"{where}: trajlm {shlex.join(args)}\n    {message}" for where, args in calls
           if (message := parse(args)) is not None]  # fmt: skip
    assert not bad, "commands the CLI refuses:\n" + "\n".join(bad)
    configs = {a for _, args in calls for a in args if re.fullmatch(r"configs/[\w./-]+\.toml", a)}
    assert "configs/demo.toml" in configs
    assert {c for c in configs if not (ROOT / c).is_file()} == set(), "configs the docs train"


def test_the_parse_check_catches_what_an_option_check_does_not(tmp_path):
    doc = tmp_path / "x.md"
    doc.write_text(
        "```bash\ntrajlm train --data S1 --out runs/x --max-steps 2k   # wrong type\n"
        "trajlm predict --model runs/x --input S1 --holdout five --out p.csv\n"
        "trajlm eval --task predict --model runs/x\n"  # --data is required
        "trajlm data inspect S1 S2\n"  # one store only
        "trajlm train --data S1 --out runs/x --seed S   # a placeholder: not checked\n"
        "trajlm data inspect S1 && trajlm data plot S1 --out m.png ; echo done\n```\n"
        "```python\ntrajlm train --bogus\n```\n"
    )
    calls = doc_calls([doc], tmp_path)
    assert [args[0] for _, args in calls] == ["train", "predict", "eval", "data", "data", "data"]
    refused = [where for where, args in calls if parse(args) is not None]
    assert refused == ["x.md:2", "x.md:3", "x.md:4", "x.md:5"]


def demo_calls() -> list[list[str]]:
    """scripts/demo.sh's `"$BIN/trajlm" ...` calls with its variables set as `make demo` sets them."""
    values = {
        "BIN": ".venv/bin",
        "OUT": "out/demo-synth",
        "STEPS": "2000",
        "SHARED": "../shared/data",
    }
    text = (ROOT / "scripts" / "demo.sh").read_text().replace("\\\n", " ")
    calls = []
    for line in text.split("\n"):
        if '"$BIN/trajlm"' not in line:
            continue
        line = re.sub(r"\$\{?(\w+)\}?", lambda m: values.get(m.group(1), m.group(0)), line)
        calls += trajlm_calls(line.replace(".venv/bin/trajlm", "trajlm").split(")", 1)[-1])
    return calls


def test_the_demo_script_commands_parse():
    calls = demo_calls()
    # ingest/synth per data set, inspect, plot, train, eval, predict
    assert [c[:2] for c in calls if c[0] == "data"][:3] == [
        ["data", "synth"], ["data", "ingest"], ["data", "ingest"]]  # fmt: skip
    assert {"train", "eval", "predict"} <= {c[0] for c in calls}
    bad = [f"trajlm {shlex.join(c)}: {m}" for c in calls if (m := parse(c)) is not None]
    assert not bad, "scripts/demo.sh calls the CLI refuses:\n" + "\n".join(bad)


def test_the_demo_without_its_data_is_one_line_and_writes_nothing(tmp_path):
    """`make demo DATA=porto` without ../shared/data said only `input ...: no such file or
    folder` (after creating an empty out/demo-porto); it now names TRAJLM_DATA and writes nothing."""
    env = {**os.environ, "DATA": "porto", "OUT": str(tmp_path / "out"), "BIN": "/nonexistent"}
    env.pop("SHARED", None)
    env["TRAJLM_DATA"] = str(tmp_path / "data")
    done = subprocess.run(["bash", str(ROOT / "scripts" / "demo.sh")], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "TRAJLM_DATA" in done.stderr
    assert str(tmp_path / "data" / "porto" / "train.1k.csv") in done.stderr
    assert not (tmp_path / "out").exists()
    env["DATA"] = "bogus"
    done = subprocess.run(["bash", str(ROOT / "scripts" / "demo.sh")], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert (done.returncode, done.stderr.strip()) == (
        2, "error: DATA must be synth, porto or geolife (got bogus)")  # fmt: skip
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_make_demo_reads_trajlm_data(tmp_path):
    """README: `make demo DATA=porto` reads ../shared/data "(or $TRAJLM_DATA)"; the Makefile's
    SHARED ignored TRAJLM_DATA. A dry run (-n) prints the recipe without running it."""
    env = {**os.environ, "TRAJLM_DATA": str(tmp_path)}
    for name in ("SHARED", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"):  # under `make test`: the parent's
        env.pop(name, None)
    dry = subprocess.run(["make", "-n", "demo", "DATA=porto"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
    line = next(x for x in dry.stdout.splitlines() if "scripts/demo.sh" in x)
    assert f"SHARED={tmp_path} " in line


@pytest.mark.parametrize("doc", ["README.md", "docs/testing.md"])
def test_make_targets_named_in_the_docs_exist(doc):
    targets = set(re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(), re.M))
    named = set(re.findall(r"`make ([a-z][\w-]*)", (ROOT / doc).read_text()))
    assert "demo" in targets and "test" in targets
    assert named - targets == set(), f"{doc} names make targets the Makefile lacks"
