"""Whether a model can have trained on the trips an evaluation scores (session 14, cliuser):
`trajlm eval` warns of a leak when the model was trained under another split rule, but only
where its training data can hold these trips at all."""

from __future__ import annotations

import polars as pl

from trajlm.data.longitude import lon_outside


def could_have_seen(cov: dict, test: pl.DataFrame) -> bool:
    """Whether a model with this training coverage can have trained on any of these test
    points: False when they all lie outside its training time span or its training box (a
    checkpoint from other data, e.g. trajlm-small on a user's store, was warned about a leak
    it cannot have had: session 14, cliuser item 12); True when unsure."""
    if not len(test):
        return False
    span, box = cov.get("time_span_unix"), cov.get("bbox")
    if span and (int(test["t"].max()) < span[0] or int(test["t"].min()) > span[1]):
        return False
    if box and (
        float(test["lat"].max()) < box["min_lat"]
        or float(test["lat"].min()) > box["max_lat"]
        or bool((lon_outside(test["lon"].to_numpy(), box["min_lon"], box["max_lon"]) > 0).all())
    ):  # fmt: skip  (a box with min_lon > max_lon crosses the antimeridian: ships24)
        return False
    return True
