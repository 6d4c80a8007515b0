"""Imports point one way: a module imports only from its own layer or lower ones, and there is no
import cycle between modules or between packages. Imports are read from the source with ``ast``
(top-level, lazy ones inside functions and ``if TYPE_CHECKING:`` blocks alike), so a violation
is caught without importing anything.

Layers, lowest first (docs/architecture.md):

    data, similarity -> model -> objectives -> train -> finetune -> tasks, llm -> eval -> reason
        -> api, questions (trajlm.ask), viz, serve, cli and the package root

``trajlm/_version.py`` sits below everything (the checkpoint and store writers record it).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "trajlm"

LAYERS: list[set[str]] = [
    {"_version", "errors", "_safety", "_config", "_threads", "_arguments"},  # + argument checks
    {"data", "similarity", "roads", "checkpoints"},  # roads: networks, map matching
    {"model"},
    {"objectives"},
    {"train"},
    {"finetune"},
    {"tasks", "llm"},  # llm: language-model bridges (text, images, query plans, reprogramming)
    {"eval"},
    {"reason"},  # validity, anomalies, routes, preference alignment (issue 20)
    # "" is trajlm/__init__.py; questions is trajlm.ask
    {"", "api", "questions", "baselines", "viz", "serve", "cli", "_cli_io", "cli_eval"}
    | {"cli_anomalies", "cli_route"},  # `trajlm anomalies`, `trajlm route` (issue 20)
]
LAYERS[-1].add("_cli_boundary")  # errors, warnings, lines, tables (out of _cli_io, s19)
LAYERS[-1].add("_cli_hints")  # the CLI boundary's audit of hints (user test ux2)
LAYERS[-1].add("_cli_repeats")  # an option given twice with two values refused (badin38)
LAYERS[-1].add("_early_signals")  # `trajlm train`: a signal during the imports (leftovers15)
LAYERS[-1].add("cli_data")  # `trajlm data ...` (split out of cli.py)
LAYERS[-1].add("cli_data_derived")  # `trajlm data match | resplit` (tidy26)
LAYERS[-1].add("cli_data_ingest")  # `trajlm data ingest` (out of cli_data.py, review36)
LAYERS[-1].add("cli_data_ingest_words")  # its --json object, format line (review37)
LAYERS[-1].add("cli_data_ingest_options")  # its options checked and translated (review38)
LAYERS[-1].add("cli_data_splits")  # `trajlm data ingest`: its lines on val / test splits (tidy28)
LAYERS[-1].add("cli_eval_answers")  # `trajlm eval --predictions`, `trajlm data queries` (byo34)
LAYERS[-1].add("cli_data_queries")  # `trajlm data queries` (byo34)
LAYERS[-1].add("api_answers")  # trajlm.queries / trajlm.score (byo34)
LAYERS[-1].add("cli_corpus")  # `trajlm data corpus` (its own module, one line in cli.py)
LAYERS[-1].add("cli_selector")  # `trajlm train-selector` (issue 15, docs/candidates.md)
LAYERS[-1].add("api_selector")  # TrajLM.from_pretrained(SELECTOR_DIR) (docs/api.md)
LAYERS[-1].add("cli_recovery")  # `trajlm train-recovery` (issue 15, docs/recovery-retrieval.md)
LAYERS[-1].add("api_recovery")  # TrajLM.from_pretrained(ROUTE_RECOVERY_DIR)
LAYERS[-1].add("_cli_points")  # the commands' point inputs (split out of _cli_io.py)
LAYERS[-1].add("_cli_times")  # the commands' time options (split out of _cli_points.py)
LAYERS[-1].add(
    "_cli_tables"
)  # a --input table, its errors in CLI words (out of _cli_points, fix35)
LAYERS[-1].add("cli_predict")  # `trajlm predict` (split out of cli.py)
LAYERS[-1].add("cli_predict_output")  # `trajlm predict`: the input's names and times (tidy26)
LAYERS[-1].add("cli_predict_words")  # `trajlm predict`: its warnings and notes as lines (tidy28)
LAYERS[-1].add("cli_predict_answer")  # `trajlm predict`: its answers by path (split32)
LAYERS[-1].add("cli_predict_steps")  # `trajlm predict`: its steps in order (review39c)
LAYERS[-1].add("cli_finetune")  # `trajlm finetune` (split out of cli.py)
LAYERS[-1].add("cli_finetune_classify")  # `trajlm finetune --task classify` (classify21)
LAYERS[-1].add("api_inputs")  # the API's times and origin/destination points (out of api.py)
LAYERS[-1].add("cli_tasks")  # `trajlm recover`, `trajlm travel-time` on a user's file
LAYERS[-1].add("cli_reach")  # `trajlm reach` on a user's file (reach32)
LAYERS[-1].add("api_rollout")  # positions at asked times from a rollout (out of api.py)
LAYERS[-1].add("api_glitch")  # a glitched last fix judged and dropped (out of api_rollout.py)
LAYERS[-1].add("api_nan_message")  # the NaN line of asked times (out of api_rollout.py, leftover39)
LAYERS[-1].add("api_reach_bound")  # asked times past a rollout's reach, not rolled out (leftover39)
LAYERS[-1].add("api_checks")  # TrajLM's input checks and task dispatch (out of api.py)
LAYERS[-1].add("api_horizon")  # eval --horizon-s: models at asked times (session 16)
LAYERS[-1].add("cli_eval_models")  # eval --model paths -> predictors (out of cli_eval, s19)
LAYERS[-1].add("cli_eval_notes")  # what `trajlm eval` prints beside its table (out of cli_eval)
LAYERS[-1].add("cli_eval_columns")  # which store columns `trajlm eval` reads (scale35)
LAYERS[-1].add("cli_eval_seeds")  # eval: seeds of one recipe -> one mean row (evalapi35)
LAYERS[-1].add("cli_data_append")  # `trajlm data ingest --append` (scale35)
LAYERS[-1].add("cli_eval_classify")  # eval --task classify --test-data (clseval21)
LAYERS[-1].add("cli_eval_checks")  # `trajlm eval`'s options checked first (review39)
LAYERS[-1].add("cli_eval_table")  # the store read for `trajlm eval`'s task (review39)
LAYERS[-1].add("cli_eval_result")  # the table's meta, cautions and files (review39)
LAYERS[-1].add("cli_evaluate")  # `trajlm eval`'s options (out of cli.py, session 22 split22)
LAYERS[-1].add("api_pretrained")  # TrajLM.from_pretrained / save_pretrained (out of api.py)
LAYERS[-1].add("api_verdict")  # the run's saved val verdict in the API (session 22, tte22)
LAYERS[-1].add("cli_verdict")  # the val check at the end of train / finetune (verdict23)
LAYERS[-1].add("api_infill")  # TrajLM.recover / travel_time (out of api.py, session 22 split22)
LAYERS[-1].add("api_subsec")  # predict on fixes under a second apart (session 18, subsec18)
LAYERS[-1].add("api_at_times")  # predict at asked times: the rollout part of api.py (session 20)
LAYERS[-1].add("api_time_checks")  # asked times checked (out of api_inputs, session 20)
LAYERS[-1].add("api_knn_note")  # predict says a run was not better than kNN on val (heldout23)
LAYERS[-1].add("api_predict_verdict")  # predict answers with the run's val verdict (pverdict24)
LAYERS[-1].add("api_verdict_asked")  # asked times answered by the val verdict (smallval25)
LAYERS[-1].add("cli_train_check")  # `trajlm train` ends beside kNN on val (heldout23)
LAYERS[-1].add("cli_train")  # `trajlm train`'s body, shared with TrajLM.fit (fit26)
LAYERS[-1].add("api_fit")  # TrajLM.fit: a frame in, a trained run out (fit26)
LAYERS[-1].add("api_model_times")  # a model at asked times, TrajLM passed in (irreg27)
LAYERS[-1].add("api_evaluate")  # TrajLM.evaluate: `trajlm eval`'s table as a DataFrame (apieval28)
LAYERS[-1].add("api_similar")  # TrajLM.similar over TrajLM.embed (newuser31)
LAYERS[-1].add("cli_places")  # `trajlm places`, `trajlm next-place` (next32)
LAYERS[-1].add("cli_dispatch")  # `trajlm parked`, `trajlm divert` (dispatch34)
LAYERS[-1].add("api_reach")  # TrajLM.reach over TrajLM.predict(seconds_ahead=) (eta31)
LAYERS[-1].add("api_stays")  # a stay held by TrajLM.predict (newuser32)
LAYERS[-1].add("api_reach_route")  # route-aware reach: past paths that went this way (reach32)
LAYERS[-1].add("api_reach_keys")  # reach targets keyed to their van (dispatch33)
LAYERS[-1].add("api_divert")  # each van's time to divert to an urgent order (dispatch34)
LAYERS[-1].add(
    "api_targets"
)  # the points reach / divert are asked about (out of api_reach, review35)
LAYERS[-1].add("api_labels")  # a pandas index carried into errors (out of api_inputs, review35)
LAYERS[-1].add("api_predict")  # TrajLM.predict's routing (out of api.py, split32)
LAYERS[-1].add("question_extras")  # ask: the started-there note, predict plans (review37)
LAYERS[-1].add("ask_keywords")  # trajlm.ask's traj_col= ... keywords (review37)
LAYERS[-1].add("question_data")  # ask: the data a question reads, from Asker.__init__ (review40)
LAYERS[-1].add("_cli_config")  # a command's --config files (out of _cli_io, review37)
LAYERS[-1].add("api_asked_times")  # the times predict is asked for (out of api_inputs, review37)
LAYER_OF = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def module_name(path: Path, root: Path = PACKAGE) -> str:
    rel = path.relative_to(root.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def all_modules(root: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def imported(name: str, path: Path, mods: dict[str, Path]) -> list[tuple[str, int]]:
    """(imported trajlm module, line) for every import statement of a module; ``from a import
    b`` counts as importing ``a.b`` when that is a module, else ``a``."""
    pkg = name.split(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = name.split(".")
            if node.level:  # relative: drop one part per dot (a package counts as its own)
                keep = len(base) - node.level + (path.name == "__init__.py")
                base = base[:keep] + ([node.module] if node.module else [])
                prefix = ".".join(base)
            else:
                prefix = node.module or ""
            targets = [f"{prefix}.{a.name}" for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in mods:
                target = target.rpartition(".")[0]
            if target.split(".")[0] == pkg and target != name:
                out.append((target, node.lineno))
    return list(dict.fromkeys(out))  # one entry per (module, line)


def layer(module: str) -> tuple[str, int]:
    """(layer name, rank) of a trajlm module: its first-level package or top-level module."""
    parts = module.split(".")
    key = parts[1] if len(parts) > 1 else ""
    if key not in LAYER_OF:
        raise KeyError(f"{module}: not in any layer; add '{key}' to LAYERS in {__file__}")
    return key, LAYER_OF[key]


def layer_violations(root: Path = PACKAGE) -> list[str]:
    mods = all_modules(root)
    bad = []
    for name, path in mods.items():
        src_layer, src_rank = layer(name)
        for target, line in imported(name, path, mods):
            dst_layer, dst_rank = layer(target)
            if dst_rank > src_rank:
                rel = path.relative_to(root.parent)
                bad.append(
                    f"{rel}:{line}: {name} ({src_layer or 'trajlm'}) imports {target} "
                    f"({dst_layer or 'trajlm'}), a higher layer"
                )
    return bad


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    scc = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        scc.append(w)
                        if w == v:
                            break
                    if len(scc) > 1:
                        found.append(sorted(scc))
    return found


def import_graph(root: Path = PACKAGE, packages: bool = False) -> dict[str, dict[str, str]]:
    """module -> {imported module: "file:line" of the first such import}; with ``packages``,
    first-level packages instead. A package's ``__init__`` re-exports are not edges (importing
    ``trajlm.model`` to reach ``trajlm.model.transformer`` is not a dependency on its siblings)."""
    mods = all_modules(root)
    graph: dict[str, dict[str, str]] = {}
    for name, path in mods.items():
        src = ".".join(name.split(".")[:2]) if packages else name
        edges = graph.setdefault(src, {})
        for target, line in imported(name, path, mods):
            if mods[target].name == "__init__.py" and not packages:
                continue
            dst = ".".join(target.split(".")[:2]) if packages else target
            if dst != src and not (packages and dst == root.name):
                edges.setdefault(dst, f"{path.relative_to(root.parent)}:{line}")
    return graph


def describe(graph: dict[str, dict[str, str]], scc: list[str]) -> str:
    inside = set(scc)
    edges = [f"{a} -> {b} ({where})" for a in scc for b, where in graph[a].items() if b in inside]
    return "cycle " + " <-> ".join(scc) + ":\n    " + "\n    ".join(edges)


def test_every_module_has_a_layer():
    for name in all_modules():
        layer(name)  # raises naming the module


def test_no_module_imports_a_higher_layer():
    bad = layer_violations()
    assert not bad, "imports that point up the layers:\n" + "\n".join(bad)


@pytest.mark.parametrize("packages", [False, True], ids=["modules", "packages"])
def test_no_import_cycles(packages):
    graph = import_graph(packages=packages)
    found = cycles({k: set(v) for k, v in graph.items()})
    assert not found, "\n".join(describe(graph, scc) for scc in found)


# ---------------------------------------------------------------- the checker can fail


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root / "trajlm"


def test_checker_names_a_lazy_upward_import(tmp_path):
    root = _write(
        tmp_path,
        {
            "trajlm/__init__.py": "",
            "trajlm/data/__init__.py": "",
            "trajlm/data/a.py": "def f():\n    from trajlm.eval.b import g\n    return g\n",
            "trajlm/eval/__init__.py": "",
            "trajlm/eval/b.py": "from trajlm.data import a\n",
        },
    )
    bad = layer_violations(root)
    assert len(bad) == 1
    assert bad[0].startswith("trajlm/data/a.py:2: trajlm.data.a (data) imports trajlm.eval.b")


def test_checker_finds_module_and_package_cycles(tmp_path):
    root = _write(
        tmp_path,
        {
            "trajlm/__init__.py": "",
            "trajlm/model/__init__.py": "",
            "trajlm/model/x.py": "from . import y\n",
            "trajlm/model/y.py": "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from trajlm.model.x import X\n",
            "trajlm/data/__init__.py": "",
            "trajlm/data/z.py": "import trajlm.similarity.w\n",
            "trajlm/similarity/__init__.py": "",
            "trajlm/similarity/w.py": "from ..data.z import *\n",
        },
    )
    graph = import_graph(root)
    found = cycles({k: set(v) for k, v in graph.items()})
    assert ["trajlm.model.x", "trajlm.model.y"] in found
    assert ["trajlm.data.z", "trajlm.similarity.w"] in found
    assert "trajlm/model/y.py:3" in describe(graph, ["trajlm.model.x", "trajlm.model.y"])
    pkg = import_graph(root, packages=True)
    assert cycles({k: set(v) for k, v in pkg.items()}) == [["trajlm.data", "trajlm.similarity"]]
