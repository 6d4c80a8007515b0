"""The README's picture of the map page (docs/img/serve.png): a model of the multitask config's
shape trained for 400 steps on the synthetic city (bench/serve.py's train_small), a trajectory
clicked along an indexed test trip, then Predict and Recover gaps, in Debian's chromium.

    .venv/bin/python scripts/serve_screenshot.py docs/img/serve.png     # ~3 min on 2 cores
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests")]

import polars as pl  # noqa: E402
import torch  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from serve import train_small  # noqa: E402  (bench/serve.py)
from serve_helpers import live_server  # noqa: E402

import trajlm  # noqa: E402
from trajlm.data.store import read_store  # noqa: E402
from trajlm.serve import create_app  # noqa: E402
from trajlm.serve.index import SimilarIndex  # noqa: E402


def main(out: str) -> None:
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        run, store = train_small(Path(tmp), steps=400)
        model = trajlm.TrajLM.from_pretrained(run, threads=1)
        test = read_store(store, split="test")
        long = test.group_by("traj_id").len().filter(pl.col("len") > 40).sort("traj_id")
        trip = test.filter(pl.col("traj_id") == long["traj_id"][0]).head(30)
        pts = trip.select("lat", "lon").rows()[::3]
        app = create_app(model, index=SimilarIndex(model, store, limit=300))
        with live_server(app) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1200, "height": 760})
            page.goto(url + "/")
            page.wait_for_selector("#status:has-text('ready')")
            mid = pts[len(pts) // 2]
            page.evaluate(f"map.setView([{mid[0]}, {mid[1]}], 15)")
            page.wait_for_timeout(300)
            box = page.locator("#map").bounding_box()
            for lat, lon in pts:
                x, y = page.evaluate(f"(() => {{ const p = map.latLngToContainerPoint("
                                     f"[{lat}, {lon}]); return [p.x, p.y]; }})()")  # fmt: skip
                page.mouse.click(box["x"] + x, box["y"] + y)
            page.fill("#steps", "6")
            page.click("#predict")
            page.wait_for_selector("li.similar-item", timeout=30_000)
            page.click("#recover")
            page.wait_for_selector("path.recovered-point", timeout=30_000)
            page.wait_for_timeout(300)
            page.screenshot(path=out)
            print(page.text_content("#status"), "|", page.text_content("#eta"))
            browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "serve.png")
