"""What casting tells and plays (``SpellTold``, ``SpellCast``, ``SpellImproved``).

In an imported world the words are the original's by resource id: the casting texts of
messages.toml (``spell_*``), filled as spell.kod fills them (the spell's name, the
target's article and name), and each spell's own words from spells.toml; the fizzle, the
improvement and the spell's own sound by their ids too. A world without them (the
bundled one) reads the server's own sentences and hears only the spell's sound.
"""

from __future__ import annotations

from typing import Any

from emulator.content.model import SkillDefinition, SpellDefinition
from emulator.game import fight_messages, item_messages, sheet, views
from emulator.game.context import GameContext
from emulator.world.events import SpellCast, SpellImproved, SpellMurmured, SpellTold
from emulator.world import spellbook
from emulator.world.objects import Player

#: The server's own sentences: {spell} the spell's name, {target} what it names.
_OWN = {
    "spell_no_rest": "You can't cast spells while resting.",
    "spell_too_tired": "You are too weary to cast {spell}.",
    "spell_no_mana": "You lack the mana to cast {spell}.",
    "spell_no_reagents": "You lack the reagents for {spell}.",
    "spell_failed": "Your {spell} spell fizzles.",
    "spell_bad_target": "{spell} can't be cast on {target}.",
    "spell_advanced": "Your {spell} improves.",
    "spell_trance": "You concentrate on {spell}.",
    "spell_trance_broken": "You lose your concentration on {spell}.",
    "spell_not_good_enough": "Your karma is too low for {spell}.",
    "spell_not_evil_enough": "Your karma is too high for {spell}.",
    "spell_cast_here": "{spell} can't be cast here.",
    "spell_help_unlawful_angel": "You may not help {target}, an outlaw.",
    "spell_help_unlawful_safety": "Helping {target}, an outlaw, would make you one; your safety stopped you.",
    "caster": "You cast {spell} on {target}.",
    "target": "You feel the {spell} spell.",
    "unnecessary": "{target} has no need of {spell}.",
    "not_on_self": "You can't cast {spell} on yourself.",
    "too_low": "You have too little to give with {spell}.",
    "made": "{item} appears in your hands.",
    "spell_no_teleport": "Nothing here takes you anywhere.",
    "out_of_range": "{target} is too far away for {spell}.",
    "spell_not_in_view": "You can't see whom you aimed at.",
    "hands_full": "{item} appears, but your hands are full and it vanishes.",
    "something": "A gust gathers loose things into your pack.",
    "nothing": "The gust finds nothing here you can carry.",
    "room": "A gust of wind gathers loose things into {target}'s pack.",
    "ended": "Your {spell} wears off.",
    "already_on": "{target} already has {spell}.",
    "not_here": "You can't enchant others here.",
    "done_to": "{target} is caught by {spell}.",
    "already_self": "{spell} is on you already.",
    "evaded": "Your sight holds against {spell}.",
    "evaded_caster": "Your {spell} could not take your target's sight.",
    "resisted": "You fight off part of {spell}.",  # a blinding (hinder) or a poison (walls)
    "resisted_caster": "Something resists your {spell}.",
    "seen": "{target} casts {spell}.",
    "already_have": "{spell} is on you already.",
    "trance_lost": "Your concentration slips and your {spell} ends.",
    "looks_taken": "No shadow can cover that look.",
    "took_form": "You look like {item} now.",
    "room_already": "This place already has {spell}.",
    "need_instrument": "You must be playing an instrument to sing.",  # songs
    "no_newbie": "You are not yet ready to sing a song that hinders others.",
    # walls and poison
    "summon_limit": "Too much summoning magic is gathered here for {spell}.",
    "scratch_0": "You pass the brambles unhurt.", "scratch_2": "The brambles scratch you.",
    "scratch_3": "The brambles tear at you.", "scratch_4": "The brambles rip at you.",
    "scratch_5": "The brambles slash you badly.",
    "abates": "The poison in you weakens.",
    "forgot_ability": "You forget {ability}.",
    "already_forgetful": "{target} is already forgetful.",
    "nothing_to_forget": "{target} has nothing to forget.",
    **{f"forgot{n}": "You can't remember how to cast this." for n in range(1, 5)},
    "no_rooms": "There is no room near enough to listen to.",
    "heard_say": "Far off, a voice: \"{words}\"", "heard_emote": "Far off, someone {words}",
    "heard_enter": "Far off, footsteps arrive.", "heard_leave": "Far off, footsteps go away.",
    "heard_name_say": "Far off, {target}: \"{words}\"", "heard_name_emote": "Far off, {target} {words}",
    "heard_name_enter": "Far off, {target} arrives.", "heard_name_leave": "Far off, {target} goes away.",
    "item_done": "The {item_name} takes on {spell}.",
    "dedicated": "The {item_name} takes on {spell}.",
    "your": "Your {item_name} takes on {spell}.",
    "item_cannot": "{spell} can't be cast on {target}.",
    "no_weapon": "{target} wields no weapon.",
    "item_already": "That weapon already has {spell}.",
    "already_stronger": "That weapon already has a stronger {spell}.",
    "resists": "The {item_name} resists {spell}.",
    "item_ended": "Your {item_name} loses its {spell}.",
    "item_clings": "The {item_name} will not leave your hand.",
    "no_curse": "Nothing cursed is there to take off.",
    "cast_on": "You cast {spell} on {target}.",
    "illusion": "Your illusion looks like {other}.",
    "gazed": "You meet {target}'s gaze and cannot move.",
    "wrong_target": "{target} cannot be given an evil twin.",
    "crowded": "Too much is summoned here already.",
    "bane_hurt": "The {spell} here strikes you as you cast.",
    "bane_killed": "The {spell} here strikes you down.",
    "no_towns": "You may not sing that song here.",
    "inhaled": "You breathe the poisonous fog.", "unaffected": "The wall does not touch you.",
    "burn_0": "The wall does you no harm.", "burn_5": "The wall singes you.", "burn_10": "The wall hurts you.",
    "burn_15": "The wall hurts you badly.", "burn_20": "The wall hurts you terribly.",
    "held": "You are held fast.",
    "not_wounded": "You have no wounds to deny.",
    "already_focused": "You already have {spell}.",
    "deflected": "Your deflect turns {target}'s spell back.",
    "already_sick": "That one is already ailing.", "sensed": "Something foul is near.", "sick": "You feel weaker.",
    "dazed": "{target} reels.", "vigor_affected": "{target} looks drained.",
    "deflected_back": "{target}'s deflect turns your spell back on you!",
    "deflect_failed": "Your deflect could not turn {target}'s spell back.",
    "looking": "You look closely at the {item_name}.",
    "point_failed": "You point at {target}, but nothing happens.",
    "pointed_at": "{target} points at you, but nothing happens.",
    "shattered": "Your {item_name} shatters!",
    "shattered_plural": "Your {item_name} shatter!",
    "shatter_done": "You shatter {target}'s {item_name}!",
    "trouble": "What you summoned has made trouble for you.",
    "stuck_0": "You pass the webs.", "stuck_1": "The webs catch you a moment.", "stuck_2": "The webs catch you.",
    "stuck_3": "The webs hold you.", "stuck_5": "The webs hold you fast.",
    "wounds_healed": "Some of your wounds were not real.",
    "cast_silenced": "The {spell} here stops your words: you cannot cast.",
    "speech_silenced": "The {spell} here stops your words: you cannot speak.",
    "shot_ruined": "The {spell} here snatch your shot away.",
    "attack_refused": "You cannot fight monsters here.",
    "towns_refused": "There is nothing here to make a {spell} with.",
    "heat_hurt": "The {spell} here burns you through your armour.",
    "heat_killed": "The {spell} here burns you to death.",
    "sand_hurt": "The {spell} here wears you down.",
    "occupant_on": "The {spell} here fills you.",
    "room_left": "You leave the {spell} behind.",
    "guardian_refused": "Your guardian angel holds back your {spell}: others here are not ready for it.",
    "raised": "{item} rises beside {target}.",
    "guardian": "Your guardian angel keeps you from that spell.",
    "seduced": "{target} follows you now.",
    "player_first": "You try your charms on {target}.",
    "player_second": "{target} tries to charm you.",
    "beyond_salvage": "The {item_name} is too far gone to mend.",
    "perfect": "The {item_name} needs no mending.",
    "mended": "The {item_name} is whole again.",
    "dulled": "You dull the weapon of {target}.",
    "weapon_dulled": "{target} dulls your {item_name}.",
    "weapon_broke": "Your {item_name} breaks.",
    "already_broken": "The {item_name} is broken.",
}

