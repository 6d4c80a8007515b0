"""The CLI boundary's words: a user error written by a shared module (a reader, the
frame coercion, the output checks) may name a --flag that the command being run does not have
(a reader's --time-format reaching `trajlm predict`). `own_flags` adds which commands have it,
so that following a hint never ends in 'No such option' without a pointer (user test, item 4).
`short_values` cuts a huge quoted value out of an error line; `other_model_kind` says what a
folder given as --model holds when it is not a transformer run (session 17, badin17).
"""

from __future__ import annotations

import re
from pathlib import Path

import click


def _commands(group: click.Group, ctx: click.Context, path: str = "trajlm"):
    """(path, command) of every leaf command under `group`."""
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if hasattr(cmd, "get_command"):  # a group (typer's click or click's)
            yield from _commands(cmd, ctx, f"{path} {name}")
        elif cmd is not None:
            yield f"{path} {name}", cmd


def own_flags(text: str, group: click.Group, ctx: click.Context, args: list[str]) -> str:
    """`text` (a user error) with a note for every --flag it names that the command being run
    does not have (a hint written by a shared module, e.g. a reader's --time-format reaching
    `trajlm predict`): which commands have it, so that no hint leads to 'No such option'."""
    cmd, path, chain = group, "trajlm", [group]
    while hasattr(cmd, "get_command") and args and (sub := cmd.get_command(ctx, args[0])):
        cmd, path, args = sub, f"{path} {args[0]}", args[1:]
        chain.append(cmd)
    if hasattr(cmd, "get_command"):
        return text
    have = {"--help"} | {o for c in chain for p in c.params for o in (*p.opts, *p.secondary_opts)}
    foreign = [f for f in dict.fromkeys(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", text))
               if f not in have]  # fmt: skip
    notes = []
    for flag in foreign:
        owners = [p for p, c in _commands(group, ctx)
                  if any(flag in q.opts or flag in q.secondary_opts for q in c.params)]  # fmt: skip
        if _within_own_command(text, flag, owners):  # "(trajlm train --config X)": said already
            continue
        # `trajlm data ...` first: reading options live there (ingest reads any file)
        owners.sort(key=lambda p: not p.startswith("trajlm data "))
        if not owners:
            notes.append(f"{flag} is not an option of `{path}`")
        else:
            listed = ", ".join(f"`{o}`" for o in owners[:3]) + (", ..." if len(owners) > 3 else "")
            notes.append(f"{flag} is an option of {listed}, not of `{path}`")
    return text + (f" (note: {'; '.join(notes)})" if notes else "")


def _within_own_command(text: str, flag: str, owners: list[str]) -> bool:
    """Every mention of `flag` in `text` follows, in the same clause, a command that has it
    ("give a multi-task run (trajlm train --config configs/multitask.toml)"): a note saying
    --config is not an option of `trajlm eval` only repeated it (cliuser18)."""
    spots = [m.start() for m in re.finditer(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", text)]
    for at in spots:
        start = text.rfind("trajlm ", 0, at)
        clause = text[start:at]
        if start < 0 or any(c in clause for c in (";", ")", ". ")):
            return False
        if not any(clause.startswith(o + " ") for o in owners):
            return False
    return bool(spots)


def short_values(text: str, longest: int = 160) -> str:
    """Quoted values (an id, a cell) over `longest` characters cut to their ends: a 1,000-NUL
    trajectory id made the one-line error 4 kB (badin17 F14)."""
    import re

    def cut(m: re.Match) -> str:
        v = m.group(1)
        return f"'{v[:60]}...{v[-20:]}' ({len(v):,} characters)"

    return re.sub(rf"'([^'\s]{{{longest + 1},}})'", cut, text)  # a value: no spaces


def other_model_kind(path: Path) -> str | None:
    """What a folder without transformer weights holds, in words, when trajlm wrote it: a
    candidate selector, a route-recovery model, a classifier or a store (badin17 F10)."""
    from trajlm.eval.saved_kind import is_route_recovery_dir, is_selector_dir  # no sklearn

    if not path.is_dir():
        return None
    if is_selector_dir(path):
        return ("a candidate selector (`trajlm train-selector`; it only predicts: `trajlm "
                "predict`, `trajlm eval`)")  # fmt: skip
    if is_route_recovery_dir(path):
        return ("a route-recovery model (`trajlm train-recovery`; it only fills gaps: "
                "`trajlm eval`, TrajLM.recover)")  # fmt: skip
    if (path / "classifier.json").is_file():
        return "a classifier folder (`trajlm finetune --task classify`)"
    if (path / "manifest.json").is_file():
        return "a trajlm store (data, not a model)"
    return None
