"""The lead's fix of a collision between session 34's merges (ci-local at 1f39a942).

heldout34 / fix34 read a column that numbers movers again inside another (`persid` 1, 2 in
every `hhid`) as the pair. A trip's driver also recurs under other trips, but each trip has ONE
driver: the driver is the trip's attribute, not a numbering inside it, and the trip id alone is
the mover. Read as the pair, a frame keyed by `viagem` with a `motorista` column was accepted
with a line calling the driver a numbering inside the trip (test_llm_set14_fixes expected the
refusal that names how to give the columns)."""

import warnings

import pandas as pd
import pytest

import trajlm
from trajlm.errors import TrajlmInputError


def _rows(people: tuple[int, ...]) -> pd.DataFrame:
    rows = [(hh, person, pd.Timestamp("2026-09-14T06:00Z") + pd.Timedelta(seconds=20 * k),
             47.37 + hh % 10 / 100 + person / 1000 + k * 1e-4, 8.54)
            for hh in (1000, 1001, 1002, 1003) for person in people for k in range(20)]  # fmt: skip
    return pd.DataFrame(rows, columns=["hhid", "persid", "fixtime", "lat", "lon"])


def test_a_column_with_one_value_per_parent_is_not_read_as_a_numbering_inside_it() -> None:
    # each "trip" (hhid) has one "driver" (persid 1 or 2), drivers recur across trips
    df = _rows((1,))
    df.loc[df.hhid.isin([1001, 1003]), "persid"] = 2
    df = df.astype({"hhid": str, "persid": str}).rename(columns={"hhid": "viagem",
                                                                 "persid": "motorista"})  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(TrajlmInputError, match="traj_col"):
            trajlm.to_canonical(df, split_gaps=True)


def test_a_numbering_inside_households_is_still_read_as_the_pair() -> None:
    df = _rows((1, 2))
    with pytest.warns(UserWarning, match=r"column 'hhid/persid'"):
        frame = trajlm.to_canonical(df, split_gaps=True)
    assert frame["traj_id"].n_unique() == 8
