"""badin34: the class of every hostile case of scripts/badin34/probe.py on its first read and
after this branch's fixes (R answered right, C one clear line, U an unclear line, S silently
wrong, T a traceback / a 500 / a hang), classified by hand from the probe's outputs. First
read: main f3f47f24 (PYTHONPATH=/work/main); after: branch badin34. A Python case that ends in
a TrajlmInputError subclass (UserError, ConfigError, MissingFileError, DamagedFileError,
OutputExistsError: the probe prints them as EXC by name) is a clear line when its text is.
Prints docs/reliability.md's table.
Run: python scripts/badin34/classes.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import classes as _cls  # noqa: E402
from badin_cases import print_section_table  # noqa: E402

SECTIONS = {  # probe.py's case numbers by surface (docs/reliability.md's table rows)
    "trajlm train: TOML / JSON configs": range(1, 47),
    "trajlm train: options, folders, --resume": range(47, 72),
    "trajlm finetune": range(72, 96),
    "trajlm eval (--shift, --windows, --horizon-s, ...)": range(96, 140),
    "trajlm predict --split / --holdout / --steps": range(140, 148),
    "TrajLM.predict: subtly wrong frames": range(148, 204),
    "predict(at_times=)": range(204, 218),
    "TrajLM.recover": range(218, 232),
    "TrajLM.travel_time (a tiny run with infilling heads)": range(232, 246),
    "embed / classify / similar": range(246, 264),
    "TrajLM.evaluate": range(264, 275),
    "TrajLM.fit": range(275, 290),
    "checkpoints and task models (Python, CLI)": range(290, 324),
    "trajlm data corpus specs": range(324, 343),
    "HTTP (bodies, content types, NaN, concurrency)": range(343, 382),
}
RIGHT = (1, 17, 21, 22, 38, 60, 62, 63, 67, 69, 72, 96, 102, 105, 107, 114, 119, 140, 148, 149,
         152, 153, 154, 157, 158, 159, 160, 161, 163, 164, 165, 166, 169, 170, 174, 184, 185,
         188, 190, 196, 199, 202, 203, 204, 233, 238, 241, 245, 205, 206, 207, 208, 209, 210, 213, 214, 217, 218,
         220, 222, 224, 246, 247, 248, 252, 256, 260, 261, 263, 264, 271, 272, 275, 282, 283,
         287, 288, 290, 291, 309, 315, 324, 343, 363, 364, 367, 370, 374, 375, 379, 380, 381)  # fmt: skip
UNCLEAR = (35, 40, 70, 155, 181, 191, 231, 234, 240, 244, 280, 281, 284, 289, 351, 368, 371)
SILENT = (37, 175, 332, 337)
TRACEBACK = (45, 46, 52, 95, 251, 316, 320, 321, 333)
CLEAR = tuple(i for i in range(1, 382) if i not in RIGHT + UNCLEAR + SILENT + TRACEBACK)
PROBE = _cls(
    {"R": RIGHT, "C": CLEAR, "U": UNCLEAR, "S": SILENT, "T": TRACEBACK},
    {35: "C", 37: "C", 40: "C", 45: "C", 46: "C", 52: "C", 70: "C", 95: "C", 155: "R",
     175: "C", 181: "C", 191: "C", 231: "C", 234: "C", 240: "C", 244: "C", 251: "C", 280: "C", 281: "C", 284: "C", 289: "C",
     316: "C", 320: "C", 321: "C", 332: "C", 333: "C", 337: "C", 351: "C", 368: "C",
     371: "C"},
)  # fmt: skip

if __name__ == "__main__":
    print_section_table(SECTIONS, PROBE)
