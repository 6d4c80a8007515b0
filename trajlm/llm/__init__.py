"""Bridges from trajectories to pretrained language models (docs/llm.md).

``text``: trajectories as text and back; ``image``: trajectories as rasters; ``plan``: the
typed query plan a question becomes; ``rules`` and ``planner``: the rule-based and SmolLM2
planners; ``query``: running a plan on Polars; ``reprogram``: a frozen MiniLM reprogrammed
for trajectories; ``weights``: the offline MiniLM / SmolLM2 weights (the optional ``llm``
extra). ``trajlm.ask`` (trajlm/questions.py) puts the question pieces together.
"""
