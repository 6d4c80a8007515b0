"""badin34b, second part: hostile inputs on byo34's surfaces merged while the first part ran:
`trajlm data queries` and `trajlm eval --predictions` (and `trajlm.queries` / `trajlm.score`),
one line a case, classified by hand in classes.py (cases numbered on from probe.py's 257).
Run: PYTHONPATH=$PWD OMP_NUM_THREADS=1 .venv/bin/python scripts/badin34b/probe_byo34.py [OUT_DIR]
(default /tmp/badin34b/byo)
"""

from __future__ import annotations

import math
import shutil
import sys
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import Cases, cli_line  # noqa: E402

import trajlm  # noqa: E402
from trajlm.cli import app  # noqa: E402

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin34b/byo")
shutil.rmtree(OUT, ignore_errors=True)
OUT.mkdir(parents=True)
say = Cases(got=300, warn=200, flush=True)
say.n = 257
T0 = 1772359200


def cli(*args):
    words = ("error", "warn", "wrote", "mine", "answers", "refus")
    return lambda: cli_line(app, args, lambda ln: any(w in ln.lower() for w in words))


rows = []
for k in range(60):
    lat, lon = 41.14 + 0.0005 * k, -8.62 + 0.0003 * k
    for s in range(40):
        rows.append(
            f"trip{k},{T0 + 3600 * k + 15 * s},{lat + 1e-4 * s * (1 + k % 3)},{lon + 1.5e-4 * s}"
        )
(OUT / "raw.csv").write_text("traj_id,t,lat,lon\n" + "\n".join(rows) + "\n")
STORE = OUT / "store"
assert (
    CliRunner().invoke(app, ["data", "ingest", str(OUT / "raw.csv"), "--out", str(STORE)]).exit_code
    == 0
)
Q = OUT / "q.csv"
assert CliRunner().invoke(app, ["data", "queries", str(STORE), "--out", str(Q)]).exit_code == 0
asks = pd.read_csv(OUT / "q.asks.csv")
inputs = pd.read_csv(Q)
last = inputs.groupby("query_id").tail(1).set_index("query_id")
good = asks.assign(lat=asks["query_id"].map(last["lat"]), lon=asks["query_id"].map(last["lon"]))[["query_id", "k", "lat", "lon"]]  # fmt: skip


def ans(name: str, df: pd.DataFrame | str) -> Path:
    p = OUT / name
    if isinstance(df, str):
        p.write_text(df)
    else:
        df.to_csv(p, index=False)
    return p


def EV(path, *extra):  # noqa: N802
    return cli("eval", "--task", "predict", "--data", STORE, "--predictions", path, "--predictions-name", "mine",
               "--out", OUT / f"ev{say.n + 1}.json", *extra)  # fmt: skip


# ---- data queries
say("queries (fine)", lambda: f"{len(inputs)} inputs, {len(asks)} asks, cols {list(asks.columns)}")
say("queries store missing", cli("data", "queries", OUT / "nope", "--out", OUT / "q1.csv"))
say("queries a CSV, not a store", cli("data", "queries", OUT / "raw.csv", "--out", OUT / "q2.csv"))
say(
    "queries --task classify",
    cli("data", "queries", STORE, "--out", OUT / "q3.csv", "--task", "classify"),
)
say(
    "queries --split train",
    cli("data", "queries", STORE, "--out", OUT / "q4.csv", "--split", "train"),
)
say("queries --windows 0", cli("data", "queries", STORE, "--out", OUT / "q5.csv", "--windows", "0"))
say(
    "queries --windows -3",
    cli("data", "queries", STORE, "--out", OUT / "q6.csv", "--windows", "-3"),
)
say(
    "queries --windows abc",
    cli("data", "queries", STORE, "--out", OUT / "q7.csv", "--windows", "abc"),
)
say(
    "queries --windows 1e9",
    cli("data", "queries", STORE, "--out", OUT / "q8.csv", "--windows", "1000000000"),
)
say("queries --seeds 0", cli("data", "queries", STORE, "--out", OUT / "q9.csv", "--seeds", "0"))
say("queries --out exists", cli("data", "queries", STORE, "--out", Q))
say("queries --out .txt", cli("data", "queries", STORE, "--out", OUT / "q.txt"))
say("queries --out into the store", cli("data", "queries", STORE, "--out", STORE / "q.csv"))
say("queries --out an existing folder", cli("data", "queries", STORE, "--out", OUT))
say(
    "queries --seeds 2 with predict",
    cli("data", "queries", STORE, "--out", OUT / "q10.csv", "--seeds", "2"),
)

