"""One road-graph type for every source: an OSM extract, a file of edges, the synthetic city.

A `RoadGraph` holds nodes (lat/lon and local metres) and *directed* edges, each with a
polyline geometry, a length, a road class and a speed limit (NaN where unknown). A two-way
street is two edges; `way_id` names the road piece an edge comes from (the OSM way id, the
synthetic city's undirected segment id, or the file's id column) so both directions can be
compared to a ground truth that does not know direction.

Geometry is stored flat, like a CSR matrix: the vertices of edge `e` are
`coords_m[geom_offsets[e] : geom_offsets[e + 1]]`, in metres on the graph's `LocalProjection`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from scipy.sparse import csr_matrix

from trajlm.data.features import LocalProjection
from trajlm.errors import TrajlmInputError

# Free-flow speed (km/h) by OSM highway class when the way has no usable maxspeed tag.
DEFAULT_SPEED_KMH = {
    "motorway": 110, "motorway_link": 60, "trunk": 90, "trunk_link": 50, "primary": 60,
    "primary_link": 40, "secondary": 50, "secondary_link": 40, "tertiary": 50,
    "tertiary_link": 30, "unclassified": 40, "residential": 30, "living_street": 10,
    "service": 20, "local": 30, "arterial": 50, "diagonal": 40,
}  # fmt: skip
EDGE_COLUMNS = ("u", "v", "length_m", "road_class", "speed_limit_mps")


@dataclass
class RoadGraph:
    """Directed road graph; see the module docstring for the geometry layout."""

    node_lat: np.ndarray  # (N,)
    node_lon: np.ndarray  # (N,)
    u: np.ndarray  # (E,) int64 start node
    v: np.ndarray  # (E,) int64 end node
    coords_m: np.ndarray  # (V, 2) polyline vertices of all edges, metres
    geom_offsets: np.ndarray  # (E + 1,) int64
    road_class: np.ndarray  # (E,) str
    speed_limit_mps: np.ndarray  # (E,) float64, NaN where unknown
    way_id: np.ndarray  # (E,) int64
    projection: LocalProjection

    def __post_init__(self) -> None:
        self.u = np.asarray(self.u, np.int64)
        self.v = np.asarray(self.v, np.int64)
        self.geom_offsets = np.asarray(self.geom_offsets, np.int64)
        seg = np.diff(self.coords_m, axis=0)
        step = np.hypot(seg[:, 0], seg[:, 1])
        cum = np.r_[0.0, np.cumsum(step)]
        starts, ends = self.geom_offsets[:-1], self.geom_offsets[1:] - 1
        self.length_m = cum[ends] - cum[starts]
        # distance of each vertex from the start of its edge
        self.vertex_offset_m = cum - np.repeat(cum[starts], ends - starts + 1)
        # every vertex on one non-decreasing axis through all edges (each after the previous,
        # 1 m apart), so `point_along` finds pieces with one searchsorted
        edge_base = np.r_[0.0, np.cumsum(self.length_m + 1.0)[:-1]]
        self._axis = self.vertex_offset_m + np.repeat(edge_base, ends - starts + 1)

    @property
    def n_nodes(self) -> int:
        return len(self.node_lat)

    @property
    def n_edges(self) -> int:
        return len(self.u)

    @property
    def node_xy_m(self) -> np.ndarray:
        return np.stack(self.projection.forward(self.node_lat, self.node_lon), 1)

    def speed_mps(self) -> np.ndarray:
        """Speed limit where known, else the free-flow default of the road class (30 km/h)."""
        default = np.array([DEFAULT_SPEED_KMH.get(c, 30) for c in self.road_class]) / 3.6
        return np.where(np.isfinite(self.speed_limit_mps), self.speed_limit_mps, default)

    def graph(self, weight: np.ndarray | None = None) -> csr_matrix:
        """Directed sparse adjacency (N, N); parallel edges keep their smallest weight."""
        w = self.length_m if weight is None else np.asarray(weight, np.float64)
        order = np.lexsort((w, self.v, self.u))
        u, v, w = self.u[order], self.v[order], w[order]
        first = np.r_[True, (u[1:] != u[:-1]) | (v[1:] != v[:-1])]
        # csgraph treats an explicit 0 as "no edge": give zero-length edges a tiny length.
        w = np.maximum(w[first], 1e-3)
        return csr_matrix((w, (u[first], v[first])), shape=(self.n_nodes, self.n_nodes))

    def segments(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Straight pieces of all polylines: (start xy (S, 2), end xy (S, 2), edge id (S,),
        offset of the piece's start along its edge (S,))."""
        n_vert = np.diff(self.geom_offsets)
        edge_of_vertex = np.repeat(np.arange(self.n_edges), n_vert)
        is_start = np.ones(len(self.coords_m), bool)
        is_start[self.geom_offsets[1:] - 1] = False  # an edge's last vertex starts nothing
        idx = np.flatnonzero(is_start)
        return (
            self.coords_m[idx],
            self.coords_m[idx + 1],
            edge_of_vertex[idx],
            self.vertex_offset_m[idx],
        )

    def segment_index(self):
        """(shapely STRtree over `segments()`, the segments), built once per graph."""
        if getattr(self, "_segment_index", None) is None:
            import shapely

            segs = self.segments()
            tree = shapely.STRtree(shapely.linestrings(np.stack(segs[:2], 1)))
            self._segment_index = (tree, segs)
        return self._segment_index

    def point_along(self, edge_id: np.ndarray, offset_m: np.ndarray) -> np.ndarray:
        """(x, y) metres of the point `offset_m` along each edge (clipped to the edge) -> (P, 2).
        Vectorized: one searchsorted over the vertex offsets of all edges."""
        e = np.asarray(edge_id, np.int64).ravel()
        s = np.clip(np.asarray(offset_m, np.float64).ravel(), 0.0, self.length_m[e])
        lo, hi = self.geom_offsets[e], self.geom_offsets[e + 1] - 2  # first / last piece start
        k = np.clip(np.searchsorted(self._axis, self._axis[lo] + s, side="right") - 1, lo, hi)
        cum = self.vertex_offset_m
        w = (s - cum[k]) / np.maximum(cum[k + 1] - cum[k], 1e-9)
        a, b = self.coords_m[k], self.coords_m[k + 1]
        return a + np.clip(w, 0.0, 1.0)[:, None] * (b - a)

    def latlon_at(self, edge_id: np.ndarray, frac: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(lat, lon) of the point at `frac` in [0, 1] along each edge: the inverse of the road
        features (`edge_id`, `edge_frac`) that `match` writes."""
        e = np.asarray(edge_id, np.int64)
        pt = self.point_along(e, np.asarray(frac, np.float64) * self.length_m[e])
        return self.projection.inverse(pt[:, 0], pt[:, 1])

    def edges_frame(self) -> pl.DataFrame:
        """One row per directed edge, geometry as a list of [lon, lat] pairs."""
        lat, lon = self.projection.inverse(self.coords_m[:, 0], self.coords_m[:, 1])
        pairs = np.stack([lon, lat], 1)
        o = self.geom_offsets
        geom = [pairs[a:b].tolist() for a, b in zip(o[:-1], o[1:], strict=True)]
        return pl.DataFrame(
            {
                "edge_id": np.arange(self.n_edges),
                "u": self.u,
                "v": self.v,
                "way_id": self.way_id,
                "length_m": self.length_m,
                "road_class": self.road_class.astype(str),
                "speed_limit_mps": self.speed_limit_mps,
                "geometry": geom,
            }
        )


def from_polylines(
    lines_lonlat: list[np.ndarray],
    road_class: np.ndarray,
    speed_limit_mps: np.ndarray,
    way_id: np.ndarray,
    oneway: np.ndarray,
    projection: LocalProjection | None = None,
    node_key_digits: int = 7,
) -> RoadGraph:
    """Build a graph from edge polylines ((k, 2) lon/lat arrays); endpoints that coincide (to
    `node_key_digits` decimals of a degree, ~1 cm) become one node; two-way lines give two edges."""
    lines = [np.asarray(x, np.float64).reshape(-1, 2) for x in lines_lonlat]
    keep = np.array([len(x) >= 2 for x in lines], bool)
    lines = [x for x, k in zip(lines, keep, strict=True) if k]
    if not lines:
        raise TrajlmInputError("the road network has no edge with two or more points")
    road_class, speed = np.asarray(road_class)[keep], np.asarray(speed_limit_mps, float)[keep]
    way_id, oneway = np.asarray(way_id)[keep], np.asarray(oneway, bool)[keep]
    ends = np.round(np.array([[x[0], x[-1]] for x in lines]), node_key_digits)  # (L, 2, 2)
    keys, node_of = np.unique(ends.reshape(-1, 2), axis=0, return_inverse=True)
    node_of = node_of.reshape(-1, 2)
    if projection is None:
        projection = LocalProjection(float(np.median(keys[:, 1])), float(np.median(keys[:, 0])))
    back = np.flatnonzero(~oneway)
    all_lines = lines + [lines[i][::-1] for i in back]
    coords = np.concatenate(all_lines)
    x, y = projection.forward(coords[:, 1], coords[:, 0])
    offsets = np.r_[0, np.cumsum([len(a) for a in all_lines])]
    return RoadGraph(
        node_lat=keys[:, 1],
        node_lon=keys[:, 0],
        u=np.r_[node_of[:, 0], node_of[back, 1]],
        v=np.r_[node_of[:, 1], node_of[back, 0]],
        coords_m=np.stack([x, y], 1),
        geom_offsets=offsets,
        road_class=np.r_[road_class, road_class[back]].astype(str),
        speed_limit_mps=np.r_[speed, speed[back]],
        way_id=np.r_[way_id, way_id[back]].astype(np.int64),
        projection=projection,
    )


def from_synthetic(roads, projection: LocalProjection) -> RoadGraph:
    """The synthetic city's undirected `RoadNetwork` as a directed `RoadGraph` (both directions;
    `way_id` is the city's `segment_id`)."""
    from trajlm.data.roads import EDGE_KINDS

    lat, lon = projection.inverse(roads.node_xy_m[:, 0], roads.node_xy_m[:, 1])
    lonlat = np.stack([lon, lat], 1)
    lines = [lonlat[[a, b]] for a, b in roads.edges]
    kinds = np.array(EDGE_KINDS)[roads.edge_kind]
    n = roads.n_edges
    return from_polylines(
        lines, kinds, roads.speed_limit_mps, np.arange(n), np.zeros(n, bool), projection
    )


def _maxspeed_mps(values) -> np.ndarray:
    """OSM maxspeed tags ("50", "30 mph", "RU:urban", None) -> m/s, NaN when not a number."""
    out = np.full(len(values), np.nan)
    for i, s in enumerate(values):
        if s is None or (isinstance(s, float) and np.isnan(s)):
            continue
        text = str(s).split(";")[0].strip().lower()
        mph = text.endswith("mph")
        try:
            out[i] = float(text.replace("mph", "").replace("km/h", "").strip())
        except ValueError:
            continue
        out[i] *= (1.609344 if mph else 1.0) / 3.6
    return out


def _is_oneway(values) -> np.ndarray:
    return np.array([str(x).lower() in ("yes", "true", "1") for x in values], bool)


def _from_geodataframe(gdf, source: str) -> RoadGraph:
    """Edges in a GeoDataFrame of LineStrings (OSM-like columns where present)."""
    gdf = gdf.to_crs(4326) if gdf.crs is not None else gdf
    gdf = gdf[gdf.geometry.notna()]
    gdf = gdf.explode(index_parts=False)  # MultiLineString -> LineStrings
    gdf = gdf[gdf.geometry.geom_type == "LineString"]
    if len(gdf) == 0:
        raise TrajlmInputError(f"{source}: no LineString edges in the road network")
    lines = [np.asarray(g.coords)[:, :2] for g in gdf.geometry]
    bad = next((i for i, xy in enumerate(lines) if not np.isfinite(xy).all()), None)
    if bad is not None:  # before: a GEOSException traceback from the candidate index
        raise TrajlmInputError(f"{source}: edge {bad} (feature {gdf.index[bad]}) has a "
                               "coordinate that is not a finite number; fix or drop it")  # fmt: skip
    cls = gdf["highway"] if "highway" in gdf else gdf.get("road_class")
    road_class = np.array(["unknown"] * len(gdf) if cls is None else cls.astype(str))
    if "speed_limit_mps" in gdf:
        speed = gdf["speed_limit_mps"].astype(float).to_numpy()
    elif "maxspeed" in gdf:
        speed = _maxspeed_mps(list(gdf["maxspeed"]))
    else:
        speed = np.full(len(gdf), np.nan)
    ids = gdf["way_id"] if "way_id" in gdf else gdf["id"] if "id" in gdf else None
    way = np.arange(len(gdf)) if ids is None else np.asarray(ids, np.int64)
    oneway = _is_oneway(gdf["oneway"]) if "oneway" in gdf else np.zeros(len(gdf), bool)
    return from_polylines(lines, road_class, speed, way, oneway)


def read_osm(path: str | Path, network_type: str = "driving") -> RoadGraph:
    """The drivable network of an OpenStreetMap PBF extract (needs `trajlm[roads]`: pyrosm)."""
    try:
        import pyrosm
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise TrajlmInputError("reading .osm.pbf needs pyrosm: pip install 'trajlm[roads]'") from e
    # nodes=True splits ways at intersections (edges u -> v), which routing needs
    try:
        _, edges = pyrosm.OSM(str(path)).get_network(network_type=network_type, nodes=True)
    except Exception as e:  # pyrosm's own errors on a damaged or non-PBF file
        raise TrajlmInputError(f"{path}: not a readable OSM PBF extract ({e})") from None
    if edges is None or len(edges) == 0:
        raise TrajlmInputError(f"{path}: no {network_type} roads in this extract")
    return _from_geodataframe(edges, str(path))


_READ: dict[tuple[str, int, int], RoadGraph] = {}  # (resolved path, mtime_ns, size) -> graph
_READ_KEEP = 4  # a few networks at once (a city and its neighbour), not every file ever read


def read_network_once(path: str | Path) -> RoadGraph:
    """``read_network``, kept while the file is unchanged (same path, modification time and
    size): a model call given the path again (``check_validity(network=path)`` per batch, as
    ``TrajLM.match``) reuses the graph instead of reading the file each time (leftover36,
    badin35's finding). A graph is not changed by its users (only lazy indexes are added)."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        return read_network(p)  # its own one line (not found, ...)
    key = (str(p.resolve()), st.st_mtime_ns, st.st_size)
    if key not in _READ:
        graph = read_network(p)
        while len(_READ) >= _READ_KEEP:
            _READ.pop(next(iter(_READ)))
        _READ[key] = graph
    return _READ[key]


def read_network(path: str | Path) -> RoadGraph:
    """A road network from `.osm.pbf`, `.geojson`/`.json` or `.parquet` (GeoParquet) edges."""
    path = Path(path)
    if not path.exists():
        raise TrajlmInputError(f"{path}: road network file not found")
    if path.is_dir():
        raise TrajlmInputError(f"{path}: a folder, not a road network file (.osm.pbf, .geojson "
                               "or .parquet edges)")  # fmt: skip
    name = path.name.lower()
    if name.endswith(".pbf"):
        return read_osm(path)
    import geopandas as gpd

    kind = "GeoJSON" if name.endswith((".geojson", ".json")) else "GeoParquet"
    if name.endswith((".geojson", ".json", ".parquet", ".geoparquet")):
        try:
            with warnings.catch_warnings():  # a NaN vertex: said below, once, by its edge
                warnings.simplefilter("ignore", RuntimeWarning)
                gdf = gpd.read_file(path) if kind == "GeoJSON" else gpd.read_parquet(path)
        except Exception as e:  # pyogrio's / pyarrow's errors on a damaged or foreign file
            first = (str(e).strip().splitlines() or [type(e).__name__])[0][:160]
            raise TrajlmInputError(
                f"{path}: not a readable {kind} road network ({first})"
            ) from None
        return _from_geodataframe(gdf, str(path))
    raise TrajlmInputError(f"{path}: road network must be .osm.pbf, .geojson or .parquet")


def check_network(network: Any) -> None:
    """A RoadGraph or a network file's path, else one line naming the argument (``TrajLM.match``
    and ``check_validity`` said this twice, word for word; review35)."""
    if isinstance(network, RoadGraph | str) or hasattr(network, "__fspath__"):
        return
    raise TrajlmInputError(
        f"got {type(network).__name__}, not a road network",
        field="network",
        hint="give a road network file (.osm.pbf / .geojson / .parquet) or a "
        "trajlm.roads.RoadGraph",
    )
