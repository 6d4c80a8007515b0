"""trajlm: large trajectory models for GPS trajectories."""

from trajlm._version import __version__ as __version__
