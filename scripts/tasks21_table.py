"""tasks21: one markdown table from `trajlm eval --task recover|tte --out X.json` files.

    PYTHONPATH=. python scripts/tasks21_table.py /tmp/tasks21/p1/*_recover.json /tmp/tasks21/p1/*_tte.json

Per (file, setting, model): MAE, the best baseline, MAE / best baseline (95 % CI) and the
verdict eval printed; for baseline-only files (tte) the best baseline and the runner-up.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def rows(path: Path) -> list[str]:
    d = json.loads(path.read_text())
    name = path.stem
    unit = "min" if d["task"] == "tte" else "m"
    key = "mae_min" if d["task"] == "tte" else "mae_m"
    verdict = {(v["method"], v["setting"]): v["verdict"] for v in d.get("verdict", [])}
    out = []
    for r in d["results"]:
        rb = r.get("ratio_to_best_baseline") or {}
        model = r["method"] not in d["baselines"]
        if not model and rb.get("ratio", 0) != 1.0 and d.get("verdict_models"):
            continue  # with models: print the models and the best baseline only
        ci = rb.get("ci95") or [float("nan")] * 2
        mae = r["metrics"].get(key, float("nan"))
        out.append(
            f"| {name} | {r['setting']} | {r['method']} | {r['n_trajectories']} | {mae:.1f} {unit}"
            f" | {rb.get('baseline', '')} | {rb.get('ratio', float('nan')):.3f} "
            f"({ci[0]:.3f}-{ci[1]:.3f}) | {verdict.get((r['method'], r['setting']), '')} |"
        )
    return out


def main(paths: list[str]) -> None:
    print(
        "| file | setting | method | n traj | MAE | best baseline | MAE / best (95 % CI) | verdict |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for p in paths:
        for line in rows(Path(p)):
            print(line)


if __name__ == "__main__":
    main(sys.argv[1:])
