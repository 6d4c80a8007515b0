"""A GeoLife-like transfer corpus for the foundation premise (issue 14; docs/pretraining.md
"Session 21"). Session 20's transfer corpus (Porto train + T-Drive + synthetic Turin) held 15-s
taxis only and lost on GeoLife; this one adds what GeoLife is (people at 1-5 s on foot, by bike,
bus and car, with stops) WITHOUT any GeoLife trip:

- a second synthetic city (another centre and seed) sampled every 1-5 s, mostly walk / bike;
- synthetic open motion sampled every 1-5 s at 1-15 m/s, half the trips with a stop;
- the same two generators (other seeds) after the GeoLife ingest protocol (clean preset
  "geolife": thin to >= 15 s, split at gaps > 300 s, >= 10 points): the GeoLife STORE the
  fine-tunes read is thinned (median 16 s between fixes), so the corpus holds both regimes;
- the shared liverpool_bus, gpx_limerick and trackintel slices (configs/pretrain.toml sources;
  trackintel's GeoLife file is left out there).

    python scripts/premise21_corpus.py --stores /tmp/stores/porto --data-root ../shared/data \
        --out /tmp/premise21/corpus_glike
"""

from __future__ import annotations

import argparse
import json
import tomllib
from pathlib import Path

RECIPE = Path(__file__).resolve().parents[1] / "configs" / "pretrain.toml"
TURIN = {"n_trajectories": 600, "seed": 0}  # synth_turin of configs/pretrain.toml
# Fixed in advance (not tuned on GeoLife): GeoLife's documented regime, 1-5 s fixes of people.
GLIKE_CITY = {
    "n_trajectories": 600,
    "seed": 21,
    "center_lat": 48.86,  # Paris: a city that is in no shared data set
    "center_lon": 2.35,
    "sample_interval_s": (1.0, 5.0),
    "max_points": 300,
    "modes": {"walk": 0.35, "bike": 0.25, "car": 0.25, "bus": 0.15},
}
GLIKE_OPEN = {
    "n_trajectories": 400,
    "seed": 21,
    "center_lat": 52.52,  # Berlin
    "center_lon": 13.40,
    "spread_km": 10.0,
    "sample_interval_s": (1.0, 5.0),
    "speed_mps": (1.0, 15.0),
    "gps_noise_m": (2.0, 10.0),
    "p_stop": 0.5,
    "dwell_s": (30.0, 300.0),
    "max_points": 300,
}
SHARED = ["tdrive", "liverpool_bus", "gpx_limerick", "trackintel"]


def _transfer_sources(stores: list[Path], data_root: Path, src: Path) -> list:
    """Session 20's transfer sources (scripts/premise20_transfer.py): store train splits
    (weight 3), the SHARED sources of configs/pretrain.toml, synthetic Turin."""
    from trajlm.data.corpus import CorpusSource
    from trajlm.data.store import read_store

    known = {s["name"]: s for s in tomllib.loads(RECIPE.read_text())["source"]}
    src.mkdir(parents=True, exist_ok=True)
    out = []
    for store in stores:
        f = src / f"{store.name}_train.csv"
        read_store(store, split="train").select("traj_id", "t", "lat", "lon").write_csv(f)
        out.append(CorpusSource(name=store.name, format="csv", path=[str(f)], weight=3.0))
    for name in SHARED:
        s = dict(known[name])
        paths = s.pop("path")
        paths = [paths] if isinstance(paths, str) else paths
        s["path"] = [str(data_root.resolve() / p) for p in paths]
        out.append(CorpusSource(**s))
    out.append(CorpusSource(name="synth_turin", format="synthetic", city=TURIN, weight=1.0))
    return out


def sources(stores: list[Path], data_root: Path, src_dir: Path) -> list:
    """Session 20's transfer sources plus the GeoLife-like ones (CorpusSource list)."""
    from trajlm.data.corpus import CorpusSource

    out = _transfer_sources(stores, data_root, src_dir)
    out.append(CorpusSource(name="synth_people", format="synthetic", city=GLIKE_CITY, weight=0.5))
    out.append(
        CorpusSource(name="open_people", format="synthetic_open", city=GLIKE_OPEN, weight=0.25)
    )
    for name, df in thinned().items():
        f = src_dir / f"{name}.csv"
        df.select("traj_id", "t", "lat", "lon").write_csv(f)
        w = 1.0 if name == "synth_people_thin" else 0.5
        out.append(CorpusSource(name=name, format="csv", path=[str(f)], weight=w))
    return out


def thinned() -> dict:
    """The people generators (seed 22) after the GeoLife ingest protocol (clean preset "geolife")."""
    from trajlm.data.clean import PRESETS, clean
    from trajlm.data.synthetic import generate_city
    from trajlm.data.synthetic_open import generate_open_motion

    city = generate_city(**(GLIKE_CITY | {"seed": 22})).points
    free = generate_open_motion(**(GLIKE_OPEN | {"seed": 22}))
    return {
        "synth_people_thin": clean(city, PRESETS["geolife"])[0],
        "open_people_thin": clean(free, PRESETS["geolife"])[0],
    }


def build(stores: list[Path], data_root: Path, out: Path) -> dict:
    from trajlm.data.corpus import CorpusSpec, build_corpus

    src = out.parent / f"{out.name}_sources"
    spec = CorpusSpec(
        name="premise21_glike", data_root=str(src), sources=sources(stores, data_root, src)
    )
    return build_corpus(spec, out, overwrite=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stores", type=Path, nargs="*", default=[], help="train splits taken")
    ap.add_argument("--data-root", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    print(json.dumps(build(args.stores, args.data_root, args.out), default=str)[:600])


if __name__ == "__main__":
    main()
