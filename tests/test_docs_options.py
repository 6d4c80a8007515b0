"""Every command line the docs show names options that exist (session 16, docscheck).

`trajlm <subcommand> ... --option` in README.md and docs/*.md (fenced blocks, continuation
lines joined, and inline code spans) must be an option of that subcommand's parser, and every
`--option` after `scripts/X.py` / `bench/X.py` must be one the script defines. A renamed or
removed option then fails here instead of in a reader's shell.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
OPTION = re.compile(r"(?<![\w-])(--[a-zA-Z][\w-]*)")
# where a command ends inside a line: a shell separator, a comment, a closing parenthesis
END = re.compile(r"\s(?:;|&&|\|\|?|#)\s|;\s|\s#|\)")


def command_texts(path: Path) -> list[tuple[int, str]]:
    """(line, text) of each shell-like piece: a fenced block's logical lines and inline spans."""
    out: list[tuple[int, str]] = []
    para: list[tuple[int, str]] = []
    fenced, buf, start = False, "", 0

    def flush() -> None:
        text = "\n".join(line for _, line in para)
        for m in re.finditer(r"`([^`]+)`", text):
            out.append((para[0][0] + text[: m.start()].count("\n"), m.group(1).replace("\n", " ")))
        para.clear()

    for n, line in enumerate(path.read_text().split("\n"), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            flush()
            continue
        if fenced:
            start = start if buf else n
            if line.rstrip().endswith("\\"):
                buf += line.rstrip()[:-1] + " "
                continue
            out.append((start, buf + line))
            buf = ""
        elif line.strip():
            para.append((n, line))
        else:
            flush()
    flush()
    return out


def cli_options() -> dict[str, set[str]]:
    """{'train': {'--data', ...}, 'data ingest': {...}, ...} from the CLI's own parser."""
    import typer

    from trajlm.cli import app

    found: dict[str, set[str]] = {}

    def walk(cmd, path: list[str]) -> None:
        if hasattr(cmd, "list_commands"):
            for name in cmd.list_commands(None):
                walk(cmd.get_command(None, name), [*path, name])
            return
        found[" ".join(path)] = {o for p in cmd.params
                                 for o in [*getattr(p, "opts", []), *getattr(p, "secondary_opts", [])]
                                 if o.startswith("-")} | {"--help"}  # fmt: skip

    walk(typer.main.get_command(app), [])
    return found


def cli_mentions(subcommands: set[str]) -> list[tuple[str, str, str]]:
    """(where, subcommand, option) for every option written after `trajlm <subcommand>`."""
    call = re.compile(
        r"(?:^|[\s;(&|=\"'])(?:trajlm|\$T|-m trajlm\.cli)\s+([a-z][a-z-]*)(?:\s+([a-z][a-z-]*))?"
    )
    out = []
    for doc in DOCS:
        for line, text in command_texts(doc):
            for m in call.finditer(text):
                two = f"{m.group(1)} {m.group(2)}"
                sub = two if two in subcommands else m.group(1)
                if sub not in subcommands:
                    continue
                rest = re.split(r"\btrajlm\s", END.split(text[m.end() :])[0])[0]
                out += [(f"{doc.relative_to(ROOT)}:{line}", sub, o) for o in OPTION.findall(rest)]
    return out


def test_every_trajlm_option_in_the_docs_exists():
    opts = cli_options()
    mentions = cli_mentions(set(opts))
    assert len(mentions) > 300  # the parser above reads the docs at all
    bad = [f"{where}: trajlm {sub} {o}" for where, sub, o in mentions if o not in opts[sub]]
    assert not bad, "options the CLI does not have:\n" + "\n".join(bad)


def test_the_docs_check_catches_a_renamed_option(tmp_path, monkeypatch):
    doc = tmp_path / "x.md"
    doc.write_text("Run `trajlm train --data S --max-step 5` and\n\n```bash\ntrajlm data ingest F \\\n"
                   "    --out S --on-eror skip   # typo\n```\n")  # fmt: skip
    monkeypatch.setattr(sys.modules[__name__], "DOCS", [doc])
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    opts = cli_options()
    bad = [(s, o) for _, s, o in cli_mentions(set(opts)) if o not in opts[s]]
    assert bad == [("train", "--max-step"), ("data ingest", "--on-eror")]


def script_mentions() -> list[tuple[str, str, str]]:
    out = []
    for doc in DOCS:
        for line, text in command_texts(doc):
            for m in re.finditer(r"\b((?:scripts|bench)/\w+\.py)\b", text):
                rest = re.split(
                    r"\b(?:scripts|bench)/\w+\.py|\btrajlm\s", END.split(text[m.end() :])[0]
                )[0]
                out += [
                    (f"{doc.relative_to(ROOT)}:{line}", m.group(1), o) for o in OPTION.findall(rest)
                ]
    return out


def defined(script: Path) -> str:
    """The script's source and that of the sibling modules it loads (shared argument helpers:
    bench/_results.py's --out, recovery_retrieval_results.add_library_args, ...)."""
    text = script.read_text()
    return text + "".join(p.read_text() for p in sorted(script.parent.glob("*.py"))
                          if p != script and re.search(rf"\b{p.stem}\b", text))  # fmt: skip


def test_every_script_option_in_the_docs_exists():
    mentions = script_mentions()
    assert len(mentions) > 100
    missing = sorted(
        {f"{where}: {script}" for where, script, _ in mentions if not (ROOT / script).is_file()}
    )
    assert not missing, "scripts the docs run that do not exist:\n" + "\n".join(missing)
    # each script's sources read once, not once per mention (~38 CPU s -> ~1: tidy29)
    source = {script: defined(ROOT / script) for script in {s for _, s, _ in mentions}}
    bad = [f"{where}: {script} {o}" for where, script, o in mentions
           if o != "--help" and not re.search(rf"[\"']{re.escape(o)}[\"']", source[script])]  # fmt: skip
    assert not bad, "options the scripts do not define:\n" + "\n".join(bad)


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("name", ["pretrain_table", "generalization_table", "inference_settings"])
def test_positional_scripts_answer_help(name, capsys):
    _script(name).main(["--help"])  # was FileNotFoundError: '--help'
    assert "python scripts/" in capsys.readouterr().out


def test_seed001_ablations_reads_relative_paths_from_the_callers_folder(tmp_path, monkeypatch):
    """Its trainings run with cwd=ROOT: `--out out/x` from another folder named a repo path."""
    mod = _script("seed001_ablations")
    seen = []

    def fake_train(store, arm, seed, steps, out, extra):
        seen.append((store, out))
        raise SystemExit(0)

    monkeypatch.setattr(mod, "train", fake_train)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit):
        mod.main(["--train", "store", "--score", "a=store", "--out", "out/x", "--seeds", "0"])
    assert seen == [(tmp_path / "store", tmp_path / "out" / "x")]
