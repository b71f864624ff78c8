"""The README stays true: CI runs its test command verbatim, and its configuration example is a valid config."""

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


def test_the_readme_configuration_example_is_a_valid_config():
    import tomllib

    from emulator.config import Config, config_from_mapping

    text = (REPO / "README.md").read_text()
    start = text.index("The configuration file has these sections")
    block = text[text.index("```toml\n", start) + len("```toml\n"): text.index("```", text.index("```toml\n", start) + 7)]
    config = config_from_mapping(tomllib.loads(block), "README.md")
    assert config.requests.kinds["BP_SEND_ROOM_CONTENTS"] == (1.0, 5)
    # Every section and key the server has is shown.
    import attrs

    shown = tomllib.loads(block)
    for section in ("login", "security", "limits", "requests", "world", "timeouts"):
        fields = {field.name for field in attrs.fields(type(getattr(Config(), section)))}
        assert fields - set(shown[section]) <= {"char_module_resource_id", "credits", "unavailable_message"}, section
