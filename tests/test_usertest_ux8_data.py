"""What the pretrain-your-own-model tester (newuser3, ux8) found, data side: empty splits,
by-user hold-out of own CSVs, --on-error skip's first reason, corpus discovery (upper-case
.CSV, a [[source]] columns table), the benches' --out, `make pretrain STEPS=`."""

from __future__ import annotations

from pathlib import Path

import pytest
from reliability_helpers import fails, invoke, said

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def night(tmp_path_factory) -> Path:
    """A store of 20 trips that all start between 00 and 04 h UTC (newuser3's fleet)."""
    d = tmp_path_factory.mktemp("night")
    rows = ["traj_id,t,lat,lon"]
    for i in range(20):
        t0 = 1709596800 + 86400 * (i % 5) + 600 * i  # 2024-03-05 00:00 UTC + days, + 10 min
        rows += [f"v{i},{t0 + 15 * k},{41.15 + 0.0004 * k + 0.001 * i},{-8.61 + 0.0003 * k}"
                 for k in range(12)]  # fmt: skip
    (d / "night.csv").write_text("\n".join(rows) + "\n")
    r = invoke("data", "ingest", d / "night.csv", "--format", "csv", "--out", d / "s")
    assert r.exit_code == 0, r.output
    return d


def test_resplit_leaving_test_empty_warns_with_counts_and_eval_says_one_line(night, tmp_path):
    r = invoke("data", "resplit", night / "s", "--by", "hour=6", "--out", tmp_path / "h6")
    assert r.exit_code == 0, r.output
    text = said(r)
    assert "test split is empty" in text and "test 0" in text and "--by hour" in text, text
    text = fails("eval", "--task", "predict", "--data", tmp_path / "h6",
                 names=("test split is empty", "resplit"))  # fmt: skip
    assert text.count("\n") <= 1


def _fleet_csv(path: Path, owner_col: str) -> Path:
    """12 trips of 4 vehicles (3 each), 10 points per trip, with an owner column."""
    rows = [f"traj_id,t,lat,lon,{owner_col}"]
    for i in range(12):
        t0 = 1709596800 + 3600 * i
        rows += [f"trip{i},{t0 + 15 * k},{41.15 + 0.0004 * k},{-8.61 + 0.001 * i},car{i % 4}"
                 for k in range(10)]  # fmt: skip
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize(
    "owner_col, extra", [("vehicle_id", []), ("Vehicle No.", ["--vehicle-col", "Vehicle No."])]
)
def test_ingest_keeps_an_owner_column_so_resplit_by_user_works(tmp_path, owner_col, extra):
    csv = _fleet_csv(tmp_path / "fleet.csv", owner_col)
    r = invoke("data", "ingest", csv, "--format", "csv", "--out", tmp_path / "s", *extra)
    assert r.exit_code == 0, r.output
    r = invoke("data", "resplit", tmp_path / "s", "--by", "user", "--out", tmp_path / "u")
    assert r.exit_code == 0, r.output


def test_resplit_by_user_without_owner_names_the_option(tmp_path):
    csv = tmp_path / "plain.csv"
    csv.write_text(_fleet_csv(tmp_path / "x.csv", "colour").read_text())
    r = invoke("data", "ingest", csv, "--format", "csv", "--out", tmp_path / "s")
    assert r.exit_code == 0, r.output
    fails("data", "resplit", tmp_path / "s", "--by", "user", "--out", tmp_path / "u",
          names=("--vehicle-col",))  # fmt: skip


def test_vehicle_col_that_is_not_a_column_is_named(tmp_path):
    csv = _fleet_csv(tmp_path / "fleet.csv", "vehicle_id")
    fails("data", "ingest", csv, "--format", "csv", "--out", tmp_path / "s",
          "--vehicle-col", "Vehicle", names=("--vehicle-col", "'Vehicle'"))  # fmt: skip


def _dmy_csv(path: Path, n_good: int = 0) -> Path:
    """Trips with dd/mm/YYYY times (unparseable without --time-format), then n_good ISO rows."""
    rows = ["traj_id,t,lat,lon"]
    for i in range(3):
        rows += [f"a{i},01/07/2013 00:0{k}:00,{41.15 + 0.0004 * k},-8.61" for k in range(8)]
    rows += [f"g,2013-07-01T00:{k:02d}:00Z,{41.15 + 0.0004 * k},-8.6" for k in range(n_good)]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_skip_mode_with_every_row_failing_says_the_first_reason(tmp_path):
    csv = _dmy_csv(tmp_path / "dmy.csv")
    fails("data", "ingest", csv, "--format", "csv", "--out", tmp_path / "s", "--on-error", "skip",
          names=("malformed_row", "first skipped row", "01/07/2013 00:00:00", "line 2"))  # fmt: skip


def test_skip_mode_with_most_rows_failing_warns_with_the_first_reason(tmp_path):
    csv = _dmy_csv(tmp_path / "dmy.csv", n_good=6)
    r = invoke("data", "ingest", csv, "--format", "csv", "--out", tmp_path / "s",
               "--on-error", "skip")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "most rows were skipped" in said(r) and "01/07/2013" in said(r), r.output


