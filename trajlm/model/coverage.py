"""What a model was trained on, and warnings when an input lies outside it.

The Trainer records ``compute_coverage(store)`` in the model's config.json (``coverage``):
bounding box (lat/lon and metres in the model's plane), the boxes of the occupied 1-degree
cells (``regions``: what the position check reads, coverage_regions.py), hour-of-day and weekday histograms of
the train points (UTC; Monday = 0), sampling-interval and speed percentiles, sources and the
split rule. ``coverage_warnings(model, df)`` names each feature of ``df`` outside it; the same
record drives the model's automatic motion-only fallback (embedding.PointEmbedding.hide).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from trajlm.data.features import EARTH_RADIUS_M, LocalProjection, NormStats
from trajlm.data.longitude import arc_width
from trajlm.model.coverage_card import load_coverage, model_card, position_unread
from trajlm.model.coverage_clock import (  # noqa: F401  (split out, review36: importable here)
    MIN_BIN_SHARE,
    WEEKDAYS,
    clock_warnings,
    sampled_seen,
    seen_bins,
)
from trajlm.model.coverage_gate import gate_table, gate_warnings, glitch_speed
from trajlm.model.coverage_lanes import lane_margin_m
from trajlm.model.coverage_record import compute_coverage, merge_coverage  # noqa: F401
from trajlm.model.coverage_regions import region_distance_m, regions_of

# Positions up to this far outside the training bounding box count as inside it.
MARGIN_M = 5_000.0
# "lat and lon swapped?" is suggested only for a training area smaller than this (degrees):
# a multi-city box (trajlm-small's spans 87 degrees of longitude) holds many swapped points
SWAP_HINT_DEG = 5.0


class CoverageWarning(UserWarning):
    """An input outside what the model was trained on (``TrajLM`` warns with this class, so
    ``warnings.filterwarnings("ignore", category=CoverageWarning)`` silences only these)."""


def coverage_masks(coverage: dict, stats: NormStats) -> tuple[list, list, list]:
    """(hour_ok (24,), weekday_ok (7,), xy box (4,) in normalized position units, widened by
    MARGIN_M) for the model's automatic fallback. Clock-shift training has seen every hour."""
    shifted = coverage.get("clock_shift_prob", 0.0) > 0
    hours = [True] * 24 if shifted else seen_bins(coverage["hour_hist"]).tolist()
    days = [True] * 7 if shifted else seen_bins(coverage["weekday_hist"]).tolist()
    x0, y0, x1, y1 = coverage["xy_box_m"]
    (mx, my), s = stats.xy_mean, stats.xy_scale
    box = [(x0 - MARGIN_M - mx) / s, (y0 - MARGIN_M - my) / s]
    box += [(x1 + MARGIN_M - mx) / s, (y1 + MARGIN_M - my) / s]
    return hours, days, box


def coverage_warnings(
    model_or_card: Any, df: pl.DataFrame, history: int | None = None, predicts: bool = True
) -> list[str]:
    """One line per feature of ``df`` (columns t, lat, lon; traj_id for the motion features)
    outside the training coverage; [] when everything is inside or no coverage was recorded.

    Speed and sampling interval are judged per trajectory against the coverage gate's ranges
    (model/coverage_gate.py; since session 19 only where clearly outside: covwarn19), over each one's last ``history`` points (what the model reads:
    max_len - steps for ``predict``; all when None), and say what the model does there."""
    if not isinstance(df, pl.DataFrame):  # pandas / GeoPandas / MovingPandas / a LazyFrame
        from trajlm.data.coerce import to_canonical

        df = to_canonical(df, validate=False)
    cov = load_coverage(model_or_card)
    if not cov or len(df) == 0:
        return []
    refuse_degrees_on_plane_model(cov, df["lat"].to_numpy(), df["lon"].to_numpy())
    ids = df["traj_id"].to_numpy() if "traj_id" in df.columns else None
    out = clock_warnings(model_or_card, df["t"].to_numpy(), ids)
    line = position_warning(model_or_card, df["lat"].to_numpy(), df["lon"].to_numpy())
    if line:
        out.append(line)
    if "traj_id" in df.columns:  # the coverage gate's features, by its own rule
        gate, step_limit, proj = _gate_setup(model_or_card, df)
        out += gate_warnings(cov, df, proj, gate, step_limit, history, predicts)
    return out


