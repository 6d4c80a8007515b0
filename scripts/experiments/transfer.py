import sys, json, torch; torch.set_num_threads(1)
from trajlm.finetune.trainer import finetune_next_point
from trajlm.train.trainer import TrainConfig
from trajlm.model import ModelConfig
which = sys.argv[1]; steps = int(sys.argv[2])
P = "/tmp/stores/porto"; SRC = "/tmp/ft/geolife-pre-robust/best"
demo = ModelConfig(d_model=64, n_layers=3, n_heads=4, n_kv_heads=2, max_len=64, pos_type="rope_time")
tc = TrainConfig(batch_size=32, max_len=48, stride=24, lr=float(sys.argv[3]), warmup_steps=20, eval_every=25, eval_batches=30, seed=0)
runs = {
 "transfer_full_10": dict(model=SRC, mode="full", fraction=0.1),
 "transfer_lora_10": dict(model=SRC, mode="lora", fraction=0.1, lora_r=8),
 "transfer_sel_10": dict(model=SRC, mode="selective", fraction=0.1, n_last=1),
 "transfer_lorahead_10": dict(model=SRC, mode="lora", fraction=0.1, lora_r=4, modules_to_save=("head",)),
 "scratch_10": dict(model=None, mode="full", fraction=0.1),
 "scratch_100": dict(model=None, mode="full", fraction=1.0),
 "zeroshot": dict(model=SRC, mode="frozen", fraction=0.1),
 "ref_fulldata_d96": dict(model="/work/main/out/results/porto/run-s0/best", mode="frozen"),
}
for w in which.split(","):
    kw = runs[w]
    s = finetune_next_point(data=P, out=f"/tmp/ft/porto-{w}", max_steps=0 if kw["mode"] == "frozen" else steps, train_config=tc, model_config=demo, **kw)
    if s: print(w, json.dumps({k: v for k, v in s.items() if k != "log"}), flush=True)
