"""A server in memory with an admin, a DM and a player in the world, for the operator's tools."""

from __future__ import annotations

from pathlib import Path

from emulator.admin.control import ServerControl
from emulator.admin.registry import Caller
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


class AdminWorld:
    """alice (admin) as Alanna, dave (DM) as Davos and bob (a player) as Bobbin, all in the world."""

    def __init__(self, workdir: Path, config_text: str = "") -> None:
        self.server = MemoryServer(workdir, operator_config(workdir) + config_text)
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


__all__ = ["AdminWorld", "operator_config"]
