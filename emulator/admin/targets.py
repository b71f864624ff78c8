"""Finding what a command names in the running server: a player, a room, a place."""

from __future__ import annotations

from emulator.admin.registry import Call, CommandError
from emulator.game.hub import GameHub
from emulator.game.operator import in_world_session
from emulator.game.session import GameSession


def hub_of(call: Call) -> GameHub:
    hub = call.control.hub
    if hub is None:  # needs_world commands only run with one
        raise CommandError("the game is not running")
    return hub


def player(call: Call, name: str) -> GameSession:
    """The session of a player in the world named by character or account name, by its
    object id (as the client's DM tools send), or "me" (the in-game caller)."""
    ctx = hub_of(call).context
    if name.lower() == "me":
        if call.caller.player_id is None or call.caller.player_id not in ctx.in_world:
            raise CommandError("'me' names the caller's character: only for a caller in the world")
        return ctx.in_world[call.caller.player_id]
    if name.lstrip("#").isdigit():
        found = ctx.in_world.get(int(name.lstrip("#")))
        if found is not None:
            return found
    session = in_world_session(ctx, name)
    if session is None:
        raise CommandError(f"no player named {name!r} is in the world")
    return session


def room(call: Call, text: str) -> str:
    """A room's content key, from its key (any case) or the original's room number."""
    definition = hub_of(call).world.definition
    if text in definition.rooms:
        return text
    lowered = {key.lower(): key for key in definition.rooms}
    if text.lower() in lowered:
        return lowered[text.lower()]
    if text.isdigit():
        numbered = [key for key, found in sorted(definition.rooms.items()) if found.number == int(text)]
        if numbered:
            return numbered[0]
    raise CommandError(f"no room {text!r}; rooms: {', '.join(sorted(definition.rooms))}")
