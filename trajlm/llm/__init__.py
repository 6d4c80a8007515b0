"""Bridges from trajectories to pretrained language models (docs/llm.md).

``text``: trajectories as text and back; ``image``: trajectories as rasters; ``plan`` and
``planner``: natural-language questions -> typed query plans; ``query``: running a plan on
Polars; ``weights``: the offline MiniLM / SmolLM2 weights (the optional ``llm`` extra).
"""
