"""A DynamoDB export to S3 synced down (heldout39): `AWSDynamoDB/<export id>/` holds
`manifest-summary.json`, `manifest-files.json` (one JSON object a line, each naming a data file
by its S3 key, `dataFileS3Key`) and `data/<name>.json.gz`, one item a line in DynamoDB JSON.
Read as a folder of JSON, its manifests were read as trajectories ("top level is not a JSON
object") and its data files, `.json.gz`, left unread. `export_data_files` gives the files the
manifests name, found under the folder by their key's tail (a sync to any local folder keeps
the export's own layout below the export id)."""

from __future__ import annotations

import json
from pathlib import Path

from trajlm.data.readers._lines import rglob_follow

MANIFEST = "manifest-files.json"


def export_data_files(folder: Path) -> list[Path]:
    """The data files the DynamoDB export manifests under `folder` name that are there, or []
    where `folder` holds no such manifest."""
    if not folder.is_dir():
        return []
    out: list[Path] = []
    for manifest in rglob_follow(folder, MANIFEST):
        keys = []
        try:
            for line in manifest.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    entry = json.loads(line)
                    if isinstance(entry, dict) and isinstance(entry.get("dataFileS3Key"), str):
                        keys.append(entry["dataFileS3Key"])
        except (OSError, ValueError):  # not an export's manifest: the folder is read as it is
            continue
        for key in keys:
            local = manifest.parent / "data" / key.rsplit("/", 1)[-1]
            if local.is_file():
                out.append(local)
    return sorted(out)
