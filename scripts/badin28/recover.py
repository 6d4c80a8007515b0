"""badin28: hostile inputs on session 28's recovery surfaces: uncert28's recovered points'
std_m / radii (`TrajLM.recover(radii=)`, `trajlm recover --radii`, HTTP /recover `radii`, the
checkpoint's recover_radii.json damaged) and recfall28's fallback by gap length
(`BridgeRecoverer(gap_rule=)`, the run's `val_verdict.json` "by_gap" table damaged), plus the
standing attacks (asked rows unsorted / duplicated / ms / tz-aware, mixed ids, one point, empty).
Uses the shipped trajlm-small and tests/test_uncert28_recover.py's gappy track.
Prints `NNN name | status | summary`; classified by hand on first read (classes.py).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin28/recover.py [OUT_DIR]  (default /tmp/badin28/recover)
"""

from __future__ import annotations

import json
import shutil
import sys
import types
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import Cases  # noqa: E402
from reliability_helpers import invoke  # noqa: E402
from test_recfall28_gap import table_of  # noqa: E402
from test_tasks21_fallback import curvy_task, noisy_bridge  # noqa: E402
from test_uncert28_recover import _gappy  # noqa: E402

import trajlm  # noqa: E402
import trajlm.tasks.recover_bridge as RB  # noqa: E402
from trajlm.model.weights import resolve_weights  # noqa: E402

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin28/recover")
shutil.rmtree(OUT, ignore_errors=True)
OUT.mkdir(parents=True)
SPREAD = ["std_m", "r50_m", "r90_m", "r95_m"]


def _line(got):
    if isinstance(got, pd.DataFrame):
        got = pl.from_pandas(got)
    if isinstance(got, pl.DataFrame):
        cols = [c for c in got.columns if c in ("recovered", *SPREAD)]
        return f"rows={got.height} cols={got.columns} vals={got.select(cols).rows()[:6]}"
    return got


say = Cases(got=420, warn=160, warn_total=500, error=300, where=100, describe=_line, flush=True)
lm = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
g = _gappy()

# ---- TrajLM.recover(radii=) --------------------------------------------------------------
say("radii=True", lambda: lm.recover(g, radii=True))
say("radii=[50, 90, 95]", lambda: lm.recover(g, radii=[50, 90, 95]))
say("radii=95", lambda: lm.recover(g, radii=95))
say("radii=[] (empty list)", lambda: lm.recover(g, radii=[]))
say("radii=[90, 90] (repeated)", lambda: lm.recover(g, radii=[90, 90]))
say("radii=80 (no such level)", lambda: lm.recover(g, radii=80))
say("radii='90' (text)", lambda: lm.recover(g, radii="90"))
say("radii=90.0 (float)", lambda: lm.recover(g, radii=90.0))
say("radii=np.int64(90)", lambda: lm.recover(g, radii=np.int64(90)))
say("radii=0", lambda: lm.recover(g, radii=0))
say("radii={'90': 1} (mapping)", lambda: lm.recover(g, radii={"90": 1}))
say("radii=False", lambda: lm.recover(g, radii=False))
say("radii, nothing hidden", lambda: lm.recover(g.drop_nulls(), radii=True))
say("radii, trailing hidden fix",
    lambda: lm.recover(g.with_columns(lat=pl.when(pl.int_range(12) == 11).then(None)
                                      .otherwise(pl.col("lat"))), radii=True))  # fmt: skip
say("radii, one-point trajectory", lambda: lm.recover(g.head(1), radii=True))
say("radii, empty frame", lambda: lm.recover(g.head(0), radii=True))
say("radii, mode='span'", lambda: lm.recover(g, mode="span", radii=True))
say("radii, fallback=False", lambda: lm.recover(g, fallback=False, radii=True))
say("radii, engine=True", lambda: lm.recover(g, engine=True, radii=[90]))
say("radii, every=30 (rows added)", lambda: lm.recover(g.drop_nulls(), every=30, radii=[90]))
rev = g.reverse()
say("radii, rows in reverse order (aligned?)",
    lambda: (lm.recover(rev, radii=[90])["r90_m"].reverse().to_list()
             == lm.recover(g, radii=[90])["r90_m"].to_list()))  # fmt: skip
