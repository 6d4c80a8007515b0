"""Checkpoints shipped inside the package, loadable offline by name:

    TrajectoryModel.from_pretrained("trajlm-small")     # or trajlm.TrajLM.from_pretrained(...)

Each folder holds config.json, model.safetensors and MODEL_CARD.md (data, licences, coverage,
metrics). Only weights trained on data whose licence allows redistributing derived weights
are shipped (docs/pretraining.md); scripts/build_trajlm_small.sh rebuilds trajlm-small.
"""
