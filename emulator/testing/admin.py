"""A server in memory with an admin, a DM and a player in the world, for the operator's tools."""

from __future__ import annotations

import shutil
from pathlib import Path

from emulator.admin.control import ServerControl
from emulator.admin.registry import Caller
from emulator.config import DEFAULT_DATA_DIR
from emulator.store import accounts
from emulator.testing.memory_server import MemoryClient, MemoryServer

#: Keeps every door and file of the operator's tools inside the test's folder.
def operator_config(workdir: Path) -> str:
    return (
        f'[admin]\nssh_listen = ""\nssh_host_key = "{workdir / "ssh" / "host_key"}"\n'
        f'ssh_authorized_keys = "{workdir / "ssh" / "authorized_keys"}"\n'
        f'[web]\nlisten = ""\n'
        f'[backup]\ndir = "{workdir / "backups"}"\nevery_hours = 0.0\n'
    )


#: A monster kind added to the bundled world (which has none), for the commands that make
#: or move monsters; no room spawns it.
TEST_MONSTER = "rat"
_TEST_MONSTER_KIND = (
    f'\n[{TEST_MONSTER}]\nname = "rat"\nicon = "rat.bgf"\ndescription = "A rat."\nflags = ["attackable"]\n'
    f"\n[{TEST_MONSTER}.monster]\nlevel = 5\nbehaviour = [\"nomove\"]\n"
)


def world_data(workdir: Path) -> Path:
    """The bundled data folder copied into the test's folder, with :data:`TEST_MONSTER`."""
    data = workdir / "data"
    if not data.exists():
        shutil.copytree(DEFAULT_DATA_DIR, data)
        with (data / "objects" / "kinds.toml").open("a") as kinds:
            kinds.write(_TEST_MONSTER_KIND)
    return data


class AdminWorld:
    """alice (admin) as Alanna, dave (DM) as Davos and bob (a player) as Bobbin, all in the
    world; carol (a player, character Carolus) exists but is not connected."""

    def __init__(self, workdir: Path, config_text: str = "") -> None:
        # A config naming its own [server] (another data folder) keeps it.
        server_section = "" if "[server]" in config_text else f'[server]\ndata = "{world_data(workdir)}"\n'
        self.server = MemoryServer(workdir, server_section + operator_config(workdir) + config_text)
        self.server.create_account("carol", "pw-carol")
        self.server.create_character("carol", "Carolus")
        self.clients: dict[str, MemoryClient] = {}
        for account, character, level in (
            ("alice", "Alanna", accounts.ADMIN),
            ("dave", "Davos", accounts.DM),
            ("bob", "Bobbin", accounts.USER),
        ):
            self.server.create_account(account, f"pw-{account}", admin_level=level)
            self.server.create_character(account, character)
            client = self.server.connect()
            client.login_to_game(account, f"pw-{account}")
            client.enter_world(character)
            self.clients[account] = client

    @property
    def control(self) -> ServerControl:
        control = self.server.service.control  # type: ignore[attr-defined]
        assert isinstance(control, ServerControl)
        return control

    def run(self, line: str, caller: Caller | None = None) -> str:
        """Run one command line as the SSH console's admin would; the text it gives."""
        caller = caller or Caller("alice", "ssh", accounts.ADMIN)
        result: list[str] = []
        self.control.registry.execute(self.control, caller, line).addCallback(result.append)
        self.server.reactor.advance(0)
        assert result, f"{line!r} did not finish"
        return result[0]

    def stop(self) -> None:
        self.server.stop()


__all__ = ["TEST_MONSTER", "AdminWorld", "operator_config", "world_data"]
