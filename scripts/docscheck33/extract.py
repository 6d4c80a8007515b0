"""List every shell command README.md and docs/*.md tell a reader to type, and classify it.

    python scripts/docscheck33/extract.py                 # counts by class and page
    python scripts/docscheck33/extract.py --list          # one line per command
    python scripts/docscheck33/extract.py --json out.json # every record, for run_pages.py
    python scripts/docscheck33/extract.py --check         # `trajlm` commands through the parser

A command is a logical line of a fenced shell block (```bash / sh / shell / zsh / console /
a bare fence whose first word is a command; continuation lines joined; in a block with `$ `
prompts, the prompted lines only) or an inline code span that starts with `trajlm `, `make `, `python -m trajlm`,
`torchrun`, `python scripts/`, `scripts/X.sh` or `$ `. docs/history.md is left out (the
sessions' past commands, kept as a record). Each command gets one class:

- research-only: a session's measurement (`scripts/<helper>/`, `bench/`, `/tmp/` artefacts,
  the `*_results.sh` pipelines' parts) - it reproduces a number, a new user never needs it;
- long: known to take more than ~2 minutes (`make test|demo|trajlm-small|ci-local|setup`, a
  training of 1,000+ steps or on a full config, `scripts/*_results.sh`, torchrun / Slurm,
  a server that runs until stopped, an install over the network);
- needs-data: reads ../shared/data (or $TRAJLM_DATA) or a store / run built from it;
- cheap-runnable: the rest (the reader's own small file, the synthetic city, `--help`).

Nothing here runs a command; `--check` parses each `trajlm` call with the CLI's own parser.
"""

# no `from __future__ import annotations`: tests load this file by path, and a dataclass
# with string annotations then needs the module in sys.modules
import argparse
import contextlib
import functools
import io
import json
import re
import shlex
import sys
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHELL_FENCES = {"bash", "sh", "shell", "console", "zsh"}
COMMAND_WORDS = ("trajlm", "make", "python", "torchrun", "scripts/", "bash", "curl", "cd",
                 "pip", "export", "OMP_NUM_THREADS", "PYTHONPATH", "sbatch", "srun", ".venv/",
                 "git", "ln", "mkdir")  # fmt: skip
INLINE_START = re.compile(
    r"^(?:\$ )?(?:[A-Z_]+=\S+ )*(?:trajlm |make [a-z]|python -m trajlm|torchrun |python "
    r"(?:scripts|bench)/|(?:bash )?scripts/\S+\.sh)"
)
# a template: `...`, `[--optional x]`, a shell variable, a one-letter or all-caps placeholder
TEMPLATE = re.compile(
    r"\.\.\.|…|\[--|(?<![\w$])\$\{?[A-Za-z_]|(?<!\S)[A-Z](?!\S)|<[a-z_ -]+>|\\\||(?<=\w) / (?=\w)|"
    r"(?<!\S)[A-Z][A-Z_]+\d?(?=\s|$|/)|\s\d+/\d+(?:/\d+)+(?!\S)"
)
ENDS = {";", ";;", "&&", "||", "|", "&", ">", ">>", "<", "2>", ")", "("}
USER_PAGES = ("README.md", "docs/api.md", "docs/serve.md", "docs/data.md", "docs/finetune.md",
              "docs/llm.md")  # fmt: skip
CLASSES = ("cheap-runnable", "needs-data", "long", "research-only", "mention")


@dataclass
class Command:
    doc: str
    line: int
    where: str  # fence | inline
    section: str  # the nearest heading above it
    text: str
    klass: str = ""
    reason: str = ""
    shown: tuple[str, ...] = ()  # the output a `$ ` block shows under the command

    @property
    def session(self) -> bool:
        return bool(re.search(r"\bSession \d+", self.section))

    @property
    def template(self) -> bool:
        return bool(TEMPLATE.search(re.split(r"\s#", self.text)[0]))


