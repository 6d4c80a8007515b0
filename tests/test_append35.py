"""Session 35 (scale35): `trajlm data ingest NEW --out STORE --append`.

A new day's files are appended without rewriting the store's part files; every new trip goes
to test and must start after the store's latest train or val trip (the chronological split
stays honest; scale36: a late day among test's days is taken);
a van's next-day pieces continue its numbering; anything else refused in one line (exit 2),
the store untouched; a kill at any point leaves the old store whole (trajlm/data/store_append.py).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from helpers import invoke_cli
from polars.testing import assert_frame_equal

from trajlm.data import store_append
from trajlm.data.store import SPLITS, load_index, part_files, read_store, verify_store, write_store
from trajlm.data.store_append import append_store
from trajlm.data.table_order import in_traj_order

DAY = 86_400
T0 = 1_793_491_200  # 2026-11-01T00:00Z


def _day_csv(path: Path, day: int, vans: int = 12, shift_h: float = 6.0) -> Path:
    """One day of a small fleet: each van drives two trips (60 s fixes) with a 2 h stop."""
    rows = []
    for v in range(vans):
        t = T0 + day * DAY + int(shift_h * 3600) + 97 * v
        for trip in range(2):
            for j in range(20):
                rows.append({"vehicle_id": f"V{v:02d}", "ts": t + 60 * j,
                             "lat": 52.0 + 0.01 * v + 4e-4 * j + 0.002 * trip,
                             "lon": 5.0 + 3e-4 * j * (1 + day % 3)})  # fmt: skip
            t += 60 * 20 + 7_200
    pl.DataFrame(rows).write_csv(path)
    return path


def _files(tmp_path: Path, days: range, **kw) -> list[str]:
    return [str(_day_csv(tmp_path / f"day{d}.csv", d, **kw)) for d in days]


def _bytes(store: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(store)): p.read_bytes() for p in sorted(store.rglob("*")) if p.is_file()
    }


def _ingest(files: list[str], out: Path, *extra: str):
    return invoke_cli(["data", "ingest", *files, "--out", str(out), *extra])


def test_append_adds_a_day_to_test_as_one_ingest_names_it(tmp_path):
    store, whole = tmp_path / "s", tmp_path / "whole"
    assert _ingest(_files(tmp_path, range(4)), store).exit_code == 0
    before = _bytes(store)
    new = _files(tmp_path, range(4, 6))
    r = _ingest(new, store, "--append", "--json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    assert summary["appended"] and summary["splits"]["test"]["n_trajectories"] == 48
    assert "appended to" in r.output and "all to test" in r.output
    for name, data in before.items():  # the store's part files are the very same files
        if name.startswith("points/"):
            assert (store / name).read_bytes() == data
    m = verify_store(store)
    assert m["appends"][0]["n_trajectories"] == 48 and m["n_trajectories"] == 96 + 48
    index = load_index(store)
    assert index.filter(pl.col("split") == "test").height == m["splits"]["test"]["n_trajectories"]
    old_latest = index.filter(pl.col("split") != "test")["t_start"].max()
    assert (
        index.filter(pl.col("traj_id").is_in(index["traj_id"].tail(48)))["t_start"].min()
        > old_latest
    )
    # the rows and ids one ingest of all six days gives (the van's pieces numbered on)
    assert _ingest(_files(tmp_path, range(6)), whole).exit_code == 0
    assert_frame_equal(read_store(store).drop("split"), read_store(whole).drop("split"),
                       check_exact=True)  # fmt: skip
    test = read_store(store, split="test")
    assert in_traj_order(test) and len(part_files(store, "test")) == 2


def test_append_refuses_what_would_move_or_mix_trips(tmp_path):
    store = tmp_path / "s"
    assert _ingest(_files(tmp_path, range(3, 6)), store).exit_code == 0
    before = _bytes(store)
    earlier = _files(tmp_path, range(1, 2))  # a late day: before the store's latest trip
    r = _ingest(earlier, store, "--append")
    assert r.exit_code == 2 and "start at or before the store's latest trip start" in r.output
    r = _ingest(_files(tmp_path, range(6, 7)), store, "--append", "--overwrite")
    assert r.exit_code == 2 and "--overwrite" in r.output
    assert _ingest(_files(tmp_path, range(6, 7)), store, "--append").exit_code == 0
    before = _bytes(store)  # the settings of an append are kept: the next is checked against them
    r = _ingest(_files(tmp_path, range(7, 8)), store, "--append", "--max-gap-s", "600")
    assert (
        r.exit_code == 2 and "cleaned with other settings" in r.output and "max_gap_s" in r.output
    )
    r = _ingest(_files(tmp_path, range(6, 7)), tmp_path / "nothing", "--append")
    assert r.exit_code == 2 and "--out" in r.output
    assert _bytes(store) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".s.tmp-")]  # temporaries gone


def _table(ids: list[str], day: int, **extra) -> pl.DataFrame:
    return pl.DataFrame({"traj_id": [i for i in ids for _ in range(10)],
                         "t": [T0 + day * DAY + 3600 * k + 60 * j for k in range(len(ids))
                               for j in range(10)],
                         "lat": [52.0 + 1e-4 * j for _ in ids for j in range(10)],
                         "lon": [5.0] * (10 * len(ids)), **extra})  # fmt: skip


def test_append_refuses_taken_ids_other_columns_and_other_splits(tmp_path):
    ids = [f"trip{k:02d}" for k in range(20)]
    write_store(_table(ids, 0), tmp_path / "s")
    write_store(_table(ids[:5], 3), tmp_path / "taken")
    with pytest.raises(ValueError, match="5 trajectory id.*already"):
        append_store(tmp_path / "s", tmp_path / "taken", ["x"])
    write_store(_table(["n1", "n2", "n3"], 3, vehicle_id=["v"] * 30), tmp_path / "wide")
    with pytest.raises(ValueError, match="columns differ.*vehicle_id"):
        append_store(tmp_path / "s", tmp_path / "wide", ["x"])
    write_store(
        _table(ids, 0, user_id=[f"u{k % 7}" for k in range(200)]), tmp_path / "u", split_by="user"
    )
    write_store(_table(["n1", "n2", "n3"], 3, user_id=["u1"] * 30), tmp_path / "n")
    with pytest.raises(ValueError, match="split by 'user'"):
        append_store(tmp_path / "u", tmp_path / "n", ["x"])


_KILLED = """
import sys, time
from trajlm.data import store_append
store_append._exchange = lambda tmp, store: (print("ready", flush=True), time.sleep(60))
store_append.append_store(sys.argv[1], sys.argv[2], ["new"])
"""


def test_a_kill_before_the_swap_leaves_the_old_store_and_the_next_append_works(tmp_path):
    """SIGKILL once the appended store is all written beside it: the old store is the same
    files, readable; the dead writer's temporary is swept by the next append."""
    ids = [f"trip{k:02d}" for k in range(20)]
    store, new = tmp_path / "s", tmp_path / "new"
    write_store(_table(ids, 0), store)
    write_store(_table([f"late{k}" for k in range(10)], 3), new)
    before, rows = _bytes(store), read_store(store)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    p = subprocess.Popen([sys.executable, "-c", _KILLED, str(store), str(new)], env=env,
                         stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert p.stdout.readline().strip() == "ready"
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    assert [q.name for q in tmp_path.iterdir() if q.name.startswith(".s.tmp-")]  # its temporary
    assert _bytes(store) == before
    verify_store(store)
    assert_frame_equal(read_store(store), rows, check_exact=True)
    m = append_store(store, new, ["new"])
    assert m["splits"]["test"]["n_trajectories"] == 2 + 10
    assert not [q for q in tmp_path.iterdir() if q.name.startswith(".s.tmp-")]
    assert verify_store(store)["n_points"] == 300


def test_the_swap_is_one_step(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "x").write_text("a"), (b / "x").write_text("b")
    store_append._exchange(a, b)
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"
    assert sorted(q.name for q in tmp_path.iterdir()) == ["a", "b"]


def test_read_store_keeps_the_order_of_an_appended_store(tmp_path):
    ids = [f"m{k:02d}" for k in range(20)]
    write_store(_table(ids, 0), tmp_path / "s")
    write_store(_table(["a1", "a2", "z9"], 3), tmp_path / "n")
    append_store(tmp_path / "s", tmp_path / "n", ["n"])
    for s in SPLITS:
        assert in_traj_order(read_store(tmp_path / "s", split=s))
    whole = read_store(tmp_path / "s")
    assert_frame_equal(whole, whole.sort(["traj_id", "t"], maintain_order=True))


def test_a_late_day_among_tests_days_is_appended_to_test(tmp_path):
    """scale36: a day arriving after a later one was appended (newuser33's day 20 after days 21
    and 22) goes to test where it starts after every train and val trip; before, it was refused
    for starting before the latest (appended) test trip. Earlier than val: refused as before."""
    store = tmp_path / "s"
    assert _ingest(_files(tmp_path, range(10)), store).exit_code == 0  # test: day 9
    index = load_index(store)
    held = index.filter(pl.col("split") != "test")["t_start"].max()
    assert held < T0 + 9 * DAY  # val ends before day 9 (the days 0-8 hold train and val)
    assert _ingest(_files(tmp_path, range(11, 12)), store, "--append").exit_code == 0
    before = load_index(store)
    r = _ingest(_files(tmp_path, range(10, 11)), store, "--append")  # the late day
    assert r.exit_code == 0, r.output
    index = load_index(store)
    late = index.join(before, on="traj_id", how="anti")
    assert late.height == 24 and set(late["split"]) == {"test"}
    assert late["t_start"].min() >= T0 + 10 * DAY and late["t_start"].max() < T0 + 11 * DAY
    assert (
        index.filter(pl.col("split") != "test")["t_start"].max() == held
    )  # train, val as they were
    test = read_store(store, split="test")
    assert test.height == verify_store(store)["splits"]["test"]["n_points"]
    assert test["traj_id"].is_in(late["traj_id"].implode()).sum() == 24 * 20
    kept = _bytes(store)
    r = _ingest(_files(tmp_path, range(7, 8), shift_h=1.0), store, "--append")  # before val's end
    assert r.exit_code == 2 and "latest trip start in train or val" in r.output
    assert _bytes(store) == kept


def test_the_python_twin_appends_as_the_cli_does(tmp_path):
    """`trajlm.ingest(files, "auto", store, append=True)`: the same store as the CLI's append."""
    import trajlm

    first, more = _files(tmp_path, range(3)), _files(tmp_path, range(3, 5))
    assert _ingest(first, tmp_path / "cli").exit_code == 0
    assert _ingest(more, tmp_path / "cli", "--append").exit_code == 0
    trajlm.ingest(first, "auto", tmp_path / "py", overwrite=False)
    m = trajlm.ingest(more, "auto", tmp_path / "py", append=True)
    assert m["appends"][-1]["n_trajectories"] == 48 and m["splits"]["test"]["n_trajectories"] > 48
    assert_frame_equal(read_store(tmp_path / "py"), read_store(tmp_path / "cli"), check_exact=True)
    with pytest.raises(ValueError, match="latest trip start"):
        trajlm.ingest(first[:1], "auto", tmp_path / "py", append=True)
    assert not [q for q in tmp_path.iterdir() if q.name.startswith(".py.tmp-")]
