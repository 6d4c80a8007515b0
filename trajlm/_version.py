"""The package version, in a module of its own so low layers (store and checkpoint writers) can
record it without importing the package root (which imports everything)."""

__version__ = "0.1.0"
