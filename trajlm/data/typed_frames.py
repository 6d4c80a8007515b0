"""A frame of DynamoDB items flattened by pandas (heldout39): `pd.json_normalize` of an
export's lines (or of `scan`'s `Items`) names every column after its type, `Item.scooterId.S`,
`Item.lat.N`, the numbers as text. Was: told `traj_col='Item.scooterId.S'`, and following it,
"no lat column". Rule: where every column but the row-number one ends in a DynamoDB type tag
(`.S`, `.N`, `.BOOL`, ...) and two or more do, the tags (and a prefix all columns share, `Item.`)
are dropped from the names and `.N` columns read as numbers, said in one line, as
`trajlm data ingest` reads the export itself (readers/_json_reshape)."""

from __future__ import annotations

import polars as pl

from trajlm.data.schema import LINE
from trajlm.errors import warn_at_caller

TAGS = ("S", "N", "BOOL", "NULL", "B", "SS", "NS", "BS", "L", "M")


def untyped_frame(df: pl.DataFrame) -> pl.DataFrame:
    """`df` with DynamoDB type tags dropped from its column names (the row-number column left
    as it is), or `df` itself where its columns are not so named."""
    cols = [c for c in df.columns if isinstance(c, str) and c != LINE]
    split = {c: c.rsplit(".", 1) for c in cols}
    if len(cols) < 2 or not all(len(p) == 2 and p[1] in TAGS for p in split.values()):
        return df
    names = [p[0] for p in split.values()]
    first = names[0].split(".", 1)[0] + "."
    if all(n.startswith(first) and len(n) > len(first) for n in names):
        names = [n[len(first) :] for n in names]  # `Item.` of an export's lines
    if len(set(names)) < len(names):  # one attribute under two types: left to the caller
        return df
    renamed = dict(zip(cols, names, strict=True))
    out = df.rename(renamed).with_columns(
        pl.col(renamed[c]).cast(pl.Float64, strict=False)
        for c in cols
        if split[c][1] == "N" and df.schema[c] == pl.Utf8
    )
    warn_at_caller(
        f"columns named after DynamoDB's types read by their attribute ({cols[0]!r} as "
        f"{renamed[cols[0]]!r}, ...; `.N` text as numbers), as `trajlm data ingest` reads the "
        "export"
    )
    return out
