"""badin27: hostile inputs on session 27's "kNN scaled [time]" verdict engine (scaleengine27:
eval/scaled_knn_engine.py; API / CLI / HTTP / save_pretrained) and the standing attacks
(damaged run folders, asked times NaN / inf / before the last fix / unsorted / duplicated /
tz-aware vs naive / ms, ids of mixed types, empty and one-point trajectories, huge horizons).

Builds one run the way tests/test_scaleengine27.py does (an untrained model, the verdict code
`trajlm train` runs at its end; the walkers store makes the scaled engine answer), then prints
one line per case: `NNN name | status | answer summary`. Classified by hand on first read
(scripts/badin27/classes.py).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin27/scaled.py [OUT_DIR]  (default /tmp/badin27/scaled)
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import signal
import sys
import traceback
import warnings
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
from helpers import invoke_cli  # noqa: E402
from test_scaleengine27 import _hist, _model, _walkers  # noqa: E402

import trajlm  # noqa: E402
from trajlm.data.store import read_store, write_store  # noqa: E402
from trajlm.eval.scaled_knn_engine import SCALE_NAME  # noqa: E402

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin27/scaled")
shutil.rmtree(OUT, ignore_errors=True)
OUT.mkdir(parents=True)
N = 0


class Hang(Exception):
    pass


def _alarm(*_a) -> None:
    raise Hang("no answer in 60 s")


signal.signal(signal.SIGALRM, _alarm)


def short(got) -> str:
    if isinstance(got, pl.DataFrame):
        cols = [
            c for c in ("traj_id", "step", "t", "lat", "lon", "engine", "std_m") if c in got.columns
        ]
        eng = sorted(set(got["engine"])) if "engine" in got.columns else "-"
        return f"rows={got.height} engines={eng} head={got.select(cols).head(2).rows()}"
    return str(got)


def say(name: str, fn) -> None:
    global N
    N += 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        signal.alarm(60)
        try:
            got = fn()
            signal.alarm(0)
            w = " WARN: " + " / ".join(str(x.message)[:200] for x in caught) if caught else ""
            print(f"{N:03d} {name} | ok | {short(got)[:420]}{w}", flush=True)
        except Exception as e:  # noqa: BLE001
            signal.alarm(0)
            tb = traceback.format_exc().strip().splitlines()
            kind = "user-error" if type(e).__name__ in ("TrajlmInputError", "ValueError") else "EXC"
            print(f"{N:03d} {name} | {kind} {type(e).__name__} | {str(e).splitlines()[0][:320]}"
                  f" @ {tb[-3][:120]}", flush=True)  # fmt: skip


def build() -> tuple[Path, Path]:
    from trajlm.cli_train_check import save_predict_verdict
    from trajlm.eval.knn_check import knn_check, val_task_of

    store, run = OUT / "walkers", OUT / "run"
    write_store(_walkers(), store)
    train = read_store(store, split="train").drop("split")
    model = _model(train)
    trajlm.TrajLM(model, threads=1).save_pretrained(run)
    fitted: dict = {}
    check = knn_check(model, train, val_task_of(store), fitted)
    save_predict_verdict(run, store, check, fitted, train)
    return store, run


store, run = build()
V = json.loads((run / "val_verdict.json").read_text())
print("verdict:", V["predict"]["engine"], V["predict"].get("scaled_check"))
hist = _hist(store)
ids = hist["traj_id"].unique(maintain_order=True).to_list()
h1 = hist.filter(pl.col("traj_id") == ids[1])
last_t = float(h1["t"].max())
lm = trajlm.TrajLM.from_pretrained(run, threads=1)

# ------------------------------------------------------------------ Python API: asked horizons
P = lambda df=h1, **kw: lm.predict(df, **kw)  # noqa: E731
say("steps=5 (baseline)", lambda: P(steps=5))
say("steps=1", lambda: P(steps=1))
say("steps=0", lambda: P(steps=0))
say("steps=-1", lambda: P(steps=-1))
say("steps=6 (past the head's 5)", lambda: P(steps=6))
say("steps=10**6", lambda: P(steps=10**6))
say("steps=2.5", lambda: P(steps=2.5))
say("steps=True", lambda: P(steps=True))
say("seconds_ahead [10,25,50]", lambda: P(seconds_ahead=[10, 25, 50]))
say("seconds_ahead [0]", lambda: P(seconds_ahead=[0]))
say("seconds_ahead [-10]", lambda: P(seconds_ahead=[-10]))
say("seconds_ahead [nan]", lambda: P(seconds_ahead=[float("nan")]))
say("seconds_ahead [inf]", lambda: P(seconds_ahead=[float("inf")]))
say("seconds_ahead [1e12]", lambda: P(seconds_ahead=[1e12]))
say("seconds_ahead [50,10] unsorted", lambda: P(seconds_ahead=[50, 10]))
say("seconds_ahead [10,10] duplicated", lambda: P(seconds_ahead=[10, 10]))
say("seconds_ahead [0.001]", lambda: P(seconds_ahead=[0.001]))
say("seconds_ahead [49, 50] (last inside 5 steps)", lambda: P(seconds_ahead=[49, 50]))
say("seconds_ahead [51] (just past 5 steps)", lambda: P(seconds_ahead=[51]))
say("seconds_ahead 5000 (far past)", lambda: P(seconds_ahead=[5000]))
say("seconds_ahead as text ['10']", lambda: P(seconds_ahead=["10"]))
say("seconds_ahead empty []", lambda: P(seconds_ahead=[]))
say("at_times [last+10]", lambda: lm.predict(h1, at_times=[last_t + 10]))
say("at_times [last] (the last fix's own time)", lambda: lm.predict(h1, at_times=[last_t]))
say("at_times [last-30] (before the last fix)", lambda: lm.predict(h1, at_times=[last_t - 30]))
say("at_times [first-3600] (before the history)", lambda: lm.predict(h1, at_times=[last_t - 10**5]))
say("at_times [nan]", lambda: lm.predict(h1, at_times=[float("nan")]))
say("at_times [inf]", lambda: lm.predict(h1, at_times=[float("inf")]))
say("at_times unsorted", lambda: lm.predict(h1, at_times=[last_t + 40, last_t + 10]))
say("at_times duplicated", lambda: lm.predict(h1, at_times=[last_t + 10, last_t + 10]))
say("at_times in ms", lambda: lm.predict(h1, at_times=[(last_t + 10) * 1000]))
aware = dt.datetime.fromtimestamp(last_t + 10, tz=dt.UTC)
say("at_times tz-aware datetime", lambda: lm.predict(h1, at_times=[aware]))
say("at_times naive datetime", lambda: lm.predict(h1, at_times=[aware.replace(tzinfo=None)]))
say(
    "at_times +02:00 datetime",
    lambda: lm.predict(h1, at_times=[aware.astimezone(dt.timezone(dt.timedelta(hours=2)))]),
)
say("at_times ISO text", lambda: lm.predict(h1, at_times=[aware.isoformat()]))
say("at_times 1e12 s ahead", lambda: lm.predict(h1, at_times=[last_t + 1e12]))

# ------------------------------------------------------------------ Python API: hostile histories
say("one-point trajectory", lambda: P(h1.head(1), steps=5))
say("two-point trajectory", lambda: P(h1.head(2), steps=5))
say("three-point trajectory", lambda: P(h1.head(3), steps=5))
say("empty frame", lambda: P(h1.head(0), steps=5))
say(
    "all fixes at one place",
    lambda: P(h1.with_columns(lat=pl.lit(41.15), lon=pl.lit(-8.61)), steps=5),
)
say("all fixes at one time", lambda: P(h1.with_columns(t=pl.lit(last_t)), steps=5))
say("two fixes share the last time", lambda: P(pl.concat([h1, h1.tail(1)]), steps=5))
say("history unsorted (reversed)", lambda: P(h1.reverse(), steps=5))
say("times in ms", lambda: P(h1.with_columns(t=pl.col("t") * 1000), steps=5))
say(
    "times as datetime UTC",
    lambda: P(
        h1.with_columns(t=pl.from_epoch(pl.col("t").cast(pl.Int64)).dt.replace_time_zone("UTC")),
        steps=5,
    ),
)
say(
    "a 1000-km jump at the last fix",
    lambda: P(pl.concat([h1.head(19), h1.tail(1).with_columns(lat=pl.col("lat") + 9.0)]), steps=5),
)
say(
    "NaN lat in the middle",
    lambda: P(
        h1.with_columns(
            lat=pl.when(pl.col("t") == h1["t"][10]).then(float("nan")).otherwise(pl.col("lat"))
        ),
        steps=5,
    ),
)
say(
    "far from train (Sydney)",
    lambda: P(h1.with_columns(lat=pl.col("lat") - 75.0, lon=pl.col("lon") + 160.0), steps=5),
)
say(
    "1-hour gaps (slow clock)",
    lambda: P(h1.with_columns(t=pl.col("t") * 360 - h1["t"][0] * 359), steps=5),
)
say(
    "0.01-s fixes (fast clock)",
    lambda: P(h1.with_columns(t=h1["t"][0] + (pl.col("t") - h1["t"][0]) / 1000), steps=5),
)
say(
    "int ids",
    lambda: P(hist.with_columns(traj_id=pl.col("traj_id").str.slice(1).cast(pl.Int64)), steps=5),
)
mixed = hist.head(40).to_pandas()
mixed["traj_id"] = [1 if i < 20 else "w2" for i in range(40)]
say("mixed id types (pandas object: 1 and 'w2')", lambda: P(mixed, steps=5))
say("fallback=False", lambda: P(steps=5, fallback=False))
say("radii=[50, 90]", lambda: P(steps=5, radii=[50, 90]))
say("radii=[50, 90] with seconds_ahead", lambda: P(seconds_ahead=[10, 30], radii=[50, 90]))
say("radii=[99.9]", lambda: P(steps=5, radii=[99.9]))
say("whole val histories (40 trips)", lambda: P(hist, steps=5))


# ------------------------------------------------------------------ damaged run folders
def damaged(tag: str, edit) -> trajlm.TrajLM:
    d = OUT / f"dmg_{tag}"
    shutil.copytree(run, d)
    edit(d)
    return trajlm.TrajLM.from_pretrained(d, threads=1)


def jedit(fn):
    def go(d: Path) -> None:
        doc = json.loads((d / "val_verdict.json").read_text())
        fn(doc["predict"])
        (d / "val_verdict.json").write_text(json.dumps(doc))

    return go


def tedit(fn, resha: bool = False):
    """Edit the trees' table; resha: and write its new SHA-1 into the verdict (a deliberate
    hand edit that passes the checksum)."""
    import hashlib

    def go(d: Path) -> None:
        t = fn(pl.read_parquet(d / SCALE_NAME))
        t.write_parquet(d / SCALE_NAME)
        if resha:
            doc = json.loads((d / "val_verdict.json").read_text())
            doc["predict"]["scale"]["table_sha1"] = hashlib.sha1(
                (d / SCALE_NAME).read_bytes()
            ).hexdigest()
            (d / "val_verdict.json").write_text(json.dumps(doc))

    return go


def dm(tag, edit, **kw):
    return lambda: damaged(tag, edit).predict(h1, **({"steps": 5} | kw))


say("scale parquet missing", dm("nosc", lambda d: (d / SCALE_NAME).unlink()))
say(
    "scale parquet truncated",
    dm("trunc", lambda d: (d / SCALE_NAME).write_bytes((d / SCALE_NAME).read_bytes()[:300])),
)
say("scale parquet empty file", dm("empty", lambda d: (d / SCALE_NAME).write_bytes(b"")))
say(
    "scale parquet is a folder",
    dm("dir", lambda d: ((d / SCALE_NAME).unlink(), (d / SCALE_NAME).mkdir())),
)
say(
    "scale values doubled (sha mismatch)",
    dm("dbl", tedit(lambda t: t.with_columns(pl.col("value") * 2))),
)
say(
    "scale values doubled + sha rewritten",
    dm("dbl2", tedit(lambda t: t.with_columns(pl.col("value") * 2), True)),
)
say(
    "scale node cycle + sha rewritten",
    dm(
        "cyc",
        tedit(
            lambda t: t.with_columns(
                left=pl.when(~pl.col("leaf") & (pl.col("node") > 0))
                .then(0)
                .otherwise(pl.col("left"))
            ),
            True,
        ),
    ),
)
say(
    "scale threshold NaN + sha rewritten",
    dm("thnan", tedit(lambda t: t.with_columns(threshold=pl.lit(float("nan"))), True)),
)
say(
    "scale value 1e308 + sha rewritten",
    dm("big", tedit(lambda t: t.with_columns(value=pl.lit(1e308)), True)),
)
say("scale table 0 rows + sha rewritten", dm("zero", tedit(lambda t: t.head(0), True)))
say(
    "scale feature 99 + sha rewritten",
    dm(
        "f99",
        tedit(
            lambda t: t.with_columns(
                feature=pl.when(pl.col("leaf")).then(pl.col("feature")).otherwise(99)
            ),
            True,
        ),
    ),
)
say(
    "scale table of another kind (knn parquet copied)",
    dm("other", lambda d: shutil.copy(d / "val_verdict_knn.parquet", d / SCALE_NAME)),
)
say("verdict: scale entry removed", dm("noent", jedit(lambda v: v.pop("scale"))))
say("verdict: scale baseline 1e308", dm("b308", jedit(lambda v: v["scale"].update(baseline=1e308))))
say("verdict: scale baseline -5", dm("bneg", jedit(lambda v: v["scale"].update(baseline=-5.0))))
say(
    "verdict: scale table_sha1 null",
    dm("shanull", jedit(lambda v: v["scale"].update(table_sha1=None))),
)
say(
    "verdict: features reordered",
    dm("freord", jedit(lambda v: v["scale"].update(features=v["scale"]["features"][::-1]))),
)
say("verdict: n_trees 'x' (not read)", dm("ntx", jedit(lambda v: v["scale"].update(n_trees="x"))))
say("verdict: scaled_check a list", dm("sclist", jedit(lambda v: v.update(scaled_check=[1, 2]))))
say("verdict: scaled_check hi 'x'", dm("schix", jedit(lambda v: v["scaled_check"].update(hi="x"))))
say(
    "verdict: engine 'kNN scaled' (typo)",
    dm("typo", jedit(lambda v: v.update(engine="kNN scaled"))),
)
say("verdict: engine SCALED, knn entry removed", dm("noknn", jedit(lambda v: v.pop("knn"))))
say(
    "knn parquet missing (scaled engine)",
    dm("noknnp", lambda d: (d / "val_verdict_knn.parquet").unlink()),
)
say(
    "knn parquet truncated",
    dm(
        "knntr",
        lambda d: (d / "val_verdict_knn.parquet").write_bytes(
            (d / "val_verdict_knn.parquet").read_bytes()[:500]
        ),
    ),
)
say(
    "val_verdict.json truncated",
    dm(
        "jtr",
        lambda d: (d / "val_verdict.json").write_text((d / "val_verdict.json").read_text()[:200]),
    ),
)
say(
    "verdict: spread for the engine removed",
    dm("nospread", jedit(lambda v: v.get("spread", {}).pop("kNN scaled [time]", None))),
)
say(
    "verdict: spread removed, radii asked",
    dm(
        "nospread2",
        jedit(lambda v: v.get("spread", {}).pop("kNN scaled [time]", None)),
        radii=[50, 90],
    ),
)
say(
    "damaged trees, fallback=False (model answers?)",
    dm("fb", lambda d: (d / SCALE_NAME).unlink(), fallback=False),
)
say(
    "damaged trees, seconds_ahead",
    dm("sa", lambda d: (d / SCALE_NAME).unlink(), steps=None, seconds_ahead=[10]),
)


# ------------------------------------------------------------------ save_pretrained
def save_into(dst: Path, overwrite: bool = False):
    dst.mkdir(parents=True, exist_ok=True)
    return lm.save_pretrained(dst, **({"overwrite": True} if overwrite else {}))


(OUT / "full").mkdir()
(OUT / "full" / "notes.txt").write_text("mine")
say(
    "save_pretrained into a folder holding a user file",
    lambda: (save_into(OUT / "full"), sorted(p.name for p in (OUT / "full").iterdir())),
)
say(
    "save_pretrained over an existing run",
    lambda: (save_into(OUT / "copy1"), save_into(OUT / "copy1")),
)
say(
    "save_pretrained copy answers the same",
    lambda: trajlm.TrajLM.from_pretrained(OUT / "copy1", threads=1).predict(h1, steps=5),
)

# ------------------------------------------------------------------ CLI
src = OUT / "h1.csv"
h1.write_csv(src)


def cli(args: list[str]) -> str:
    r = invoke_cli(args)
    return (
        f"exit={r.exit_code} {r.output.strip().splitlines()[-1][:300] if r.output.strip() else ''}"
    )


say(
    "CLI predict --steps 5",
    lambda: cli(
        [
            "predict",
            "--model",
            str(run),
            "--input",
            str(src),
            "--out",
            str(OUT / "c1.csv"),
            "--steps",
            "5",
            "--threads",
            "1",
        ]
    ),
)
say(
    "CLI predict --seconds-ahead nan",
    lambda: cli(
        [
            "predict",
            "--model",
            str(run),
            "--input",
            str(src),
            "--out",
            str(OUT / "c2.csv"),
            "--seconds-ahead",
            "nan",
            "--threads",
            "1",
        ]
    ),
)
say(
    "CLI predict --seconds-ahead -5",
    lambda: cli(
        [
            "predict",
            "--model",
            str(run),
            "--input",
            str(src),
            "--out",
            str(OUT / "c3.csv"),
            "--seconds-ahead",
            "-5",
            "--threads",
            "1",
        ]
    ),
)
say(
    "CLI predict --out existing",
    lambda: cli(
        [
            "predict",
            "--model",
            str(run),
            "--input",
            str(src),
            "--out",
            str(OUT / "c1.csv"),
            "--steps",
            "5",
            "--threads",
            "1",
        ]
    ),
)
say(
    "CLI predict on a damaged run (trees missing)",
    lambda: cli(
        [
            "predict",
            "--model",
            str(OUT / "dmg_nosc"),
            "--input",
            str(src),
            "--out",
            str(OUT / "c4.csv"),
            "--steps",
            "5",
            "--threads",
            "1",
        ]
    ),
)

# ------------------------------------------------------------------ HTTP
from fastapi.testclient import TestClient  # noqa: E402

from trajlm.serve import create_app  # noqa: E402

client = TestClient(create_app(lm))
client.__enter__()
body = [
    {"traj_id": r["traj_id"], "t": float(r["t"]), "lat": r["lat"], "lon": r["lon"]}
    for r in h1.iter_rows(named=True)
]


def post(b=body, **kw) -> str:
    r = client.post("/predict", json={"trajectories": b, **kw})
    j = r.json()
    if r.status_code != 200:
        return f"HTTP {r.status_code} {str(j)[:300]}"
    pts = j.get("points") or j.get("rows") or []
    first = [
        (p.get("traj_id"), p.get("engine"), round(p.get("lon") or float("nan"), 6), p.get("std_m"))
        for p in pts[:2]
    ]
    return f"HTTP 200 n={len(pts)} first={first} warn={str(j.get('warnings'))[:200]}"


say("HTTP steps 5", lambda: post(steps=5))
say("HTTP seconds_ahead [-5]", lambda: post(seconds_ahead=[-5]))
say("HTTP seconds_ahead [1e12]", lambda: post(seconds_ahead=[1e12]))
say("HTTP radii [50, 90]", lambda: post(steps=5, radii=[50, 90]))
say("HTTP one point", lambda: post(body[:1], steps=5))
say("HTTP at_times before the last fix", lambda: post(at_times=[last_t - 30]))
say("HTTP t in ms", lambda: post([{**r, "t": r["t"] * 1000} for r in body], steps=5))
say(
    "HTTP mixed id types",
    lambda: post([{**r, "traj_id": 7 if i % 2 else "w7"} for i, r in enumerate(body)], steps=5),
)
client.__exit__(None, None, None)

# ------------------------------------------------------------------ fitting (train time)
from trajlm.eval import baselines as B  # noqa: E402
from trajlm.eval.scaled_knn_engine import fit_scaled  # noqa: E402


def fit(df: pl.DataFrame):
    est, info = fit_scaled(df, B.KNNContinuation().fit(df))
    return info


tr = read_store(store, split="train").drop("split")
say(
    "fit: train of 100 identical trips (one shrink everywhere)",
    lambda: fit(
        pl.concat(
            [
                _walkers(n=1).with_columns(traj_id=pl.lit(f"c{i}"), t=pl.col("t") + i * 3600)
                for i in range(100)
            ]
        )
    ),
)
say(
    "fit: every trip starts at the same time",
    lambda: fit(tr.with_columns(t=pl.col("t") - pl.col("t").min().over("traj_id") + 1_700_000_000)),
)
say("fit: 100 trips of 3 points", lambda: fit(tr.group_by("traj_id", maintain_order=True).head(3)))
say(
    "fit: 99 trips (just under)",
    lambda: fit(
        tr.filter(
            pl.col("traj_id").is_in(tr["traj_id"].unique(maintain_order=True).head(99).implode())
        )
    ),
)
say(
    "fit: train with NaN lat rows",
    lambda: fit(
        tr.with_columns(
            lat=pl.when(pl.col("t") % 70 == 0).then(float("nan")).otherwise(pl.col("lat"))
        )
    ),
)
say("fit: all stationary", lambda: fit(tr.with_columns(lat=pl.lit(41.15), lon=pl.lit(-8.61))))
print("done", N)
