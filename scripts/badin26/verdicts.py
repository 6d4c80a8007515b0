"""badin26: hostile inputs on session 26's verdict surfaces: fewval26's dead-reckoning verdict
over HTTP /predict (serve/motion.py: the rows' speed / course keys) and uncert26's engine spread
(std_m / radii where a verdict engine answers, eval/engine_spread.py), plus the standing attacks
(damaged verdict files, asked times NaN / before the last fix / unsorted, one-point trajectories).

Builds two runs the way tests/test_drverdict25.py and tests/test_uncert26.py do (untrained
models, the verdict code `trajlm train` runs at its end), then prints one line per case:
`name | status | answer summary`. Classified by hand on first read.
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin26/verdicts.py [OUT_DIR]  (default /tmp/badin26/verdicts)
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import Cases  # noqa: E402
from test_drverdict25 import CUT, _model, _ships  # noqa: E402
from test_heldout23_knn_check import _circle_trips  # noqa: E402

import trajlm  # noqa: E402
from trajlm.data.store import read_store, write_store  # noqa: E402

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin26/verdicts")
shutil.rmtree(OUT, ignore_errors=True)
OUT.mkdir(parents=True)


say = Cases(got=400, warn=160, error=300, where=120, flush=True)


def build_ships() -> Path:
    from trajlm.cli_train_check import save_predict_verdict, val_table
    from trajlm.eval.knn_check import knn_check, val_task_of

    store = OUT / "ships"
    write_store(_ships(), store)
    train = read_store(store, split="train").drop("split")
    model = _model(train)
    run = OUT / "ships_run"
    trajlm.TrajLM(model, threads=1).save_pretrained(run)
    fitted: dict = {}
    check = knn_check(model, train, val_task_of(store), fitted, val_table(store, train))
    save_predict_verdict(run, store, check, fitted, train)
    return run


def build_circles() -> Path:
    import torch

    from trajlm.cli_train_check import save_predict_verdict
    from trajlm.data.features import NormStats
    from trajlm.eval.knn_check import knn_check, val_task_of
    from trajlm.model import ModelConfig, TrajectoryModel

    store = OUT / "circles"
    write_store(_circle_trips(), store)
    torch.manual_seed(0)
    model = TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32,
                                        residual_base="constant_velocity"))  # fmt: skip
    train = read_store(store, split="train").drop("split")
    model.config.stats = NormStats.fit(train).to_dict()
    run = OUT / "circles_run"
    trajlm.TrajLM(model, threads=1).save_pretrained(run)
    fitted: dict = {}
    val = read_store(store, split="val").drop("split")
    check = knn_check(model, train, val_task_of(store), fitted, None, val)
    save_predict_verdict(run, store, check, fitted, train)
    return run


ships_run, circles_run = build_ships(), build_circles()
print(
    "ships verdict:", json.loads((ships_run / "val_verdict.json").read_text())["predict"]["engine"]
)
print(
    "circles verdict:",
    json.loads((circles_run / "val_verdict.json").read_text())["predict"]["engine"],
)

# ---------------- HTTP /predict with the dead-reckoning verdict ----------------
from fastapi.testclient import TestClient  # noqa: E402

from trajlm.serve import create_app  # noqa: E402

ships_lm = trajlm.TrajLM.from_pretrained(ships_run, threads=1)
client = TestClient(create_app(ships_lm))
client.__enter__()
hist = _ships(n=2, points=CUT + 1, seed=7)


def rows(df: pl.DataFrame) -> list[dict]:
    return [{**r, "t": float(r["t"])} for r in df.to_dicts()]


def post(body_rows: list[dict], **kw) -> str:
    r = client.post("/predict", json={"trajectories": body_rows, **kw})
    j = r.json()
    if r.status_code != 200:
        return f"HTTP {r.status_code} {str(j)[:300]}"
    pts = j.get("points") or j.get("rows") or []
    first = [
        (p.get("traj_id"), round(p.get("lon") or float("nan"), 6), p.get("std_m")) for p in pts[:2]
    ]
    return f"HTTP 200 engine={j.get('engine')} n={len(pts)} first={first} warn={j.get('warnings')}"


def edit(**cols) -> list[dict]:
    out = rows(hist)
    for r in out:
        for k, v in cols.items():
            if k.startswith("-"):
                r.pop(k[1:], None)
            else:
                r[k] = v(r) if callable(v) else v
    return out


say("DR baseline (sog/cog)", lambda: post(rows(hist), steps=3))
say("DR speed as text '12'", lambda: post(edit(sog_mps=lambda r: str(r["sog_mps"])), steps=3))
say("DR speed bool", lambda: post(edit(sog_mps=True), steps=3))
say("DR speed negative", lambda: post(edit(sog_mps=-12.0), steps=3))
say("DR speed 1e9", lambda: post(edit(sog_mps=1e9), steps=3))
say("DR course 450", lambda: post(edit(cog_deg=450.0), steps=3))
say("DR course -90", lambda: post(edit(cog_deg=-90.0), steps=3))
say("DR course 1e6", lambda: post(edit(cog_deg=1e6), steps=3))
say("DR speed null everywhere", lambda: post(edit(sog_mps=None), steps=3))
say("DR speed only (no course)", lambda: post(edit(**{"-cog_deg": 1}), steps=3))
say("DR course only (no speed)", lambda: post(edit(**{"-sog_mps": 1}), steps=3))
say("DR speed as dict", lambda: post(edit(sog_mps={"v": 12}), steps=3))
say("DR speed as list", lambda: post(edit(sog_mps=[12]), steps=3))
say(
    "DR keys 'speed' (km/h?) + 'heading'",
    lambda: post(
        [
            {
                k: v
                for k, v in {**r, "speed": r["sog_mps"] * 3.6, "heading": r["cog_deg"]}.items()
                if k not in ("sog_mps", "cog_deg")
            }
            for r in rows(hist)
        ],
        steps=3,
    ),
)
say(
    "DR keys 'speed_kmh' + 'course'",
    lambda: post(
        [
            {
                k: v
                for k, v in {**r, "speed_kmh": r["sog_mps"] * 3.6, "course": r["cog_deg"]}.items()
                if k not in ("sog_mps", "cog_deg")
            }
            for r in rows(hist)
        ],
        steps=3,
    ),
)
say(
    "DR keys 'sog' (AIS knots) + 'cog'",
    lambda: post(
        [
            {
                k: v
                for k, v in {**r, "sog": r["sog_mps"] / 0.514444, "cog": r["cog_deg"]}.items()
                if k not in ("sog_mps", "cog_deg")
            }
            for r in rows(hist)
        ],
        steps=3,
    ),
)
say("DR both sog_mps and speed_kmh (conflict)", lambda: post(edit(speed_kmh=1.0), steps=3))
say(
    "DR last row speed null",
    lambda: post(
        [
            {**r, "sog_mps": (None if i in (CUT, 2 * CUT + 1) else r["sog_mps"])}
            for i, r in enumerate(rows(hist))
        ],
        steps=3,
    ),
)
say(
    "DR one traj with motion, one without",
    lambda: post(
        [
            r
            if r["traj_id"] == "v00"
            else {k: v for k, v in r.items() if k not in ("sog_mps", "cog_deg")}
            for r in rows(hist)
        ],
        steps=3,
    ),
)
say(
    "DR one-point trajectory",
    lambda: post(rows(hist.group_by("traj_id", maintain_order=True).tail(1)), steps=3),
)
say("DR rows unsorted", lambda: post(rows(hist.reverse()), steps=3))
say("DR duplicate timestamps", lambda: post(rows(pl.concat([hist, hist.tail(1)])), steps=3))
say("DR steps 100000", lambda: post(rows(hist), steps=100000))
say("DR seconds_ahead 1e12", lambda: post(rows(hist), seconds_ahead=[1e12]))
say("DR seconds_ahead + radii", lambda: post(rows(hist), seconds_ahead=[30, 90], radii=[50, 90]))
say("DR steps + radii", lambda: post(rows(hist), steps=3, radii=[50, 95]))
say("DR at_times before last fix", lambda: post(rows(hist), at_times=[float(hist["t"].min())]))
say("DR fallback false", lambda: post(rows(hist), steps=3, fallback=False))
say(
    "DR ids mixed int / str",
    lambda: post(
        [{**r, "traj_id": (1 if r["traj_id"] == "v00" else "v01")} for r in rows(hist)], steps=3
    ),
)
say("DR split_gaps true", lambda: post(rows(hist), steps=3, split_gaps=True))
say("DR t in ms", lambda: post([{**r, "t": r["t"] * 1000} for r in rows(hist)], steps=3))
say(
    "DR t ISO text",
    lambda: post(
        [
            {
                **r,
                "t": __import__("datetime")
                .datetime.fromtimestamp(r["t"], __import__("datetime").UTC)
                .isoformat(),
            }
            for r in rows(hist)
        ],
        steps=3,
    ),
)
say(
    "DR speed key 'SOG_MPS' upper",
    lambda: post(
        [{("SOG_MPS" if k == "sog_mps" else k): v for k, v in r.items()} for r in rows(hist)],
        steps=3,
    ),
)
say(
    "DR speed NaN (json NaN)",
    lambda: client.post(
        "/predict",
        content=json.dumps({"trajectories": edit(sog_mps=float("nan")), "steps": 3}),
        headers={"content-type": "application/json"},
    ).text[:300],
)
say("DR empty trajectories", lambda: post([], steps=3))

# Python API and CLI with the DR run
hist_pl = hist


def py(lm, df, **kw) -> str:
    out = lm.predict(df, **kw)
    eng = set(out["engine"]) if "engine" in out.columns else "-"
    std = out["std_m"].to_list()[:3] if "std_m" in out.columns else "-"
    return f"rows={out.height} engine={eng} lon0={out['lon'][0] if out.height else None} std={std} cols={out.columns}"


say(
    "py DR speed as text column",
    lambda: py(ships_lm, hist.with_columns(pl.col("sog_mps").cast(pl.String)), steps=3),
)
say("py DR speed negative", lambda: py(ships_lm, hist.with_columns(sog_mps=-12.0), steps=3))
say("py DR course NaN", lambda: py(ships_lm, hist.with_columns(cog_deg=float("nan")), steps=3))
say("py DR speed inf", lambda: py(ships_lm, hist.with_columns(sog_mps=float("inf")), steps=3))
say("py DR radii=[50]", lambda: py(ships_lm, hist, steps=3, radii=[50]))
say(
    "py DR one-point",
    lambda: py(ships_lm, hist.group_by("traj_id", maintain_order=True).tail(1), steps=3),
)

# ---------------- uncert26: engine spread on the circles' verdict ----------------
circ = _circle_trips(n=3, points=25, seed=9).with_columns(traj_id=pl.lit("q") + pl.col("traj_id"))
clm = trajlm.TrajLM.from_pretrained(circles_run, threads=1)
say("spread baseline steps 5 radii", lambda: py(clm, circ, steps=5, radii=[50, 90, 95]))
say("spread radii [99]", lambda: py(clm, circ, steps=3, radii=[99]))
say("spread radii [0]", lambda: py(clm, circ, steps=3, radii=[0]))
say("spread radii [100]", lambda: py(clm, circ, steps=3, radii=[100]))
say("spread radii [-5]", lambda: py(clm, circ, steps=3, radii=[-5]))
say("spread radii ['x']", lambda: py(clm, circ, steps=3, radii=["x"]))
say("spread radii [50.5]", lambda: py(clm, circ, steps=3, radii=[50.5]))
say("spread radii [68]", lambda: py(clm, circ, steps=3, radii=[68]))
say(
    "spread one-point trajectory",
    lambda: py(clm, circ.group_by("traj_id", maintain_order=True).tail(1), steps=3),
)
say(
    "spread two-point trajectory",
    lambda: py(clm, circ.group_by("traj_id", maintain_order=True).tail(2), steps=3),
)
say(
    "spread stationary trajectory",
    lambda: py(clm, circ.with_columns(lat=pl.lit(41.15), lon=pl.lit(-8.61)), steps=3),
)
say(
    "spread duplicate t in history",
    lambda: py(
        clm, pl.concat([circ, circ.group_by("traj_id", maintain_order=True).tail(1)]), steps=3
    ),
)
say("spread unsorted history", lambda: py(clm, circ.reverse(), steps=3))
say(
    "spread seconds_ahead unsorted dup",
    lambda: py(clm, circ, seconds_ahead=[30, 10, 30], radii=[90]),
)
say("spread seconds_ahead 1e7", lambda: py(clm, circ, seconds_ahead=[1e7], radii=[90]))
say(
    "spread int ids",
    lambda: py(
        clm,
        circ.with_columns(traj_id=pl.col("traj_id").rank("dense").cast(pl.Int64)),
        steps=3,
        radii=[90],
    ),
)
say(
    "spread at_times before last fix",
    lambda: py(clm, circ, at_times={"qc00": [int(circ["t"].min())]}, radii=[90]),
)


def damaged(name: str, change) -> Path:
    d = OUT / f"dmg_{name}"
    shutil.copytree(circles_run, d)
    v = json.loads((d / "val_verdict.json").read_text())
    change(v["predict"])
    (d / "val_verdict.json").write_text(json.dumps(v))
    return d


def eng(v):
    return v["engine"]


def dmg_case(name, change, **kw):
    say(
        f"spread damaged: {name}",
        lambda: py(
            trajlm.TrajLM.from_pretrained(damaged(name, change), threads=1),
            circ,
            **({"steps": 3, "radii": [90]} | kw),
        ),
    )


dmg_case("sigma NaN", lambda v: v["spread"][eng(v)].__setitem__("sigma", float("nan")))
dmg_case("sigma negative", lambda v: v["spread"][eng(v)].__setitem__("sigma", -1.0))
dmg_case("sigma 1e308", lambda v: v["spread"][eng(v)].__setitem__("sigma", 1e308))
dmg_case(
    "factors 1e308",
    lambda v: v["spread"][eng(v)].__setitem__("factors", {"50": 1e308, "90": 1e308, "95": 1e308}),
)
dmg_case(
    "factors text",
    lambda v: v["spread"][eng(v)].__setitem__("factors", {"50": "1", "90": "2", "95": "3"}),
)
dmg_case(
    "factors decreasing",
    lambda v: v["spread"][eng(v)].__setitem__("factors", {"50": 3, "90": 2, "95": 1}),
)
dmg_case("engine entry missing", lambda v: v["spread"].pop(eng(v)))
dmg_case("spread a list", lambda v: v.__setitem__("spread", []))
dmg_case("spread a string", lambda v: v.__setitem__("spread", "x"))
dmg_case("spread null", lambda v: v.__setitem__("spread", None))
dmg_case("engine renamed linear-3", lambda v: v.__setitem__("engine", "linear-3"))
dmg_case("engine unknown 'magic'", lambda v: v.__setitem__("engine", "magic"))
dmg_case(
    "factors missing 95 (radii 95)", lambda v: v["spread"][eng(v)]["factors"].pop("95"), radii=[95]
)


def trunc():
    d = OUT / "dmg_trunc"
    shutil.copytree(circles_run, d)
    t = (d / "val_verdict.json").read_text()
    (d / "val_verdict.json").write_text(t[: len(t) // 2])
    return py(trajlm.TrajLM.from_pretrained(d, threads=1), circ, steps=3)


say("verdict truncated", trunc)


def knn_missing():
    d = OUT / "dmg_knn"
    shutil.copytree(circles_run, d)
    for p in d.glob("val_verdict_knn*"):
        p.unlink()
    return py(trajlm.TrajLM.from_pretrained(d, threads=1), circ, steps=3)


say("val_verdict_knn missing", knn_missing)


def knn_other():
    d = OUT / "dmg_knn_other"
    shutil.copytree(circles_run, d)
    for p in d.glob("val_verdict_knn*"):
        shutil.copy(next(ships_run.glob("val_verdict_knn*")), p) if list(
            ships_run.glob("val_verdict_knn*")
        ) else p.write_bytes(b"")
    return py(trajlm.TrajLM.from_pretrained(d, threads=1), circ, steps=3)


say("val_verdict_knn from another run", knn_other)

# HTTP on circles: radii / seconds_ahead
cclient = TestClient(create_app(clm))
cclient.__enter__()
crow = rows(circ)


def cpost(**kw) -> str:
    r = cclient.post("/predict", json={"trajectories": crow, **kw})
    j = r.json()
    if r.status_code != 200:
        return f"HTTP {r.status_code} {str(j)[:300]}"
    pts = j.get("points") or j.get("rows") or [f["properties"] for f in j.get("features", [])]
    keys = sorted(pts[0]) if pts else []
    return f"HTTP 200 engine={j.get('engine')} n={len(pts)} keys={keys} std0={pts[0].get('std_m') if pts else None} warn={j.get('warnings')}"


say("http spread radii [99]", lambda: cpost(steps=3, radii=[99]))
say("http spread radii [50,50]", lambda: cpost(steps=3, radii=[50, 50]))
say("http spread radii []", lambda: cpost(steps=3, radii=[]))
say("http spread seconds_ahead + radii", lambda: cpost(seconds_ahead=[10, 20], radii=[90]))
say("http spread output geojson radii", lambda: cpost(steps=3, radii=[90], output="geojson"))
say("http spread output table", lambda: cpost(steps=3, radii=[90], output="table"))

# CLI with the dead-reckoning run
from typer.testing import CliRunner  # noqa: E402

from trajlm.cli import app  # noqa: E402


def cli(df: pl.DataFrame, name: str, *opts: str, keep: bool = False) -> str:
    src, out = OUT / f"{name}.csv", OUT / f"{name}_out.csv"
    df.write_csv(src)
    if not keep:
        out.unlink(missing_ok=True)
    res = CliRunner().invoke(app, ["predict", "--model", str(ships_run), "--input", str(src),
                                   "--out", str(out), "--threads", "1", *opts])  # fmt: skip
    got = pl.read_csv(out) if out.exists() and res.exit_code == 0 else None
    lines = " / ".join(ln[:160] for ln in res.output.splitlines() if ln.strip())[:400]
    summary = (
        ""
        if got is None
        else f" engine={set(got['engine']) if 'engine' in got.columns else '-'} lat0={got['lat'][0]}"
    )
    return f"exit={res.exit_code}{summary} :: {lines}"


say("cli DR --steps 3", lambda: cli(hist, "c1", "--steps", "3"))
say("cli DR --seconds-ahead -30", lambda: cli(hist, "c2", "--seconds-ahead", "-30"))
say(
    "cli DR --seconds-ahead 30 no motion cols",
    lambda: cli(hist.drop("sog_mps", "cog_deg"), "c3", "--seconds-ahead", "30"),
)
say("cli DR --out exists", lambda: cli(hist, "c1", "--steps", "3", keep=True))
say(
    "cli DR speed column text",
    lambda: cli(
        hist.with_columns(pl.col("sog_mps").cast(pl.String) + " m/s"), "c5", "--steps", "3"
    ),
)
print(f"{say.n} cases")
