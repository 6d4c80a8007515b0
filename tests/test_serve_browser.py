"""The map page in a real browser (Debian's chromium driven by playwright) against a live
server on 127.0.0.1, and a short load run of mixed requests. Both slow; the browser test skips
where chromium or playwright is absent (CI installs no browser)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from serve_helpers import live_server, make_workdir  # noqa: E402

import trajlm  # noqa: E402
from trajlm.serve import create_app  # noqa: E402
from trajlm.serve.index import SimilarIndex  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"),
                             "/usr/bin/chromium") if p and Path(p).exists()), None)  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    work = make_workdir(tmp_path_factory.mktemp("serve_live"), classifier=False)
    model = trajlm.TrajLM.from_pretrained(work / "run", threads=1)
    with live_server(create_app(model, index=SimilarIndex(model, work / "store"))) as url:
        yield url


@pytest.mark.slow
def test_map_page_draw_and_predict(server, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if CHROMIUM is None:
        pytest.skip("no chromium (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 760})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
        page.goto(server + "/")
        page.wait_for_selector("#status:has-text('ready')", timeout=20_000)
        assert page.locator("path.bg-track").count() > 0  # the index's trips as background
        box = page.locator("#map").bounding_box()
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        for i in range(6):  # a trajectory heading north-east
            page.mouse.click(cx - 150 + 35 * i, cy + 120 - 25 * i)
        assert page.locator("path.drawn-point").count() == 6
        page.fill("#steps", "4")
        page.click("#predict")
        page.wait_for_selector("li.similar-item", timeout=20_000)
        assert "predicted 4 points" in page.text_content("#status")
        assert page.locator("path.uncertainty").count() == 4
        assert page.locator("path.pred-point").count() == 4
        assert page.locator("tr.pred-row").count() == 4
        assert "ETA" in page.text_content("#eta")
        assert page.locator("li.similar-item").count() == 5
        assert page.locator("path.similar-track").count() == 5
        page.click("#recover")
        page.wait_for_selector("path.recovered-point", timeout=20_000)
        assert page.locator("path.recovered-point").count() == 5
        page.screenshot(path=str(tmp_path / "serve.png"))
        if os.environ.get("TRAJLM_SERVE_SCREENSHOT"):  # docs/img/serve.png for the README
            page.screenshot(path=os.environ["TRAJLM_SERVE_SCREENSHOT"])
        # an impossible input is shown as the server's one-line error, not a blank page
        page.evaluate("points.forEach((p) => p.t = 1700000000)")
        page.click("#predict")
        page.wait_for_selector("#status.error", timeout=10_000)
        assert "repeats" in page.text_content("#status")
        browser.close()
    assert (tmp_path / "serve.png").stat().st_size > 10_000
    assert errors == [], errors  # nothing fetched from outside, no script error


@pytest.mark.slow
def test_short_load_run(server):
    """300 mixed requests at concurrency 16: no 5xx, every malformed one a 4xx naming it."""
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from serve import load_run  # bench/serve.py
    finally:
        sys.path.pop(0)
    report = load_run(server, n_requests=300, concurrency=16, points=20, steps=5)
    codes = report["status_counts"]
    assert sum(codes.values()) == 300 and report["dropped"] == 0
    assert not [c for c in codes if c >= 500], codes
    assert codes.get(200, 0) > 100 and report["bad_unnamed"] == 0
    assert report["malformed_not_4xx"] == 0
