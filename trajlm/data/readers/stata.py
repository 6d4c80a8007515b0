"""Stata datasets (`.dta`, formats 113-119; heldout34: a travel survey's GPS points saved from
Stata were "cannot tell the format from the name"), read with pandas (no extra package) and
written as a CSV before the read (`spreadsheet.sheets_as_csv`), so the usual column detection,
checks and options apply. Stata's own date-times (`%tc` / `%tC`: milliseconds since 1960, `%td`
days since 1960) are converted by pandas to times, written ISO (a raw count read as Unix time
would be ten years off); value-labelled numbers are written as their labels (`mode` 3 -> `car`),
unless a label repeats (then the numbers). Each CSV line is the dataset's row, for errors."""

from __future__ import annotations

import struct
import warnings
from pathlib import Path

from trajlm.data.readers._file_io import head
from trajlm.data.schema import TrajlmInputError

CHUNK = 100_000  # rows read and written at a time


def is_stata(path: Path) -> bool:
    """A `.dta` file whose header is Stata's (`<stata_dta>`, or an old format's version byte)."""
    if not path.is_file() or path.suffix.lower() != ".dta":
        return False
    start = head(path, 16)
    if len(start) < 2:  # b"" is "in" any bytes: an empty .dta passed as Stata (struct.error)
        return False
    return start.startswith(b"<stata_dta>") or (
        start[:1] in b"\x71\x72\x73" and start[1:2] in b"\x01\x02"
    )


def stata_as_csv(path: Path, out: Path) -> list[str]:
    """Write the dataset as a CSV at `out`; each CSV line's row (`row 7`; the header first)."""
    import pandas as pd

    def chunks(labels: bool):  # noqa: ANN202 (pandas frames)
        with warnings.catch_warnings():  # pandas' notes on missing-value kinds, not the user's
            warnings.simplefilter("ignore")
            with pd.read_stata(path, chunksize=CHUNK, convert_categoricals=labels) as r:
                yield from r

    where = ["header"]
    try:
        try:
            parts = list(chunks(True)) if path.stat().st_size <= 64 << 20 else None
        except ValueError:  # a value label used twice: pandas refuses the labels
            parts = None
        first = True
        for part in parts if parts is not None else chunks(False):
            for c in part.columns:
                if pd.api.types.is_datetime64_any_dtype(part[c]):
                    part[c] = (
                        part[c].dt.strftime("%Y-%m-%dT%H:%M:%S.%f").str.rstrip("0").str.rstrip(".")
                    )
            part.to_csv(out, mode="w" if first else "a", header=first, index=False)
            where += [f"row {len(where) + k}" for k in range(len(part))]
            first = False
    except (ValueError, OSError, EOFError, struct.error) as e:  # struct: a cut header
        raise TrajlmInputError(f"a Stata file that does not read ({e})", path=path) from None
    return where
