"""Transport modes (PROTOCOL task 4): python cls2.py STORE PRETRAINED_RUN OUT SPEC[,SPEC...] [EPOCHS] [LR] [SEEDS]
SPEC = INIT:MODE[:N_POINTS[:HEAD]]  INIT in pre|scratch, MODE in full|selective|lora<r>|frozen; N_POINTS thins
every segment to that many points (one window) instead of 64-point windows."""
import sys, torch
torch.set_num_threads(1)
from trajlm.data.store import read_store
from trajlm.eval.classify import run_classify_eval
from trajlm.model import TrajectoryModel
from trajlm.tasks.classify import ModelClassifier

store, pre, out, specs = sys.argv[1:5]
epochs = int(sys.argv[5]) if len(sys.argv) > 5 else 20
lr = float(sys.argv[6]) if len(sys.argv) > 6 else 3e-3
seeds = tuple(int(s) for s in sys.argv[7].split(",")) if len(sys.argv) > 7 else (0,)
df = read_store(store).drop("split")
SPLIT = sys.argv[8] if len(sys.argv) > 8 else "user_time"
arch = TrajectoryModel.from_pretrained(pre).config
models = []
for spec in specs.split(","):
    init, mode, *rest = spec.split(":")
    npts = int(rest[0]) if rest and rest[0] else None
    head = rest[1] if len(rest) > 1 else "mlp"
    kw = dict(mode=mode, epochs=epochs, lr=lr, name=f"trajlm {spec}", n_points=npts, head=head)
    if mode.startswith("lora"):
        kw["mode"], kw["lora_r"] = "lora", int(mode[4:] or 8)
    models.append([ModelClassifier(pre if init == "pre" else None, model_config=arch, seed=s, **kw)
                   for s in seeds])
res = run_classify_eval(df, models=tuple(models), seeds=seeds, split_by=SPLIT, out=out, verbose=True)
import numpy as np
rows = {r["method"]: r for r in res.rows}
lines = ["| method | accuracy (%) | macro-F1 (%) | trainable | trainable (%) | saved by fine-tuning (kB) | train (s) |",
         "|---|---|---|---|---|---|---|"]
for name in ("majority class", "GB features", "GB features [balanced]"):
    r = rows[name]; sd = r["std"] or {}
    lines.append(f"| {name} | {r['metrics']['accuracy_pct']:.1f} ± {sd.get('accuracy_pct', 0):.1f} | {r['metrics']['macro_f1_pct']:.1f} ± {sd.get('macro_f1_pct', 0):.1f} | | | | {r['fit_s']:.1f} |")
for group in models:
    for m in group:
        print(m.name, m.seed, {k: v for k, v in m.info_.items() if k != "history"}, flush=True)
    kb = group[0].save(f"{out}/model-{group[0].name.replace(' ', '_').replace(':', '-')}") / 1e3
    r = rows[group[0].name]; sd = r["std"] or {}; info = group[0].info_
    lines.append(f"| {group[0].name} | {r['metrics']['accuracy_pct']:.1f} ± {sd.get('accuracy_pct', 0):.1f} | {r['metrics']['macro_f1_pct']:.1f} ± {sd.get('macro_f1_pct', 0):.1f} | {info['trainable']:,} | {info['pct']:.1f} | {kb:.0f} | {np.mean([m.info_['train_s'] for m in group]):.0f} |")
open(f"{out}/classify.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