def headings(lines: list[str]) -> list[str]:
    """The heading chain in force at each line ("Session 24 (ask24) > The set"; index 0 = line
    1), fences skipped: a session's `###` subsections stay the session's."""
    out, chain, fenced = [], {}, False
    for line in lines:
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and (m := re.match(r"(#+)\s+(.*)", line)):
            level = len(m.group(1))
            chain = {k: v for k, v in chain.items() if k < level} | {level: m.group(2).strip()}
        out.append(" > ".join(chain[k] for k in sorted(chain)))
    return out


def logical_lines(body: str) -> list[tuple[int, str]]:
    """(offset, line) of each command of a block: continuation lines (`\\`) joined, and lines
    joined while a quote is open (a curl body over several lines)."""
    out, buf, start, pos = [], "", 0, 0
    for raw in body.split("\n"):
        if not buf:
            start = pos
        pos += len(raw) + 1
        if raw.rstrip().endswith("\\"):
            buf += raw.rstrip()[:-1] + " "
            continue
        buf += raw
        try:
            shlex.split(buf, comments=True)
        except ValueError:  # an open quote: the command goes on
            buf += "\n"
            continue
        out.append((start, " ".join(buf.split())))
        buf = ""
    if buf.strip():
        out.append((start, " ".join(buf.split())))
    return out


def fence_commands(doc: str, text: str, heads: list[str]) -> list[Command]:
    out = []
    for block in re.finditer(r"^```([^\n]*)\n(.*?)^```[ \t]*$", text, re.S | re.M):
        info = block.group(1).strip()
        body = block.group(2)
        prompted = re.search(r"^\$ ", body, re.M) is not None
        shown = shown_output(body) if prompted else {}
        if prompted:  # a session shown: `$ ` lines (and their `\\` continuations) are commands
            kept, going = [], False
            for x in body.split("\n"):
                command = x.startswith("$ ") or going
                kept.append((x[2:] if x.startswith("$ ") else x) if command else "")
                going = command and x.rstrip().endswith("\\")
            body = "\n".join(kept)
        first_word = body.lstrip().split(maxsplit=1)[0] if body.strip() else ""
        bare_shell = info == "" and (prompted or first_word.startswith(COMMAND_WORDS))
        if info not in SHELL_FENCES and not bare_shell:
            continue
        first = text[: block.start(2)].count("\n") + 1
        for start, line in logical_lines(body):
            if not line or line.startswith("#"):
                continue
            if bare_shell and not prompted and not line.startswith(COMMAND_WORDS):
                continue  # a bare fence's output lines
            index = body[:start].count("\n")
            out.append(Command(doc, first + index, "fence", heads[first + index - 1], line,
                               shown=shown.get(index, ())))  # fmt: skip
    return out


def shown_output(body: str) -> dict[int, tuple[str, ...]]:
    """{line index of a `$ ` line: the output lines under it}, `...` and blank lines left out."""
    out, current, going = {}, None, False
    for index, raw in enumerate(body.split("\n")):
        if raw.startswith("$ "):
            current = index
            out[current] = ()
        elif current is not None and not going and raw.strip() not in {"", "...", "…"}:
            out[current] += (raw.rstrip(),)
        going = (raw.startswith("$ ") or going) and raw.rstrip().endswith("\\")
    return out


def inline_commands(doc: str, text: str, heads: list[str]) -> list[Command]:
    """Code spans outside fences (a span may wrap across lines of one paragraph)."""
    out = []
    outside = re.sub(r"^```[^\n]*\n.*?^```[ \t]*$", lambda m: "\n" * m.group(0).count("\n"), text,
                     flags=re.S | re.M)  # fmt: skip
    for span in re.finditer(r"(?<!`)`([^`]+)`(?!`)", outside):
        body = " ".join(span.group(1).split())
        if INLINE_START.match(body):
            n = outside[: span.start()].count("\n") + 1
            out.append(Command(doc, n, "inline", heads[n - 1], body.removeprefix("$ ")))
    return out


