"""Transfer (issue 7), 3 seeds: python transfer3.py SRC_RUN TARGET_STORE OUT [STEPS] [LR]
Per seed: from SRC_RUN (pretrained elsewhere) fine-tune next-point prediction on 10 % of the
target's train split (full / selective / LoRA r=4 + head), train the same architecture from
scratch on the same 10 % and on 100 %; then PROTOCOL 5-step prediction on the target's test
split beside the baselines; mean ± std over seeds with trainable share, adapter size and time."""
import json, sys
import numpy as np, torch
torch.set_num_threads(1)
from trajlm.data.store import read_store
from trajlm.eval.protocol import ModelPredictor, run_eval
from trajlm.finetune.trainer import finetune_next_point
from trajlm.model import TrajectoryModel
from trajlm.train.trainer import TrainConfig

src, store, out = sys.argv[1:4]
steps = int(sys.argv[4]) if len(sys.argv) > 4 else 300
lr = float(sys.argv[5]) if len(sys.argv) > 5 else 5e-4
arch = TrajectoryModel.from_pretrained(src).config
variants = {
    "zero-shot (source model)": dict(model=src, mode="frozen", fraction=0.1, max_steps=0),
    "transfer, full": dict(model=src, mode="full", fraction=0.1),
    "transfer, selective (last block + heads)": dict(model=src, mode="selective", fraction=0.1, n_last=1),
    "transfer, LoRA r=4 + head": dict(model=src, mode="lora", fraction=0.1, lora_r=4, modules_to_save=("head",)),
    "scratch, 10 %": dict(model=None, mode="full", fraction=0.1),
    "scratch, 100 %": dict(model=None, mode="full", fraction=1.0),
}
info, models = {}, []
for seed in (0, 1, 2):
    tc = TrainConfig(batch_size=32, max_len=48, stride=24, lr=lr, warmup_steps=20, eval_every=25, eval_batches=30, seed=seed)
    for name, kw in variants.items():
        kw = {"max_steps": steps, **kw}
        d = f"{out}/{name.split(',')[0].split(' ')[0]}-{kw['mode']}-{int(kw['fraction'] * 100)}-s{seed}"
        s = finetune_next_point(data=store, out=d, train_config=tc, model_config=arch, **kw)
        info.setdefault(name, []).append(s)
        models.append(ModelPredictor(TrajectoryModel.from_pretrained(f"{d}/merged").eval(), name=f"{name} s{seed}"))
        print(name, seed, {k: s[k] for k in ("best_step", "best_val_loss", "train_s", "pct", "adapter_bytes")}, flush=True)
res = run_eval(read_store(store), "predict", models=tuple(models), seeds=(0,), out=f"{out}/eval", verbose=False)
by = {}
for r in res.rows:
    by.setdefault(r["method"].rsplit(" s", 1)[0] if r["method"][-3:-1] == " s" else r["method"], []).append(r["metrics"])
lines = ["| model | target data | 5-step MAE (m) | FDE (m) | trainable (%) | adapter on disk (kB) | train (s) | kept step |", "|---|---|---|---|---|---|---|---|"]
for name, rows in by.items():
    mae = [r["mae_m"] for r in rows]; fde = [r["fde_m"] for r in rows]
    if name in info:
        s = info[name]
        extra = f"{np.mean([x['pct'] for x in s]):.1f} | {np.mean([x['adapter_bytes'] for x in s]) / 1e3:.0f} | {np.mean([x['train_s'] for x in s]):.0f} | {', '.join(str(x['best_step']) for x in s)}"
        data = f"{int(variants[name]['fraction'] * 100)} %"
    else:
        extra, data = " | | | ", ""
    lines.append(f"| {name} | {data} | {np.mean(mae):.1f} ± {np.std(mae):.1f} | {np.mean(fde):.1f} ± {np.std(fde):.1f} | {extra} |")
open(f"{out}/transfer.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
