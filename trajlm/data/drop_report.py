"""`DropReport`: the count of every row a reader or cleaning verb dropped or repaired, and why
(`rows_in == rows_kept + total`), and `SHAPING`, the drops that are the cleaning preset's
choices rather than unreadable rows. Out of schema.py (review40b), code unchanged; schema.py
re-exports both.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# drops of readable rows by the cleaning preset (thinning, stops, too-short trajectories,
# repeated times, speed outliers) or by the reading of byte copies: the preset's choices, not
# rows that could not be read (session 23, tidy23: GeoLife's 853,425 thinned rows made ingest
# say "most rows were skipped" over 1 row out of range)
SHAPING = frozenset({"thinned", "stopped", "short_trajectory", "short_segment", "unlabelled",
                     "duplicate_timestamp", "speed_outlier", "non_monotonic_time",
                     "duplicate_file", "low_accuracy", "high_hdop"})  # fmt: skip


@dataclass
class DropReport:
    """Counts of dropped rows per reason, plus the number of rows seen."""

    rows_in: int = 0
    dropped: Counter = field(default_factory=Counter)
    # Repairs that changed rows without dropping them (e.g. "sorted_by_time").
    repaired: Counter = field(default_factory=Counter)
    # on_error="skip": the first skipped row's one-line reason (file:line, field, value), said
    # when every (or most) rows fail; not part of to_dict (manifests unchanged).
    first_problem: str | None = None
    # The file's own names of the id columns read as trajlm's (traj_id / vehicle_id / user_id
    # -> `vehicle`), for answers named as the input's (coerce_path.read_kept; not in to_dict).
    id_names: dict | None = None
    time_name: dict | None = None  # ... and of the time column ({"t": "time"}; leftover36)
    # steps over ingest's jump rule kept (no max_speed_mps): {"steps", "max_mps",
    # "threshold_mps", "p99_mps"}, as ingest's `reading.jump_steps` (trajlm.clean; leftover39,
    # newuser40; not in to_dict)
    impossible_speed: dict | None = None

    def drop(self, reason: str, n: int) -> None:
        if n:
            self.dropped[reason] += int(n)

    def repair(self, reason: str, n: int) -> None:
        if n:
            self.repaired[reason] += int(n)

    @property
    def total(self) -> int:
        return int(sum(self.dropped.values()))

    @property
    def bad(self) -> int:
        """Rows dropped as unreadable or invalid (``first_problem`` says why the first one
        was): every drop but the preset's choices (``SHAPING``)."""
        return int(sum(n for r, n in self.dropped.items() if r not in SHAPING))

    @property
    def rows_kept(self) -> int:
        return self.rows_in - self.total

    def merge(self, other: DropReport) -> DropReport:
        """Combine a report of a later stage: rows_in stays the first stage's."""
        out = DropReport(
            self.rows_in or other.rows_in, Counter(self.dropped), Counter(self.repaired)
        )
        out.dropped.update(other.dropped)
        out.repaired.update(other.repaired)
        out.first_problem = self.first_problem or other.first_problem
        return out

    def add(self, other: DropReport) -> DropReport:
        """Combine reports of disjoint inputs (e.g. two files): rows_in adds up."""
        out = DropReport(
            self.rows_in + other.rows_in, Counter(self.dropped), Counter(self.repaired)
        )
        out.dropped.update(other.dropped)
        out.repaired.update(other.repaired)
        out.first_problem = self.first_problem or other.first_problem
        return out

    def to_dict(self) -> dict:
        return {
            "rows_in": self.rows_in,
            "rows_kept": self.rows_kept,
            "dropped": dict(sorted(self.dropped.items())),
            "repaired": dict(sorted(self.repaired.items())),
        }

    @classmethod
    def from_dict(cls, d: dict) -> DropReport:
        return cls(d["rows_in"], Counter(d.get("dropped", {})), Counter(d.get("repaired", {})))
