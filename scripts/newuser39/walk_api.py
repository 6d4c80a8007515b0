"""newuser39's Python walk: the own pretraining run loaded by path, its coverage read, a
prediction on the operator's own export (the raw CSV, as pandas reads it), and the evaluation.

    python scripts/newuser39/walk_api.py RUN STORE CSV OUT_JSON
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from pathlib import Path

import pandas as pd

import trajlm
import trajlm.errors


def main() -> None:
    run, store, csv, out = sys.argv[1:5]
    said: dict = {}
    t0 = time.time()
    model = trajlm.TrajLM.from_pretrained(run)
    said["load_s"] = round(time.time() - t0, 1)
    cov = model.config.coverage
    said["coverage"] = {k: cov.get(k) for k in ("sources", "regions", "dt_s", "store")}
    raw = pd.read_csv(csv, sep=";", decimal=",", dtype={"linje": str})
    raw["tidspunkt"] = pd.to_datetime(raw["tidspunkt"], format="%d.%m.%Y %H:%M:%S")
    raw["tidspunkt"] = raw["tidspunkt"].dt.tz_localize("Europe/Oslo")  # the operator's clock
    last_day = raw[raw["tidspunkt"].dt.day == 29]
    ids = last_day["tur_id"].drop_duplicates().head(20)
    trips = last_day[last_day["tur_id"].isin(ids)]
    cols = dict(traj_col="tur_id", time_col="tidspunkt", lat_col="breddegrad", lon_col="lengdegrad")
    try:  # the export holds (0, 0) fixes: predict refuses them, naming trajlm.clean
        model.predict(trips, steps=5, **cols)
    except trajlm.errors.TrajlmInputError as e:
        said["predict_raw"] = str(e)[:300]
    trips, report = trajlm.clean(trips, return_report=True, **cols)  # as the message says
    said["clean_report"] = str(report)[:300]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pred = model.predict(trips, steps=5, **cols)
    said["predict_columns"] = list(pred.columns)
    said["predict_rows"] = len(pred)
    said["predict_engines"] = (
        sorted(pred["engine"].astype(str).unique()) if "engine" in pred.columns else None
    )
    said["predict_warnings"] = [f"{w.category.__name__}: {w.message}"[:300] for w in caught]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = model.evaluate(store, task="predict",
                               compare=[(Path(run).name, "kNN continuation (place-aware)")])  # fmt: skip
    said["evaluate_methods"] = list(table["method"])
    said["evaluate_comparisons"] = table.attrs.get("comparisons")
    said["evaluate_warnings"] = [f"{w.category.__name__}: {w.message}"[:300] for w in caught]
    with open(out, "w") as f:
        json.dump(said, f, indent=2, default=str)
    print(json.dumps(said, indent=2, default=str)[:6000])


if __name__ == "__main__":
    main()
