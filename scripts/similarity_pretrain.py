"""Contrastive pretraining from the start (issue 14, the premise; docs/pretraining.md
"Session 19"): the pretraining recipe (configs/pretrain_model.toml) with the next-point NLL
plus a trip-level InfoNCE on two augmented views of every window
(``trajlm.train.objectives.NextPointTripContrast``).

    # a small corpus: the TRAIN splits of the Porto and GeoLife stores (so no val / test trip
    # of the similarity tasks is ever pretrained on) + a synthetic city, `trajlm data corpus`
    python scripts/similarity_pretrain.py corpus --stores /tmp/stores/porto /tmp/stores/geolife \
        --out /tmp/premise19/corpus
    # pretrain (weight 0 = the plain next-point recipe on the same corpus, the control)
    python scripts/similarity_pretrain.py pretrain --corpus /tmp/premise19/corpus \
        --out /tmp/premise19/pre_c1 --steps 2500 --weight 1.0
    # session 20: the multi-task mix (masked points, spans, od, ...) + the InfoNCE term
    python scripts/similarity_pretrain.py pretrain --corpus /tmp/premise19/corpus \
        --out /tmp/premise20/pre_m1 --steps 1200 --weight 1.0 --mix configs/multitask.toml

Then ``scripts/similarity_premise.py sweep|pick|test --pretrained OUT/best`` as in session 10.
"""

from __future__ import annotations

import argparse
import json
import tomllib
from pathlib import Path

import torch

CONFIG = Path(__file__).resolve().parents[1] / "configs" / "pretrain_model.toml"
CITY = {"n_trajectories": 600, "seed": 0}  # synth_turin of configs/pretrain.toml


def corpus(stores: list[Path], out: Path) -> None:
    from trajlm.data.corpus import CorpusSource, CorpusSpec, build_corpus
    from trajlm.data.store import read_store

    src = out.parent / f"{out.name}_sources"
    src.mkdir(parents=True, exist_ok=True)
    sources = []
    for store in stores:
        df = read_store(store, split="train").select("traj_id", "t", "lat", "lon")
        f = src / f"{store.name}_train.csv"
        df.write_csv(f)
        sources.append(CorpusSource(name=store.name, format="csv", path=[str(f)], weight=3.0))
    sources.append(CorpusSource(name="synth_turin", format="synthetic", city=CITY, weight=1.0))
    spec = CorpusSpec(name="premise19", data_root=str(src), sources=sources)
    print(json.dumps(build_corpus(spec, out, overwrite=True), default=str)[:400])


def pretrain(args) -> None:
    from trajlm.model import ModelConfig
    from trajlm.objectives.trip_contrast import TripContrastConfig
    from trajlm.train.objectives import NextPoint, NextPointTripContrast
    from trajlm.train.trainer import TrainConfig, Trainer

    cfg = tomllib.loads(CONFIG.read_text())
    mc = ModelConfig.from_dict(cfg["model"])
    tc = TrainConfig.from_dict(cfg["train"] | {"max_steps": args.steps, "seed": args.seed})
    tcc = TripContrastConfig(weight=args.weight, temperature=args.temperature)
    objective = NextPointTripContrast(tcc, args.seed) if args.weight > 0 else NextPoint()
    if args.mix is not None:  # session 20: the masked / span mix of a recipe's [train.objectives]
        from trajlm.train.objectives import MaskedMix, MaskedMixTripContrast, ObjectiveMix

        mix = ObjectiveMix.from_dict(tomllib.loads(args.mix.read_text())["train"]["objectives"])
        objective = (
            MaskedMixTripContrast(mix, tcc, args.seed)
            if args.weight > 0
            else MaskedMix(mix, args.seed)
        )
    s = Trainer(args.corpus, args.out, mc, tc, objective=objective).fit(overwrite=True)
    (args.out / "trip_contrast.json").write_text(json.dumps(tcc.to_dict()))
    print(json.dumps({k: v for k, v in s.items() if not isinstance(v, (list, dict))}))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("stage", choices=["corpus", "pretrain"])
    ap.add_argument("--stores", type=Path, nargs="+", default=[])
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--steps", type=int, default=2500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--weight", type=float, default=1.0, help="InfoNCE weight (0: next-point)")
    ap.add_argument("--temperature", type=float, default=0.1)
    ap.add_argument(
        "--mix",
        type=Path,
        default=None,
        help="a recipe whose [train.objectives] mix (masked points, spans, ...) replaces the "
        "next-point loss, e.g. configs/multitask.toml (session 20)",
    )
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    if args.stage == "corpus":
        corpus(args.stores, args.out)
    else:
        pretrain(args)


if __name__ == "__main__":
    main()
