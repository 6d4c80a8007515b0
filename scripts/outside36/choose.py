"""outside36's rule, written before any test file is scored. Prints "HIDDEN EPOCHS".

    python scripts/outside36/choose.py val_pred_STORE.json

Of the val eval's rows named lstm_h{HIDDEN}_e{EPOCHS}_seed{SEED} (scripts/outside36/val.sh,
`--windows all`), the (hidden, epochs) with the lowest val 5-step MAE averaged over its seeds;
a tie goes to the smaller, shorter run.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict

NAME = re.compile(r"lstm_h(\d+)_e(\d+)_seed\d+")


def main() -> None:
    with open(sys.argv[1]) as f:
        results = json.load(f)["results"]
    mae = defaultdict(list)
    for r in results:
        if m := NAME.fullmatch(r["method"]):
            mae[(int(m[1]), int(m[2]))].append(r["metrics"]["mae_m"])
    if not mae:
        raise SystemExit(f"{sys.argv[1]}: no lstm_h*_e*_seed* rows")
    hidden, epochs = min(mae, key=lambda he: (sum(mae[he]) / len(mae[he]), he))
    print(hidden, epochs)


if __name__ == "__main__":
    main()