say("radii, t in ms (numbers)", lambda: lm.recover(g.with_columns(pl.col("t") * 1000), radii=[90]))
say("radii, t tz-aware datetimes",
    lambda: lm.recover(g.with_columns(pl.from_epoch(pl.col("t").cast(pl.Int64), "s")
                                      .dt.replace_time_zone("UTC")), radii=[90]))  # fmt: skip
say(
    "radii, a duplicated hidden row",
    lambda: lm.recover(pl.concat([g, g[4:5]]).sort("t"), radii=[90]),
)
stopped = g.with_columns(lat=pl.when(pl.col("lat").is_null()).then(None).otherwise(41.15),
                         lon=pl.when(pl.col("lon").is_null()).then(None).otherwise(-8.61))  # fmt: skip
say("radii, the mover stood still at every known fix", lambda: lm.recover(stopped, radii=[90]))
two = pl.concat([g, g.with_columns(traj_id=pl.lit("b"), t=pl.col("t") + 5)])
say("radii, two trajectories", lambda: lm.recover(two, radii=[90]))
mixed = two.to_pandas()
mixed["traj_id"] = [1 if x == "a" else "b" for x in mixed["traj_id"]]
say("radii, ids of mixed types (1 and 'b')", lambda: lm.recover(mixed, radii=[90]))
say("radii, pandas input", lambda: lm.recover(g.to_pandas(), radii=[90]))
long_gap = g.with_columns(t=pl.when(pl.int_range(12) >= 6).then(pl.col("t") + 86_400 * 30)
                          .otherwise(pl.col("t")))  # fmt: skip
say("radii, a 30-day gap", lambda: lm.recover(long_gap, radii=[90]))
say("radii, NaN t on a hidden row",
    lambda: lm.recover(g.with_columns(t=pl.when(pl.int_range(12) == 4).then(float("nan"))
                                      .otherwise(pl.col("t"))), radii=[90]))  # fmt: skip
say("radii, inf t on a hidden row",
    lambda: lm.recover(g.with_columns(t=pl.when(pl.int_range(12) == 4).then(float("inf"))
                                      .otherwise(pl.col("t"))), radii=[90]))  # fmt: skip

# ---- a damaged recover_radii.json --------------------------------------------------------
src = resolve_weights("trajlm-small", log=False)
good = json.loads((src / "recover_radii.json").read_text())


def damaged(name: str, edit) -> None:
    d = OUT / f"ck_{name}"
    shutil.copytree(src, d)
    p = d / "recover_radii.json"
    if callable(edit):
        doc = json.loads(json.dumps(good))
        out = edit(doc)
        p.write_text(out if isinstance(out, str) else json.dumps(doc))
    elif edit is None:
        p.unlink()
    say(f"recover_radii.json {name}",
        lambda: trajlm.TrajLM.from_pretrained(d, threads=1).recover(g, radii=[90]))  # fmt: skip


damaged("missing", None)
damaged("empty", lambda d: "")
damaged("truncated", lambda d: json.dumps(d)[:200])
damaged("kind other", lambda d: d.update(kind="trajlm-radii"))
damaged("pooled sigma 0", lambda d: d["pooled"].update(sigma=0))
damaged(
    "pooled factors shrinking", lambda d: d["pooled"].update(factors={"50": 3, "90": 2, "95": 1})
)
damaged("pooled sigma 1e308", lambda d: d["pooled"].update(sigma=1e308))
damaged("pooled factor 95 = 1e308", lambda d: d["pooled"]["factors"].update({"95": 1e308}))
damaged("every bin factor 1e300", lambda d: [b["factors"].update({"50": 1e300, "90": 1e300, "95": 1e300}) for b in d["bins"]])  # fmt: skip
damaged("bins a dict", lambda d: d.update(bins={"0": d["pooled"]}))
damaged("bin index true", lambda d: d["bins"][0].update(bin=True))
damaged("bin index repeated (two entries for bin 0)",
        lambda d: d["bins"].append({**d["bins"][0], "factors": {"50": 9.0, "90": 99.0, "95": 999.0}}))  # fmt: skip