def classify(cmd: Command) -> tuple[str, str]:
    t = cmd.text
    research = re.search(r"/tmp/|\bscripts/[a-z]+\d+[a-z]?[/_]|\bbench/|scripts/\w+_(?:results|"
                         r"measure|table|tables|summary)\b|scripts/(?:regress_small|ci_local|probe_\w+)",
                         t)  # fmt: skip
    if research:
        return "research-only", f"reproduces a measurement ({research.group(0)})"
    if re.search(r"\bmake (?:test|demo|trajlm-small|ci-local|setup|pretrain|lock|results)\b", t):
        return "long", "a make target of minutes"
    if re.search(r"\bpip install|\buv pip|\bapt(?:-get)? install", t):
        return "long", "an install (network)"
    if re.search(r"\btorchrun\b|\bsbatch\b|\bsrun\b|scripts/\w+\.sh", t):
        return "long", "a pipeline / multi-process run"
    if re.search(r"\btrajlm serve\b|\buvicorn\b", t):
        return "long", "a server: runs until stopped"
    steps = re.search(r"--max-steps[ =](\d+)", t)
    if re.search(r"\btrajlm (?:train|finetune|train-selector|train-recovery)\b", t):
        if steps and int(steps.group(1)) >= 1000:
            return "long", f"trains {steps.group(1)} steps"
        if re.search(r"configs/(?:pretrain|porto|geolife|multitask_full)", t):
            return "long", "a full training config"
    data = re.search(r"\.\./shared|/work/shared|\$TRAJLM_DATA|TRAJLM_DATA=|stores/(?:porto|"
                     r"geolife|tdrive|ais|corpus)\b|runs/(?:porto|geolife|multitask)\b", t)  # fmt: skip
    if data or re.search(r"\bmake demo DATA=", t):
        return (
            "needs-data",
            f"reads shared data or what is built from it ({data.group(0) if data else 'DATA='})",
        )
    return "cheap-runnable", ""


def is_mention(cmd: Command) -> bool:
    """An inline `trajlm ...` span that parses as a fragment but not as a whole command
    (`trajlm predict --latest`: --model and --input are left to the prose)."""
    calls = trajlm_calls(cmd.text)
    return bool(calls) and not cmd.template and all(
        parse(c) is not None and parse(c, fragment=True) is None or len(c) <= 1 or
        c[0] == "data" and len(c) <= 2 for c in calls
    )  # fmt: skip


def extract(docs: list[Path] | None = None, root: Path = ROOT) -> list[Command]:
    if docs is None:
        docs = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
    out = []
    for path in docs:
        if path.name == "history.md":
            continue
        text = path.read_text()
        heads = headings(text.split("\n"))
        rel = str(path.relative_to(root))
        found = fence_commands(rel, text, heads) + inline_commands(rel, text, heads)
        for cmd in sorted(found, key=lambda c: c.line):
            cmd.klass, cmd.reason = classify(cmd)
            if cmd.where == "inline" and is_mention(cmd):
                cmd.klass, cmd.reason = (
                    "mention",
                    "prose naming a command or option, not a whole command",
                )
            out.append(cmd)
    return out