def refuse_across_planes(
    cov: dict | None, store: Any, option: str = "--data", init_from: Any = None
) -> None:
    """One line when a model's training plane (``cov["crs"]``: "local" for x / y metres, none
    for degrees) is not ``store``'s: a fine-tune across planes kept only the new store's record
    (fix37c: a pitch model fine-tuned on Porto degrees went unchecked on either). ``init_from``:
    the run a training starts from (`[train] init_from`, ``TrajLM.fit(init_from=)``; leftover38:
    its record joined a pitch's stand-in box at 1 N 1 E with Turin's into one gate box)."""
    from trajlm.data.local_plane import store_crs
    from trajlm.errors import TrajlmInputError

    if not cov:  # a model from before coverage was recorded: its plane is unknown
        return
    plane = {"local": "x / y metres on a plane (--crs local)", None: "latitude / longitude degrees"}
    was, now = cov.get("crs"), store_crs(store)
    if (was == "local") == (now == "local"):
        return
    holds, trained = plane[now if now == "local" else None], plane[was if was == "local" else None]
    if init_from is not None:
        raise TrajlmInputError(
            f"the training store {store} holds {holds}, and init_from {init_from} was trained "
            f"on {trained}: training from its weights cannot cross planes (one coverage record "
            "cannot hold both)",
            field="init_from",
            hint="leave out init_from (fresh weights), or start from a run trained on the same "
            "plane",
        )
    raise TrajlmInputError(
        f"{option} {store} holds {holds}, and this model was trained on {trained}: a fine-tune "
        "cannot cross planes",
        field=option.lstrip("-"),
        hint=f"train a model on it instead (trajlm train --data {store}), or fine-tune a "
        "model trained on the same plane",
    )


def refuse_degrees_on_plane_model(cov: dict, lat: np.ndarray, lon: np.ndarray) -> None:
    """One line when a model trained on a `--crs local` store (``cov["crs"]``) is given
    latitude / longitude: points farther from the stand-in plane's anchor than a plane reaches
    (geo.LOCAL_MAX_M) are degrees, which mean nothing to it (badfix37)."""
    if cov.get("crs") != "local":
        return
    from trajlm.data import geo
    from trajlm.data.geometry import haversine
    from trajlm.errors import TrajlmInputError

    ok = np.isfinite(lat) & np.isfinite(lon)
    if not ok.any():
        return
    a_lat, a_lon = (np.full(int(ok.sum()), v) for v in geo.LOCAL_ANCHOR)
    far = haversine(lat[ok], lon[ok], a_lat, a_lon) > geo.LOCAL_MAX_M
    if far.any():
        raise TrajlmInputError(
            f"this model was trained on x / y metres on a plane (the --crs local store "
            f"{cov.get('store', '')!s}), and these points are latitude / longitude degrees "
            "(or another plane's), which mean nothing to it",
            field="crs",
            hint="give x / y metres with crs='local' (--crs local on the command line, "
            '"crs": "local" over HTTP)',
        )


def refuse_plane_on_degree_model(cov: dict, lat: np.ndarray, lon: np.ndarray, option: str) -> None:
    """One line when a model trained on latitude / longitude is given x / y metres on a local
    plane (``lat`` / ``lon``: the points as the plane's stand-in about geo.LOCAL_ANCHOR; the
    caller knows they were sent with ``option``, e.g. ``crs='local'``). fix40c: degree pairs
    sent as local metres lie within metres of one another on the plane, 4,955 km from the
    training area, and the verdict's linear regression answered 1.3e-126 s (three warnings).
    Says what the values look like: degrees (every value a latitude / longitude; inside the
    training area read as degrees), or another plane's metres. Nothing for a plane model or a
    model with no coverage record (older; its plane is unknown)."""
    if not cov or cov.get("crs") == "local" or "bbox" not in cov:
        return
    from trajlm.data.geo import from_wgs84
    from trajlm.errors import TrajlmInputError

    x, y = from_wgs84(np.asarray(lat, np.float64), np.asarray(lon, np.float64), "local")
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return
    x, y = x[ok], y[ok]
    example = f"[{float(x[0]):.6g}, {float(y[0]):.6g}]"
    area = _fmt_bbox(cov["bbox"])
    if (np.abs(x) <= 90).all() and (np.abs(y) <= 180).all():
        inside = (region_distance_m(cov, x, y) <= position_margin_m(cov)).mean()
        looks = (f"these values look like latitude / longitude degrees sent as local metres "
                 f"(e.g. {example}" + (f"; read as degrees, {100 * inside:.0f} % of them lie in "
                 "the training area)" if inside else ")"))  # fmt: skip
        hint = f"leave out {option}: latitude / longitude pairs are read as degrees"
    else:
        looks = f"x / y metres such as {example} are another plane's"
        hint = (
            "send latitude / longitude degrees, or use a model trained on the plane "
            "(trajlm data ingest --crs local, then trajlm train)"
        )
    raise TrajlmInputError(
        f"this model was trained on latitude / longitude degrees ({area}), where x / y metres on "
        f"a local plane ({option}) mean nothing; {looks}",
        field="crs",
        hint=hint,
    )