#: What fills each casting text of the original: the spell's name, the target's
#: article and name (spell.kod's MsgSendUser calls).
_FILLS = {
    "spell_no_rest": "", "spell_no_teleport": "", "spell_not_in_view": "", "spell_advanced": "spell", "spell_bad_target": "spell,target",
    "spell_help_unlawful_angel": "target", "spell_help_unlawful_safety": "target",
    "unnecessary": "target", "target": "", "not_on_self": "", "too_low": "",
    "made": "item", "hands_full": "item", "out_of_range": "cap_target,spell",
    "something": "", "nothing": "", "room": "cap_player,his_her",
    "ended": "", "already_on": "cap_target", "not_here": "",
    "done_to": "cap_target", "already_self": "",  # hinder
    "room_already": "",
    "need_instrument": "", "no_newbie": "",
    "summon_limit": "", "scratch_0": "", "scratch_2": "", "scratch_3": "", "scratch_4": "", "scratch_5": "",
    # forget (forget.kod): the ability forgotten, the victim named, the excuses
    "forgot_ability": "ability", "already_forgetful": "target", "nothing_to_forget": "cap_target",
    **{f"forgot{n}": "" for n in range(1, 5)},
    # eavesdrop (listener.kod): what is overheard, with or without who it was
    "no_rooms": "", "heard_say": "words", "heard_emote": "words", "heard_enter": "", "heard_leave": "",
    "heard_name_say": "cap_player,words", "heard_name_emote": "cap_player,words",
    "heard_name_enter": "cap_player", "heard_name_leave": "cap_player",
    # spells on items (the item by the event's kind)
    "item_done": "cap_item", "dedicated": "item_name", "item_cannot": "thing", "no_weapon": "target", "item_already": "",
    "already_stronger": "", "no_curse": "", "resists": "cap_item", "your": "your,item_name", "item_ended": "item_name",
    "item_clings": "cap_item", "cast_on": "spell,target",
    "evaded": "", "evaded_caster": "", "resisted": "", "resisted_caster": "", "seen": "target", "illusion": "other_spell",
    "gazed": "target",
    "already_have": "none_spell", "trance_lost": "", "looks_taken": "",  # spells of looks
    "took_form": "form", "wrong_target": "target", "crowded": "", "trouble": "",
    "bane_hurt": "", "bane_killed": "",
    "no_towns": "",
    "abates": "", "inhaled": "", "unaffected": "",
    "burn_0": "", "burn_5": "", "burn_10": "", "burn_15": "", "burn_20": "", "held": "",
    "not_wounded": "",  # denial
    "already_focused": "spell_none",  # mana focus: the spell's article and name
    "deflected": "name", "deflected_back": "name", "deflect_failed": "name",  # deflect: the other player's name
    "looking": "def_item",
    "point_failed": "target", "pointed_at": "cap_player", "shattered": "item_name", "shattered_plural": "item_names",
    "shatter_done": "target,item_name",
    "stuck_0": "", "stuck_1": "", "stuck_2": "", "stuck_3": "", "stuck_5": "", "wounds_healed": "",
    "already_sick": "", "sensed": "", "sick": "", "dazed": "cap_target",  # the sicknesses
    "vigor_affected": "cap_target",  # mark of dishonor
    "cast_silenced": "", "speech_silenced": "", "shot_ruined": "",
    "attack_refused": "", "towns_refused": "", "heat_hurt": "", "heat_killed": "", "sand_hurt": "",
    "occupant_on": "", "guardian_refused": "", "room_left": "",
    "raised": "form,indef_target", "guardian": "",  # summoned creatures
    "seduced": "cap_target", "player_first": "cap_target", "player_second": "cap_player,his_her",
    # wear (mend, brittle)
    "beyond_salvage": "cap_item", "perfect": "cap_item", "mended": "def_item", "dulled": "target,item_name",
    "weapon_dulled": "cap_target,item_name", "weapon_broke": "cap_item", "already_broken": "cap_item",
}


