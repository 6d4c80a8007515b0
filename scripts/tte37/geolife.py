"""Travel time, session 37 (issue 15; docs/travel-time.md "Session 37 (tte37)"): session 28's
residual head over `gb abs`, GeoLife only, with the pre-registered rule of
scripts/tte37/PREREG.md deciding whether test is read (once).

Session 28's script (scripts/tte28/mae_arms.py) does the fitting and scoring unchanged; this
wrapper only narrows it to the one candidate and applies the GeoLife-only rule (RULE):

    # val: GB, gb abs, the od model alone and the one candidate (3 od models, seeds 0-2)
    python scripts/tte37/geolife.py val --data /tmp/stores/geolife --split val \
        --runs R0,R1,R2 --out /tmp/tte37/geolife_val.json
    # the rule over the val JSON -> decision JSON (the candidate or None)
    python scripts/tte37/geolife.py decide --val /tmp/tte37/geolife_val.json \
        --out /tmp/tte37/decision.json
    # test (refused by mae_arms.py unless the decision names the candidate)
    python scripts/tte28/mae_arms.py --data /tmp/stores/geolife --split test \
        --runs R0,R1,R2 --decision /tmp/tte37/decision.json --out /tmp/tte37/geolife_test.json

scripts/tte37/run.sh runs the whole study.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

CANDIDATE = "residual+model mae+log0 linear on gb abs"
RULE = ("test is read once, GeoLife only, only if on GeoLife val the upper end of the paired "
        "bootstrap 95 % CI of (candidate - GB) is below 0 for MAE and for MAPE")  # fmt: skip
METRICS = ("mae_min", "mape_pct")


def mae_arms(only_candidate: bool = True):
    """scripts/tte28/mae_arms.py as a module, narrowed to the references and CANDIDATE (its
    second arm, `gb abs +model`, is not a candidate this session and is not scored)."""
    path = Path(__file__).resolve().parents[1] / "tte28" / "mae_arms.py"
    spec = importlib.util.spec_from_file_location("tte28_mae_arms", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    if CANDIDATE not in mod.CANDIDATES:
        raise SystemExit(f"{path}: no arm named {CANDIDATE!r} (session 28's config changed?)")
    if only_candidate:  # main() and score() read these module globals
        mod.CANDIDATES = (CANDIDATE,)
        mod.ARMS = (*mod.REFERENCES, CANDIDATE)
    return mod


def decide(doc: dict) -> dict:
    """RULE over the GeoLife val JSON -> {"chosen": CANDIDATE or None, ...}."""
    if doc["meta"]["split"] != "val":
        raise SystemExit("decide: the JSON must be a val run (the choice is made on val)")
    row = next((r for r in doc["rows"] if r["method"] == CANDIDATE), None)
    if row is None:
        raise SystemExit(f"decide: the val JSON has no row for {CANDIDATE!r}")
    his = {m: row["vs_gb"][m]["hi"] for m in METRICS}
    passes = all(h < 0 for h in his.values())
    return {"rule": RULE, "data": [doc["meta"]["data"]], "ci_hi_vs_gb": his,
            "passes": passes, "chosen": CANDIDATE if passes else None}  # fmt: skip


def main(argv: list[str] | None = None) -> dict:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["val"]:
        rest = argv[1:]
        if "--split" in rest and rest[rest.index("--split") + 1 :][:1] != ["val"]:
            raise SystemExit("val: --split must be val (test goes through mae_arms.py --decision)")
        return mae_arms().main(rest)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("val", help="val table (mae_arms.py's options)")
    d = sub.add_parser("decide", help="apply RULE to the GeoLife val JSON")
    d.add_argument("--val", required=True, type=Path)
    d.add_argument("--out", required=True, type=Path)
    args = ap.parse_args(argv)
    doc = decide(json.loads(args.val.read_text()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=1) + "\n")
    print(json.dumps(doc, indent=1))
    return doc


if __name__ == "__main__":
    main()
