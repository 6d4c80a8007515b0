"""`trajlm train-selector`: fit the candidate selector over retrieved futures on a store.

    trajlm train-selector --data STORE --out runs/sel-s0 --seed 0 [--config configs/porto_selector.toml]
    trajlm eval --task predict --data STORE --model runs/sel-s0 --model runs/sel-s1 ...

The selector (trajlm/eval/selector_predictor.py, docs/candidates.md) tunes its kNN pools on the
store's val split, retrieves from its train split only and is early-stopped on val windows; at
the end it is scored beside plain and place-aware kNN on val and the winner answers from then on
(trajlm/eval/selector_verdict.py; --no-val-check: the selector always answers).
Registered in trajlm/cli.py.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import typer

TOP_KEYS = {"kind", "top_k", "local", "max_train_windows", "max_val_windows", "place_grid",
            "network"}  # fmt: skip
GRID_KEYS = {"w_place", "w_heading", "n_neighbors"}
GRID_ORDER = ("w_place", "w_heading", "n_neighbors")  # `local = [w_place, w_heading, n]`
GRID_RULES = {"w_place": (float, 0, False), "w_heading": (float, 0, False),
              "n_neighbors": (int, 1, False)}  # fmt: skip


def selector_params(path: Path | None, max_epochs: int | None = None) -> dict:
    """CandidateSelectorPredictor's keyword arguments from a TOML [selector] section; an unknown
    section or key is one UserError naming the file and the key."""
    from trajlm import _cli_io as io
    from trajlm._safety import ConfigError
    from trajlm.eval.candidate_selector import SelectorConfig

    sec = io.toml_section(path, "selector", "selector")
    where = f"--config {path}: [selector]"
    for keys, got, name in ((TOP_KEYS, sec, ""), (GRID_KEYS, sec.get("place_grid", {}), ".place_grid"),
                            ({f.name for f in fields(SelectorConfig)}, sec.get("network", {}), ".network")):  # fmt: skip
        if set(got) - keys:
            raise ConfigError(f"{where}{name}: unknown key(s) {sorted(set(got) - keys)}")
    if sec.get("kind", "candidate_selector") != "candidate_selector":
        raise ConfigError(f'{where}: kind must be "candidate_selector", got {sec["kind"]!r}')
    local = sec.get("local", [1.0, 300.0, 10])
    if local is not False and (not isinstance(local, list) or len(local) != 3):
        raise ConfigError(f"{where}.local: give [w_place, w_heading, n_neighbors] or false")
    io.config_numbers(sec, where, {k: (int, 1, False) for k in ("top_k", "max_train_windows",
                                                                "max_val_windows")})  # fmt: skip
    if local:
        io.config_numbers(dict(zip(GRID_ORDER, local, strict=True)), f"{where}.local", GRID_RULES)
    for k, v in sec.get("place_grid", {}).items():
        if not isinstance(v, list) or not v:
            raise ConfigError(f"{where}.place_grid.{k}: give a non-empty list")
    io.config_numbers(sec.get("place_grid", {}), f"{where}.place_grid", GRID_RULES)
    params = {k: sec[k] for k in ("top_k", "max_train_windows", "max_val_windows") if k in sec}
    selector = io.selector_network(sec, max_epochs, where)
    return {**params, "local": tuple(local) if local else None, "selector": selector,
            "place_grid": {k: tuple(v) for k, v in sec.get("place_grid", {}).items()} or None}  # fmt: skip


def train_selector(
    data: Path = typer.Option(..., "--data", help="Store directory (trajlm data ingest/synth)."),
    out: Path = typer.Option(..., "--out", help="Folder for the fitted selector."),
    config: Path = typer.Option(None, "--config", help="TOML with a [selector] section."),
    seed: int = typer.Option(0, min=0, help="Seed of the network's initialisation and batches."),
    max_epochs: int = typer.Option(None, min=1, help="Override [selector.network] max_epochs."),
    overwrite: bool = typer.Option(False, help="Replace an existing selector folder."),
    threads: int = typer.Option(1, min=1, help="torch threads (1: the published setting)."),
    val_check: bool = typer.Option(
        True,
        help="Score the selector, plain kNN and place-aware kNN on val and answer with the "
        "winner (the selector needs a lower val MAE with a bootstrap CI under 1); "
        "--no-val-check: the selector always answers.",
    ),
) -> None:
    """Fit the candidate selector over retrieved futures (docs/candidates.md) on a store."""
    from rich.console import Console

    from trajlm import _cli_io as io
    from trajlm._threads import apply_threads
    from trajlm.eval.selector_predictor import MARKER_KIND, CandidateSelectorPredictor
    from trajlm.eval.selector_verdict import verdict_line

    console = Console(stderr=False, emoji=False)
    io.fit_output(data, out, MARKER_KIND, overwrite)
    params = selector_params(config, max_epochs) | {"val_check": val_check}
    apply_threads(threads, None)
    parts = io.fit_splits(data, "the selector")
    fit = CandidateSelectorPredictor(**params).fit  # minutes on a CPU: each stage is said
    sel = fit(parts["train"], parts["val"], seed=seed, progress=io.say)
    sel.save(out, overwrite=overwrite)
    log = sel.log_
    console.print(io.dict_table({
        "settings": sel.settings_ | {"train_trips_sha1": sel.settings_["train_trips_sha1"][:10]},
        "val-window ADE (m)": f"{log['val_ade_init']:.1f} (kNN) -> {log['val_ade']:.1f}",
        "best epoch": log["best_epoch"], "params": log["n_params"],
        "answers": verdict_line(sel.verdict_),
        "fit (s)": f"{log['fit_s']:.0f} (tuning {log['tune_s']:.0f}, candidates "
                   f"{log['build_s']:.0f}, network {log['train_s']:.0f})",
    }, f"selector {out}"))  # fmt: skip
