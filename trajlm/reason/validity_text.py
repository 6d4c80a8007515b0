"""The sentences of the validity checks (trajlm/reason/validity.py): the codes, one template per
code, knots for vessels; split out of validity.py (session 18), which re-exports every name."""

from __future__ import annotations

import numpy as np

from trajlm.reason.validity_limits import ValidityConfig
from trajlm.reason.validity_sog import frozen_reason, sog_reason

CODES = ("ok", "missing", "time_backwards", "duplicate_time", "teleport", "speed",
         "acceleration", "off_road", "reported_speed", "frozen", "out_of_range")  # fmt: skip
(OK, MISSING, BACKWARDS, DUPLICATE, TELEPORT, SPEED, ACCEL, OFF_ROAD, SOG, FROZEN,
 OUT_OF_RANGE) = range(len(CODES))  # fmt: skip

KNOT_MPS = 1852.0 / 3600.0
KNOTS_MODES = ("vessel",)  # modes whose speeds are also said in knots

_REASONS = {  # code -> (template, number formats); {mode} is the point's mode
    MISSING: "no position",
    BACKWARDS: "time goes back {v:.0f} s from the previous point",
    DUPLICATE: "same timestamp as the previous point",
    TELEPORT: "jumps {v:.0f} m at {s:.1f} m/s{skn}, over {f:g}x the {mode} limit of {ms:.1f} m/s",
    SPEED: "{v:.1f} m/s ({kmh:.0f} km/h{vkn}) is above the {mode} limit of {l:.1f} m/s{lkn}",
    ACCEL: "acceleration {v:.1f} m/s^2 is above the {mode} limit of {l:.1f} m/s^2",
    OFF_ROAD: "{v:.0f} m from the nearest road (limit {l:.0f} m)",
}


def reason_texts(code, value, limit, speed, modes, config: ValidityConfig | None = None,
                 reported: tuple | None = None) -> list:  # fmt: skip
    """One sentence per point ("" for a valid one); formats only the failed points.
    ``reported``: (speed here, speed before) in m/s for ``reported_speed`` failures."""
    cfg = config or ValidityConfig()
    out = [""] * len(code)
    modes = np.broadcast_to(np.asarray(modes, dtype=object), (len(code),))
    max_speed, _ = cfg.limits_of(modes) if len(code) else (np.zeros(0), None)
    for i in np.flatnonzero(code):
        c = int(code[i])
        if c == SOG:
            out[i] = sog_reason(value[i], limit[i], reported[0][i], reported[1][i])
            continue
        if c == OUT_OF_RANGE:  # value: the latitude when it is the bad one, else the longitude
            out[i] = (f"latitude {value[i]:g} is outside -90..90" if limit[i] == 90
                      else f"longitude {value[i]:g} is outside -180..180")  # fmt: skip
            continue
        if c == FROZEN:
            out[i] = frozen_reason(value[i], limit[i], reported[0][i], reported[1][i])
            continue
        kn = modes[i] in KNOTS_MODES  # vessels: knots too, as ships are told
        out[i] = _REASONS[c].format(v=abs(value[i]), l=limit[i], s=speed[i], mode=modes[i],
                                    kmh=value[i] * 3.6, f=cfg.teleport_factor, ms=max_speed[i],
                                    vkn=f", {value[i] / KNOT_MPS:.1f} kn" if kn else "",
                                    lkn=f" ({limit[i] / KNOT_MPS:.1f} kn)" if kn else "",
                                    skn=f" ({speed[i] / KNOT_MPS:.0f} kn)" if kn else "",
                                    )  # fmt: skip
    return out