damaged("factor as text", lambda d: d["pooled"]["factors"].update({"90": "2.0"}))
damaged("NaN sigma", lambda d: json.dumps(d).replace('"sigma": ', '"sigma": NaN, "x": ', 1))
damaged("version 99", lambda d: d.update(version=99))
damaged("gap edges other", lambda d: d.update(gap_edges_s=[30, 90]))
damaged("a list, not an object", lambda d: "[1, 2]")
damaged("sigma above the 95 % factor", lambda d: d["pooled"].update(sigma=50.0))

# ---- CLI --radii -------------------------------------------------------------------------
inp = OUT / "in.csv"
g.write_csv(inp)


def cli(name: str, *args, out: str = "out.csv", pre: bytes | None = None) -> None:
    o = OUT / out
    o.unlink(missing_ok=True)
    if pre is not None:
        o.write_bytes(pre)

    def run():
        r = invoke("recover", "--model", "trajlm-small", "--input", inp, "--out", o, *args)
        text = " ".join(r.output.split())[-260:]
        kept = "" if pre is None else f" kept={o.read_bytes() == pre}"
        head = pl.read_csv(o).columns if r.exit_code == 0 and o.suffix == ".csv" else ""
        return f"exit={r.exit_code}{kept} {head} {text}"

    say(name, run)


cli("--radii 50,90", "--radii", "50,90")
cli("--radii 80", "--radii", "80")
cli("--radii abc", "--radii", "abc")
cli("--radii '' (empty)", "--radii", "")
cli("--radii ',' (commas only)", "--radii", ",")
cli("--radii 90,90", "--radii", "90,90")
cli("--radii ' 50 , 95 '", "--radii", " 50 , 95 ")
cli("--radii 50.5", "--radii", "50.5")
cli("--radii -90", "--radii", "-90")
cli("--radii 90 with --out existing (no --overwrite)", "--radii", "90", pre=b"mine\n")
cli("--radii 90 --out x.parquet", "--radii", "90", out="out.parquet")
cli("--radii 90 --mode span", "--radii", "90", "--mode", "span")

# ---- HTTP /recover radii -----------------------------------------------------------------
from fastapi.testclient import TestClient  # noqa: E402

from trajlm.serve import create_app  # noqa: E402

rows = g.with_columns(pl.col("t").cast(pl.Int64)).to_dicts()
client = TestClient(create_app(lm))


def http(name: str, body: dict) -> None:
    def run():
        r = client.post("/recover", json=body)
        if r.status_code != 200:
            return f"{r.status_code} {r.text[:260]}"
        pts = r.json()["points"]
        if isinstance(pts, dict):  # geojson: a FeatureCollection of one line per trajectory
            return f"200 geojson {json.dumps(pts)[:300]}"
        return f"200 keys={sorted(pts[0])} p3={[pts[3].get(k) for k in SPREAD]}"

    say(name, run)


http("HTTP radii [50, 90]", {"trajectories": rows, "radii": [50, 90]})
http("HTTP radii [] (empty)", {"trajectories": rows, "radii": []})
http("HTTP radii [90, 90]", {"trajectories": rows, "radii": [90, 90]})
http("HTTP radii [80]", {"trajectories": rows, "radii": [80]})
http("HTTP radii ['90']", {"trajectories": rows, "radii": ["90"]})
http("HTTP radii true", {"trajectories": rows, "radii": True})
http("HTTP radii 90 (not a list)", {"trajectories": rows, "radii": 90})
http("HTTP radii [90.0]", {"trajectories": rows, "radii": [90.0]})
http(
    "HTTP radii [90], nothing hidden",
    {"trajectories": [r for r in rows if r["lat"] is not None], "radii": [90]},
)
http("HTTP radii [90], output geojson", {"trajectories": rows, "radii": [90], "output": "geojson"})
http("HTTP radii [90], fallback false", {"trajectories": rows, "radii": [90], "fallback": False})
http("HTTP radii null", {"trajectories": rows, "radii": None})

