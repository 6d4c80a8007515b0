import sys, json, time, torch
torch.set_num_threads(1)
import polars as pl
from trajlm.data.store import read_store
from trajlm.eval.classify import make_mode_segments, split_segments, run_classify_eval
from trajlm.tasks.classify import ModelClassifier
from trajlm.model import ModelConfig
split = sys.argv[1]; which = sys.argv[2].split(","); epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 8
df = read_store("/tmp/stores/geolife").drop("split")
seg, rep = make_mode_segments(df)
parts = split_segments(seg, split)
print({k: (v["traj_id"].n_unique(), len(v)) for k, v in parts.items()}, flush=True)
PRE = "/tmp/ft/geolife-pre/best"
demo = ModelConfig(d_model=64, n_layers=3, n_heads=4, n_kv_heads=2, max_len=64, pos_type="rope_time")
models = []
for w in which:
    init, mode = w.split(":")
    kw = dict(mode=mode, epochs=epochs, name=f"trajlm {init} {mode}", verbose=True, lr=float(sys.argv[4]) if len(sys.argv) > 4 else 3e-3)

    if mode.startswith("lora"):
        kw["mode"], kw["lora_r"] = "lora", int(mode[4:] or 8)
    src = {"pre": PRE, "rob": "/tmp/ft/geolife-pre-robust/best", "scratch": None}[init]
    models.append(ModelClassifier(src, model_config=demo, **kw))
res = run_classify_eval(df, models=tuple(models), seeds=(0,), split_by=split, out=f"/tmp/ft/cls-{split}-{sys.argv[2].replace(':','_').replace(',','+')}", verbose=True)
for m in models:
    print(m.name, {k: v for k, v in m.info_.items() if k != "history"}, flush=True)