def trip_warnings(
    model_or_card: Any, origins: np.ndarray, destinations: np.ndarray, depart: np.ndarray
) -> list[str]:
    """``coverage_warnings`` for ``TrajLM.travel_time``'s trips: places the model never saw
    (origins and destinations) and departures at an hour / weekday it never saw, each trip
    judged as one trajectory (leftovers21: predict warned of the hour, travel_time did not)."""
    o, d = np.asarray(origins, np.float64), np.asarray(destinations, np.float64)
    ids = np.arange(len(depart)) if len(depart) > 1 else None
    out = clock_warnings(model_or_card, np.asarray(depart), ids, "departures")
    where = position_warning(model_or_card, np.r_[o[:, 0], d[:, 0]], np.r_[o[:, 1], d[:, 1]],
                             what="origins and destinations")  # fmt: skip
    return [*out, where] if where else out


def _gate_setup(model_or_card: Any, df: pl.DataFrame) -> tuple[str | None, float | None, Any]:
    """(coverage_gate or None when unknown, max_step_norm in metres or None, the plane the
    gate measures ``df``'s steps in)."""
    card = model_card(model_or_card)
    gate = card.get("coverage_gate") if card else None
    stats = (card or {}).get("stats")
    step_limit = None
    if stats and card.get("max_step_norm") is not None:
        step_limit = float(card["max_step_norm"]) * float(stats["dxy_scale"])
    if stats and card.get("position_frame", "store") != "trajectory":
        proj = NormStats.from_dict(stats).projection
    else:  # predict's plane for a trajectory-frame model: the input's own
        proj = LocalProjection.fit(df)
    return gate, step_limit, proj


def gate_effects(model_or_card: Any, df: pl.DataFrame, history: int | None = None) -> pl.DataFrame:
    """Per trajectory of ``df`` (traj_id, t, lat, lon): the medians the coverage gate reads
    over its last ``history`` points (``max_len - steps`` for ``predict``; all when None) and
    ``gate_kept``, the share of the model's correction to constant velocity its prediction
    keeps (1: the gate does not act; 0: constant velocity, or its own step for a history
    faster than a glitch). The warning names a trajectory only where it is clearly outside
    the training data (coverage_gate.py); this table shows every one the gate acts on, e.g.
    the 2 % of Porto / GeoLife val trajectories it moves by up to 28 m silently (session 20,
    cov20). A model without the gate (coverage_gate = "none") keeps 1 everywhere."""
    if not isinstance(df, pl.DataFrame):
        from trajlm.data.coerce import to_canonical

        df = to_canonical(df, validate=False)
    cov = load_coverage(model_or_card)
    gate, step_limit, proj = _gate_setup(model_or_card, df)
    t = gate_table(cov, df, proj, step_limit, history)
    g = t["g"].to_numpy().copy()
    g[t["speed_mps"].to_numpy() > glitch_speed(cov, step_limit)] = 0.0
    if gate == "none":
        g[:] = 1.0
    return t.select("traj_id", "speed_mps", "dt_s", "step_m", gate_kept=pl.Series(g))


def position_warning(
    model_or_card: Any, lat: np.ndarray, lon: np.ndarray, what: str = "points"
) -> str | None:
    """One line when positions lie over ``position_margin_m`` from every training region (None when
    all are inside, no coverage was recorded, or the model reads no absolute position and
    swapping lat and lon would not bring them inside); says when swapping would (a (lon, lat)
    pair given as (lat, lon))."""
    cov = load_coverage(model_or_card)
    lat, lon = np.asarray(lat, np.float64), np.asarray(lon, np.float64)
    if not cov or "bbox" not in cov or len(lat) == 0:
        return None
    dist = region_distance_m(cov, lat, lon)
    margin = position_margin_m(cov)
    far = dist > margin
    if not far.any():
        return None
    n = len(cov.get("regions") or [])
    area = (f"the training regions ({n:,} boxes of training fixes, one per 1-degree cell, within "
            f"{_fmt_bbox(cov['bbox'])})" if n > 1 else f"the training area ({_fmt_bbox(cov['bbox'])})")  # fmt: skip
    line = (f"positions up to {dist.max() / 1000:,.0f} km from {area}: {far.mean():.0%} of "
            f"{what} lie over {margin / 1000:,.0f} km from any"
            f"{_margin_words(cov, margin)}")  # fmt: skip
    # a swap is told apart from a far-off place by each training region's size, not the
    # box around them all (trajlm-small's three cities span more than SWAP_HINT_DEG)
    boxes = np.asarray(regions_of(cov), np.float64).reshape(-1, 4)  # min_lat, min_lon, max_...
    size = np.maximum(boxes[:, 2] - boxes[:, 0], arc_width(boxes[:, 1], boxes[:, 3]))
    small = bool((size < SWAP_HINT_DEG).all())
    if small and (region_distance_m(cov, lon[far], lat[far]) <= MARGIN_M).all():
        line += " (with lat and lon swapped they would be inside: (lon, lat) given as (lat, lon)?)"
    elif position_unread(model_or_card):  # nothing to act on: no line (ux7, noise on every
        return None  # call buried the warnings that ask something; motion is gated elsewhere)
    else:  # what a user can do about it (session 21: the line said only where)
        line += ("; the model reads absolute positions and extrapolates there: compare it with "
                 "trajlm.baselines.ConstantVelocity on those tracks, or fine-tune on tracks "
                 "from that area")  # fmt: skip
    return line


