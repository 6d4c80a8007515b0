"""leftover33: NetCDF 3 read with numpy at once vs the per-observation loop it replaced
(d0a61639's data_files.netcdf_as_csv, taken from git): the same CSV byte for byte and the same
line names on seven files (tests' ragged / 2-D / flat / indexed layouts, heldout32's Saildrone
download, a flat 500,000-observation file), and each one's time.

    PYTHONPATH=. python scripts/leftover33_netcdf.py   # files under $LEFTOVER33_OUT (runs/leftover33)
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.io import netcdf_file

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "scripts" / "heldout32")]

from trajlm.data.readers import data_files as new  # noqa: E402

BASE = "d0a61639"


def _old(out: Path):  # noqa: ANN202 (the module as it was at BASE)
    src = subprocess.run(["git", "-C", str(ROOT), "show", f"{BASE}:trajlm/data/readers/data_files.py"],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    (p := out / "old_data_files.py").write_text(src)
    spec = importlib.util.spec_from_file_location("old_data_files", p)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def _files(out: Path) -> list[Path]:
    import gen
    import test_heldout32_ingest as h32
    import test_leftover33_tidy as tidy
    import test_readfix32 as rf32

    files = []
    for ragged in (True, False):
        h32._nc(p := out / f"heldout32_ragged_{ragged}.nc", ragged)
        files.append(p)
    for ids in (True, False):
        rf32._nc(p := out / f"readfix32_ids_{ids}.nc", ids)
        files.append(p)
    files.append(tidy._indexed(out / "indexed.nc", b"hours since 2026-07-01T00:00:00Z"))
    gen.saildrone_nccf(np.random.default_rng(0), out)
    files.append(out / "saildrone_ncCF.nc")
    n, rng = 500_000, np.random.default_rng(1)
    f = netcdf_file(p := out / "flat_500k.nc", "w", version=2)
    f.createDimension("obs", n)
    v = f.createVariable("time", "d", ("obs",))
    v[:] = np.arange(n) * 1.5
    v.units = b"seconds since 2026-07-01T00:00:00Z"
    for name, base, units in (("lat", 36.5, b"degrees_north"), ("lon", -123.5, b"degrees_east")):
        v = f.createVariable(name, "d", ("obs",))
        v[:] = base + rng.normal(size=n) / 100
        v.units = units
    v = f.createVariable("trajectory", "i", ("obs",))
    v[:] = (np.arange(n) // 10_000).astype("i4")
    v.cf_role = b"trajectory_id"
    f.close()
    return [*files, p]


def main() -> int:
    out = Path(os.environ.get("LEFTOVER33_OUT", "runs/leftover33"))
    out.mkdir(parents=True, exist_ok=True)
    warnings.simplefilter("ignore")
    old, same_all = _old(out), True
    for p in _files(out):
        t0 = time.perf_counter()
        w_old = old.netcdf_as_csv(p, out / "old.csv")
        t1 = time.perf_counter()
        w_new = new.netcdf_as_csv(p, out / "new.csv")
        t2 = time.perf_counter()
        same = (out / "old.csv").read_bytes() == (out / "new.csv").read_bytes()
        same = same and list(w_old) == list(w_new)
        same_all &= same
        print(f"{p.name}: {len(w_new) - 1:,} rows, identical {same}, "
              f"loop {t1 - t0:.3f} s, numpy {t2 - t1:.3f} s")  # fmt: skip
    print("all identical" if same_all else "DIFFERENT")
    return 0 if same_all else 1


if __name__ == "__main__":
    raise SystemExit(main())