def _odd_csv(path: Path) -> Path:
    """_fleet_csv's trips under the column names of newuser3's fleet export."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = _fleet_csv(path, "car").read_text()
    path.write_text(
        text.replace("traj_id,t,lat,lon,car", "Journey,When,Lat (deg),Lon (deg),car", 1)
    )
    return path


def test_corpus_reads_upper_case_csv_and_a_source_columns_table(tmp_path):
    from trajlm.data.corpus import build_corpus, load_corpus_spec

    root = tmp_path / "root"
    _odd_csv(root / "fleet" / "odd.csv")
    (root / "upper").mkdir()
    _fleet_csv(root / "upper" / "A.CSV", "vehicle_id")
    _odd_csv(root / "other" / "odd.csv")  # found, but its columns are not recognised
    (tmp_path / "spec.toml").write_text("""
[corpus]
name = "own"
discover = true
val_trips_per_source = 2

[[source]]
name = "fleet"
format = "csv"
path = "fleet/odd.csv"
columns = { traj_id = "Journey", t = "When", lat = "Lat (deg)", lon = "Lon (deg)" }
""")
    lines: list[str] = []
    spec = load_corpus_spec(tmp_path / "spec.toml", data_root=str(root))
    record = build_corpus(spec, tmp_path / "corpus", log=lines.append)
    log = "\n".join(lines)
    assert sorted(s["name"] for s in record["sources"]) == ["fleet", "upper"], log
    assert "skipping source other" in log and "columns = {traj_id" in log, log
    assert "--traj-col" not in log


def test_corpus_columns_table_with_an_unknown_key_names_the_keys(tmp_path):
    from trajlm.data.corpus import load_corpus_spec
    from trajlm.errors import ConfigError

    (tmp_path / "spec.toml").write_text(
        '[[source]]\nname = "a"\nformat = "csv"\npath = "a.csv"\ncolumns = { trajectory = "x" }\n'
    )
    with pytest.raises(ConfigError, match="a columns table takes traj_id, t, lat, lon"):
        load_corpus_spec(tmp_path / "spec.toml")


def test_bench_similarity_does_not_replace_the_committed_result_unless_asked(
    tmp_path, monkeypatch, capsys
):
    from helpers import run_script

    tracked = ROOT / "bench" / "results" / "similarity.json"
    before = tracked.read_bytes()
    args = ["--n", "12", "--points", "10", "--naive-pairs", "2"]
    try:  # in this process (run_script: `python bench/similarity.py`, ~2.5 CPU s less each)
        code, out, err = run_script(ROOT / "bench" / "similarity.py", args, monkeypatch, capsys)
        assert code == 0, err
        assert tracked.read_bytes() == before and "not written" in out
        args += ["--out", str(tmp_path / "s.json")]
        code, out, err = run_script(ROOT / "bench" / "similarity.py", args, monkeypatch, capsys)
        assert code == 0 and (tmp_path / "s.json").exists(), err
    finally:
        tracked.write_bytes(before)


def test_bench_ddp_worker_failure_is_one_line(tmp_path, monkeypatch):
    import importlib.util
    import sys
    from types import SimpleNamespace

    monkeypatch.syspath_prepend(str(ROOT / "bench"))  # its sibling bench/_results.py
    spec = importlib.util.spec_from_file_location("bench_ddp", ROOT / "bench" / "ddp.py")
    ddp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ddp)
    monkeypatch.setattr(ddp, "TORCHRUN", sys.executable)  # `python --standalone ...` fails
    args = SimpleNamespace(store=tmp_path, steps=1, warmup=0, batch=1, max_len=4, d_model=8,
                           n_layers=1, device="cpu", bf16=False, compile=False)  # fmt: skip
    with pytest.raises(SystemExit, match=r"the profile worker \(1 process\(es\)\) failed, exit"):
        ddp.standalone(args, "profile", 1, tmp_path / "w")


def test_make_pretrain_takes_steps_as_well_as_pretrain_steps():
    import shutil
    import subprocess

    if shutil.which("make") is None:
        pytest.skip("no make")

    def steps(*extra: str) -> str:
        out = subprocess.run(["make", "-n", "pretrain", *extra], cwd=ROOT, capture_output=True,
                             text=True, timeout=60, env={"PATH": "/usr/bin:/bin"}).stdout  # fmt: skip
        line = next(x for x in out.splitlines() if "scripts/pretrain.sh" in x)
        return line.split("STEPS=")[1].split()[0]

    assert steps("STEPS=150") == "150"
    assert steps("PRETRAIN_STEPS=300") == "300"
    assert steps() == "20000"


def test_unix_ms_forced_on_seconds_says_so(tmp_path):
    csv = tmp_path / "s.csv"
    rows = ["traj_id,t,lat,lon"] + [f"a,{1616199720 + 10 * k},41.15,{-8.61 + 0.0003 * k}"
                                    for k in range(10)]  # fmt: skip
    csv.write_text("\n".join(rows) + "\n")
    fails("data", "ingest", csv, "--format", "csv", "--out", tmp_path / "o", "--on-error", "skip",
          "--time-format", "unix_ms", names=("Unix milliseconds", "--time-format unix"))  # fmt: skip
