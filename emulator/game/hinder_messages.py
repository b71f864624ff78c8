"""What holding and blinding show a player: the screen effects (BP_EFFECT: a whiteout, the
paralysis and blindness on and off) and why a held or blinded player cannot fight, cast
or go (the original's words by resource id from messages.toml; our own sentences in a
world without them)."""

from __future__ import annotations

from emulator.game import views
from emulator.game.context import GameContext
from emulator.world.events import PlayerHindered, ScreenEffect
from protocol_specs.server_messages import (
    EFFECT_BLUR, EFFECT_FLASHXLAT, EFFECT_INVERT, EFFECT_PAIN, EFFECT_SHAKE, EFFECT_WAVER, EFFECT_WHITEOUT,
    EFFECT_XLATOVERRIDE,
)

#: The effects whose BP_EFFECT carries a duration (the protocol's effect.c).
_TIMED = frozenset({EFFECT_INVERT, EFFECT_SHAKE, EFFECT_PAIN, EFFECT_BLUR, EFFECT_WAVER, EFFECT_WHITEOUT})

_OWN = {
    "held_no_fight": "You cannot fight now.",
    "held_no_cast": "You cannot cast a spell now.",
    "held_no_go": "You cannot go anywhere now.",
}


def screen_effect(ctx: GameContext, event: ScreenEffect) -> None:
    session = ctx.in_world.get(event.player_id)
    if session is None or event.effect == EFFECT_FLASHXLAT:
        return  # a flash of colour: not sent by this family
    if event.effect == EFFECT_XLATOVERRIDE:  # the colours back to normal (EffectSendUserXLat with 0)
        session.send("BP_EFFECT", effect=event.effect, args={"xlat": 0})
        return
    args = {"duration": event.duration_ms} if event.effect in _TIMED else {}
    session.send("BP_EFFECT", effect=event.effect, args=args)


def player_hindered(ctx: GameContext, event: PlayerHindered) -> None:
    session = ctx.in_world.get(event.player_id)
    if session is None:
        return
    messages = ctx.definition.messages
    if messages is None or event.purpose not in messages.texts:
        session.send("BP_MESSAGE", **views.text_message(ctx.resources, _OWN.get(event.purpose, "You cannot do that now.")))
        return
    session.send("BP_MESSAGE", format=messages.id(event.purpose), params=[])
    if event.purpose == "held_no_go" and "held_no_go_sound" in messages.texts:  # UserGo plays its sound too
        session.send("BP_PLAY_WAVE", wave=messages.id("held_no_go_sound"), source=event.player_id, flags=0, row=0, col=0,
                     radius=0, max_volume=0)
