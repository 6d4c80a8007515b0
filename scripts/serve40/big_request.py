"""serve40: where a 480-vehicle `/predict` spends its time (serve39 saw it answered after 28 s
under the default 10-s --timeout). The body is serve39's: 12 Oulu ploughs' first 500 rows,
copied 40 times under new `unitId`s (20,000 rows, `ts` with offsets), `steps: 30`.

The app runs on this process's event loop (httpx's ASGI transport), so cProfile sees the
reading and the writing of the request; the model pass runs on the model thread and is timed
by wrapping the batcher. Prints the wall time, the status, the answer's SHA-256 (equal before
and after: the answer is unchanged) and the top of the profile.

    PYTHONPATH=$PWD python scripts/serve40/big_request.py            # the code on PYTHONPATH
    PYTHONPATH=/tmp/base python scripts/serve40/big_request.py        # main 32ac984f
"""

from __future__ import annotations

import asyncio
import cProfile
import hashlib
import io
import json
import pstats
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "serve39"))
from fleet import make_fleet  # noqa: E402

SMALL = Path(__file__).resolve().parents[2] / "trajlm" / "checkpoints" / "trajlm-small"


def main() -> None:
    import httpx

    import trajlm
    from trajlm.serve import batching, create_app
    from trajlm.serve.limits import ServeSettings

    warnings.simplefilter("ignore")
    rows = make_fleet(39, 12)
    num = [dict(r, latitude=float(r["latitude"]), longitude=float(r["longitude"])) for r in rows]
    big = {"trajectories": [dict(x, unitId=f"{x['unitId']}-{k}") for k in range(40)
                            for x in num[:500]], "steps": 30}  # fmt: skip
    body = json.dumps(big).encode()
    model = trajlm.TrajLM.from_pretrained(SMALL)
    passes: list[float] = []
    run = batching.MicroBatcher._run

    async def timed(self, items):  # the model pass, on the model thread
        t = time.perf_counter()
        await run(self, items)
        passes.append(time.perf_counter() - t)

    batching.MicroBatcher._run = timed
    app = create_app(model, ServeSettings(timeout_s=600))  # measured, not refused

    async def go() -> None:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://x", timeout=600
            ) as c:
                await c.post("/predict", json={"trajectories": num[:50], "steps": 3})  # warm
                passes.clear()
                prof = cProfile.Profile()
                t = time.perf_counter()
                prof.enable()
                r = await c.post("/predict", content=body,
                                 headers={"content-type": "application/json"})  # fmt: skip
                prof.disable()
                wall = time.perf_counter() - t
        digest = hashlib.sha256(r.content).hexdigest()[:16]
        print(f"status {r.status_code}, {len(r.content):,} bytes, sha256 {digest}, wall {wall:.2f} s "
              f"(profiled), model pass {sum(passes):.2f} s")  # fmt: skip
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats("trajlm", 12)
        print("\n".join(ln for ln in out.getvalue().splitlines() if "trajlm" in ln))

    asyncio.run(go())


if __name__ == "__main__":
    main()
