"""The command line: clear errors for wrong paths, and a tiny synth -> inspect -> predict path."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from trajlm.cli import app

runner = CliRunner()


def said(r) -> str:
    """The command's output with rich's line wrapping undone."""
    return " ".join(r.output.split())


def test_synth_inspect_plot(tmp_path: Path) -> None:
    store = tmp_path / "s"
    r = runner.invoke(app, ["data", "synth", "--out", str(store), "-n", "30", "--seed", "3"])
    assert r.exit_code == 0, r.output
    assert (store / "manifest.json").exists()
    r = runner.invoke(app, ["data", "inspect", str(store)])
    assert r.exit_code == 0 and "n_trajectories" in r.output
    r = runner.invoke(app, ["data", "plot", str(store), "--out", str(tmp_path / "m.png")])
    assert r.exit_code == 0 and (tmp_path / "m.png").stat().st_size > 1000


def test_clear_errors_for_wrong_paths(tmp_path: Path) -> None:
    r = runner.invoke(app, ["data", "ingest", str(tmp_path / "nope.csv"), "--format", "porto",
                            "--out", str(tmp_path / "o")])  # fmt: skip
    assert r.exit_code == 2 and "no such file" in said(r)
    r = runner.invoke(app, ["data", "inspect", str(tmp_path)])
    assert r.exit_code == 2 and "not a trajlm store" in said(r)
    csv = tmp_path / "h.csv"
    csv.write_text("traj_id,t,lat,lon\na,1700000000,41.1,-8.6\na,1700000015,41.2,-8.6\n")
    r = runner.invoke(app, ["predict", "--model", str(tmp_path), "--input", str(csv)])
    assert r.exit_code == 2 and "no model.safetensors" in said(r)


def test_unknown_format_is_a_clear_error(tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("a,b\n1,2\n")
    r = runner.invoke(
        app, ["data", "ingest", str(f), "--format", "shp", "--out", str(tmp_path / "o")]
    )
    assert r.exit_code == 2 and "shp" in said(r)


def test_finetune_similarity_then_eval_and_search_with_it(tmp_path: Path) -> None:
    import json

    import torch

    from trajlm.data.store import load_stats
    from trajlm.model import ModelConfig, TrajectoryModel

    store = tmp_path / "s"
    r = runner.invoke(app, ["data", "synth", "--out", str(store), "-n", "60", "--seed", "1"])
    assert r.exit_code == 0, r.output
    torch.manual_seed(0)
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32)
    cfg.stats = load_stats(store).to_dict()
    TrajectoryModel(cfg).save_pretrained(tmp_path / "pre")
    emb = tmp_path / "emb"
    r = runner.invoke(app, ["finetune", "--model", str(tmp_path / "pre"), "--task", "similarity",
                            "--data", str(store), "--out", str(emb), "--epochs", "1",
                            "--n-points", "16"])  # fmt: skip
    assert r.exit_code == 0, r.output
    spec = json.loads((emb / "embedding.json").read_text())
    assert spec["n_points"] == 16 and len(spec["history"]) == 1
    r = runner.invoke(app, ["eval", "--task", "similarity", "--data", str(store),
                            "--model", str(emb), "--out", str(tmp_path / "sim.json")])  # fmt: skip
    assert r.exit_code == 0, r.output
    rows = json.loads((tmp_path / "sim.json").read_text())["results"]
    assert any(row["method"] == "trajlm:emb" for row in rows)
    r = runner.invoke(app, ["similar", "--model", str(emb), "--query", str(store),
                            "--database", str(store), "--k", "2",
                            "--out", str(tmp_path / "m.csv")])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert (tmp_path / "m.csv").read_text().count("\n") == 2 * 60 + 1


def test_predict_int8_writes_predictions_close_to_fp32(tmp_path: Path) -> None:
    import polars as pl
    import torch
    from helpers import STATS

    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    cfg = ModelConfig(d_model=32, n_layers=1, n_heads=2, max_len=32, stats=STATS)
    TrajectoryModel(cfg).save_pretrained(tmp_path / "m")
    rows = [f"a,{1_700_000_000 + 15 * i},{41.15 + 0.001 * i},-8.61" for i in range(8)]
    csv = tmp_path / "h.csv"
    csv.write_text("traj_id,t,lat,lon\n" + "\n".join(rows) + "\n")
    outs = {}
    for flag in ([], ["--int8"]):
        out = tmp_path / f"p{len(flag)}.csv"
        r = runner.invoke(app, ["predict", "--model", str(tmp_path / "m"), "--input", str(csv),
                                "--out", str(out), "-k", "3", *flag])  # fmt: skip
        assert r.exit_code == 0, r.output
        outs[len(flag)] = pl.read_csv(out)
    assert len(outs[1]) == len(outs[0]) == 3
    diff = (outs[1]["lat"] - outs[0]["lat"]).abs().max()
    assert 0 < diff < 1e-4  # int8 arithmetic, within ~10 m


def test_eval_score_on_val_scores_the_val_split(tmp_path: Path) -> None:
    """--score-on val swaps val and test, so a recipe can be chosen without reading test: the
    scored trajectories are the val split's; a wrong value is a one-line option error."""
    import json

    store = tmp_path / "s"
    assert runner.invoke(app, ["data", "synth", "--out", str(store), "-n", "40"]).exit_code == 0
    counts = {}
    for on in ("test", "val"):
        out = tmp_path / f"{on}.json"
        r = runner.invoke(app, ["eval", "--task", "predict", "--data", str(store), "--out",
                                str(out), "--score-on", on])  # fmt: skip
        assert r.exit_code == 0, said(r)
        meta = json.loads(out.read_text())
        counts[on] = (meta["scored_split"], meta["split_sizes"])
    assert counts["val"][0] == "val" and counts["test"][0] == "test"
    assert counts["val"][1]["test"] == counts["test"][1]["val"]  # the roles swapped
    r = runner.invoke(app, ["eval", "--task", "predict", "--data", str(store), "--score-on", "x"])
    assert r.exit_code == 2 and "--score-on" in said(r)


def test_eval_seeds_on_a_deterministic_task_says_it_has_no_effect(tmp_path: Path) -> None:
    """`--seeds N` draws recovery masks; on predict (deterministic) it used to be silently
    ignored, so README's `--seeds 3` read as a 3-seed evaluation. Now it is one warning line."""
    store = tmp_path / "s"
    assert runner.invoke(app, ["data", "synth", "--out", str(store), "-n", "40"]).exit_code == 0
    base = ["eval", "--task", "predict", "--data", str(store)]
    r = runner.invoke(app, [*base, "--seeds", "2"])
    assert r.exit_code == 0, said(r)
    assert "warning: --seeds 2 has no effect on --task predict" in said(r)
    r = runner.invoke(app, base)
    assert r.exit_code == 0 and "has no effect" not in said(r)
