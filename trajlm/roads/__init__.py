"""Road networks (OSM extracts, edge files, the synthetic city) and map matching onto them.

Data layer: imports only `trajlm.data` and `trajlm.errors`. `read_network` needs the
`trajlm[roads]` extra for `.osm.pbf` (pyrosm); GeoJSON/GeoParquet need geopandas.
"""

from trajlm.roads.hmm import MatchConfig, match, match_summary
from trajlm.roads.network import RoadGraph, from_synthetic, read_network, read_osm
from trajlm.roads.recover import ShortestPathRecovery, interpolate_on_roads

__all__ = [
    "MatchConfig",
    "RoadGraph",
    "ShortestPathRecovery",
    "from_synthetic",
    "interpolate_on_roads",
    "match",
    "match_summary",
    "read_network",
    "read_osm",
]
