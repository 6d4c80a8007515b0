"""leftover37 item 5: a killed append's `.STORE.tmp-PID-*` (hard links of the whole store plus
the new files) stayed until the next append beside it had ingested its own files, and stayed
for good where that append was refused. Now any append first removes those whose PID is dead
(never a live writer's), said in one note; ingest --overwrite and write_store already did."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from test_append35 import _bytes, _files, _ingest

import trajlm


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def _temporary(parent: Path, name: str, pid: int) -> Path:
    tmp = parent / f".{name}.tmp-{pid}-abc123"
    (tmp / "new").mkdir(parents=True)
    (tmp / "new" / "part.parquet").write_bytes(b"x" * 100)
    return tmp


@pytest.fixture
def live():
    p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    yield p.pid
    p.kill()
    p.wait()


def test_a_refused_cli_append_still_sweeps_dead_writers_only(tmp_path: Path, live: int) -> None:
    store = tmp_path / "s"
    assert _ingest(_files(tmp_path, range(4)), store).exit_code == 0
    dead = _temporary(tmp_path, "s", _dead_pid())
    alive = _temporary(tmp_path, "s", live)
    before = _bytes(store)
    r = _ingest(_files(tmp_path, range(4, 5)), store, "--append", "--max-gap-s", "600")
    assert r.exit_code == 2 and "cleaned with other settings" in r.output  # refused ...
    assert not dead.exists()  # ... and the dead writer's temporary gone (was: kept)
    assert "removed 1 temporary folder(s) of an interrupted write" in r.output
    assert alive.exists()  # a live writer's: never
    assert _bytes(store) == before


def test_a_python_append_sweeps_first(tmp_path: Path, live: int) -> None:
    store = tmp_path / "s"
    trajlm.ingest(_files(tmp_path, range(4)), "auto", store)
    dead = _temporary(tmp_path, "s", _dead_pid())
    alive = _temporary(tmp_path, "s", live)
    with pytest.raises(Exception, match="cleaned with other settings"):
        trajlm.ingest(_files(tmp_path, range(4, 5)), "auto", store, append=True,
                      clean_overrides={"max_gap_s": 600})  # fmt: skip
    assert not dead.exists() and alive.exists()


def test_through_a_symlink_both_places_are_swept(tmp_path: Path) -> None:
    real = tmp_path / "data" / "s"
    real.parent.mkdir()
    assert _ingest(_files(tmp_path, range(4)), real).exit_code == 0
    (tmp_path / "link").symlink_to(real)
    by_link = _temporary(tmp_path, "link", _dead_pid())
    by_store = _temporary(real.parent, "s", _dead_pid())
    r = _ingest(_files(tmp_path, range(4, 5)), tmp_path / "link", "--append")
    assert r.exit_code == 0, r.output
    assert not by_link.exists() and not by_store.exists()