def position_margin_m(cov: dict) -> float:
    """How far from every training fix a position is "outside" (metres): MARGIN_M, or two
    median training steps (speed p50 x interval p50) for sparse tracks whose fixes lie farther
    apart than that. Session 21 (frames21): heldout20's 6-hourly hurricane model (steps of
    ~120 km) warned on 82 of 89 test storms 5-200 km from its fixes, with no worse a model /
    constant-velocity ratio there than nearer (1.41 at 5-50 km, 1.21 at 50-200 km)."""
    speed, dt = (cov.get("speed_mps") or {}).get("p50"), (cov.get("dt_s") or {}).get("p50")
    step = float(speed) * float(dt) if speed and dt else 0.0
    # session 25 (irreg25): or twice the spacing of the training lanes, where the record has it
    # (a fleet whose own held-out voyages sail between lanes tens of km apart; coverage_lanes)
    return max(MARGIN_M, 2.0 * step, lane_margin_m(cov))


def _margin_words(cov: dict, margin: float) -> str:
    """What set the margin, for the warning's line."""
    if margin <= MARGIN_M:
        return ""
    if margin == lane_margin_m(cov):
        return " (twice the spacing of the training trajectories' lanes)"
    return " (2 median training steps)"


def _fmt_bbox(b: dict) -> str:
    across = " across the antimeridian" if b["min_lon"] > b["max_lon"] else ""  # ships24
    return (f"lat {b['min_lat']:.3f}..{b['max_lat']:.3f}, lon {b['min_lon']:.3f}..{b['max_lon']:.3f}"
            f"{across}")  # fmt: skip


def travel_time_warning(
    model_or_card: Any, origins: np.ndarray, destinations: np.ndarray, seconds: np.ndarray
) -> str | None:
    """One line when estimated durations imply a straight-line speed the training data never
    showed: above twice its 99th-percentile step speed (a route is never shorter than the
    straight line, so no real trip is that fast), or, for trips over 1 km, below a quarter of
    its slowest trips' median speed (1st percentile); None when all are plausible or the
    model recorded no coverage. E.g. an under-trained model's 1 s for 6.9 km."""
    cov = load_coverage(model_or_card)
    fast, slow = (cov or {}).get("speed_mps"), (cov or {}).get("traj_speed_mps")
    if fast is None:
        return None
    o, d = np.radians(np.asarray(origins, np.float64)), np.radians(np.asarray(destinations))
    a = (np.sin((d[:, 0] - o[:, 0]) / 2) ** 2
         + np.cos(o[:, 0]) * np.cos(d[:, 0]) * np.sin((d[:, 1] - o[:, 1]) / 2) ** 2)  # fmt: skip
    dist = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
    s = np.asarray(seconds, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.where(s > 0, dist / s, np.inf)
    hi = 2 * fast["p99"]
    lo = slow["p1"] / 4 if slow else 0.0
    bad = (dist > 0) & ((v > hi) | ((dist > 1000) & (v < lo)))
    if not bad.any():
        return None
    i = int(np.flatnonzero(bad)[0])
    return (
        f"{int(bad.sum())} of {len(bad)} travel times imply a speed outside what the model was "
        f"trained on ({lo:.2g}-{hi:.3g} m/s), e.g. trip {i}: {dist[i] / 1000:.3g} km in "
        f"{s[i]:.3g} s ({v[i]:.3g} m/s); this checkpoint's travel times are not trustworthy "
        "(under-trained? check trajlm eval --task tte)"
    )
