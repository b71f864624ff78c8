"""The README's two set-up commands stay true: CI runs the test command verbatim."""

from __future__ import annotations

import re

from tests.conftest import REPO


def _setup_commands() -> list[str]:
    readme = (REPO / "README.md").read_text()
    first_block = re.search(r"```(?:sh|shell|bash)?\n(.*?)```", readme, re.S)
    assert first_block, "README must open with a code block holding the two set-up commands"
    return [line for line in first_block.group(1).splitlines() if line.strip() and not line.startswith("#")]


def test_readme_opens_with_exactly_two_commands():
    assert len(_setup_commands()) == 2


def test_ci_runs_the_readme_test_command():
    test_command = _setup_commands()[1]
    assert "pytest" in test_command
    assert test_command in (REPO / ".ci" / "run").read_text()
