"""The TOML configuration: defaults, overrides, and errors that name file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from emulator.config import DEFAULT_DATA_DIR, Config, ConfigError, load_config
from emulator.store.database import DEFAULT_DATABASE_URL


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m59.toml"
    path.write_text(text)
    return path


def test_defaults_follow_the_original():
    config = Config()
    assert config.listen == "tcp:5959" and config.database == DEFAULT_DATABASE_URL
    assert config.data_dir == DEFAULT_DATA_DIR and (DEFAULT_DATA_DIR.parent / "emulator").is_dir()
    assert config.login.max_attempts == 3 and config.login.char_module_resource_id == 20055
    assert config.timeouts.login_idle == 600 and config.timeouts.game_idle == 30
    assert config.limits.max_frame_payload == 6000 and config.security.hangup_spoofs


def test_file_values_override_defaults_and_data_is_relative_to_the_file(tmp_path):
    config = load_config(
        write(
            tmp_path,
            '[server]\nlisten = "tcp:6000"\ndata = "world"\n'
            '[login]\nminimum_client_version = 737\naccount_in_use = "refuse"\n'
            "[timeouts]\ngame_idle = 45\n",
        )
    )
    assert config.listen == "tcp:6000" and config.data_dir == tmp_path / "world"
    assert config.login.minimum_client_version == 737 and config.login.account_in_use == "refuse"
    assert config.timeouts.game_idle == 45.0 and isinstance(config.timeouts.game_idle, float)


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("[nope]\nx = 1\n", r"unknown section \[nope\]"),
        ("[login]\nmax_tries = 1\n", r"unknown key login\.max_tries"),
        ("[server]\nport = 1\n", r"unknown key server\.port"),
        ("[limits]\nmax_connections_total = true\n", r"limits\.max_connections_total must be int"),
        ('[login]\naccount_in_use = "maybe"\n', r"\[login\].*account_in_use"),
        ("[timeouts]\ngame_idle = -1\n", r"\[timeouts\].*game_idle"),
        ("[login\n", r"not valid TOML"),
    ],
)
def test_errors_name_file_and_key(tmp_path, text, pattern):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=pattern) as caught:
        load_config(path)
    assert str(path) in str(caught.value)


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "absent.toml")