#: The spells on items' words, and the made item's: sent without what their text does not name.
_ITEM_PURPOSES = frozenset({"made", "hands_full", "item_done", "dedicated", "item_ended", "looking"})


def spell_told(ctx: GameContext, event: SpellTold) -> None:
    session = ctx.in_world.get(event.player_id)
    spell = ctx.definition.spells.get(event.spell)
    if session is None or spell is None:
        return
    messages = ctx.definition.messages
    if event.fail_sound and messages is not None and "spell_fail_sound" in messages.texts:
        session.send("BP_PLAY_WAVE", wave=messages.id("spell_fail_sound"), source=0, flags=0, row=0, col=0, radius=0,
                     max_volume=0)
    if event.purpose == "failed" and messages is not None and spell.text("fail_1"):
        _told_failed(ctx, session, spell, event.target_id)
        return
    fills = _FILLS.get(event.purpose, "spell").split(",")
    if event.purpose == "caster":  # the caster's words name the target, when there is one (and the spell, if they have room)
        named = ["spell", "target"] if (spell.text("caster") or "").count("%") >= 3 else ["target"]
        fills = named if event.target_id else []
    if event.purpose in _ITEM_PURPOSES and "%" not in (spell.text(event.purpose) or "%"):
        fills = []  # a spell on items' words that name nothing (a spiritual hammer appears)
    if event.purpose == "not_on_self" and "%" in (spell.text("not_on_self") or ""):
        fills = ["spell"]  # an attack spell names itself
    worded = "item_done" if event.purpose == "your" else event.purpose  # the owner reads the caster's words, "Your" first
    own_id = spell.text_id(worded) if not event.purpose.startswith("spell_") else None
    own_text = spell.text(worded)
    if own_id is not None and own_text:  # a text the original has under several ids is sent by one of them
        own_id = ctx.resources.id(own_text)
    format_id = own_id
    if event.purpose.startswith("spell_") and messages is not None and event.purpose in messages.texts:
        format_id = messages.id(event.purpose)
    if format_id is not None and messages is not None:
        params: list[Any] = []
        for fill in fills:
            if fill == "spell":
                params.append(_spell_name_id(ctx, spell))
            elif fill == "none_spell":  # a spell's GetIndef (no article) and name
                params += [messages.id("article_none"), _spell_name_id(ctx, spell)]
            elif fill == "form":  # a monster kind's GetIndef and GetName
                params += [messages.id(f"article_{messages.kind(event.kind).indefinite}"), fight_messages._name(ctx, event.kind)]
            elif fill == "other_spell" and event.other_spell in ctx.definition.spells:
                params.append(_spell_name_id(ctx, ctx.definition.spells[event.other_spell]))
            elif fill == "target":
                params += _target_ids(ctx, event.target_id)
                if "%q" in (own_text or ""):  # the name as a string (ring of flames' words)
                    params[-1] = _name_text(ctx, event.target_id)
            elif fill == "indef_target":  # GetIndef and GetName
                params += _target_ids(ctx, event.target_id, indefinite=True)
            elif fill == "cap_target":  # GetCapDef and GetName
                article, name = _target_ids(ctx, event.target_id)
                params += [_capital(ctx, article), name]
            elif fill == "cap_player":  # a player named: no article
                params += [messages.id("cap_article_none"), fight_messages._player_name(ctx, event.target_id)]
            elif fill == "his_her":
                his_her = fight_messages._gender(ctx.in_world.get(event.target_id))
                params.append(messages.id({1: "his", 2: "her"}.get(his_her, "its")))
            elif fill == "name":  # a player's GetName alone
                params.append(fight_messages._player_name(ctx, event.target_id))
            elif fill == "spell_none":  # a spell's GetIndef (no article) and name
                params += [messages.id("article_none"), _spell_name_id(ctx, spell)]
            elif fill == "words":  # a player's own words, as they were said
                params.append(event.words)
            elif fill == "ability":  # a spell's or skill's name
                params.append(_ability_name_id(ctx, event.ability))
            elif fill in ("cap_item", "def_item", "item_name", "item_names", "your", "thing"):  # the item a spell on items names
                params += _item_fill(ctx, spell, fill, event)
            elif fill == "item":  # GetCapIndef and GetName of one of the kind
                kind = ctx.definition.kinds[event.kind]
                params += [messages.id(f"cap_article_{messages.kind(event.kind).indefinite}"),
                           item_messages.name_id(ctx, kind, plural=False)]
        session.send("BP_MESSAGE", format=format_id, params=params)
        return
    item = ctx.definition.kinds[event.kind].name if event.kind in ctx.definition.kinds else "something"
    text = "You cast {spell}." if event.purpose == "caster" and not event.target_id else _OWN.get(event.purpose, "{spell}")
    target = f"the {item}" if event.kind and not event.target_id else _target_text(ctx, event.target_id)
    other = ctx.definition.spells[event.other_spell].name if event.other_spell in ctx.definition.spells else ""
    text = text.format(spell=spell.name, target=target, item=f"A {item}", item_name=item, other=other,
                       ability=_ability_name(ctx, event.ability), words=event.words)
    session.send("BP_MESSAGE", **views.text_message(ctx.resources, text))


