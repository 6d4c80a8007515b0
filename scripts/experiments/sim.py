import sys, torch; torch.set_num_threads(1)
from trajlm.data.store import read_store
from trajlm.eval.similarity import run_similarity_eval
from trajlm.model import TrajectoryModel, ModelConfig
from trajlm.tasks.embed import ModelEmbedder
store, run, out = sys.argv[1], sys.argv[2], sys.argv[3]
df = read_store(store)
m = TrajectoryModel.from_pretrained(run).eval()
torch.manual_seed(0)
r = TrajectoryModel(ModelConfig.from_dict(m.config.to_dict())).eval()
run_similarity_eval(df, models=(ModelEmbedder(m, name="trajlm pretrained, mean-pooled"), ModelEmbedder(r, name="random-init same arch, mean-pooled")), out=out)
