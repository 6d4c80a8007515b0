"""How many CPU threads torch gets: one policy for the CLI, the Python API and the benches.

Small models gain nothing from intra-op parallelism (each op is microseconds long) and extra
OpenMP threads spin on a busy machine, slowing steps down several times; larger models use one
thread per physical core (hyper-threads share the same FPU and only add contention).
"""

from __future__ import annotations

import os
from pathlib import Path

from trajlm.errors import TrajlmInputError

SMALL_MODEL_PARAMS = 5_000_000  # below this, one thread is as fast as many (CPU, tiny ops)


def _usable_cpus() -> list[int]:
    try:
        return sorted(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return list(range(os.cpu_count() or 1))


def physical_cores() -> int:
    """Physical cores among the CPUs this process may use (hyper-thread siblings count once)."""
    cpus = _usable_cpus()
    cores = set()
    for cpu in cpus:
        f = Path(f"/sys/devices/system/cpu/cpu{cpu}/topology/thread_siblings_list")
        try:
            cores.add(f.read_text().strip())
        except OSError:
            cores.add(str(cpu))  # no topology (not Linux): count logical CPUs
    return max(1, len(cores))


def choose_threads(requested: int | None = None, n_params: int | None = None) -> int:
    """Torch intra-op threads: `requested` when given (>= 1), else 1 for models under
    SMALL_MODEL_PARAMS or on machines with <= 2 cores, else the physical cores."""
    if requested is not None:
        if int(requested) < 1:
            raise TrajlmInputError(f"threads must be >= 1, got {requested}", field="threads")
        return int(requested)
    cores = physical_cores()
    if cores <= 2 or (n_params is not None and n_params < SMALL_MODEL_PARAMS):
        return 1
    return cores


def apply_threads(requested: int | None = None, n_params: int | None = None) -> int:
    """torch.set_num_threads(choose_threads(...)); returns the number set."""
    import torch

    n = choose_threads(requested, n_params)
    torch.set_num_threads(n)
    return n
