"""recover29: how much a per-gap-length choice between the model and interpolation could gain at
best (an oracle that reads the truth; a diagnostic, not a rule). Per call of CHUNK val trips
(trajlm-small, BRIDGE_DEFAULT, no verdict), with the call's fallback interpolation (the best of
Akima / PCHIP / linear on its backtest): the pooled error over hidden fixes of
  current        today's call check (check "call")
  model          the guarded bridge everywhere (check "off")
  interpolation  the call's interpolation everywhere
  oracle call    the better of those two per call, by the truth
  oracle length  the better of those two per gap-length octave of each call, by the truth
  check length   BridgeRecoverer(check="length") (the session's rule)
Also, per octave over all calls: the model's and the interpolation's error.

    PYTHONPATH=$PWD python scripts/recover29/headroom.py [--split val] [--seeds 3] [STORE ...]
Outputs: prints, and $RECOVER29/headroom_SPLIT_STORES.json (default /tmp/recover29).
"""

import json
import sys
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
import by_length as BL  # noqa: E402

import trajlm.tasks.recover_bridge as rb  # noqa: E402
from trajlm.api import TrajLM  # noqa: E402
from trajlm.data.features import LocalProjection  # noqa: E402
from trajlm.data.longitude import mean_lon  # noqa: E402
from trajlm.data.protocol_tasks import make_recovery_task  # noqa: E402
from trajlm.data.store import read_store  # noqa: E402
from trajlm.tasks.fallback_gap import gap_bins, gap_seconds  # noqa: E402
from trajlm.tasks.fallback_recover import INTERPS, interpolate  # noqa: E402
from trajlm.tasks.recover_stopped import hold_stops  # noqa: E402

ARMS = ("current", "model", "interpolation", "oracle call", "oracle length", "check length")


def one_call(model, task) -> tuple[dict, np.ndarray, np.ndarray, np.ndarray]:
    """Each arm's per-row error (m) and the rows' bins; the model's and interpolation's errors."""
    truth = np.asarray(task.truth, np.float64)
    proj = LocalProjection(float(truth[:, 0].mean()), mean_lon(truth[:, 1]))

    def err(ll):
        a = np.stack(proj.forward(ll[:, 0], ll[:, 1]), 1)
        b = np.stack(proj.forward(truth[:, 0], truth[:, 1]), 1)
        return np.linalg.norm(a - b, axis=1)

    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for arm, check in (("current", "call"), ("model", "off"), ("check length", "length")):
            rec = rb.BridgeRecoverer(model, **{**rb.BRIDGE_DEFAULT, "check": check})
            out[arm] = err(rec.recover(task))
            if check == "call":
                kind = min(INTERPS, key=lambda k: rec.last_check[k])
    # the call's interpolation, in the recoverer's projection, stops held as the recoverer does
    ll, kn = np.asarray(task.latlon, np.float64), task.known
    p2 = LocalProjection(float(np.mean(ll[kn, 0])), mean_lon(ll[kn, 1]))
    xy = np.zeros_like(ll)
    xy[kn] = np.stack(p2.forward(ll[kn, 0], ll[kn, 1]), 1)
    fill = interpolate(kind, xy, task.t, kn, task.groups)
    fill, _, _ = hold_stops(fill, xy, task.t, kn, task.groups, rb.BRIDGE_DEFAULT["hold_m"])
    lat, lon = p2.inverse(fill[:, 0], fill[:, 1])
    out["interpolation"] = err(np.stack([lat, lon], 1))
    hid = ~kn
    m, i = out["model"], out["interpolation"]
    out["oracle call"] = m if m[hid].sum() < i[hid].sum() else i
    bins = gap_bins(gap_seconds(task.t, kn, task.groups))
    orl = i.copy()
    for b in np.unique(bins[hid]):
        sel = hid & (bins == b)
        if m[sel].sum() < i[sel].sum():
            orl[sel] = m[sel]
    out["oracle length"] = orl
    return out, bins, m, i


def main(argv: list[str]) -> None:
    split, seeds = "val", 3
    for opt in ("--split", "--seeds"):
        if opt in argv:
            k = argv.index(opt)
            val, argv = argv[k + 1], argv[:k] + argv[k + 2 :]
            split, seeds = (val, seeds) if opt == "--split" else (split, int(val))
    stores = argv or ["/tmp/stores/porto"]
    rb.bridge_xy = BL.memo_bridge
    model = TrajLM.from_pretrained("trajlm-small", threads=1).model
    rows = []
    for st in stores:
        df = read_store(Path(st), split=split).drop("split", strict=False)
        ids = df["traj_id"].unique().sort().to_list()
        for mode, iv in BL.PATTERNS[:1]:  # random 50 %: the pattern where calls mix lengths
            tot = dict.fromkeys(ARMS, 0.0)
            n, by_bin = 0, {}
            for seed in range(seeds):
                order = ids if seed == 0 else list(np.random.default_rng(seed).permutation(ids))
                for c in range(0, len(order), BL.CHUNK):
                    part = df.filter(pl.col("traj_id").is_in(order[c : c + BL.CHUNK]))
                    rt = make_recovery_task(part, mode, interval_s=iv or 60.0, seed=seed)
                    task = SimpleNamespace(groups=rt.groups, t=rt.t, known=rt.known,
                                           truth=rt.latlon,
                                           latlon=np.where(rt.known[:, None], rt.latlon, 0.0))  # fmt: skip
                    errs, bins, m, i = one_call(model, task)
                    hid = ~rt.known
                    n += int(hid.sum())
                    for a in ARMS:
                        tot[a] += float(errs[a][hid].sum())
                    for b in np.unique(bins[hid]):
                        sel = hid & (bins == b)
                        acc = by_bin.setdefault(int(b), [0, 0.0, 0.0])
                        acc[0] += int(sel.sum())
                        acc[1] += float(m[sel].sum())
                        acc[2] += float(i[sel].sum())
                BL._memo.clear()
            row = {"store": Path(st).name, "split": split, "seeds": seeds, "hidden": n,
                   "mean_m": {a: tot[a] / n for a in ARMS},
                   "by_bin": {b: {"n": v[0], "model_m": v[1] / v[0], "interp_m": v[2] / v[0]}
                              for b, v in sorted(by_bin.items())}}  # fmt: skip
            print(json.dumps(row), flush=True)
            rows.append(row)
    BL.OUT.mkdir(parents=True, exist_ok=True)
    (BL.OUT / f"headroom_{split}_{'_'.join(Path(s).name for s in stores)}.json").write_text(
        json.dumps(rows, indent=1)
    )


if __name__ == "__main__":
    main(sys.argv[1:])