def trajlm_calls(text: str) -> list[list[str]]:
    """The argument lists of each `trajlm ...` (or `python -m trajlm[.cli] ...`) in a line."""
    try:
        lexer = shlex.shlex(text.strip(), posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        words = list(lexer)
    except ValueError:  # an unbalanced quote: a prose fragment, not a command
        return []
    calls, current, prev = [], None, ""
    for word in words:
        if word in ENDS or set(word) <= set(";&|<>()"):
            current = None
        elif current is not None:
            current.append(word)
        elif word in {"trajlm", ".venv/bin/trajlm"} or (
            prev == "-m" and word in {"trajlm", "trajlm.cli"}
        ):
            current = []
            calls.append(current)
        prev = word
    return calls


@functools.cache
def cli_command():  # noqa: ANN201 - typer's click group
    """The CLI's click group, built once (building it costs ~40 ms)."""
    import typer

    from trajlm.cli import app

    return typer.main.get_command(app)


def parse(args: list[str], fragment: bool = False) -> str | None:
    """None when `trajlm ARGS` parses with the CLI's own parser (nothing runs), else its message.
    `fragment`: an inline span naming an option in prose, so a missing required option is
    allowed (`trajlm predict --latest`); a wrong subcommand, option, value or extra argument
    is not."""
    import typer
    from typer._click import exceptions as click_errors  # typer ships its own click

    command, name, parent = cli_command(), "trajlm", None
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # --help prints
            while True:
                ctx = command.make_context(name, list(args), parent=parent)
                if not hasattr(command, "resolve_command"):
                    return None
                rest = [*ctx._protected_args, *ctx.args]
                if not rest:
                    return None  # `trajlm data` alone prints its help
                name, command, _ = command.resolve_command(ctx, rest)
                args, parent = rest[1:], ctx
    except typer.Exit:
        return None  # --help
    except click_errors.NoArgsIsHelpError:
        return None  # a bare `trajlm` prints its help
    except click_errors.MissingParameter as error:
        return None if fragment else error.format_message()
    except click_errors.BadOptionUsage as error:
        # prose naming an option: "... `trajlm predict --radii` ..." (its value follows in words)
        last = fragment and args and args[-1].startswith("--")
        return None if last and "requires an argument" in str(error) else error.format_message()
    except click_errors.ClickException as error:
        return error.format_message()


def check(commands: list[Command]) -> list[str]:
    """Each non-template `trajlm` call through the parser: the refusals, 'doc:line: message'."""
    bad = []
    for cmd in commands:
        if cmd.template:
            continue
        for call in trajlm_calls(cmd.text):
            message = parse(call, fragment=cmd.where == "inline")
            if message is not None:
                bad.append(f"{cmd.doc}:{cmd.line}: trajlm {shlex.join(call)}\n    {message}")
    return bad


def check_paths(commands: list[Command], root: Path = ROOT) -> list[str]:
    """`make X` targets the Makefile lacks, and repo files (scripts/, bench/, configs/, the
    modules of `python -m trajlm.X`) that do not exist, named by non-template commands."""
    targets = set(re.findall(r"^([\w-]+):", (root / "Makefile").read_text(), re.M))
    bad = []
    for cmd in commands:
        text = re.split(r"\s#", cmd.text)[0]
        for target in re.findall(r"(?:^|[;&|]\s*)make ((?:[a-z][\w-]*\s*)+)", text):
            bad += [f"{cmd.doc}:{cmd.line}: make {t}: no such target" for t in target.split()
                    if t not in targets]  # fmt: skip
        if cmd.template:
            continue
        for module in re.findall(r"(?:^|\s)-m (trajlm(?:\.\w+)*)", text):
            if not (root / (module.replace(".", "/") + ".py")).is_file():
                bad.append(f"{cmd.doc}:{cmd.line}: python -m {module}: no such module")
        for path in re.findall(r"(?<![\w/.-])((?:scripts|bench|configs)/[\w./-]*\w)", text):
            if not (root / path).exists():
                bad.append(f"{cmd.doc}:{cmd.line}: {path}: no such file")
    return bad


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", type=Path, help="write every record here")
    ap.add_argument("--list", action="store_true", help="one line per command")
    ap.add_argument("--check", action="store_true", help="parse every trajlm call")
    ap.add_argument("--pages", default="", help="comma-separated docs to keep (default: all)")
    args = ap.parse_args(argv)
    commands = extract()
    if args.pages:
        keep = set(args.pages.split(","))
        commands = [c for c in commands if c.doc in keep]
    if args.list:
        for c in commands:
            print(f"{c.doc}:{c.line}\t{c.where}\t{c.klass}\t{'S' if c.session else '-'}\t{c.text}")
    by = Counter((c.klass, c.session) for c in commands)
    print(f"{len(commands)} commands in {len({c.doc for c in commands})} pages "
          f"({sum(c.where == 'inline' for c in commands)} inline, "
          f"{sum(c.template for c in commands)} templates)")  # fmt: skip
    for klass in CLASSES:
        user = by[(klass, False)]
        print(f"  {klass:15} {user + by[(klass, True)]:5}  (user sections {user}, session sections "
              f"{by[(klass, True)]})")  # fmt: skip
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([{**asdict(c), "session": c.session,
                                          "template": c.template} for c in commands], indent=1))  # fmt: skip
    if args.check:
        bad = check(commands) + check_paths(commands)
        calls = sum(len(trajlm_calls(c.text)) for c in commands if not c.template)
        print(f"{calls} trajlm calls parsed, {len(bad)} refused")
        print("\n".join(bad))
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
