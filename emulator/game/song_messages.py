"""What Jala's songs tell and play (``SongTold``, ``SongPlayed``): the room's words (a song
starts, fails, ends, is playing) and a listener's (moved by the song, its trance slowed or
sped up again) as BP_MESSAGE by the original's resource ids, the song's music as
BP_PLAY_MIDI, the room's own music again as BP_PLAY_MUSIC. One encoding for everyone who
hears the same thing."""

from __future__ import annotations

from typing import Any

from emulator.game import fight_messages, views
from emulator.game.context import GameContext
from emulator.world.events import SongPlayed, SongTold
from emulator.world.objects import Player, Thing
from emulator.world.spells import songs
from protocol_specs.opcodes import Animate

#: The server's own sentences, for a world without the original's words.
_OWN = {
    "song_starts": "A bard nearby begins a song.",
    "song_failed": "A bard nearby begins a song but cannot be heard over the one already sung.",
    "song_ends": "The bard's song comes to an end.",
    "song_playing": "A bard nearby is in the middle of a song.",
    "listener": "{singer}'s {spell} touches you.",
    "slowed": "Your spell preparations slow to a crawl.",
    "sped": "Your spell preparations return to their usual pace.",
    "stopped": "{singer}'s song drowns out your spell.",
    "no_towns": "This song may not be sung here.",
    "cast_said": "Magic gathers strength here.",
    "greeting": "Magic runs strong here.",
    "dance": "You break into a dance.",
    "cant_dance_resting": "You cannot dance while resting.",
    "stop_dance": "You stop dancing.",
    "no_use": "Nobody can use anything while this tune plays.",
}

#: A dancer as the others see it: its bitmap groups 6 to 22 in a cycle, 150 ms each
#: (player.kod SendAnimation, PANM_DANCE).
DANCE = {"type": Animate.ANIMATE_CYCLE, "params": {"period": 150, "group_low": 6, "group_high": 22}}


def dance_animation(ctx: GameContext, thing: Thing) -> dict[str, Any] | None:
    """How a player a jig has dancing is shown (moving or not); None for anything else."""
    return DANCE if isinstance(thing, Player) and songs.dancing(ctx.world, thing.object_id) else None


def song_told(ctx: GameContext, event: SongTold) -> None:
    spell = ctx.definition.spells.get(event.spell)
    sessions = [s for p in event.audience if (s := ctx.in_world.get(p)) is not None]
    if spell is None or not sessions:
        return
    text = spell.text(event.purpose)
    messages = ctx.definition.messages
    fields: dict[str, Any]
    if text and spell.text_id(event.purpose) is not None and messages is not None:
        params: list[Any] = []
        if event.purpose == "listener":  # the singer's article and name (GetCapDef, GetName)
            params = [messages.id("cap_article_none"), fight_messages._player_name(ctx, event.singer_id)]
        elif event.purpose == "stopped":  # the name of spellbane's singer
            params = [fight_messages._player_name(ctx, event.singer_id)]
        fields = {"format": ctx.resources.id(text), "params": params}
    else:
        singer = ctx.world.object(event.singer_id)
        own = _OWN.get(event.purpose, "{spell}").format(spell=spell.name, singer=getattr(singer, "name", "A bard"))
        fields = views.text_message(ctx.resources, own)
    encoded = ctx.encode_fields("BP_MESSAGE", fields)
    for session in sessions:
        session.queue(encoded)


def song_played(ctx: GameContext, event: SongPlayed) -> None:
    sessions = [s for p in event.audience if (s := ctx.in_world.get(p)) is not None]
    if not sessions:
        return
    if event.spell:
        spell = ctx.definition.spells.get(event.spell)
        music = spell.text("music") if spell is not None else None
        if not music:
            return
        encoded = ctx.encode_fields("BP_PLAY_MIDI", {"music": ctx.resources.id(music)})
    else:  # the room's own music again (ResendRoomBackgroundMusic)
        room = ctx.definition.rooms[event.room]
        encoded = ctx.encode_fields("BP_PLAY_MUSIC", {"music": ctx.resources.id(room.music) if room.music else 0})
    for session in sessions:
        session.queue(encoded)