def _item_fill(ctx: GameContext, spell: SpellDefinition, fill: str, event: SpellTold) -> list[Any]:
    """The parameters naming the item of a spell on items: its capitalised definite
    article and name (``cap_item``: GetCapDef, GetName; ``def_item``: GetDef), its name (``item_name``), the
    spell's "Your" (``your``), or what a refusal names (``thing``: an item's definite
    article and name, else the target's)."""
    messages = ctx.definition.messages
    assert messages is not None
    if fill == "your":
        return [spell.text_id("your") or 0]
    first = (spell.text(event.purpose) or "").startswith("%")  # words that begin with it: capitalised (GetCapDef)
    if fill == "thing" and (event.target_id or event.kind not in ctx.definition.kinds):
        article, named = _target_ids(ctx, event.target_id)
        return [_capital(ctx, article) if first else article, named]
    kind = ctx.definition.kinds[event.kind]
    name = item_messages.name_id(ctx, kind, plural=False)
    if fill in ("item_name", "item_names"):
        return [item_messages.name_id(ctx, kind, plural=fill == "item_names")]
    article = messages.id(f"article_{messages.kind(event.kind).article}")
    return [_capital(ctx, article) if fill == "cap_item" or (fill == "thing" and first) else article, name]


def _told_failed(ctx: GameContext, session: Any, spell: SpellDefinition, target_id: int) -> None:
    """A failure told in one line the original composes from two of the spell's words
    around the target's article and name (seduce.kod: a %q line)."""
    messages = ctx.definition.messages
    assert messages is not None
    article, name = _target_ids(ctx, target_id)
    line = f"{spell.text('fail_1')}{ctx.resources.text(article) or ''}{ctx.resources.text(name) or ''}{spell.text('fail_2')}"
    session.send("BP_MESSAGE", **views.text_message(ctx.resources, line))