# ---- eval --predictions
say("eval answers (fine: last fix held)", EV(ans("a0.csv", good)))
say("eval answers shuffled rows", EV(ans("a1.csv", good.sample(frac=1, random_state=0))))
say("eval answers file missing", EV(OUT / "nope.csv"))
say("eval answers empty file", EV(ans("a2.csv", "")))
say("eval answers header only", EV(ans("a3.csv", "query_id,k,lat,lon\n")))
say("eval answers one ask missing", EV(ans("a4.csv", good.iloc[1:])))
say("eval answers one ask twice", EV(ans("a5.csv", pd.concat([good, good.iloc[:1]]))))
say("eval answers a foreign query_id", EV(ans("a6.csv", pd.concat([good, good.iloc[:1].assign(query_id="nope@1")]))))  # fmt: skip
say("eval answers k=0", EV(ans("a7.csv", good.assign(k=good["k"] - 1))))
say("eval answers k=1.5", EV(ans("a8.csv", good.assign(k=good["k"].astype(float) + 0.5))))
say("eval answers lat NaN in a row", EV(ans("a9.csv", good.assign(lat=[math.nan] + list(good["lat"].iloc[1:])))))  # fmt: skip
say("eval answers lat 95", EV(ans("a10.csv", good.assign(lat=95.0))))
say("eval answers lat/lon swapped (all valid numbers)", EV(ans("a11.csv", good.rename(columns={"lat": "lon", "lon": "lat"}).assign(lat=good["lon"], lon=good["lat"]))))  # fmt: skip
say("eval answers missing lon column", EV(ans("a12.csv", good.drop(columns="lon"))))
say("eval answers columns named latitude/longitude", EV(ans("a13.csv", good.rename(columns={"lat": "latitude", "lon": "longitude"}))))  # fmt: skip
say("eval answers with extra columns", EV(ans("a14.csv", good.assign(note="x", t=0))))
say("eval answers with a BOM", EV(ans("a15.csv", "\ufeff" + good.to_csv(index=False))))
say("eval answers lat as text '41,15' (comma decimal)", EV(ans("a16.csv", good.assign(lat=good["lat"].map(lambda v: f"{v:.5f}".replace(".", ","))))))  # fmt: skip
say("eval answers in EPSG:3763 metres", EV(ans("a17.csv", good.assign(lat=164000.0, lon=-40000.0))))
say("eval answers .parquet", EV(Path(good.to_parquet(OUT / "a18.parquet", index=False) or OUT / "a18.parquet")))  # fmt: skip
say("eval answers .json", EV(ans("a19.json", good.to_json(orient="records"))))
say("eval answers for another split (val queries)", EV(ans("a20.csv", good), "--split", "val"))
say("eval --predictions-name twice for one file", cli("eval", "--task", "predict", "--data", STORE, "--predictions", OUT / "a0.csv", "--predictions-name", "a", "--predictions-name", "b", "--out", OUT / "evx.json"))  # fmt: skip
say("eval --predictions-name '' ", cli("eval", "--task", "predict", "--data", STORE, "--predictions", OUT / "a0.csv", "--predictions-name", "", "--out", OUT / "evy.json"))  # fmt: skip
say("eval --predictions the same file twice", cli("eval", "--task", "predict", "--data", STORE, "--predictions", OUT / "a0.csv", "--predictions", OUT / "a0.csv", "--out", OUT / "evz.json"))  # fmt: skip
say("eval --predictions --horizon-s 60", EV(OUT / "a0.csv", "--horizon-s", "60"))
say("eval --predictions with --task recover", cli("eval", "--task", "recover", "--data", STORE, "--predictions", OUT / "a0.csv", "--out", OUT / "evr.json"))  # fmt: skip
say(
    "eval --predictions --windows all on one-window answers", EV(OUT / "a0.csv", "--windows", "all")
)

# ---- Python
say("trajlm.queries (fine)", lambda: [x.shape for x in trajlm.queries(STORE)])
say("trajlm.queries task='nope'", lambda: trajlm.queries(STORE, task="nope"))
say("trajlm.queries a frame, not a store", lambda: trajlm.queries(pd.read_csv(OUT / "raw.csv")))
say("trajlm.queries windows=0", lambda: trajlm.queries(STORE, windows=0))
say(
    "trajlm.score (fine)",
    lambda: trajlm.score(STORE, good, name="mine").iloc[:, :4].to_dict("records")[-1:],
)
say("trajlm.score answers missing a column", lambda: trajlm.score(STORE, good.drop(columns="k")))
say("trajlm.score answers a path", lambda: trajlm.score(STORE, OUT / "a0.csv").shape)
say("trajlm.score answers a list", lambda: trajlm.score(STORE, [1, 2, 3]))
say("trajlm.score answers empty frame", lambda: trajlm.score(STORE, good.head(0)))
