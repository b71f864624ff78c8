"""How a player's spells of looks reach the clients (``emulator/world/disguise.py``): the
icon, name and flags others see, the room's BP_CHANGE when a look starts or ends, and the
news of a feigned death.

The crowd path stays one encoding per look: a player is shown to a room by at most two
blocks, the plain one and, while it is invisible, the one for viewers who see the
invisible; each is encoded once for everyone who gets it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from emulator.game import views
from emulator.game.context import GameContext
from emulator.game.session import Avatar, GameSession
from emulator.rules.spells.looks import drawn_flags
from emulator.world import disguise
from emulator.world.enchantments import Target
from emulator.world.events import EnchantmentEnded, EnchantmentStarted, FeignedDeath, SummonVanished
from emulator.world.objects import Player, Thing

__all__ = [
    "enchantment_changed", "feigned_death", "look_as_illusion", "mirrored_appearance", "player_appearance",
    "player_look_text", "sees_invisible", "show_object", "summon_vanished",
]

#: A creature drawn as a player is marked not to be one (blakston.khd FALSEPLAYER_YES).
OF_FALSE_PLAYER = 0x00000800

#: Builds a block of a thing for viewers who see the invisible (True) or not.
Build = Callable[[GameContext, Thing, bool], dict[str, Any]]


def player_appearance(ctx: GameContext, avatar: Avatar, sees_invisible: bool = False) -> tuple[int, int, int]:
    """Icon, name and flags resources of a player as others see it."""
    icon = ctx.resources.id(ctx.definition.player_icon)
    name, flags = avatar.name_resource, views.OF_PLAYER | views.OF_OFFERABLE
    look = disguise.look_of(ctx.world, avatar.player_id)
    if look.plain:
        return icon, name, flags
    if look.anonymous:  # the original's blank name
        spell = ctx.definition.spells.get(look.anonymous)
        name = (spell.text_id("blank_name") if spell is not None else None) or 0
    if look.form in ctx.definition.kinds:  # a monster's look
        kind = ctx.definition.kinds[look.form]
        icon = ctx.resources.id(kind.icon)
        if look.morphed:  # its name, and the flags of a monster, not a player's (user.kod GetObjectFlags)
            name = dict(kind.resource_ids).get("name") or ctx.resources.id(kind.name)
            flags = (flags & ~views.OF_PLAYER & ~views.OF_OFFERABLE) | views.OF_ATTACKABLE
    if look.body:  # drawn as the body a dead player of its gender leaves
        spell = ctx.definition.spells.get(look.body)
        body = spell.text("body_female_icon" if avatar.gender == 2 else "body_male_icon") if spell is not None else None
        if body:
            icon = ctx.resources.id(body)
    return icon, name, drawn_flags(flags, invisible=look.invisible, drawfx=look.drawfx, sees_invisible=sees_invisible)


def mirrored_appearance(ctx: GameContext, thing: Thing, sees_invisible: bool) -> tuple[int, int, int] | None:
    """How a creature that mirrors a player looks (an evil twin: the player's look, marked
    a false player; eviltwin.kod GetObjectFlags); None for any other."""
    mirror = disguise.mirror_of(ctx.world, thing.object_id)
    session = ctx.in_world.get(mirror) if mirror is not None else None
    if session is None or session.avatar is None:
        return None
    icon, name, flags = player_appearance(ctx, session.avatar, sees_invisible)
    return icon, name, flags | OF_FALSE_PLAYER if flags & views.OF_PLAYER else flags


def look_as_illusion(ctx: GameContext, session: GameSession, avatar: Avatar, block: dict[str, Any]) -> bool:
    """A morphed player looked at shows its monster, one feigning death the body of a
    dead player of its gender with the body's words naming it (user.kod
    SendLookPlayerIllusion, body.kod ShowDesc); False for any other player."""
    look = disguise.look_of(ctx.world, avatar.player_id)
    spell = ctx.definition.spells.get(look.body) if look.body else None
    if spell is not None:
        gender = "female" if avatar.gender == 2 else "male"
        name, words = spell.text(f"body_{gender}_name"), spell.text("body_look")
        if name and words:
            body = dict(block, name=ctx.resources.id(name))
            description = {"format": ctx.resources.id(words), "params": [avatar.name]}
            session.send("BP_LOOK", object=body, flags=0, description=description, inscription=None)
            return True
    kind = ctx.definition.kinds.get(look.form) if look.morphed else None
    if kind is None:
        return False
    description = views.description_message(ctx.resources, kind.description)
    session.send("BP_LOOK", object=block, flags=0, description=description, inscription=None)
    return True


def player_look_text(ctx: GameContext, avatar: Avatar) -> str:
    """Our own words of a player looked at: its name, unless its spells hide it."""
    if disguise.look_of(ctx.world, avatar.player_id).anonymous:
        return "Someone you cannot make out."
    return f"{avatar.name} is an adventurer of Meridian."


def sees_invisible(ctx: GameContext, player_id: int) -> bool:
    return disguise.sees_invisible(ctx.world, player_id)


def _invisible(ctx: GameContext, thing: Thing) -> bool:
    if not isinstance(thing, Player):  # a creature mirroring an invisible player is invisible too
        mirror = disguise.mirror_of(ctx.world, thing.object_id)
        return mirror is not None and disguise.look_of(ctx.world, mirror).invisible
    return disguise.look_of(ctx.world, thing.object_id).invisible


def show_object(ctx: GameContext, sessions: Iterable[GameSession], message: str, thing: Thing, build: Build) -> None:
    """``message`` with the block of ``thing`` to every session: one block for all, or
    two while the thing is an invisible player (for those who see it and the others)."""
    split = _invisible(ctx, thing)
    encoded: dict[bool, Any] = {}
    for session in sessions:
        seeing = split and session.avatar is not None and sees_invisible(ctx, session.avatar.player_id)
        found = encoded.get(seeing)
        if found is None:
            found = encoded[seeing] = ctx.encode_fields(message, build(ctx, thing, seeing))
        session.queue(found)


def enchantment_changed(ctx: GameContext, event: EnchantmentStarted | EnchantmentEnded, build: Build) -> None:
    """A player's look changed with a spell: the others in its room see it anew
    (SomethingChanged); one who came to see the invisible sees the invisible anew."""
    if event.target != Target.PLAYER.value:
        return
    spell = ctx.definition.spells.get(event.spell)
    if spell is None:
        return
    player = ctx.world._players.get(event.target_id)
    if player is None or player.room != event.room:
        return
    if spell.effect in _LOOK_EFFECTS:
        watchers = [s for s in _sessions_in(ctx, player.room) if s.avatar is not None and s.avatar.player_id != player.object_id]
        show_object(ctx, watchers, "BP_CHANGE", player, build)
    if disguise.SEES_INVISIBLE in spell.flags:
        viewer = ctx.in_world.get(player.object_id)
        if viewer is None:
            return
        for other in ctx.world.players_here(player.room):
            if other is not player and _invisible(ctx, other):
                viewer.send("BP_CHANGE", **build(ctx, other, sees_invisible(ctx, player.object_id)))


#: The effects whose enchantment changes how others see the player.
_LOOK_EFFECTS = frozenset({"anonymity", "feign_death", "fade", "shadow_form", "invisibility", "illusionary_form", "morph"})


def _sessions_in(ctx: GameContext, room: str) -> Iterable[GameSession]:
    for player in ctx.world.players_here(room):
        session = ctx.in_world.get(player.object_id)
        if session is not None:
            yield session


def feigned_death(ctx: GameContext, event: FeignedDeath) -> None:
    """The news of the feigned death, as the original tells a real one is not: its own
    sentence with the player's name, and the scapegoat's indefinite article and name (or
    one of the spell's pranks, without an article). One encoding for all who read it."""
    spell = ctx.definition.spells.get(event.spell)
    messages = ctx.definition.messages
    text = spell.text("killed_by") if spell is not None else None
    feigner = ctx.in_world.get(event.player_id)
    if spell is None or messages is None or not text or feigner is None or feigner.avatar is None:
        return
    if event.prank:
        prank = spell.text(f"prank_{event.prank}")
        params = [messages.id("article_none"), ctx.resources.id(prank) if prank else 0]
    else:
        kind = ctx.definition.kinds.get(event.scapegoat)
        named = messages.kind(event.scapegoat)
        own = dict(kind.resource_ids).get("name") if kind is not None else None
        params = [messages.id(f"article_{named.indefinite}"), own or (ctx.resources.id(kind.name) if kind else 0)]
    fields = {"format": ctx.resources.id(text), "params": [feigner.avatar.name_resource, *params]}
    encoded = None
    for player_id in event.hearers:
        session = ctx.in_world.get(player_id)
        if session is not None:
            encoded = encoded or ctx.encode_fields("BP_MESSAGE", fields)
            session.queue(encoded)


def summon_vanished(ctx: GameContext, event: SummonVanished) -> None:
    """The room reads that the creature went up in smoke, named as the player it mirrored
    (GetCapDef and GetName of the player: no article). One encoding for all."""
    spell = ctx.definition.spells.get(event.spell)
    messages = ctx.definition.messages
    text = spell.text("vanished") if spell is not None else None
    mirrored = ctx.in_world.get(event.mirror_id)
    if messages is None or not text:
        return
    name = mirrored.avatar.name_resource if mirrored is not None and mirrored.avatar is not None else 0
    fields = {"format": ctx.resources.id(text), "params": [messages.id("cap_article_none"), name]}
    encoded = None
    for player_id in event.hearers:
        session = ctx.in_world.get(player_id)
        if session is not None:
            encoded = encoded or ctx.encode_fields("BP_MESSAGE", fields)
            session.queue(encoded)
