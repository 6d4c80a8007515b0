"""One option given twice with different values (`eval --steps 5 --pred-len 12`, `ingest
--full-rate --no-full-rate`): click keeps the last and drops the other without a word, so the
run answers a question the user did not ask (badin38). The boundary refuses it in one line
before the command runs; options meant to repeat (`--model A --model B`) are left alone, and
the same value given twice is harmless."""

from __future__ import annotations

import click


def _leaf(group: click.Group, ctx: click.Context, args: list[str]):
    """The command `args` runs and the arguments after its name (None: no leaf command)."""
    cmd = group
    while hasattr(cmd, "get_command"):
        names = [a for a in args if not a.startswith("-")]
        if not names or (sub := cmd.get_command(ctx, names[0])) is None:
            return None, []
        args = args[args.index(names[0]) + 1 :]
        cmd = sub
    return cmd, args


def repeated_option(group: click.Group, ctx: click.Context, args: list[str]) -> str | None:
    """The line refusing a single-valued option of the command in `args` given twice with
    different values (by one name or by its aliases), or None."""
    cmd, rest = _leaf(group, ctx, args)
    if cmd is None:
        return None
    by_opt: dict[str, click.Option] = {}
    for p in cmd.params:
        if getattr(p, "param_type_name", "") == "option" and not p.multiple and not p.count:
            for o in (*p.opts, *p.secondary_opts):
                by_opt[o] = p
    seen: dict[str, list[tuple[str, str]]] = {}
    i = 0
    while i < len(rest):
        tok = rest[i]
        if tok == "--":
            break
        name, eq, inline = tok.partition("=")
        p = by_opt.get(name)
        if p is None:
            i += 1
            continue
        if p.is_flag:
            value = "off" if name in p.secondary_opts else "on"
        elif eq:
            value = inline
        else:
            value = rest[i + 1] if i + 1 < len(rest) else ""
            i += 1
        seen.setdefault(p.name or name, []).append((name, value))
        i += 1
    for given in seen.values():
        if len({v for _, v in given}) > 1:
            said = ", ".join(f"{n} {v}" if v not in ("on", "off") else n for n, v in given)
            names = " / ".join(dict.fromkeys(n for n, _ in given))
            return f"{names} given {len(given)} times ({said}): give it once"
    return None
