"""local37: the public Python functions on a frame of x / y metres (newuser36's UWB forklifts),
without crs= and with crs="local"; each call's outcome in one line (docs/data.md "Session 37
(local37)"). Usage: python scripts/local37/walk_api.py --raw DIR (gen_gps.py's output)."""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import polars as pl

import trajlm


def _frame(raw: Path) -> pl.DataFrame:
    df = pl.read_csv(raw / "uwb_forklifts.csv")
    t = pl.col("timestamp").str.to_datetime(time_zone="UTC").dt.epoch("s")
    df = df.with_columns(t=t).drop("timestamp").unique(["tag_id", "t"], maintain_order=True)
    return df.filter(pl.col("tag_id").is_in(["FL-01", "FL-02"])).group_by("tag_id").head(300)


def _show(name: str, call) -> None:
    try:
        out = call()
        text = out.value if hasattr(out, "value") else out.head(1) if hasattr(out, "head") else out
        print(f"== {name}: ok", str(text).replace("\n", " ")[:300])
    except Exception as e:  # the outcome is the finding: refused (one line) or a traceback
        print(f"== {name}: {type(e).__name__}: {str(e)[:300]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--raw", type=Path, default=Path("/tmp/local37/raw"))
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    one = _frame(args.raw)
    gap = one.with_columns(x_m=pl.when(pl.int_range(pl.len()) % 7 == 3).then(None).otherwise("x_m"))
    lm = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    for crs in (None, "local"):
        kw = dict(traj_col="tag_id", time_col="t", lat_col="y_m", lon_col="x_m")
        print(f"#### crs={crs!r}")
        _walk(lm, one, gap, kw | ({"crs": crs} if crs else {}))


def _walk(lm, one: pl.DataFrame, gap: pl.DataFrame, kw: dict) -> None:
    _show("TrajLM.predict", lambda: lm.predict(one, steps=2, **kw))
    _show("TrajLM.recover", lambda: lm.recover(gap, **kw).filter(pl.col("recovered")))
    _show("TrajLM.embed", lambda: lm.embed(one, **kw))
    _show("TrajLM.reach", lambda: lm.reach(one, to=[(1.0, 1.0)], **kw))
    _show("TrajLM.evaluate", lambda: lm.evaluate(one, **kw).iloc[:1, :4])
    _show("trajlm.parked", lambda: trajlm.parked(one, **kw))
    _show("trajlm.next_place", lambda: trajlm.next_place(one, stop_minutes=0.2, **kw))
    _show("trajlm.divert", lambda: trajlm.divert(one, [(1.0, 1.0)], **kw))
    _show("trajlm.clean", lambda: trajlm.clean(one, return_report=False, **kw))
    _show("trajlm.check_validity", lambda: trajlm.check_validity(one, **kw))
    _show("trajlm.ask", lambda: trajlm.ask("describe trip FL-01", one, **kw))


if __name__ == "__main__":
    main()