def spell_cast(ctx: GameContext, event: SpellCast) -> None:
    """PlaySpellSound: the room hears the spell's own sound, else its school's."""
    spell = ctx.definition.spells.get(event.spell)
    if spell is not None and spell.sound:
        fight_messages.room_sound(ctx, event.room, _sound_id(ctx, spell), event.caster_id)


def spell_improved(ctx: GameContext, event: SpellImproved) -> None:
    """ChangeSpellAbility's report: the player reads it, its room hears it."""
    spell = ctx.definition.spells.get(event.spell)
    if spell is None:
        return
    ctx_event = SpellTold(event.player_id, event.spell, "spell_advanced")
    spell_told(ctx, ctx_event)
    session = ctx.in_world.get(event.player_id)
    if session is not None:  # the spell's new ability, its line of the spells group
        player = ctx.world.player(event.player_id)
        for line in sheet.spell_stats(ctx.resources, ctx.definition, player):
            if line["data"]["id"] == spellbook.spell_object_id(spell):
                session.send("BP_STAT", group=sheet.StatGroup.SPELLS, stat=line)
    messages = ctx.definition.messages
    if messages is not None and "spell_improved_sound" in messages.texts:
        fight_messages.room_sound(ctx, event.room, messages.id("spell_improved_sound"), event.player_id)


