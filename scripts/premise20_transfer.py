"""Transfer corpus for the foundation premise (issue 14; docs/pretraining.md "Session 20"): a
pretraining corpus WITHOUT the fine-tune's data set. The TRAIN splits of the given stores, the
shared data sets named (their [[source]] tables in configs/pretrain.toml: tdrive, ais, ...)
and the synthetic Turin city; the target store (e.g. GeoLife) is simply not given.

    python scripts/premise20_transfer.py --stores /tmp/stores/porto --shared tdrive ais \
        --data-root ../shared/data --out /tmp/premise20/corpus_nogeolife
    python scripts/similarity_pretrain.py pretrain --corpus /tmp/premise20/corpus_nogeolife \
        --out /tmp/premise20/pre_t1 --steps 1200 --weight 1.0
"""

from __future__ import annotations

import argparse
import json
import tomllib
from pathlib import Path

RECIPE = Path(__file__).resolve().parents[1] / "configs" / "pretrain.toml"
CITY = {"n_trajectories": 600, "seed": 0}  # synth_turin of configs/pretrain.toml


def build(stores: list[Path], shared: list[str], data_root: Path, out: Path) -> dict:
    from trajlm.data.corpus import CorpusSource, CorpusSpec, build_corpus
    from trajlm.data.store import read_store

    known = {s["name"]: s for s in tomllib.loads(RECIPE.read_text())["source"]}
    unknown = [n for n in shared if n not in known]
    if unknown:
        raise SystemExit(f"--shared: no [[source]] {unknown[0]!r} in {RECIPE} ({', '.join(known)})")
    src = out.parent / f"{out.name}_sources"
    src.mkdir(parents=True, exist_ok=True)
    sources = []
    for store in stores:
        f = src / f"{store.name}_train.csv"
        read_store(store, split="train").select("traj_id", "t", "lat", "lon").write_csv(f)
        sources.append(CorpusSource(name=store.name, format="csv", path=[str(f)], weight=3.0))
    for name in shared:
        s = dict(known[name])
        paths = s.pop("path")
        s["path"] = [str(data_root.resolve() / p) for p in ([paths] if isinstance(paths, str) else paths)]  # fmt: skip
        sources.append(CorpusSource(**s))
    sources.append(CorpusSource(name="synth_turin", format="synthetic", city=CITY, weight=1.0))
    spec = CorpusSpec(name="premise20_transfer", data_root=str(src), sources=sources)
    return build_corpus(spec, out, overwrite=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stores", type=Path, nargs="*", default=[], help="train splits taken")
    ap.add_argument("--shared", nargs="*", default=[], help="configs/pretrain.toml source names")
    ap.add_argument("--data-root", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    print(json.dumps(build(args.stores, args.shared, args.data_root, args.out), default=str)[:600])


if __name__ == "__main__":
    main()
