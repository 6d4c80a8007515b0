"""NetCDF 3 trajectory files written as CSV before the read (out of data_files.py, review35;
heldout32): CF discrete sampling geometries (``featureType`` trajectory) as contiguous or indexed
ragged arrays, ``(trajectory, obs)`` 2-D arrays or one flat table (ERDDAP's ``.nc``); time from
the variable whose ``units`` read "UNIT since DATE", latitude / longitude by ``standard_name`` /
``units`` / name, the id from the ``cf_role = trajectory_id`` variable, fill values dropped.
NetCDF-4 (HDF5) is refused naming ``nccopy -k classic``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from trajlm.data.column_names import find_columns
from trajlm.data.readers._file_io import LineMap, head, write_csv
from trajlm.data.readers.data_file_checks import ragged_ids
from trajlm.data.schema import TrajlmInputError

# -- NetCDF 3 (CF discrete sampling geometries) ---------------------------------------------

_SINCE = re.compile(r"^\s*(\w+)\s+since\s+(.+?)\s*$", re.IGNORECASE)
_UNIT_S = {"second": 1, "seconds": 1, "sec": 1, "secs": 1, "s": 1, "minute": 60, "minutes": 60,
           "min": 60, "mins": 60, "hour": 3600, "hours": 3600, "hr": 3600, "hrs": 3600, "h": 3600,
           "day": 86400, "days": 86400, "d": 86400}  # fmt: skip


def _attr(var, key: str) -> str:  # noqa: ANN001 (a scipy netcdf_variable)
    v = getattr(var, key, b"")
    return (v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)).strip()


def _strings(a) -> list[str]:  # noqa: ANN001 (a numpy array: char (n, strlen) or numbers)
    import numpy as np

    if a.dtype.kind == "S" and a.ndim == 2:
        return [b"".join(r).decode("utf-8", "replace").strip("\0 ") for r in a]
    return [str(x) for x in np.asarray(a).ravel()]


def _pick(variables: dict, axis: str) -> str | None:
    """The latitude / longitude / time variable, by standard_name, units, axis, then name."""
    names = {"lat": ("latitude", "degrees_north", "Y"), "lon": ("longitude", "degrees_east", "X")}
    if axis == "t":
        found = [k for k, v in variables.items() if _SINCE.match(_attr(v, "units"))]
        return next((k for k in found if _attr(variables[k], "standard_name") == "time"),
                    found[0] if found else None)  # fmt: skip
    std, units, ax = names[axis]
    for test in (lambda v, k: _attr(v, "standard_name") == std,
                 lambda v, k: _attr(v, "units").lower() in (units, units.replace("s_", "_")),
                 lambda v, k: _attr(v, "axis") == ax,
                 lambda v, k: bool(find_columns(axis, [k]))):  # fmt: skip
        found = [k for k, v in variables.items() if test(v, k)]
        if found:
            return found[0]
    return None


def _floats(var):  # noqa: ANN001, ANN202 (a scipy netcdf_variable -> a flat float array)
    """Values as floats, fill values (the variable's, or NetCDF's default 9.97e36) as NaN."""
    import numpy as np

    vals = np.ma.filled(np.ma.masked_invalid(np.ma.asarray(var[:], dtype="f8")), np.nan).ravel()
    vals[np.abs(vals) > 9e36] = np.nan  # NetCDF's default fill where no _FillValue is set
    return vals


def _iso_times(var, path: Path | None = None):  # noqa: ANN001, ANN202 (-> ISO text, "" missing)
    """The time variable as ISO text to the millisecond, all at once (review32: a Python loop
    per observation); units that do not read are refused naming ``path`` (badin33)."""
    import numpy as np

    m = _SINCE.match(_attr(var, "units"))
    unit = _UNIT_S.get(m[1].lower()) if m else None
    ref = m[2].rstrip("Zz").strip() if m else ""  # the zone word off before T -> " ": "UTC"
    ref = re.sub(r"\s*(UTC|GMT|[+-]00:?00)$", "", ref).replace("T", " ")  # was read "U C"
    try:
        origin = np.datetime64(ref.replace(" ", "T"), "ms")
    except ValueError:
        origin = None
    if unit is None or origin is None:
        raise TrajlmInputError(
            f"time units {_attr(var, 'units')!r} are not 'UNIT since DATE' in seconds / minutes "
            "/ hours / days",
            path=path,  # badin33: the line named no file
            field=f"{getattr(var, 'name', 'time')}:units",
        )
    vals = _floats(var)
    missing = np.isnan(vals)
    ms = np.round(np.where(missing, 0, vals) * unit * 1000).astype("i8")  # as round() did
    text = np.char.add(np.datetime_as_string(origin + ms.astype("m8[ms]"), unit="ms"), "Z")
    return np.where(missing, "", text).astype(object)


def _numbers(a):  # noqa: ANN001, ANN202 (a float array -> its values as repr text, "" for NaN)
    import numpy as np

    return np.where(np.isnan(a), "", a.astype(str)).astype(object)


class _Observations(LineMap):
    """CSV line k + 1 -> the observation it holds as ncdump indexes it (`lat[17]`, `lat[2, 5]`;
    line 1: "variables"), without a string per row."""

    def __init__(self, name: str, kept, width: int) -> None:  # noqa: ANN001 (an index array)
        self.name, self.kept, self.width = name, kept, width

    def __len__(self) -> int:
        return len(self.kept) + 1

    def at(self, k: int) -> str:
        if k == 0:
            return "variables"
        i = int(self.kept[k - 1])
        return (
            f"{self.name}[{i // self.width}, {i % self.width}]"
            if self.width
            else f"{self.name}[{i}]"
        )


def netcdf_as_csv(path: Path, out: Path) -> Sequence[str]:
    """A NetCDF 3 file's trajectories as `traj_id,t,lat,lon,...` rows at `out`; each CSV line's
    observation as ncdump indexes it (`lat[17]`, `lat[2, 5]`; for errors: device_logs.Where)."""
    import numpy as np
    from scipy.io import netcdf_file

    if head(path, 16).startswith(b"\x89HDF"):
        raise TrajlmInputError(
            "a NetCDF-4 (HDF5) file; trajlm reads NetCDF 3 (classic) files",
            path=path,
            hint="convert it: nccopy -k classic IN.nc OUT.nc (netCDF tools), or download "
            "ERDDAP's .ncCF / .csv instead of .nc4",
        )
    try:
        nc = netcdf_file(path, "r", mmap=False, maskandscale=True)
    except Exception as e:  # TypeError / ValueError: not NetCDF 3 after all, or cut short
        raise TrajlmInputError(f"a NetCDF file that does not read: cut short or damaged ({e})",
                               path=path, hint="download or copy it again whole") from None  # fmt: skip
    with nc:
        v = nc.variables
        t, lat, lon = _pick(v, "t"), _pick(v, "lat"), _pick(v, "lon")
        if not (t and lat and lon):
            raise TrajlmInputError(
                f"a NetCDF file without {'a time' if not t else 'a latitude / longitude'} "
                f"variable (variables: {', '.join(list(v)[:15])})",
                path=path,
                hint="a time needs units 'seconds since 1970-01-01'; positions standard_name "
                "latitude / longitude (CF conventions)",
            )
        obs_dims = v[lat].dimensions
        n = int(np.prod(v[lat].shape))
        # no trajectory_id variable: a flat file is one trajectory named after it, as a CSV
        # without an id column is (readfix32; was: "missing trajectory id" on its first row)
        ids = np.full(n, path.stem if len(obs_dims) == 1 else "", dtype=object)
        role = next((k for k, x in v.items() if _attr(x, "cf_role") == "trajectory_id"), None)
        if role is not None:
            names = np.array(_strings(np.asarray(v[role][:])), dtype=object)
            size = next((x for x in v.values() if _attr(x, "sample_dimension")), None)
            index = next((x for x in v.values() if _attr(x, "instance_dimension")), None)
            if v[role].dimensions[:1] == obs_dims[:1] and len(obs_dims) == 1:  # a flat table
                ids = names
            elif size is not None:  # contiguous ragged: rowSize per trajectory
                ids = ragged_ids(names, np.asarray(size[:]).ravel().astype("i8"), n, path)
            elif index is not None:  # indexed ragged: the trajectory of each observation
                k = np.asarray(index[:]).ravel().astype("i8")
                inside = (k >= 0) & (k < len(names))
                ids = np.where(inside, names[np.where(inside, k, 0)] if len(names) else "", "")
            elif len(obs_dims) == 2 and obs_dims[0] == v[role].dimensions[0]:  # (traj, obs)
                ids = np.repeat(names, v[lat].shape[1])
        extra = [k for k, x in v.items() if x.dimensions == obs_dims and k not in (t, lat, lon, role)
                 and np.asarray(x[:]).dtype.kind in "fiu"][:8]  # fmt: skip
        times = _iso_times(v[t], path)
        if len(times) != n:  # time on its own axis (obs) beside 2-D positions: broadcast
            times = np.resize(times, n)
        cols = [_floats(v[k]) for k in (lat, lon, *extra)]
        # the padding of a (trajectory, obs) array: no time and no latitude, no observation
        kept = np.flatnonzero((times != "") | ~np.isnan(cols[0]))
        width = v[lat].shape[1] if len(obs_dims) == 2 else 0
        table = [ids[kept], times[kept], *(_numbers(c[kept]) for c in cols)]
        write_csv(out, ["traj_id", "t", "lat", "lon", *extra], zip(*table, strict=True))
        where = _Observations(lat, kept, width)
    return where