def spell_murmured(ctx: GameContext, event: SpellMurmured) -> None:
    """SpellMurmurMessage: each near player sees the caster murmur, and point at the
    target (at "you" for the target itself) when the spell takes one."""
    caster = ctx.world.object(event.caster_id)
    if not isinstance(caster, Player):
        return
    messages = ctx.definition.messages
    caster_session = ctx.in_world.get(event.caster_id)
    for hearer in event.hearers:
        session = ctx.in_world.get(hearer)
        if session is None:
            continue
        if messages is None or "spell_murmur" not in messages.texts or "spell_murmur_at" not in messages.texts:
            at = "" if not event.target_id else " at you" if hearer == event.target_id else f" at {_target_text(ctx, event.target_id)}"
            session.send("BP_MESSAGE", **views.text_message(ctx.resources, f"{caster.name} murmurs and gestures{at}."))
            continue
        name = fight_messages._player_name(ctx, event.caster_id)
        his_her = messages.id({1: "his", 2: "her"}.get(fight_messages._gender(caster_session), "its"))
        cap_none = messages.id("cap_article_none")
        if not event.target_id:
            session.send("BP_MESSAGE", format=messages.id("spell_murmur"), params=[cap_none, name, his_her])
        elif hearer == event.target_id and "spell_you" in messages.texts:
            session.send("BP_MESSAGE", format=messages.id("spell_murmur_at"),
                         params=[cap_none, name, his_her, messages.id("article_none"), messages.id("spell_you")])
        else:
            session.send("BP_MESSAGE", format=messages.id("spell_murmur_at"),
                         params=[cap_none, name, his_her, *_target_ids(ctx, event.target_id, indefinite=True)])


def _capital(ctx: GameContext, article_id: int) -> int:
    """The capitalised article of the same word (cap_article_<a> for article_<a>)."""
    messages = ctx.definition.messages
    assert messages is not None
    for key, entry in messages.texts.items():
        if key.startswith("article_") and entry.resource_id == article_id:
            return messages.id(f"cap_{key}")
    return article_id


def _spell_name_id(ctx: GameContext, spell: SpellDefinition) -> int:
    """The id the spell's name reaches the client by: a name the original has under
    several ids (dement's; the reflection spell's and creature's) is sent by the one the
    table keeps."""
    own = spell.text_id("name")
    return own if own is not None and ctx.resources.text(own) is not None else ctx.resources.id(spell.name)


def _ability_of(ctx: GameContext, ability: str) -> SpellDefinition | SkillDefinition | None:
    kind, _, key = ability.partition(":")
    return (ctx.definition.spells if kind == "spell" else ctx.definition.skills).get(key)


def _ability_name_id(ctx: GameContext, ability: str) -> int:
    found = _ability_of(ctx, ability)
    if found is None:
        return 0
    own = dict(found.resource_ids).get("name")
    return own if own is not None and ctx.resources.text(own) is not None else ctx.resources.id(found.name)


def _ability_name(ctx: GameContext, ability: str) -> str:
    found = _ability_of(ctx, ability)
    return found.name if found is not None else "something"


def _sound_id(ctx: GameContext, spell: SpellDefinition) -> int:
    own = spell.text_id("sound")
    return own if own is not None else ctx.resources.id(spell.sound)


def _target_ids(ctx: GameContext, target_id: int, indefinite: bool = False) -> list[int]:
    """GetDef (or GetIndef) and GetName of what a message names: a player's name has no
    article."""
    messages = ctx.definition.messages
    assert messages is not None
    target = ctx.world.object(target_id) or ctx.world.items.by_id.get(target_id)  # or a carried item
    if target is None:
        return [messages.id("article_none"), 0]
    if isinstance(target, Player):
        return [messages.id("article_none"), fight_messages._player_name(ctx, target_id)]
    kind = ctx.definition.kinds.get(target.kind or "")
    if kind is None:
        return [messages.id("article_none"), 0]
    named = messages.kind(target.kind or "")
    article = named.indefinite if indefinite else named.article
    return [messages.id(f"article_{article}"), item_messages.name_id(ctx, kind, plural=False)]


def _name_text(ctx: GameContext, target_id: int) -> str:
    """GetName as a string: a player's name, a monster's kind's."""
    target = ctx.world.object(target_id)
    if isinstance(target, Player):
        return target.name
    kind = ctx.definition.kinds.get(target.kind or "") if target is not None else None
    return kind.name if kind is not None else ""


def _target_text(ctx: GameContext, target_id: int) -> str:
    target = ctx.world.object(target_id)
    if target is None:
        return "that"
    if isinstance(target, Player):
        return target.name
    kind = ctx.definition.kinds.get(target.kind or "")
    return f"the {kind.name}" if kind is not None else "that"
