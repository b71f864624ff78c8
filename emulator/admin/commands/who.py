"""``who``: the players in the world, where they are, and the connections."""

from __future__ import annotations

from emulator.admin.registry import Call, Command, Rights
from emulator.content.model import FINENESS


def _who(call: Call) -> str:
    hub = call.control.hub
    factory = call.control.factory
    assert hub is not None and factory is not None  # needs_world
    world = hub.world
    lines = []
    for session in sorted(hub.in_world.values(), key=lambda s: s.account.name.lower()):
        avatar = session.avatar
        if avatar is None:
            continue
        player = world.player(avatar.player_id)
        where = f"{player.room} (row {player.y // FINENESS}, column {player.x // FINENESS})"
        lines.append(f"{avatar.name:20} account {session.account.name:16} in {where}")
    choosing = len(hub.sessions) - len(lines)
    lines.append(f"{len(lines)} in the world, {choosing} choosing a character, "
                 f"{len(factory.connections)} connections")
    return "\n".join(lines)


COMMANDS = (Command("who", "the players in the world and where they are", _who, rights=Rights.DM),)
