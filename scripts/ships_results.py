"""The ships table (docs/results.md "Session 16 (sogcog)"): errors at +60..600 s on a query file
from scripts/ships_gen.py, four ways, with paired bootstrap 95 % CIs over queries.

python scripts/ships_gen.py maritime --out /tmp/ships
python scripts/ships_results.py /tmp/ships/gibraltar [--model trajlm-small] [--weights 0.5,0.9] [--csv out.csv]

Reads <prefix>_queries.csv and <prefix>_truth.csv. Arms, per query and horizon (metres):
  cv       constant velocity: the last two reports' displacement / their interval, extrapolated
  model    the model from its positions only (``TrajLM.dead_reckoning = 0``)
  dr       ``trajlm.baselines.DeadReckoning`` (last reported SOG / COG, great circle)
  default  ``TrajLM.predict(seconds_ahead=)`` as shipped (the DR_WEIGHT mix)
``--weights`` adds mean-only columns of other mixes (1 - w) * model + w * DR (choosing the
weight on val). Columns "2sd": share of queries whose error is within 2 x the returned std_m.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import pandas as pd

import trajlm.baselines as tb
from trajlm.api import TrajLM
from trajlm.data.geometry import haversine
from trajlm.eval.compare import paired_bootstrap_ratio


def _seconds(s: pd.Series) -> np.ndarray:
    return (pd.to_datetime(s, utc=True) - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy()


def score(
    q: pd.DataFrame, truth: pd.DataFrame, model: str = "trajlm-small", weights=()
) -> pd.DataFrame:
    """Per (query, sec) of ``truth``: errors (m) of cv, model, dr, default (+ w<weight>) and
    the std_m of model and default."""
    H = sorted(truth.sec.unique().tolist())
    q = q.assign(t=_seconds(q.BaseDateTime))
    lm = TrajLM.from_pretrained(model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. fixes closer than the model's step, thinned
        default = lm.predict(q.drop(columns="t"), traj_col="query", seconds_ahead=H)
        lm.dead_reckoning = 0.0
        pos = lm.predict(q.drop(columns="t"), traj_col="query", seconds_ahead=H)
        dr = tb.predict_at(
            tb.DeadReckoning(), q.drop(columns="t"), traj_col="query", seconds_ahead=H
        )
    g = q.groupby("query")
    last, prev = g.tail(1).set_index("query"), g.nth(-2).set_index("query")
    L, P = last.loc[truth["query"]], prev.loc[truth["query"]]

    def at(p: pd.DataFrame) -> pd.DataFrame:
        p = p.assign(
            sec=np.rint(_seconds(p.BaseDateTime) - p["query"].map(last.t).to_numpy()).astype(int)
        )
        return truth[["query", "sec"]].merge(p[["query", "sec", "LAT", "LON", "std_m"]], how="left")

    m, d, f = at(pos), at(dr), at(default)
    k = truth.sec.to_numpy() / (L.t.to_numpy() - P.t.to_numpy())
    out = truth[["query", "mmsi", "sec"]].copy()
    err = lambda la, lo: haversine(truth.lat.to_numpy(), truth.lon.to_numpy(), la, lo)  # noqa: E731
    out["cv"] = err(L.LAT.to_numpy() + (L.LAT.to_numpy() - P.LAT.to_numpy()) * k,
                    L.LON.to_numpy() + (L.LON.to_numpy() - P.LON.to_numpy()) * k)  # fmt: skip
    out["model"], out["dr"], out["default"] = (
        err(m.LAT, m.LON),
        err(d.LAT, d.LON),
        err(f.LAT, f.LON),
    )
    out["std_model"], out["std_default"] = m.std_m.to_numpy(), f.std_m.to_numpy()
    for w in weights:  # the model where it has a position, else DR's (as the shipped mix)
        mlat, mlon = (
            np.where(np.isfinite(m.LAT), m.LAT, d.LAT),
            np.where(np.isfinite(m.LON), m.LON, d.LON),
        )
        out[f"w{w}"] = err((1 - w) * mlat + w * d.LAT, (1 - w) * mlon + w * d.LON)
    return out


def table(s: pd.DataFrame, weights=()) -> str:
    """Markdown: means per horizon, ratios with paired bootstrap 95 % CIs over queries."""

    def r(g, a, b) -> str:
        x = paired_bootstrap_ratio(g[a].to_numpy(), g[b].to_numpy())
        return f"{x['ratio']:.2f} ({x['lo']:.2f}-{x['hi']:.2f})"

    ws = [f"w{w}" for w in weights]
    head = ["ahead", "CV", "positions only", "DR", "default", *ws, "default / DR",
            "default / positions only", "positions only / DR", "2sd positions only", "2sd default"]  # fmt: skip
    lines = [f"{s['query'].nunique()} queries, {s.mmsi.nunique()} vessels", "| " + " | ".join(head) + " |",
             "|" + "---|" * len(head)]  # fmt: skip
    for sec, g in s.groupby("sec"):
        means = [f"{g[c].mean():,.0f}" for c in ("cv", "model", "dr", "default", *ws)]
        cover = [
            f"{(g[e] <= 2 * g[c]).mean():.0%}"
            for e, c in (("model", "std_model"), ("default", "std_default"))
        ]
        ratios = [r(g, "default", "dr"), r(g, "default", "model"), r(g, "model", "dr")]
        lines.append(f"| +{sec} s | " + " | ".join(means + ratios + cover) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "prefix", help="<prefix>_queries.csv and <prefix>_truth.csv (scripts/ships_gen.py)"
    )
    ap.add_argument("--model", default="trajlm-small")
    ap.add_argument("--weights", default="", help="extra mixes to compare, e.g. 0.25,0.5,0.75,0.9")
    ap.add_argument("--csv", default=None, help="write the per-query errors here")
    a = ap.parse_args(argv)
    weights = [float(w) for w in a.weights.split(",") if w]
    s = score(
        pd.read_csv(f"{a.prefix}_queries.csv"),
        pd.read_csv(f"{a.prefix}_truth.csv"),
        a.model,
        weights,
    )
    if a.csv:
        s.to_csv(a.csv, index=False)
    print(table(s, weights))


if __name__ == "__main__":
    main()
