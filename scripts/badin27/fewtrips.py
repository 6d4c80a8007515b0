"""badin27: hostile val splits for fewtrip27's rule (eval/few_trips.py: below 10 val trips the
verdict's best baseline is read on up to 5 windows of each val trip). Each case runs knn_check
(the code `trajlm train` ends with) with tests/test_fewtrip27.py's untrained model and circle
train split on a hostile val table, and prints the chosen baseline and the small-val line.
Classified by hand on first read (scripts/badin27/classes.py).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin27/fewtrips.py
"""

from __future__ import annotations

import sys
import traceback
import warnings
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
warnings.simplefilter("ignore")
from test_fewtrip27 import _straight_then_circle  # noqa: E402
from test_heldout23_knn_check import _circle_trips  # noqa: E402

from trajlm.data.protocol_tasks import make_prediction_task  # noqa: E402
from trajlm.eval.knn_check import knn_check  # noqa: E402


def model_and_train():
    import torch

    from trajlm.data.features import NormStats
    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    model = TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32,
                                        residual_base="constant_velocity"))  # fmt: skip
    train = _circle_trips(n=12, points=40)
    model.config.stats = NormStats.fit(train).to_dict()
    return model, train


MODEL, TRAIN = model_and_train()
N = 0


def case(name: str, val: pl.DataFrame, table: pl.DataFrame | None = None, **kw) -> None:
    global N
    N += 1
    try:
        check = knn_check(MODEL, kw.pop("train", TRAIN), make_prediction_task(val),
                          spread_from=val if table is None else table)  # fmt: skip
        if not check:
            print(f"{N:03d} {name} | ok | {{}} (no check)")
            return
        ade = {k: round(v, 1) for k, v in check["val_ade_baselines_m"].items()}
        print(f"{N:03d} {name} | ok | best={check['val_best_baseline']} | "
              f"small={check.get('val_small_rule', '-')[:260]} | first={ade}")  # fmt: skip
    except Exception as e:  # noqa: BLE001
        tb = traceback.format_exc().strip().splitlines()
        print(f"{N:03d} {name} | EXC {type(e).__name__} | {str(e)[:250]} @ {tb[-3][:120]}")


V4 = _straight_then_circle(4)
case("4 val trips (the test's case)", V4)
case("1 val trip", _straight_then_circle(1))
case("2 val trips", _straight_then_circle(2))
case("9 val trips", _straight_then_circle(9))
case("10 val trips", _straight_then_circle(10))
case("4 trips of one window each (25 fixes)", V4.group_by("traj_id", maintain_order=True).head(25))
case("4 trips of 8 fixes", V4.group_by("traj_id", maintain_order=True).head(8))
case(
    "table: another store's trips (ids not in the task)", V4, V4.with_columns(traj_id=pl.lit("zz"))
)
case("table: empty", V4, V4.head(0))
case("one trip 500 fixes long, three short", pl.concat([
    _straight_then_circle(1).pipe(lambda d: pl.concat([d.with_columns(t=pl.col("t") + 550 * k, traj_id=pl.lit("long")) for k in range(9)])),
    V4.filter(pl.col("traj_id") != "v0").group_by("traj_id", maintain_order=True).head(25)]))  # fmt: skip
case("all val trips standing still", V4.with_columns(lat=pl.lit(41.15), lon=pl.lit(-8.61)))
case(
    "val trips in another city (Sydney)",
    V4.with_columns(lat=pl.col("lat") - 75.0, lon=pl.col("lon") + 160.0),
)
case(
    "val with day-long gaps",
    V4.with_columns(t=pl.col("t") * 1 + (pl.int_range(pl.len()).over("traj_id") // 10) * 86_400),
)
case(
    "val trips with int ids", V4.with_columns(traj_id=pl.col("traj_id").str.slice(1).cast(pl.Int64))
)
case(
    "val copies of one trip under 4 ids",
    pl.concat(
        [
            V4.filter(pl.col("traj_id") == "v0").with_columns(traj_id=pl.lit(f"c{i}"))
            for i in range(4)
        ]
    ),
)
rng = np.random.default_rng(0)
case(
    "val with speed / course columns (DR)",
    V4.with_columns(sog_mps=pl.lit(7.5), cog_deg=pl.lit(90.0)),
)
case(
    "val with speed / course all null",
    V4.with_columns(sog_mps=pl.lit(None, pl.Float64), cog_deg=pl.lit(None, pl.Float64)),
)
case(
    "val jittered by 1 km noise",
    V4.with_columns(lat=pl.col("lat") + pl.Series(rng.normal(0, 0.01, V4.height))),
)
print("done", N)
