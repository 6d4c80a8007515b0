"""Transport modes (PROTOCOL task 4): python cls2.py STORE PRETRAINED_RUN OUT SPEC[,SPEC...] [EPOCHS] [LR] [SEEDS]
SPEC = INIT:MODE[:N_POINTS]  INIT in pre|scratch, MODE in full|selective|lora<r>|frozen; N_POINTS thins
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
arch = TrajectoryModel.from_pretrained(pre).config
models = []
for spec in specs.split(","):
    init, mode, *npts = spec.split(":")
    kw = dict(mode=mode, epochs=epochs, lr=lr, name=f"trajlm {spec}", n_points=int(npts[0]) if npts else None)
    if mode.startswith("lora"):
        kw["mode"], kw["lora_r"] = "lora", int(mode[4:] or 8)
    models.append([ModelClassifier(pre if init == "pre" else None, model_config=arch, seed=s, **kw)
                   for s in seeds])
run_classify_eval(df, models=tuple(models), seeds=seeds, split_by="user_time", out=out, verbose=True)
for group in models:
    for m in group:
        print(m.name, m.seed, {k: v for k, v in m.info_.items() if k != "history"}, flush=True)
