"""``TrajLM.recover`` and ``TrajLM.travel_time``: the tasks that fill what lies between known
points (missing positions; a trip's duration), with the infilling heads of a multi-task run or
the bridge of the forward rollouts, and the run's saved val verdict choosing what answers
(trajlm/api_verdict.py). Mixed into ``trajlm.api.TrajLM`` (out of api.py, session 22); the
methods stay at the caller's stack depth, so every warning still names the caller's line.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import polars as pl
import torch

from trajlm._arguments import COLUMN_KEYWORDS, check_keywords, with_gap_rule
from trajlm.api_checks import RECOVER_MODES
from trajlm.api_inputs import (
    coverage_view,
    drop_labels,
    index_labels,
    latlon_array,
    long_trip_warning,
    naive_time_note,
    od_points,
    same_place_warning,
    seconds_and_kind,
)
from trajlm.api_time_checks import missing_time, zoneless_note
from trajlm.api_verdict import (
    check_flags,
    check_gap_rule,
    engine_column,
    recover_verdict,
    say_no_verdict,
    travel_time_answer,
)
from trajlm.data.caller_index import index_back, tag_positions
from trajlm.data.coerce_out import from_canonical, replaced_column_warning
from trajlm.data.coerce_tasks import fill_inside_edges, recovery_input_edges, trajectory_numbers
from trajlm.data.geo import is_local
from trajlm.data.schema import MIN_T, MIN_T_DATED, TrajlmInputError, check_model_input
from trajlm.eval.recover_spread import RECOVER_RADII_FILE, with_recover_spread
from trajlm.eval.run_recover_radii import MIN_VAL_TRIPS
from trajlm.eval.spread_radii import radii_levels
from trajlm.model.coverage import (
    CoverageWarning,
    refuse_degrees_on_plane_model,
    refuse_plane_on_degree_model,
    travel_time_warning,
    trip_warnings,
)
from trajlm.model.coverage_card import load_coverage
from trajlm.tasks.recover import ModelRecoverer
from trajlm.tasks.recover_bridge import BRIDGE_DEFAULT, BridgeRecoverer
from trajlm.tasks.recover_subsec import anchor_on_dropped
from trajlm.tasks.travel_time import ModelTravelTime


class InfillTasks:
    """``recover`` and ``travel_time`` of ``TrajLM`` (which supplies ``model``, ``path``,
    ``_check_coverage`` and ``_require_infill``)."""

    model: Any
    path: Any
    last_engine: str
    last_held_gaps: int  # gaps of the last recover call held at a standstill (session 29)

    # -------------------------------------------------------------------------- recover
    @torch.inference_mode()
    def recover(
        self,
        data: Any,
        *,
        mode: str = "inplace",
        fallback: bool = True,
        engine: bool = False,
        every: Any = None,
        radii: Any = None,
        gap_rule: str | None = None,
        **columns: Any,
    ) -> Any:
        """Fill the points whose lat/lon are missing (null / NaN / empty geometry).

        Their timestamps are given. Rows before a trajectory's first known point or after its
        last are left empty (``recovered`` False), said in one warning naming how many rows
        and which trajectories: never extrapolated (use ``predict`` after the last one; fix31). Returns the input's rows with the
        positions filled and a boolean ``recovered`` column marking the filled ones.
        ``mode="span"`` decodes each gap autoregressively instead of in one pass.
        ``every`` (seconds, a timedelta or text: "1h", "30min") first adds an empty row at each
        multiple of that interval on the UTC clock inside the gaps, at least half an interval
        from the fixes either side, so a track with skipped fixes comes back regular
        (trajlm/data/recover_grid.py). Rows marked as outliers (Movebank's `visible` false,
        `*-marked-outlier` true) are recovered as gaps, said in one warning.
        A checkpoint without infilling heads (trajlm-small) recovers with the bidirectional
        bridge of its forward rollouts (trajlm/tasks/recover_bridge.py; ``mode="bridge"``
        asks for it with any checkpoint; docs/recovery.md, "Session 12").

        The bridge answers a call with Akima / PCHIP / linear interpolation where the model is
        not below them: on the call's own backtest, or, for a call smaller than the run's saved
        val check (``trajlm eval --task recover --save-verdict``), by that verdict
        (docs/recovery.md "Session 22"). ``self.last_engine`` says what answered ("model",
        "akima", ...); ``engine=True`` adds it as an ``engine`` column; ``fallback=False``
        keeps the model's answer. ``gap_rule`` (the bridge's fallback; session 28, opt-in):
        "backtest" (the default) lets the call's own backtest pick the interpolation;
        "lengths" picks one for the call and "lengths per gap" one per gap, by the gaps'
        lengths, from the interpolation errors the run's val check saved on its train trips
        (docs/recovery.md "Session 28 (recfall28)"; a run without them refuses it in one line).
        A gap whose two ends lie at one place, at a standstill, is held on the line between
        them; ``self.last_held_gaps`` says how many gaps the last call held (session 28-29).

        ``radii`` (True: 50 and 90; a level or a list of 50 / 90 / 95) adds ``std_m`` and
        ``r{level}_m`` to each recovered row: the circle that held that share of val's hidden
        points in the same kind of gap (its length and the point's place in it), scaled by the
        distance the mover covers in the gap (eval/recover_spread.py, session 28; NaN on known
        rows). A checkpoint without ``recover_radii.json`` refuses it in one line.
        """
        check_keywords("TrajLM.recover", columns, ("mode", "gap_rule", *COLUMN_KEYWORDS))
        check_flags(fallback=fallback, engine=engine)
        levels = radii_levels(radii)  # one line for a level not measured, before the work
        spread = getattr(self, "recover_spread", None)
        if levels and spread is None:
            stale = self.path is not None and (Path(self.path) / RECOVER_RADII_FILE).is_file()
            what = "the val spread of its recovered points"
            has = (
                f"'s {RECOVER_RADII_FILE} was fitted for other weights (ignored: "
                f"model.safetensors changed since; train again to refit it) ({what})"
                if stale  # badin32: it said "has no" of a stale one
                else f" has no {RECOVER_RADII_FILE} ({what}; a run writes one where val has at "
                f"least {MIN_VAL_TRIPS} trips of 3 or more fixes)"  # the floor (tidy33)
            )
            raise TrajlmInputError(f"radii: {self.path or 'this checkpoint'}{has}; leave radii out",
                                   field="radii")  # fmt: skip
        infill = getattr(self.model, "infill_head", None) is not None
        if mode not in RECOVER_MODES:
            raise TrajlmInputError(
                f"mode must be one of {RECOVER_MODES}, got {mode!r}", field="mode"
            )
        gap_rule = check_gap_rule(self, gap_rule, not infill or mode == "bridge", fallback)
        if mode == "span" and not infill:
            raise TrajlmInputError(f"recover: mode='span' decodes with infilling heads, which this "
                             f"checkpoint ({self.path}) has not; mode='inplace' (the default) "
                             "recovers with the bridge of its forward rollouts")  # fmt: skip
        data, caller_index = tag_positions(data)  # results on the caller's index (newuser26)
        with index_labels(data) as data:  # pandas: errors name index labels
            df, layout, known, edge = recovery_input_edges(
                data, every=every, **with_gap_rule(columns)
            )
        df = drop_labels(df)
        if len(known) and not known.any():  # badin32: a TypeError (HTTP 500) in the coverage check
            raise TrajlmInputError(
                "recover input: no row has a known position (every lat / lon is empty): recovery "
                "fills the gaps between a trajectory's known points; give its known fixes too",
                field="lat",
            )
        naive_time_note(self.model, layout)
        self._check_coverage(coverage_view(df, known))
        replaced_column_warning(df)
        self.last_engine, self.last_held_gaps = "model", 0
        # the rows outside the known ends stay empty, the rest is filled (fix31)
        out = fill_inside_edges(df, known, edge, lambda rows, kn: self._fill(
            rows, kn, layout, spread, levels, infill, mode, fallback, gap_rule, engine))  # fmt: skip
        return index_back(from_canonical(out, layout=layout, caller_order=True), caller_index)

    def _fill(self, df: pl.DataFrame, known: np.ndarray, layout: Any, spread: Any,
              levels: list[int], infill: bool, mode: str, fallback: bool, gap_rule: Any,
              engine: bool) -> pl.DataFrame:  # fmt: skip
        """``recover``'s canonical answer for rows whose gaps all lie between known points."""
        out = df.with_columns(recovered=pl.Series(~known))
        if known.all():
            out = with_recover_spread(out, known, spread, levels) if levels else out
            return engine_column(out, "model") if engine else out
        task = SimpleNamespace(
            groups=trajectory_numbers(df),
            t=df["t"].to_numpy(),
            latlon=np.nan_to_num(df.select("lat", "lon").to_numpy().astype(np.float64)),
            known=known,
        )
        if infill and mode != "bridge":
            ll = ModelRecoverer(self.model, mode=mode).recover(task)
        else:
            check = BRIDGE_DEFAULT if fallback else {**BRIDGE_DEFAULT, "check": "off"}
            rec = BridgeRecoverer(self.model, verdict=recover_verdict(self, fallback),
                                  **{**check, "gap_rule": gap_rule})  # fmt: skip
            ll = rec.recover(task)
            self.last_engine, self.last_held_gaps = rec.last_engine, rec.last_held_gaps
        # fixes under a second apart: fills moved onto the known ones dropped with their second
        ll = anchor_on_dropped(df, ll, known, layout.frac, layout.sub_second_rows)
        out = out.with_columns(lat=pl.Series(ll[:, 0]), lon=pl.Series(ll[:, 1]))
        out = with_recover_spread(out, known, spread, levels) if levels else out
        return engine_column(out, self.last_engine) if engine else out

    # ------------------------------------------------------------------------ travel time
    @torch.inference_mode()
    def travel_time(
        self,
        origins: Any,
        destinations: Any,
        depart: Any,
        *,
        fallback: bool = True,
        crs: str | None = None,
    ) -> np.ndarray:
        """Predicted trip durations in seconds, (N,) float.

        origins, destinations: (N, 2) arrays of (lat, lon) degrees, or frames with lat/lon
        columns (names detected as for ``to_canonical``) or Point geometries (any CRS).
        depart: the departure times, (N,) or one for all: datetimes, ISO strings or Unix s.
        crs: the pairs' CRS where they are not degrees: ``"local"`` for ``[x, y]`` metres on a
        plane (as HTTP's ``"crs": "local"``), or a projected CRS's ``[easting, northing]``.

        A run whose val verdict is saved (``trajlm eval --task tte --save-verdict``) answers
        with the engine of lowest val MAE: the model, or the baseline that beat it there
        (refitted from the saved train table); the returned array's ``.engine`` (and
        ``self.last_engine``) says which. ``fallback=False`` keeps the model's answer.
        """
        check_flags(fallback=fallback)
        self._require_infill("travel_time")
        if crs is not None:  # badin38: HTTP took "crs": "local", Python had no way
            o = projected_pairs(origins, crs, "origins")
            d = projected_pairs(destinations, crs, "destinations")
            if is_local(crs):  # a degree model given plane metres (fix40c: 1.3e-126 s answered)
                refuse_plane_on_degree_model(load_coverage(self.model) or {}, np.r_[o[:, 0], d[:, 0]],
                                             np.r_[o[:, 1], d[:, 1]], "crs='local'")  # fmt: skip
        else:
            o, d = latlon_array(origins, "origins"), latlon_array(destinations, "destinations")
        if len(o) != len(d):
            raise TrajlmInputError(f"{len(o)} origins but {len(d)} destinations")
        missing_time(depart, "depart")  # badin34: NaT was "times of mixed kinds"
        t, kind = seconds_and_kind(depart, "depart")  # dates from 1900, numbers from 1990 (ux7)
        zoneless_note(depart, "depart")  # read as UTC: said, as predict's frames (leftover34b)
        t = np.broadcast_to(t, len(o)) if t.size == 1 else t
        if len(t) != len(o):
            raise TrajlmInputError(f"{len(o)} trips but {len(t)} departure times", field="depart")
        od = pl.DataFrame({"o_lat": o[:, 0], "o_lon": o[:, 1], "d_lat": d[:, 0],
                           "d_lon": d[:, 1], "t_start": t.astype(np.int64)})  # fmt: skip
        try:
            check_model_input(od_points(od), "travel_time input",
                              MIN_T if kind == "epoch" else MIN_T_DATED)  # fmt: skip
        except TrajlmInputError as e:  # the departures' problem said as theirs (badin35: was
            if e.field != "t":  # "field t ... (first at row 0, traj_id '0')")
                raise
            why = e.hint or str(e)  # the check's way on, kept as its hint (was cut out of the text)
            lowest = MIN_T if kind == "epoch" else MIN_T_DATED  # the check's bound, said first
            if t.min() < lowest:
                why = f"before {1990 if kind == 'epoch' else 1900}; {why}"
            raise TrajlmInputError(f"departure {t.min():g} is no trip's time: {why}",
                                   field="depart") from None  # fmt: skip
        # a plane model given degrees or another CRS's points: one line, as predict refuses them
        # (badin39: crs="EPSG:32629" was answered with a coverage warning of 4,537 km)
        refuse_degrees_on_plane_model(load_coverage(self.model) or {}, np.r_[o[:, 0], d[:, 0]],
                                      np.r_[o[:, 1], d[:, 1]])  # fmt: skip
        secs = travel_time_answer(self, ModelTravelTime(self.model), od, fallback)
        self.last_engine = secs.engine
        if where := trip_warnings(self.model, o, d, t):  # as predict warns: one line a call
            warnings.warn(f"input outside the training coverage: {'; '.join(where)}",
                          CoverageWarning, stacklevel=3)  # fmt: skip
        # the model's own span: said where the model answers, not the verdict's baseline (a
        # vessel's ETA answered by gradient boosting was told to "train with a longer max_len",
        # newuser30)
        span = long_trip_warning(self.model, o, d) if secs.engine == "model" else None
        for line in (same_place_warning(o, d, secs), travel_time_warning(self.model, o, d, secs),
                     span):  # fmt: skip
            if line:  # e.g. 1 s for 6.9 km from an under-trained model
                warnings.warn(line, stacklevel=3)
        say_no_verdict(self, fallback)  # a checkpoint without a val verdict: one line, once
        return secs


__all__ = ["InfillTasks"]


def projected_pairs(given: Any, crs: Any, field: str) -> np.ndarray:
    """``given`` (N, 2) ``[x, y]`` pairs in ``crs`` (``"local"``: metres on a plane) as
    ``[lat, lon]``; a CRS that is none, or pairs that are not numbers, one line naming it."""
    from trajlm.data.geo import crs_refusal, to_wgs84

    if not isinstance(crs, str) or (why := crs_refusal(crs)):
        raise TrajlmInputError(why if isinstance(crs, str) else f"crs must be text such as "
                               f"'local' or 'EPSG:32631', got {crs!r}", field="crs")  # fmt: skip
    try:
        pairs = np.asarray(given, dtype=np.float64)
    except (TypeError, ValueError):
        pairs = np.empty((0, 3))
    pairs = pairs[None] if pairs.shape == (2,) else pairs
    if pairs.ndim != 2 or pairs.shape[1] != 2 or not len(pairs):
        raise TrajlmInputError(f"{field}: give (N, 2) [x, y] numbers in {crs} (with crs=)",
                               field=field)  # fmt: skip
    bad = ~np.isfinite(pairs).all(axis=1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise TrajlmInputError(f"{pairs[i].tolist()} is not an [x, y] pair in {crs}",
                               field=f"{field}[{i}]")  # fmt: skip
    lat, lon = to_wgs84(pairs[:, 0], pairs[:, 1], crs)
    return np.column_stack([lat, lon])
