"""A CSV with one trajectory per row as a WKT `LINESTRING M` / `LINESTRING ZM` (formats21): the
M value of each vertex is its time (PostGIS `ST_AsText` of a trajectory, QGIS / GeoPandas
exports of tracks with measures). Each row becomes one point per vertex, written as a temporary
CSV (`spreadsheet.sheets_as_csv`), so the usual column detection, time parsing (Unix seconds or
milliseconds by size, ISO is not possible in M) and checks apply: `traj_id` is the row's id
column (a name the CSV reader recognises) or `<file stem>/<row>`. A LINESTRING without M holds
no times: one line. An EWKT `SRID=n;` prefix is read: its coordinates are converted to WGS84
(badin21: `SRID=3857` was refused as "look projected, name their CRS"). An empty geometry
(`LINESTRING M EMPTY`, an empty cell) is a row with no position (`no_fix`), not the file
refused."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from trajlm.data.readers._point_text import POINT_NAMES
from trajlm.data.schema import TrajlmInputError

_HEAD = re.compile(r"(?i)^\s*(?:SRID=(\d+);)?\s*LINESTRING\s*(ZM|Z|M)?\s*(\(|EMPTY\s*$)")
_MAX_FIELD = 1 << 30  # a long track is one field


def _geometry_column(header: list[str]) -> int | None:
    names = [h.strip().lower() for h in header]
    found = [k for k, n in enumerate(names) if n in POINT_NAMES or n in ("wkt_geom", "shape")]
    return found[0] if len(found) == 1 else None


def is_wkt_lines(path: Path) -> bool:
    """A CSV whose geometry column's first value is a WKT LINESTRING."""
    if not path.is_file() or path.suffix.lower() not in (".csv", ".txt", ".tsv"):
        return False
    try:
        with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as f:
            head = f.read(1 << 16)
    except OSError:
        return False
    lines = head.splitlines()
    if len(lines) < 2:
        return False
    sep = max(",;\t", key=lines[0].count)
    header = next(csv.reader([lines[0]], delimiter=sep))
    k = _geometry_column(header)
    if k is None:
        return False
    row = next(csv.reader([lines[1]], delimiter=sep), [])
    return len(row) > k and bool(_HEAD.match(row[k]))


def wkt_lines_as_csv(path: Path, out: Path) -> list[int | None]:
    """Write the vertices of every row's LINESTRING M / ZM of `path` as a point CSV at `out`;
    the line of `path` each CSV line comes from (None: the header; a row's vertices share its
    line), for errors (archives.member_error)."""
    from trajlm.data.column_names import TIERS, candidates

    at: list[int | None] = [None]
    csv.field_size_limit(_MAX_FIELD)
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as f:
        sep = max(",;\t", key=f.readline().count)
        f.seek(0)
        rows = csv.reader(f, delimiter=sep)
        header = next(rows)
        g = _geometry_column(header)
        assert g is not None  # is_wkt_lines said so
        ids = candidates(TIERS["traj_id"], [h for k, h in enumerate(header) if k != g])
        idk = header.index(ids[0]) if len(ids) == 1 else None
        keep = [k for k in range(len(header)) if k not in (g, idk)]  # the id is traj_id
        with out.open("w", newline="", encoding="utf-8") as o:
            w = csv.writer(o, lineterminator="\n")
            w.writerow(["traj_id", "t", "lat", "lon", *(header[k] for k in keep)])
            for k, row in enumerate(rows, start=1):
                if not row:
                    continue
                line = rows.line_num  # a quoted field may hold line breaks: the file's line
                text = row[g] if len(row) > g else ""
                m = _HEAD.match(text)
                tid = row[idk] if idk is not None else f"{path.stem}/{k}"
                rest = [row[k] if k < len(row) else "" for k in keep]
                if not text.strip() or (m is not None and m.group(3) != "("):  # no position
                    w.writerow([tid, "", "", "", *rest])
                    at.append(line)
                    continue
                if m is None:
                    raise TrajlmInputError(
                        f"not a WKT LINESTRING ({text[:40]!r})", path=path, line=line,
                        field=header[g],
                    )  # fmt: skip
                dims = (m.group(2) or "").upper()
                to_wgs84 = _transform(m.group(1), path, line, header[g])
                body = text[m.end() :].rstrip().rstrip(")")
                vertices = [v.split() for v in body.split(",") if v.strip()]
                width = {"ZM": 4, "M": 3}.get(dims, len(vertices[0]) if vertices else 2)
                if dims == "Z" or width < 3:
                    raise TrajlmInputError(
                        f"a WKT LINESTRING{' Z' if dims == 'Z' else ''} without M values: a "
                        "route's geometry with no time per vertex, so not a trajectory (a "
                        "LINESTRING M / ZM whose M is the Unix time is read)",
                        path=path, line=line, field=header[g],
                    )  # fmt: skip
                for v in vertices:
                    if len(v) != width:
                        raise TrajlmInputError(
                            f"a vertex of {len(v)} numbers in a LINESTRING of {width}",
                            path=path, line=line, field=header[g],
                        )  # fmt: skip
                    x, y = (v[0], v[1]) if to_wgs84 is None else to_wgs84(v[0], v[1])
                    w.writerow([tid, v[width - 1], y, x, *rest])
                    at.append(line)
    return at


def _transform(srid: str | None, path: Path, line: int, field: str):  # noqa: ANN202
    """(x, y) text -> (lon, lat) for an EWKT SRID other than 4326 (and 0, unknown); None when
    the coordinates are WGS84 already. An SRID pyproj does not know is one line."""
    if srid is None or int(srid) in (0, 4326):
        return None
    from pyproj import Transformer
    from pyproj.exceptions import CRSError

    try:
        t = Transformer.from_crs(f"EPSG:{int(srid)}", "EPSG:4326", always_xy=True)
    except CRSError:
        raise TrajlmInputError(f"SRID={srid}: not an EPSG code pyproj knows", path=path,
                               line=line, field=field) from None  # fmt: skip

    def to_wgs84(x: str, y: str) -> tuple[float, float]:
        try:
            return t.transform(float(x), float(y))
        except ValueError:
            raise TrajlmInputError(f"vertex ({x} {y}) is not two numbers", path=path,
                                   line=line, field=field) from None  # fmt: skip

    return to_wgs84
