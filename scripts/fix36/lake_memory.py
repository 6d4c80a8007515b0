"""fix36: peak memory of converting an ORC / Avro lake file to Parquet (trajlm's reader of
heldout36's lake files; docs/data.md "Session 36 (fix36)"), and that the Parquet written is the
same table. Writes a ~2 M-row point table as ORC (pyarrow's 64 MB stripes: 2 stripes; and 8 MB stripes) and Avro
(blocks of 2,000 rows, as a Kafka Connect sink writes ~64 KB blocks), then converts each in a
fresh process and reports its peak resident memory (ru_maxrss).
    PYTHONPATH=$PWD python scripts/fix36/lake_memory.py [OUTDIR]   # default $FIX36_OUT or ./fix36_out
Run with PYTHONPATH=<a checkout> for the before / after numbers; the tables written are kept
as OUTDIR/<name>.<checkout>.parquet and compared with `--compare A B`."""

import os
import resource
import subprocess
import sys
from pathlib import Path

ROWS = 2_000_000


def generate(out: Path) -> None:
    import numpy as np
    import polars as pl
    import pyarrow.orc as orc

    if all((out / n).exists() for n in ("points.orc", "points_8mb.orc", "points.avro")):
        return
    rng = np.random.default_rng(0)
    movers, per = 2000, ROWS // 2000
    df = pl.DataFrame({
        "vehicle_id": np.repeat([f"veh-{i:05d}" for i in range(movers)], per),
        "event_time": np.tile(1_700_000_000 + 15 * np.arange(per), movers).astype(np.int64),
        "latitude": 41.0 + rng.normal(0, 0.05, ROWS).cumsum() * 1e-3,
        "longitude": -8.6 + rng.normal(0, 0.05, ROWS).cumsum() * 1e-3,
        "speed_kmh": rng.uniform(0, 80, ROWS),
        "status": rng.choice(["moving", "idle", "stopped"], ROWS),
    })  # fmt: skip
    orc.write_table(df.to_arrow(), str(out / "points.orc"))  # pyarrow's 64 MB stripes: 2
    orc.write_table(df.to_arrow(), str(out / "points_8mb.orc"), stripe_size=8 << 20)  # 12
    blocks = [df.slice(i, 2000) for i in range(0, ROWS, 2000)]  # Polars: a block per chunk
    pl.concat(blocks, rechunk=False).write_avro(out / "points.avro")


def convert(src: str, dst: str) -> None:
    """In a fresh process: the conversion alone, then its peak memory in MiB on stdout."""
    from trajlm.data.readers._arrow_tables import as_parquet

    as_parquet(Path(src), Path(dst))
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def main() -> None:
    if sys.argv[1:2] == ["--convert"]:
        return convert(sys.argv[2], sys.argv[3])
    if sys.argv[1:2] == ["--compare"]:
        import polars as pl

        a, b = (pl.read_parquet(p) for p in sys.argv[2:4])
        print("identical" if a.equals(b) and a.schema == b.schema else "DIFFERENT", a.shape)
        return None
    out = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("FIX36_OUT", "fix36_out"))
    out.mkdir(parents=True, exist_ok=True)
    generate(out)
    import trajlm

    tag = Path(trajlm.__file__).resolve().parents[1].name  # the checkout measured
    for name in ("points.orc", "points_8mb.orc", "points.avro"):
        dst = out / f"{name}.{tag}.parquet"
        dst.unlink(missing_ok=True)
        got = subprocess.run([sys.executable, __file__, "--convert", str(out / name), str(dst)],
                             capture_output=True, text=True, check=True)  # fmt: skip
        size = (out / name).stat().st_size / 2**20
        print(f"{tag}\t{name}\t{size:.0f} MiB file\tpeak {float(got.stdout.split()[-1]):.0f} MiB")
    return None


if __name__ == "__main__":
    main()
