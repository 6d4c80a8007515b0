"""`trajlm train-recovery`: fit recovery by route retrieval + a learned selector on a store.

    trajlm train-recovery --data STORE --out runs/rec-s0 --seed 0 [--config configs/porto_recovery.toml]
    trajlm eval --task recover --data STORE --model runs/rec-s0 --model runs/rec-s1 ...

The model (trajlm/eval/route_recovery_predictor.py, docs/recovery-retrieval.md) retrieves from
the store's train split only, chooses its base threshold on val and is early-stopped on val
gaps. Registered in trajlm/cli.py.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import typer

TOP_KEYS = {"kind", "radius_m", "max_ratio", "slack_s", "speed_m_s", "max_pieces", "intervals",
            "train_mask_seeds", "val_mask_seeds", "long_gap_grid", "max_train_rows", "network",
            "reverse"}  # fmt: skip
TUPLES = ("intervals", "train_mask_seeds", "val_mask_seeds", "long_gap_grid")


def recovery_params(path: Path | None, max_epochs: int | None = None) -> dict:
    """RouteRecoveryPredictor's keyword arguments from a TOML [recovery] section; an unknown
    section or key is one UserError naming the file and the key."""
    from trajlm import _cli_io as io
    from trajlm._safety import ConfigError
    from trajlm.eval.candidate_selector import SelectorConfig

    sec = io.toml_section(path, "recovery", "route-recovery")
    where = f"--config {path}: [recovery]"
    net_keys = {f.name for f in fields(SelectorConfig)}
    for keys, got, name in ((TOP_KEYS, sec, ""), (net_keys, sec.get("network", {}), ".network")):
        if set(got) - keys:
            raise ConfigError(f"{where}{name}: unknown key(s) {sorted(set(got) - keys)}")
    if sec.get("kind", "route_recovery") != "route_recovery":
        raise ConfigError(f'{where}: kind must be "route_recovery", got {sec["kind"]!r}')
    grid = sec.get("long_gap_grid")  # "inf" (text) in the grid = always Akima, as below
    numbers = {**sec, "long_gap_grid": [float(v) if v == "inf" else v for v in grid]} if (
        isinstance(grid, list)) else sec  # fmt: skip
    io.config_numbers(numbers, where, {
        "radius_m": (float, 0, True), "max_ratio": (float, 1, False), "slack_s": (float, 0, False),
        "speed_m_s": (float, 0, True), "max_pieces": (int, 1, False), "max_train_rows": (int, 1, False),
        "intervals": (float, 0, True), "long_gap_grid": (float, 0, False),
        "train_mask_seeds": (int, 0, False), "val_mask_seeds": (int, 0, False)})  # fmt: skip
    params = {k: v for k, v in sec.items() if k not in ("kind", "network")}
    for k in TUPLES:
        if k in params:
            if not isinstance(params[k], list) or not params[k]:
                raise ConfigError(f"{where}.{k}: give a non-empty list")
            # TOML has no infinity literal that reads well: "inf" in the grid = always Akima
            params[k] = tuple(float(v) if k in ("intervals", "long_gap_grid") else int(v)
                              for v in params[k])  # fmt: skip
    if not isinstance(params.get("reverse", False), bool):
        raise ConfigError(f"{where}.reverse: give true or false")
    return {**params, "selector": io.selector_network(sec, max_epochs, where)}


def train_recovery(
    data: Path = typer.Option(..., "--data", help="Store directory (trajlm data ingest/synth)."),
    out: Path = typer.Option(..., "--out", help="Folder for the fitted model."),
    config: Path = typer.Option(None, "--config", help="TOML with a [recovery] section."),
    seed: int = typer.Option(0, min=0, help="Seed of the network's initialisation and batches."),
    max_epochs: int = typer.Option(None, min=1, help="Override [recovery.network] max_epochs."),
    overwrite: bool = typer.Option(False, help="Replace an existing route-recovery folder."),
    threads: int = typer.Option(1, min=1, help="torch threads (1: the published setting)."),
) -> None:
    """Fit recovery by route retrieval + a learned selector (docs/recovery-retrieval.md)."""
    from rich.console import Console

    from trajlm import _cli_io as io
    from trajlm._safety import UserError
    from trajlm._threads import apply_threads
    from trajlm.eval.route_recovery_predictor import MARKER_KIND, RouteRecoveryPredictor

    console = Console(stderr=False, emoji=False)
    io.fit_output(data, out, MARKER_KIND, overwrite)
    params = recovery_params(config, max_epochs)
    apply_threads(threads, None)
    parts = io.fit_splits(data, "route recovery")
    try:
        rec = RouteRecoveryPredictor(**params).fit(parts["train"], parts["val"], seed=seed)
    except ValueError as e:
        raise UserError(f"--data {data}: {e}") from None
    rec.save(out, overwrite=overwrite)
    log, s = rec.log_, rec.settings_
    console.print(io.dict_table({
        "base": f"akima for gaps <= {s['long_gap_s']:g} s, pchip above (chosen on val)",
        "val-gap MAE (m)": f"{log['val_ade_init']:.1f} (base) -> {log['val_ade']:.1f}",
        "best epoch": log["best_epoch"], "params": log["n_params"],
        "points": f"{log['n_train_points']} train, {log['n_val_points']} val",
        "fit (s)": f"{log['fit_s']:.0f} (candidates {log['build_s']:.0f}, network "
                   f"{log['train_s']:.0f})",
    }, f"route recovery {out}"))  # fmt: skip
