"""The CLI boundary's audit of hints: a user error written by a shared module (a reader, the
frame coercion, the output checks) may name a --flag that the command being run does not have
(a reader's --time-format reaching `trajlm predict`). `own_flags` adds which commands have it,
so that following a hint never ends in 'No such option' without a pointer (user test, item 4).
"""

from __future__ import annotations

import re

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
        # `trajlm data ...` first: reading options live there (ingest reads any file)
        owners.sort(key=lambda p: not p.startswith("trajlm data "))
        if not owners:
            notes.append(f"{flag} is not an option of `{path}`")
        else:
            listed = ", ".join(f"`{o}`" for o in owners[:3]) + (", ..." if len(owners) > 3 else "")
            notes.append(f"{flag} is an option of {listed}, not of `{path}`")
    return text + (f" (note: {'; '.join(notes)})" if notes else "")