# ---- recfall28: BridgeRecoverer(gap_rule=) and a damaged by_gap table ----------------------
RB.bridge_xy = noisy_bridge(3.0)  # worse than Akima: every call falls back (tasks21's trick)
task = curvy_task(n_traj=30)
good_tab = table_of([5, 6], [100, 100], [50, 10], [60, 60], [10, 40])


def gap_call(name: str, rule, tab) -> None:
    def run():
        v = {"engine": "akima", "n_hidden": 1, "val_mae_m": {}, "by_gap": tab}
        opts = {**RB.BRIDGE_DEFAULT, "thin_dt": 0.0, "gap_rule": rule}
        rec = RB.BridgeRecoverer(types.SimpleNamespace(config=None), verdict=v, **opts)
        got = rec.recover(task)
        return f"engine={rec.last_engine!r} rule={rec.gap_rule!r} finite={np.isfinite(got).all()}"

    say(name, run)


def read_back(name: str, tab) -> None:
    """The table written into a saved verdict and read back the way a run's folder is."""
    from trajlm.eval.val_verdict import VERDICT_NAME, read_verdict, weights_sha1

    def run():
        d = OUT / f"run_{len(name)}_{abs(hash(name)) % 10**6}"
        d.mkdir()
        (d / "model.safetensors").write_bytes(b"weights")
        rec = {"engine": "akima", "n_hidden": 10, "val_mae_m": {"akima": 1.0}, "by_gap": tab}
        doc = {"format": 1, "weights_sha1": weights_sha1(d), "recover": rec}
        (d / VERDICT_NAME).write_text(json.dumps(doc))
        return read_verdict(d)["recover"]["by_gap"]

    say(name, run)


gap_call("gap_rule='lengths'", "lengths", good_tab)
gap_call("gap_rule='lengths per gap'", "lengths per gap", good_tab)
gap_call("gap_rule='' (empty)", "", good_tab)
gap_call("gap_rule=0", 0, good_tab)
gap_call("gap_rule='Lengths' (case)", "Lengths", good_tab)
gap_call("gap_rule=['lengths'] (a list)", ["lengths"], good_tab)
gap_call("gap_rule='lengths', table None", "lengths", None)
for label, tab in (
    ("bins [-3, 5] (negative)", table_of([-3, 5], [100, 100], [1, 50], [2, 60], [3, 10])),
    ("bins [1e12] (huge)", table_of([10**12], [100], [1], [2], [3])),
    ("bins [5.7, 6.2] (fractions)", table_of([5.7, 6.2], [100, 100], [50, 10], [60, 60], [10, 40])),
    ("bins [6, 5] (unsorted)", table_of([6, 5], [100, 100], [10, 50], [60, 60], [40, 10])),
    ("bins [5, 5] (repeated)", table_of([5, 5], [100, 100], [50, 1], [60, 60], [10, 40])),
    ("sum_m inf", table_of([5, 6], [100, 100], [float("inf"), 10], [60, 60], [10, 40])),
    ("n 0 everywhere", table_of([5, 6], [0, 0], [50, 10], [60, 60], [10, 40])),
    ("n 1e300", table_of([5, 6], [1e300, 1e300], [50, 10], [60, 60], [10, 40])),
    ("n_trips -4", {**good_tab, "n_trips": -4}),
):
    read_back(f"by_gap {label}: read back", tab)
    gap_call(f"by_gap {label}: lengths per gap", "lengths per gap", tab)
