"""Every `trajlm` command the docs show parses, inline spans included (session 33, docscheck33).

tests/test_docs_commands.py parses the fenced shell blocks' `trajlm` lines and
tests/test_docs_options.py checks each option's name. Prose spans such as
`trajlm --model trajlm-small` (no subcommand: refused by the CLI) or a value of the wrong type
in an inline command were checked by neither. scripts/docscheck33/extract.py lists every
command of README.md and docs/*.md but history.md (fenced lines, `$ ` prompts, inline spans),
classifies it (cheap-runnable / needs-data / long / research-only / mention) and parses each
`trajlm` call with the CLI's own parser; an inline span is a fragment, so a required option it
leaves to the prose, or a trailing `--option` whose value the prose gives, is allowed. The
`make` targets and the repo files (scripts/, bench/, configs/) the commands name must exist.
Nothing runs: parsing converts and checks values but calls no command.
"""

from __future__ import annotations

from helpers import load_script

extract = load_script("docscheck33", "extract.py")


def test_every_trajlm_command_of_the_docs_parses_inline_spans_included():
    commands = extract.extract()
    assert not any(c.doc == "docs/history.md" for c in commands)
    calls = [(c, call) for c in commands if not c.template for call in extract.trajlm_calls(c.text)]
    assert len(calls) > 700 and sum(c.where == "inline" for c, _ in calls) > 400
    assert any(c.doc == "README.md" and c.session is False for c, _ in calls)
    assert any(c.session for c, _ in calls)  # session sections' commands are checked too
    bad = extract.check(commands) + extract.check_paths(commands)
    assert not bad, "commands the CLI refuses, or files they name that do not exist:\n" + "\n".join(
        bad
    )


def test_every_command_gets_one_class_and_readme_has_a_runnable_path():
    commands = extract.extract()
    assert {c.klass for c in commands} <= set(extract.CLASSES)
    readme = [c for c in commands if c.doc == "README.md" and c.where == "fence"]
    first = readme[[c.text.split()[:3] for c in readme].index(["trajlm", "data", "ingest"])]
    assert first.klass == "needs-data" and "../shared" in first.reason
    assert {c.klass for c in readme if c.text.startswith("make ")} == {"long"}


def test_the_check_catches_what_the_fence_checks_miss(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "Makefile").write_text("demo:\n\ttrue\n")
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "real.py").write_text("")
    doc = tmp_path / "docs" / "x.md"
    doc.write_text(
        "## Usage\n\nThen `trajlm --model trajlm-small` loads it; `trajlm predict --radii` adds\n"
        "circles and `trajlm predict --latest` one row per vehicle; `trajlm eval --holdout x`\n"
        "and `trajlm data ingets f.csv --out s` and `trajlm train --data STORE --max-steps 2k`.\n\n"
        "```python no-run: a `df` of yours\nx = 1\n```\n\n"  # backticks in the info string
        "```bash\ntrajlm data inspect s1 s2\nmake demo && make nosuch\n"
        "python scripts/real.py && python scripts/gone.py\npython -m trajlm.nosuch x\n```\n\n"
        '```console\n$ trajlm ask "how many trips?" --data s\n4 trips, can\'t say more\n```\n\n'
        "## Session 9 (x9)\n\n```\n$ trajlm data synth --out /tmp/x9/s --bogus\n```\n"
    )
    commands = extract.extract([doc], tmp_path)
    texts = [c.text for c in commands]
    assert 'trajlm ask "how many trips?" --data s' in texts  # the prompt's command, not its output
    assert not any("can't" in t for t in texts)
    synth = next(c for c in commands if "synth" in c.text)
    assert synth.session and synth.klass == "research-only" and synth.line == 26
    assert next(c for c in commands if "--latest" in c.text).klass == "mention"
    assert next(c for c in commands if "STORE" in c.text).template  # placeholders: not parsed
    refused = sorted(line.split("\n")[0] for line in extract.check(commands))
    assert refused == [
        "docs/x.md:12: trajlm data inspect s1 s2",
        "docs/x.md:26: trajlm data synth --out /tmp/x9/s --bogus",
        "docs/x.md:3: trajlm --model trajlm-small",
        "docs/x.md:4: trajlm eval --holdout x",
        "docs/x.md:5: trajlm data ingets f.csv --out s",
    ]
    assert extract.check_paths(commands, tmp_path) == [
        "docs/x.md:13: make nosuch: no such target",
        "docs/x.md:14: scripts/gone.py: no such file",
        "docs/x.md:15: python -m trajlm.nosuch: no such module",
    ]


def test_classes_follow_what_a_command_needs():
    def klass(text: str) -> str:
        return extract.classify(extract.Command("d.md", 1, "fence", "", text))[0]

    assert klass("trajlm data synth --out stores/city -n 50 --seed 0") == "cheap-runnable"
    assert klass("trajlm data ingest ../shared/data/porto/train.1k.csv --out s") == "needs-data"
    assert klass("trajlm train --data s --out r --max-steps 3000") == "long"
    assert klass("trajlm train --data s --out r --max-steps 60") == "cheap-runnable"
    assert klass("trajlm serve --model r") == "long"
    assert klass("python scripts/ask28/gen.py") == "research-only"
    assert klass("trajlm eval --task predict --data /tmp/stores/porto --model r") == "research-only"
    assert klass("make test") == "long"
