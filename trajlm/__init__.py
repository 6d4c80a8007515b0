"""trajlm: large trajectory models for GPS trajectories."""

__version__ = "0.1.0"
