"""What a player carries and uses. Nobody carries anything yet: the lists are empty."""

from __future__ import annotations

from emulator.game.context import GameContext
from emulator.game.requests import Fields, System
from emulator.game.session import Avatar, GameSession


def inventory(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    session.send("BP_INVENTORY", objects=[])
    session.send("BP_USE_LIST", ids=[])


SYSTEM = System("inventory", in_world={"BP_REQ_INVENTORY": inventory})
