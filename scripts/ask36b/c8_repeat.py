"""Set 34's C8 ("What was Zawadi's average daily distance, in km?") asked N times in one process: the distinct
values it gave (ask36b: its last digit moved between runs, a group_by's group order). Set 34's stores: $ASK34_OUT.
    PYTHONPATH=CHECKOUT python scripts/ask36b/c8_repeat.py [N]
"""

import os
import sys
from pathlib import Path

from trajlm.questions import Asker

OUT = Path(os.environ.get("ASK34_OUT", "/tmp/ask34"))


def main(n: int) -> None:
    asker = Asker(OUT / "collars_store", tz="Africa/Nairobi")
    values = [asker("What was Zawadi's average daily distance, in km?").value for _ in range(n)]
    print(f"{n} asks, {len(set(values))} distinct values: {sorted(set(values))}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
