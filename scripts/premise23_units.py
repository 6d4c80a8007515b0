"""premise23: a corpus copy in per-source units (trajlm/data/corpus_scales.py,
``per_source_units_corpus``) and, per source, the share of its steps beyond the step cap
(``max_step_norm``, 25 units: dropped from the next-point loss) and of its time steps beyond the
input clamp (25) on the corpus VAL split, under three unit rules: the corpus's mixture scales
(session 21), scales without T-Drive (session 22, the corpus's premise22 copy if given) and
per-source units. docs/pretraining.md "Session 23 (premise23)".

    python scripts/premise23_units.py corpus --corpus /tmp/premise21/corpus_glike \
        --out /tmp/premise23/corpus_psu --notd /tmp/premise22/corpus_notd
    # a pretrained run's final weights with a store's stats in per-source units (its own step
    # scale and mean time step, the corpus's cv): what the fine-tune starts from on that store
    python scripts/premise23_units.py target --run /tmp/premise23/pre_u1 \
        --corpus /tmp/premise23/corpus_psu --store /tmp/stores/geolife --out DIR
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import numpy as np
import polars as pl

from trajlm.data.corpus_scales import per_source_units_corpus, source_stats
from trajlm.data.features import LocalProjection, NormStats

CAP = 25.0


def beyond(
    corpus: Path, rules: dict[str, dict[str, tuple[float, float, float]]], split: str = "val"
) -> dict:
    """{source: {rule: {"step": %, "dt": %, "n": steps}}} on a split of CORPUS; a rule maps a
    source to the (dxy_scale, dt_mean, dt_scale) that read it."""
    record = json.loads((corpus / "corpus.json").read_text())
    df = pl.read_parquet(corpus / "points" / f"split={split}" / "*.parquet")
    df = df.with_columns(pl.col("traj_id").str.split("/").list.first().alias("src"))
    out = {}
    for s in record["sources"]:
        d = df.filter(pl.col("src") == s["name"]).sort("traj_id", "t")
        if d.height < 2:
            continue
        x, y = LocalProjection(s["lat0"], s["lon0"]).forward(
            d["lat"].to_numpy(), d["lon"].to_numpy()
        )
        same = d["traj_id"].to_numpy()[1:] == d["traj_id"].to_numpy()[:-1]
        dx, dy = np.diff(x)[same], np.diff(y)[same]
        dt = np.diff(d["t"].to_numpy().astype(np.float64))[same]
        step = np.maximum(np.abs(dx), np.abs(dy))
        out[s["name"]] = {"n": int(same.sum())}
        for rule, scales in rules.items():
            dxy, m, sd = scales[s["name"]]
            out[s["name"]][rule] = {"step": 100 * float(np.mean(step / dxy > CAP)),
                                    "dt": 100 * float(np.mean(np.abs(dt - m) / sd > CAP))}  # fmt: skip
    return out


def target(run: Path, corpus: Path, store: Path, out: Path) -> dict:
    """OUT = RUN's final weights with config.json's stats the store's in per-source units
    (``target_stats``; the plane is the store's too, unread by a trajectory-frame model)."""
    from trajlm.data.corpus_scales import target_stats
    from trajlm.data.store import load_stats

    cv = json.loads((corpus / "units.json").read_text())["ref"]["cv"]
    cfg = json.loads((run / "config.json").read_text())
    stats = target_stats(load_stats(store), cv).to_dict()
    out.mkdir(parents=True, exist_ok=False)
    shutil.copy(run / "model.safetensors", out / "model.safetensors")
    (out / "config.json").write_text(json.dumps({**cfg, "stats": stats}, indent=1))
    return stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("stage", choices=["corpus", "target"])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--notd", type=Path, default=None, help="session 22's rescaled copy")
    ap.add_argument("--run", type=Path, help="target: the pretraining run (its final weights)")
    ap.add_argument("--store", type=Path, help="target: the fine-tune store")
    ap.add_argument("--split", default="val", help="corpus: the split the cap shares are read on")
    args = ap.parse_args()
    if args.stage == "target":
        print(json.dumps(target(args.run, args.corpus, args.store, args.out)))
        return
    rec = (json.loads((args.out / "units.json").read_text()) if args.out.exists()
           else per_source_units_corpus(args.corpus, args.out))  # fmt: skip
    src = source_stats(args.corpus)
    names = list(src)

    def mixed(path: Path) -> dict:
        st = NormStats.load(path / "stats.json")
        return {n: (st.dxy_scale, st.dt_mean, st.dt_scale) for n in names}

    cv = rec["ref"]["cv"]
    rules = {"mixture": mixed(args.corpus)}
    if args.notd is not None:
        rules["no_tdrive"] = mixed(args.notd)
    rules["per_source"] = {n: (s.dxy_scale, s.dt_mean, s.dt_mean * cv) for n, (_, s) in src.items()}
    table = beyond(args.corpus, rules, args.split)
    (args.out / f"beyond_cap_{args.split}.json").write_text(json.dumps(table, indent=1))
    print(json.dumps(rec["ref"]))
    print("source | pos x | t x | steps | " + " | ".join(f"{r} step% / dt%" for r in rules))
    for n, row in table.items():
        u = rec["units"][n]
        cells = " | ".join(f"{row[r]['step']:.2f} / {row[r]['dt']:.2f}" for r in rules)
        print(f"{n} | {u['pos']:.3f} | {u['t']:.3f} | {row['n']} | {cells}")


if __name__ == "__main__":
    main()
