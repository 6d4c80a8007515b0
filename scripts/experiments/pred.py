import sys, torch; torch.set_num_threads(1)
from trajlm.data.store import read_store
from trajlm.eval.protocol import run_eval, ModelPredictor
from trajlm.model import TrajectoryModel
df = read_store("/tmp/stores/porto")
ms = []
for w in sys.argv[1].split(","):
    path = "/work/main/out/results/porto/run-s0/best" if w == "ref_fulldata_d96" else f"/tmp/ft/porto-{w}/merged"
    ms.append(ModelPredictor(TrajectoryModel.from_pretrained(path).eval(), name=w))
run_eval(df, "predict", models=tuple(ms), seeds=(0,), out="/tmp/ft/porto-predict")
