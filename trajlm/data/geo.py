"""Coordinate reference systems, metric planes and GeoPandas / GeoParquet interop: every name
here, each idea in its own module (review38): geo_crs.py (CRSs, pyproj transforms, the local
plane), geo_planes.py (AEQD planes, the extent check), geo_interop.py (GeoPandas, GeoParquet).

The canonical table is WGS84 degrees (docs/contracts.md). These modules are the one place that
talks to pyproj, geopandas and shapely, all optional (``pip install 'trajlm[geo]'``); they
are imported only when a function that needs them is called.

    lat, lon = to_wgs84(x, y, "EPSG:2100")       # projected input (easting x, northing y)
    plane = AeqdProjection(lat0, lon0)           # same interface as features.LocalProjection
    gdf = to_geopandas(df, kind="lines")         # one LineString per trajectory
    write_geoparquet(df, "points.parquet")       # GeoParquet (geometry + CRS metadata)

Why an AEQD plane exists next to the model's equirectangular ``LocalProjection``: the latter
scales east-west distances by cos(lat0) everywhere, so at a point at latitude ``lat`` an
east-west distance is off by ``cos(lat) / cos(lat0) - 1``. At Porto (41 deg) that is 0.3 %
at 20 km north or south of the centre, 1.5 % at 100 km and 15 % at 1,000 km (hurricanes,
icebergs, AIS); near the poles it diverges. An azimuthal equidistant plane keeps distances
from its centre exact at any range. ``check_extent`` measures this for a table and warns; the
model keeps its own projection (changing it would change every checkpoint).
"""

from __future__ import annotations

from trajlm.data.geo_crs import (  # noqa: F401 (every name importable here, as before)
    INSTALL,
    LOCAL_ANCHOR,
    LOCAL_CRS,
    LOCAL_MAX_M,
    WGS84_NAMES,
    crs_name,
    crs_refusal,
    from_wgs84,
    is_geographic,
    is_local,
    is_wgs84,
    parse_crs,
    reproject_columns,
    require,
    to_wgs84,
    to_wgs84_each,
    transformer,
)
from trajlm.data.geo_interop import to_geopandas, write_geoparquet  # noqa: F401
from trajlm.data.geo_planes import (  # noqa: F401
    EXTENT_WARN_KM,
    AeqdProjection,
    check_extent,
    local_xy,
)
