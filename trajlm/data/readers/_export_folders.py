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
from trajlm.errors import TrajlmInputError

MANIFEST = "manifest-files.json"
MANIFESTS = (MANIFEST, "manifest-summary.json")  # an export's own files: no positions


def export_data_files(folder: Path) -> list[Path]:
    """The data files the DynamoDB export manifests under `folder` name that are there, or []
    where `folder` holds no such manifest. A manifest naming data files none of which is
    there is one line (badin40: its manifests were read as data, "top level is not a JSON
    object")."""
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
        found = [manifest.parent / "data" / key.rsplit("/", 1)[-1] for key in keys]
        found = [p for p in found if p.is_file()]
        if keys and not found:
            raise TrajlmInputError(
                f"a DynamoDB export whose manifest names {len(keys)} data file(s) (e.g. "
                f"{keys[0].rsplit('/', 1)[-1]}), none of them in its data/ folder: copy the "
                "export's data/ folder too (aws s3 sync of the whole export)", path=manifest)  # fmt: skip
        out.extend(found)
    return sorted(out)


def export_manifest_note(path: Path) -> str | None:
    """The line for a DynamoDB export's manifest read as data (it names the data files and
    holds no position), or None for any other file."""
    if path.name not in MANIFESTS:
        return None
    return ("a DynamoDB export's manifest (it names the export's data files and holds no "
            "position): read the export's folder, whose data/*.json.gz files are read")  # fmt: skip
