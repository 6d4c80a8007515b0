"""heldout27: the results table's rows from $HELDOUT27/evals/SET_predict.json and
$HELDOUT27/runs/SET/train_summary.json (docs/generalization.md "Session 27 (heldout27)").
    python scripts/heldout27/rows.py          # one markdown row per set; recovery cells after
"""

import json
import os

H = os.environ.get("HELDOUT27", "/tmp/heldout27")
SETS = ["stork_ornitela", "yacht_race", "formula_e_motec", "tokyo_couriers", "kobo_survey",
        "glider_flights", "school_buses", "canal_barges"]  # fmt: skip


def cell(r: dict) -> str:
    b = r["ratio_to_best_baseline"]
    lo, hi = b["ci95"]
    v = "worse" if lo > 1 else "better" if hi < 1 else "level"
    return f"{b['ratio']:.3f} ({lo:.2f}-{hi:.2f}) {v}"


def predict_row(n: str) -> str:
    p = f"{H}/evals/{n}_predict.json"
    if not os.path.exists(p):
        return f"| {n} | - |"
    rows = {r["method"]: r for r in json.load(open(p))["results"]}
    best = next(iter(rows.values()))["ratio_to_best_baseline"]["baseline"]
    run, small = rows[f"trajlm:{n}"], rows["trajlm:trajlm-small"]
    chk = next(((m, r) for m, r in rows.items() if "val-checked" in m), None)
    t = json.load(open(f"{H}/runs/{n}/train_summary.json"))
    if t.get("val_best_baseline"):
        lo, hi = t["val_ade_vs_best_baseline_ci"]
        vc = (f"{t['val_best_baseline']} {t['val_ade_vs_best_baseline']:.2f}x ({lo:.2f}-{hi:.2f}): "
              f"{t['val_vs_best_baseline']}, {t['val_baseline_trips']} trips")  # fmt: skip
    else:
        vc = f"none ({t.get('val_check_skipped', 'no check')})"
    api = (
        f"{chk[0].split('val-checked: ')[1][:-1]}: {cell(chk[1])}"
        if chk
        else "the model (no verdict)"
    )
    knn = cell(rows["kNN continuation"])
    return (f"| {n} | {run['ratio_to_cv']['ratio']:.3f} | {cell(run)} {best} | {api} | {knn} | {cell(small)} | {vc} "
            f"| best MAE {rows[best]['metrics']['mae_m']:.1f} m |")  # fmt: skip


def recover_rows(n: str) -> list[str]:
    p = f"{H}/evals/{n}_recover.json"
    if not os.path.exists(p):
        return [f"{n}: no recover result"]
    out = []
    for r in json.load(open(p))["results"]:
        b = r.get("ratio_to_best_baseline")
        if r["method"].startswith("trajlm") and b:
            lo, hi = b["ci95"]
            out.append(
                f"{n} {r.get('setting', r.get('pattern', ''))} {r['method']}: {b['ratio']:.3f} ({lo:.2f}-{hi:.2f}) vs {b['baseline']}"
            )
    return out


if __name__ == "__main__":
    for n in SETS:
        print(predict_row(n))
    for n in SETS:
        print("\n".join(recover_rows(n)))
