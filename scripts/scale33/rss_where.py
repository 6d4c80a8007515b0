"""Session 33 (scale33): where a trajlm command's peak RSS is reached.

Runs the `trajlm` CLI in this process with a thread that reads VmRSS every 0.1 s and, at each
new peak, keeps the main thread's stack (innermost trajlm frames); prints the peak, its stack
an RSS timeline and, every ~5 s, the innermost trajlm frames (JSON to --out).

    PYTHONPATH=$PWD OMP_NUM_THREADS=1 python scripts/scale33/rss_where.py --out where.json -- \
        data ingest RAW --out STORE --on-error skip
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
import traceback


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    main_id = threading.get_ident()
    state = {"peak": 0.0, "stack": [], "timeline": [], "where": []}
    done = threading.Event()
    t0 = time.time()

    def watch() -> None:
        while not done.is_set():
            rss = _rss_mb()
            state["timeline"].append((round(time.time() - t0, 1), round(rss)))
            if len(state["timeline"]) % 50 == 1:  # every ~5 s: where the time goes
                frame = sys._current_frames().get(main_id)
                stack = traceback.extract_stack(frame) if frame else []
                inner = [f"{s.filename.split('trajlm/')[-1]}:{s.lineno} {s.name}"
                         for s in stack if "/trajlm/" in s.filename][-3:]  # fmt: skip
                state["where"].append((round(time.time() - t0), round(rss), inner))
            if rss > state["peak"] + 5:
                frame = sys._current_frames().get(main_id)
                stack = traceback.extract_stack(frame) if frame else []
                state["peak"] = rss
                state["stack"] = [f"{s.filename.split('trajlm/')[-1]}:{s.lineno} {s.name}"
                                  for s in stack if "trajlm" in s.filename][-8:]  # fmt: skip
            time.sleep(0.1)

    def stop(*_) -> None:  # `timeout` sends SIGTERM: still write what was seen
        raise SystemExit(124)

    signal.signal(signal.SIGTERM, stop)
    threading.Thread(target=watch, daemon=True).start()
    from trajlm.cli import app

    try:
        app(cmd, standalone_mode=False)
    finally:
        done.set()
        tl = state["timeline"]
        json.dump({"cmd": cmd, "peak_mb": round(state["peak"]), "stack": state["stack"],
                   "timeline": tl[:: max(1, len(tl) // 400)],
                   "where": state["where"]}, open(a.out, "w"), indent=1)  # fmt: skip
        print(f"peak {state['peak']:.0f} MB at:", *state["stack"], sep="\n  ", file=sys.stderr)


if __name__ == "__main__":
    main()
