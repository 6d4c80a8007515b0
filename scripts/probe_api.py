"""The Python API on a store's test trips (docs/generalization.md "Session 10"): the first 20
points of each trip go to `TrajLM.predict` as a plain DataFrame, the answer is scored against
the trip's next 5 points, as `trajlm eval --task predict` scores the same model.

    python scripts/probe_api.py --data /tmp/probemodel/stores/ships_600s --model trajlm-small

steps=5: the model's own next 5 points vs the true next 5 (PROTOCOL task 1; constant velocity
per step for reference). seconds_ahead: positions asked at the true times of the next 5 points
(one call per trip, each trip's own offsets) vs constant velocity in time (the last velocity
times the offset).
"""

from __future__ import annotations

import argparse

import numpy as np
import polars as pl


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--model", default="trajlm-small")
    ap.add_argument("--max-trips", type=int, default=0, help="the first N test trips only")
    args = ap.parse_args(argv)

    import trajlm
    from trajlm.data.metrics import point_errors
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.data.store import read_store

    task = make_prediction_task(read_store(args.data, split="test"))
    n = len(task.lengths) if not args.max_trips else min(args.max_trips, len(task.lengths))
    rows = [
        pl.DataFrame({"traj_id": task.traj_ids[i], "t": task.hist_t[i, : task.lengths[i]],
                      "lat": task.hist_latlon[i, : task.lengths[i], 0],
                      "lon": task.hist_latlon[i, : task.lengths[i], 1]})
        for i in range(n)
    ]  # fmt: skip
    hist = pl.concat(rows)
    m = trajlm.TrajLM.from_pretrained(args.model)
    out = m.predict(hist, steps=5).sort("traj_id", "step")
    pred = np.stack([out["lat"].to_numpy(), out["lon"].to_numpy()], -1).reshape(n, 5, 2)
    order = np.argsort(np.array(task.traj_ids[:n], dtype=object).astype(str), kind="stable")
    truth = task.target_latlon[:n][order]
    last = task.hist_latlon[np.arange(n), task.lengths[:n] - 1][order]
    prev = task.hist_latlon[np.arange(n), task.lengths[:n] - 2][order]
    cv = last[:, None] + (last - prev)[:, None] * np.arange(1, 6)[None, :, None]
    e_model = point_errors(pred, truth).mean(1)
    e_cv = point_errors(cv, truth).mean(1)
    res = {"n": n, "steps_model_m": float(e_model.mean()), "steps_cv_m": float(e_cv.mean())}

    # asked times: each trip's true next 5 times after its last point
    e_at, e_cvt = [], []
    t_last = task.hist_t[np.arange(n), task.lengths[:n] - 1]
    t_prev = task.hist_t[np.arange(n), task.lengths[:n] - 2]
    for i in range(n):
        ahead = (task.target_t[i] - t_last[i]).astype(float).tolist()
        got = m.predict(rows[i], seconds_ahead=ahead)
        p = np.stack([got["lat"].to_numpy(), got["lon"].to_numpy()], -1)
        e_at.append(point_errors(p[None], task.target_latlon[i][None]).mean())
        i_last, i_prev = (
            task.hist_latlon[i, task.lengths[i] - 1],
            task.hist_latlon[i, task.lengths[i] - 2],
        )
        v = (i_last - i_prev) / max(float(t_last[i] - t_prev[i]), 1.0)
        c = i_last[None] + v[None] * np.asarray(ahead)[:, None]
        e_cvt.append(point_errors(c[None], task.target_latlon[i][None]).mean())
    res |= {"at_times_model_m": float(np.nanmean(e_at)), "at_times_cv_time_m": float(np.mean(e_cvt)),
            "at_times_nan_trips": int(np.isnan(e_at).sum())}  # fmt: skip
    for k, v in res.items():
        print(f"{k:<22} {v:,.1f}" if isinstance(v, float) else f"{k:<22} {v}")
    return res


if __name__ == "__main__":
    main()
