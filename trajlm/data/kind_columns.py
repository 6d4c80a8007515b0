"""What kind of mover a track is, kept as its label (session 22, labels22).

An AIS export carries each vessel's ship type (MarineCadastre `VesselType`, others `ship_type`, `shiptype`,
`vessel_type`) and a Movebank table each animal's species (`individual-taxon-canonical-name`, `taxon`). They were
dropped at ingest, so "how many tankers" and "how many red deer" were refused. A csv / parquet file (or a frame given
to ``trajlm ask``) without a LABEL_NAMES column now keeps such a column as the store's ``label``:

- AIS ship type codes (ITU-R M.1371 / NMEA "type of ship and cargo") become their names (``AIS_TYPES``: 30 fishing,
  31-32 towing, 35 military, 36 sailing, 37 pleasure, 52 tug, 60-69 passenger, 70-79 cargo, 80-89 tanker, 90-99
  other, ...); the raw code stays beside it as ``vessel_type_code`` (Int64). Codes without a name (0 "not
  available", 1-19 reserved, > 99) leave the label empty, the code is still kept. A column of names (`Ship type`
  "Tanker" in Danish AIS) is kept as it is, lower case.
- A Movebank species column is kept as it is (the Latin name, "Cervus elaphus"); ``COMMON_NAMES`` gives the English
  names ``trajlm ask`` reads for them ("red deer").

Files without such a column are read as before (the same store, byte for byte).
"""

from __future__ import annotations

from typing import Any

import polars as pl

# normalised column names (column_names.normalised: lower case, spaces / dashes / dots as "_")
VESSEL_TYPE_NAMES = ("vesseltype", "vessel_type", "ship_type", "shiptype", "ship_and_cargo_type", "shipandcargotype",
                     "type_of_ship", "ship_type_code", "vessel_type_code")  # fmt: skip
TAXON_NAMES = (
    "individual_taxon_canonical_name",
    "taxon_canonical_name",
    "taxon",
    "species",
    "animal_taxon",
)
# a fleet's vehicle kind (newuser24: a delivery fleet's `vehicle_type` van / cargo_bike was dropped
# without --label-col, and given with it kept each van's whole week as one "trip")
VEHICLE_KIND_NAMES = ("vehicle_type", "vehicletype", "vehicle_class", "vehicle_kind",
                      "vehicle_category", "asset_type")  # fmt: skip
KIND_NAMES = VESSEL_TYPE_NAMES + TAXON_NAMES + VEHICLE_KIND_NAMES
CODE_COLUMN = "vessel_type_code"

# AIS "type of ship and cargo" (ITU-R M.1371-5 table 53; first digit 2-9 a family, the second its cargo class)
_SINGLE = {30: "fishing", 31: "towing", 32: "towing", 33: "dredging", 34: "diving", 35: "military", 36: "sailing",
           37: "pleasure", 50: "pilot", 51: "search and rescue", 52: "tug", 53: "port tender", 54: "anti-pollution",
           55: "law enforcement", 58: "medical", 59: "noncombatant"}  # fmt: skip
_FAMILIES = {
    2: "wing in ground",
    4: "high-speed craft",
    6: "passenger",
    7: "cargo",
    8: "tanker",
    9: "other",
}
AIS_TYPES: dict[int, str] = {
    **{code: _FAMILIES[code // 10] for code in range(20, 100) if code // 10 in _FAMILIES},
    **_SINGLE,
}


def vessel_type_name(code: Any) -> str | None:
    """An AIS ship type code's name (80 -> "tanker"); None for codes without one (0 "not available", reserved)."""
    try:
        number = float(code)
    except (TypeError, ValueError):
        return None
    if number != number or number != int(number):  # NaN, 70.5
        return None
    return AIS_TYPES.get(int(number))


def is_vessel_type(column: str) -> bool:
    """Whether a column taken as the label is a ship type column (its codes are named)."""
    from trajlm.data.column_names import normalised

    return normalised(column) in VESSEL_TYPE_NAMES


def is_taxon(column: str) -> bool:
    """Whether a column taken as the label is a species column (Movebank's taxon)."""
    from trajlm.data.column_names import normalised

    return normalised(column) in TAXON_NAMES


# a Movebank animal's own id: the mover of a frame whose trips are read from it
ANIMAL_IDS = ("individual_local_identifier", "tag_local_identifier", "individual_id", "animal_id")


def name_vessel_types(df: pl.DataFrame) -> pl.DataFrame:
    """A chunk whose ``label`` holds AIS ship type codes: ``label`` their names, ``vessel_type_code`` the code. A
    column of names (not numbers) is kept as it is, lower case."""
    if "label" not in df.columns:
        return df
    raw = df["label"].cast(pl.Utf8).str.strip_chars()
    number = raw.cast(pl.Float64, strict=False)
    if number.null_count() > raw.null_count() + (raw == "").sum():  # names ("Tanker"), not codes
        return df.with_columns(raw.str.to_lowercase().alias("label"))
    whole = pl.DataFrame({"n": number}).select(
        pl.when(pl.col("n") == pl.col("n").floor())
        .then(pl.col("n"))
        .cast(pl.Int64)
        .alias(CODE_COLUMN)
    )[CODE_COLUMN]
    names = whole.replace_strict(AIS_TYPES, default=None, return_dtype=pl.Utf8)
    return df.with_columns(names.alias("label"), whole)


# English names of the species Movebank studies hold most often (GBIF vernacular names), for questions
COMMON_NAMES: dict[str, str] = {
    "cervus elaphus": "red deer", "capreolus capreolus": "roe deer", "dama dama": "fallow deer",
    "alces alces": "moose", "rangifer tarandus": "reindeer", "odocoileus virginianus": "white-tailed deer",
    "odocoileus hemionus": "mule deer", "sus scrofa": "wild boar", "canis lupus": "wolf", "ursus arctos": "brown bear",
    "vulpes vulpes": "red fox", "lynx lynx": "lynx", "ciconia ciconia": "white stork", "ciconia nigra": "black stork",
    "gyps fulvus": "griffon vulture", "aquila chrysaetos": "golden eagle", "larus fuscus": "lesser black-backed gull",
    "anser albifrons": "white-fronted goose", "grus grus": "common crane", "milvus milvus": "red kite",
    "loxodonta africana": "african elephant", "panthera leo": "lion", "equus quagga": "plains zebra",
    "papio anubis": "olive baboon", "chelonia mydas": "green turtle", "phoca vitulina": "harbour seal",
}  # fmt: skip
