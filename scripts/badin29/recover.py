"""badin29: hostile inputs on recover29's surfaces: `TrajLM.recover(gap_rule=)` and `trajlm
recover --gap-rule` (checked in one line), the parked gaps counted (`last_held_gaps`, the CLI's
summary line), a route-recovery model refusing gap_rule, HTTP /recover with a `gap_rule` key;
plus the standing attacks on recover's input (one point, empty, unsorted, duplicated times,
mixed ids). Uses tests/test_recover29.py's parked van on the shipped trajlm-small and on
tests/test_recover_bridge.py's tiny model with a hand-made by_gap table.
Prints `NNN name | status | summary`; classified by hand on first read (classes.py).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin29/recover.py [OUT_DIR]  (default /tmp/badin29/recover)
"""

from __future__ import annotations

import shutil
import sys
import warnings
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import Cases  # noqa: E402
from reliability_helpers import invoke  # noqa: E402
from test_recover_bridge import curve, tiny  # noqa: E402

import trajlm  # noqa: E402

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin29/recover")
shutil.rmtree(OUT, ignore_errors=True)
OUT.mkdir(parents=True)


def parked_frame() -> pl.DataFrame:
    """tests/test_recover29.py's van: drives, parks 10 min (fixes lost while parked), drives on."""
    t, ll = curve(n=30)
    ll[12:22] = ll[11]
    t[12:] += 600
    lat, lon = ll[:, 0].copy(), ll[:, 1].copy()
    lat[12:21] = np.nan
    lon[12:21] = np.nan
    lat[24:27] = np.nan
    lon[24:27] = np.nan
    return pl.DataFrame({"traj_id": ["VAN-1"] * 30, "t": t, "lat": lat, "lon": lon})


def _line(got):
    if isinstance(got, pl.DataFrame):
        return (f"rows={got.height} recovered={int(got['recovered'].sum())} "
                f"held={getattr(api, 'last_held_gaps', None)} engine={getattr(api, 'last_engine', None)}")  # fmt: skip
    return got


say = Cases(got=300, warn=160, warn_total=400, error=300, where=100, describe=_line, flush=True)
df = parked_frame()
api = trajlm.TrajLM(tiny(), threads=1)
TABLE = {"bins": [5], "n": [40], "sum_m": {"akima": [4.0], "pchip": [8.0], "linear": [9.0]},
         "n_trips": 3}  # fmt: skip
# ---- gap_rule values
for bad in ("Lengths", "lengths ", "", "backtest,lengths", ["lengths"], True, 0):
    say(f"gap_rule={bad!r}", lambda bad=bad: api.recover(df, gap_rule=bad))
say("gap_rule=np.str_('backtest')", lambda: api.recover(df, gap_rule=np.str_("backtest")))
say("gap_rule=None (explicit)", lambda: api.recover(df, gap_rule=None))
say("gap_rule='lengths', no verdict", lambda: api.recover(df, gap_rule="lengths"))
say("gap_rule='lengths', nothing hidden (no verdict)",
    lambda: api.recover(df.drop_nans(), gap_rule="lengths"))  # fmt: skip
say("gap_rule='backtest', mode='span'", lambda: api.recover(df, gap_rule="backtest", mode="span"))
say("gap_rule='lengths', mode='span'", lambda: api.recover(df, gap_rule="lengths", mode="span"))
api._verdict = {"recover": {"engine": "model", "n_hidden": 1, "val_mae_m": {}, "by_gap": TABLE}}
say("gap_rule='lengths' with a by_gap table", lambda: api.recover(df, gap_rule="lengths"))
say(
    "gap_rule='lengths per gap' with a by_gap table",
    lambda: api.recover(df, gap_rule="lengths per gap"),
)
say(
    "gap_rule='lengths', fallback=False",
    lambda: api.recover(df, gap_rule="lengths", fallback=False),
)
say(
    "gap_rule='backtest', fallback=False",
    lambda: api.recover(df, gap_rule="backtest", fallback=False),
)
say("gap_rule passed twice (kw and **columns)",
    lambda: api.recover(df, **{"gap_rule": "lengths", "mode": "bridge"}))  # fmt: skip
# ---- parked gaps counted
say("parked: held count", lambda: api.recover(df))


