"""Session 20 (steps20): the step budget `trajlm train` chooses (no max_steps) for each store
given, with the default recipe's window settings. Usage: steps20_budgets.py STORE [STORE ...]"""

from __future__ import annotations

import sys

from trajlm.train.budget import auto_max_steps
from trajlm.train.config import TrainConfig
from trajlm.train.defaults import default_recipe


def main(stores: list[str]) -> None:
    cfg = TrainConfig.from_dict(default_recipe()["train"])
    for s in stores:
        steps, why = auto_max_steps(s, cfg)
        print(f"{s}\t{steps}\t{why}")


if __name__ == "__main__":
    main(sys.argv[1:])
