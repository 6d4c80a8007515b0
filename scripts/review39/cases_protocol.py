# run_eval from Python (eval/protocol.py, whose task branches review39 moved to eval/task_rows.py):
# executed by same_outputs.py's runner, which defines `case`, `digest` and `out`.
import tempfile
from pathlib import Path

from trajlm.data.ingest import synth_store as _synth  # noqa: E402
from trajlm.data.store import read_store as _read  # noqa: E402
from trajlm.eval.protocol import run_eval as _run_eval  # noqa: E402

_tmp = tempfile.mkdtemp()
_synth(Path(_tmp) / "s", n_trajectories=80, seed=3)
_df = _read(Path(_tmp) / "s")


def _table(result):
    rows = [{k: v for k, v in r.items() if k not in ("fit_s", "predict_s")} for r in result.rows]
    meta = {k: v for k, v in result.meta.items() if k != "git_commit"}
    return {"rows": repr(rows), "meta": repr(meta)}


for _task, _kw in [
    ("predict", {}),
    ("predict", {"shifts": ("clock=+8h",), "windows": "all"}),
    ("predict", {"horizons_s": (60.0, 120.0)}),
    ("predict", {"history": 8, "k": 3}),
    ("recover", {"seeds": (0, 1, 2)}),
    ("tte", {"tz": "Europe/Lisbon"}),
    ("tte", {"shifts": ("clock=+1h",)}),
]:
    globals()["case"](f"protocol.run_eval.{_task}.{sorted(_kw)}")(
        lambda task=_task, kw=_kw: _table(_run_eval(_df, task, verbose=False, **kw))
    )