def stale_count():
    api.recover(df)
    try:
        api.recover(df.head(0))
    except Exception as e:  # noqa: BLE001
        return f"2nd call refused ({type(e).__name__}); last_held_gaps still {api.last_held_gaps}"
    return f"2nd call ok; last_held_gaps {api.last_held_gaps}"


say("parked then an empty call: last_held_gaps stale?", stale_count)
two = pl.concat([df, df.with_columns(traj_id=pl.lit("VAN-2"))])
say("two parked vans", lambda: api.recover(two))
jit = df.with_columns(
    lat=pl.when(pl.int_range(30) == 21).then(pl.col("lat") + 1e-5).otherwise(pl.col("lat"))
)
say("parked, end fix 1 m off the start (GPS jitter)", lambda: api.recover(jit))
far = df.with_columns(
    t=pl.when(pl.int_range(30) >= 12).then(pl.col("t") + 86400 * 30).otherwise(pl.col("t"))
)
say("parked 30 days (gap 30 d, ends at one place)", lambda: api.recover(far))
say("parked, rows reversed", lambda: api.recover(df.reverse()))
dup = pl.concat([df.head(12), df.slice(11, 1), df.slice(12)])
say("parked, the last fix before the gap given twice", lambda: api.recover(dup))
say("parked, ms times", lambda: api.recover(df.with_columns(pl.col("t") * 1000)))
say("one point, nan", lambda: api.recover(df.slice(12, 1)))
say("ids mixed int / str (pandas)",
    lambda: api.recover(two.with_columns(traj_id=pl.when(pl.col("traj_id") == "VAN-2").then(pl.lit("2"))
                                         .otherwise(pl.col("traj_id"))).to_pandas().assign(
        traj_id=lambda d: [2 if x == "2" else x for x in d["traj_id"]])))  # fmt: skip
# ---- route-recovery model
import types  # noqa: E402

from trajlm.api_recovery import RecoveryTrajLM  # noqa: E402

rr = RecoveryTrajLM(types.SimpleNamespace(num_params=lambda: 1), threads=1, path="runs/rr")
say(
    "route model gap_rule='backtest' (the default, named)",
    lambda: rr.recover(df, gap_rule="backtest"),
)
say("route model gap_rule=False", lambda: rr.recover(df, gap_rule=False))
# ---- CLI
run = OUT / "run"
trajlm.TrajLM(tiny(), threads=1).save_pretrained(run)
src = OUT / "gaps.csv"
df.write_csv(src)


def cli(*opts):
    def go():
        out = OUT / f"o{say.n}.csv"
        r = invoke("recover", "--model", run, "--input", src, "--out", out, "--threads", "1", *opts)
        lines = [ln for ln in r.output.splitlines() if ln.strip()]
        tb = " TRACEBACK" if "Traceback" in r.output else ""
        return f"exit={r.exit_code}{tb} :: " + " / ".join(lines[-2:])[:300]

    return go


say("CLI --gap-rule ''", cli("--gap-rule", ""))
say("CLI --gap-rule lengths (no by_gap)", cli("--gap-rule", "lengths"))
say(
    "CLI --gap-rule 'lengths per gap' --mode span",
    cli("--gap-rule", "lengths per gap", "--mode", "span"),
)
say("CLI --gap-rule backtest", cli("--gap-rule", "backtest"))
# ---- HTTP
try:
    from fastapi.testclient import TestClient

    from trajlm.serve.app import create_app

    client = TestClient(create_app(trajlm.TrajLM.from_pretrained(run, threads=1)))
    body = {"trajectories": [{"traj_id": "VAN-1", "t": int(t), "lat": None if np.isnan(a) else a,
                        "lon": None if np.isnan(b) else b}
                       for t, a, b in df.select("t", "lat", "lon").rows()]}  # fmt: skip

    def http(extra):
        def go():
            r = client.post("/recover", json={**body, **extra})
            return f"HTTP {r.status_code} {r.text[:240]}"

        return go

    say(
        "HTTP /recover gap_rule='lengths' (a key the route may not know)",
        http({"gap_rule": "lengths"}),
    )
    say("HTTP /recover gap_rule='nonsense'", http({"gap_rule": "nonsense"}))
    say("HTTP /recover (control, parked)", http({}))
except ImportError as e:
    print("HTTP cases skipped:", e)
warnings.resetwarnings()
