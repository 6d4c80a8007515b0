"""Objective code: what is hidden (masking.py) and the infilling sequences, losses and decoding
built on it (infill.py). Above the model (it reads the model's heads), below the trainer."""
