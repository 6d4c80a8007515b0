"""Read set 38b with the current code (ask38b) and score it against $ASK38_OUT/truth38b.json:
python scripts/ask38b/read.py NAME  -> $ASK38_OUT/NAME.txt / NAME.json.
Every store through `Asker`, the path `trajlm ask` takes (tz as the CLI's --tz), set 38's stores as
scripts/ask38/read.py opens them. Verdicts as scripts/ask37/read.py."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import load_script, read_set  # noqa: E402
from questions import Q  # noqa: E402  (before ask38's read.py puts its own questions.py on the path)

# set 38's stores, opened as scripts/ask38/read.py opens them (its OUT from the same $ASK38_OUT)
askers = load_script("ask38_read", "ask38/read.py").askers
OUT = Path(os.environ.get("ASK38_OUT", "/tmp/ask38"))

if __name__ == "__main__":
    read_set(OUT, sys.argv[1], askers(), Q, truth_file="truth38b.json")
