"""The last line of a file that ends without a newline: complete, or cut by an interrupted copy?

See `check_open_line` for the rule and docs/reliability.md ("Readers") for why it is this one.
"""

from __future__ import annotations

import polars as pl

from trajlm.data.readers._common import Ctx

TRUNCATED = "truncated_last_row"
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)$"


def check_open_line(
    parsed: pl.DataFrame, last: str, ctx: Ctx, whole_files: bool = False
) -> pl.DataFrame:
    """Drop (count) or raise on a file's last line when it ends without a newline and its last
    field looks cut. Only the last field can be cut with the field count intact (a cut anywhere
    else loses separators), so that field is compared with the same field of every earlier line
    of the file (statistics kept in ctx.tail_stats across blocks). It looks cut when:
      * it is empty;
      * the column has fixed width so far (times, dates) and it is shorter;
      * the column is numeric so far and it is not a number, or has fewer digits than every
        earlier value (`41.15` cut to `41.1`, `1600000015` cut to `160000001`).
    A complete line that happens to be shorter than all earlier ones is refused too; the
    message says to end the file with a newline, which marks the line as complete.
    whole_files: `parsed` holds every line of its files (GeoLife), so only the files with an
    open line need statistics.
    """
    if whole_files:
        open_files = parsed.filter(pl.col("_open"))["_file"]
        if len(open_files) == 0:
            return parsed
        parsed = parsed.with_columns(_keep=pl.col("_file").is_in(open_files.implode()))
        rest, parsed = parsed.filter(~pl.col("_keep")), parsed.filter(pl.col("_keep"))
        checked = check_open_line(parsed.drop("_keep"), last, ctx)
        return pl.concat([rest.drop("_keep"), checked]).sort("_file", maintain_order=True)
    v = pl.col(last).fill_null("").str.strip_chars()
    n = v.str.len_chars()
    sign = (v.str.starts_with("-") | v.str.starts_with("+")).cast(pl.UInt32)
    digits = n - v.str.contains(".", literal=True).cast(pl.UInt32) - sign  # if numeric
    feats = parsed.select("_file", "_open", _len=n, _num=v.str.contains(_NUMBER), _dig=digits)
    closed = feats.filter(~pl.col("_open"))
    if len(closed):
        stats = closed.group_by("_file").agg(
            pl.col("_len").min().alias("min_len"),
            pl.col("_len").max().alias("max_len"),
            pl.col("_num").all().alias("numeric"),
            pl.col("_dig").min().alias("min_digits"),
        )
        for row in stats.iter_rows(named=True):
            file = row.pop("_file")
            old = ctx.tail_stats.get(file)
            if old is not None:
                row = {"min_len": min(old["min_len"], row["min_len"]),
                       "max_len": max(old["max_len"], row["max_len"]),
                       "numeric": old["numeric"] and row["numeric"],
                       "min_digits": min(old["min_digits"], row["min_digits"])}  # fmt: skip
            ctx.tail_stats[file] = row
    if not bool(feats["_open"].any()):
        return parsed
    cut = []
    for i in feats.with_row_index("_i").filter(pl.col("_open")).iter_rows(named=True):
        why = _why_cut(i, ctx.tail_stats.get(i["_file"]), parsed[last][i["_i"]])
        if why:
            cut.append((i["_i"], why))
    if not cut:
        return parsed
    if ctx.on_error == "raise":
        i, why = cut[0]
        r = parsed.row(i, named=True)
        raise ctx.error(
            f"the file ends without a newline inside this line and its last field looks cut: "
            f"{why} ({TRUNCATED}); if the line is complete, end the file with a newline",
            r["_file"],
            r["_line"],
            last,
        )
    ctx.report.rows_in += len(cut)
    ctx.report.drop(TRUNCATED, len(cut))
    drop = pl.Series([i for i, _ in cut], dtype=pl.UInt32)
    return parsed.with_row_index("_i").filter(~pl.col("_i").is_in(drop)).drop("_i")


def _why_cut(feat: dict, stats: dict | None, value: str | None) -> str | None:
    """Why an open last field looks cut (None: it does not), given earlier lines' stats."""
    text = repr((value or "").strip())
    if feat["_len"] == 0:
        return "it is empty"
    if stats is None:
        return None
    if stats["min_len"] == stats["max_len"] and feat["_len"] < stats["min_len"]:
        return f"{text} is shorter than the {stats['min_len']} characters of every other value"
    if stats["numeric"] and not feat["_num"]:
        return f"{text} is not a number, unlike every other value"
    if stats["numeric"] and feat["_dig"] < stats["min_digits"]:
        return f"{text} has fewer digits than every other value (at least {stats['min_digits']})"
    return None
