"""smallval25's second draw set: sim.py's draws (same seed) at sizes around the chosen
threshold, the shrink rule beside "now", guarded and lenient. python sim2.py OUT.json"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from sim import main  # noqa: E402

SIZES = [3, 5, 8, 10, 12, 15, 20]
RULES = {  # name: (candidate set, guarded)
    "all6_guarded (now)": ("all", True),
    "shrink_guarded": ("shrink", True),
    "all6_lenient": ("all", False),
    "shrink_lenient": ("shrink", False),
}

if __name__ == "__main__":
    main(SIZES, RULES)
