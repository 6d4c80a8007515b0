"""The printed line of a ranking across movers (session 24, askday24): "top 3 vans by distance" names the three
with their values ("top 3 of 8 vehicles: V1 404.1 km, V7 368.3 km, V6 363.4 km"), and a tie at the cut (a fourth
with the third's value) is said, not dropped in silence."""

from __future__ import annotations

import polars as pl


def ranked_line(table: pl.DataFrame, k: int, unit: str, ascending: bool) -> str:
    """``table``: vehicle, value (in ``unit``), ranked; the line naming the first ``k``."""
    km = unit == "m" and len(table) and abs(float(table["value"][0])) >= 10_000
    scale, shown_unit = (1000.0, "km") if km else (1.0, unit)

    def one(v: float) -> str:
        v /= scale
        return f"{v:,.0f}" if unit == "trips" else f"{v:,.1f}" if abs(v) >= 10 else f"{v:,.3g}"

    top = table.head(k)
    parts = [
        f"{who} {one(v)} {shown_unit}" for who, v in zip(top["vehicle"], top["value"], strict=True)
    ]
    word = "bottom" if ascending else "top"
    line = f"{word} {min(k, len(table))} of {len(table)} vehicles: {', '.join(parts)}"
    if len(table) > k:
        cut = table["value"][k - 1]
        tied = table.slice(k).filter(pl.col("value") == cut)["vehicle"].to_list()
        if tied:
            line += f" (tied with the last shown: {', '.join(tied[:5])})"
    return line
