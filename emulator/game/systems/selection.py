"""The character selection screen: the list, choosing, deleting, and the creation
wizard of a first-time character."""

from __future__ import annotations

import random
from typing import Any

from twisted.python.failure import Failure

from emulator.game import views
from emulator.game.context import GameContext
from emulator.game.requests import Fields, System
from emulator.game.session import GameSession, Phase
from emulator.game.systems.presence import enter_world
from emulator.logs import logger
from emulator.rules import spellbook as spellbook_rules
from emulator.world import spellbook
from emulator.store.accounts import StoreError
from emulator.store.characters import ATTRIBUTES, CharacterRecord
from protocol_specs.opcodes import SystemCommand

log = logger("m59emu.game")

_NO_FACE_PARTS: dict[str, Any] = {"hair": [], "head": 0, "eyes": [], "noses": [], "mouths": []}
FIRST_TIME = 1  # BP_CHARACTERS flag: the client runs the creation wizard for this one


def send_characters(ctx: GameContext, session: GameSession, fields: Fields) -> None:
    def listed(characters: list[CharacterRecord]) -> None:
        if not ctx.is_current(session):
            return
        session.send(
            "BP_CHARACTERS",
            characters=[{"id": c.id, "name": c.name, "flags": FIRST_TIME if c.first_time else 0} for c in characters],
            motd=ctx.motd,
            ads=[{"image": image, "url": url} for image, url in ctx.config.ads],
        )
        ctx.flush_session(session)

    deferred = ctx.store.list_characters(session.account.id)
    deferred.addCallbacks(listed, _store_failed, errbackArgs=(session, "list"))
    deferred.addErrback(_bug, "listing characters")


def use_character(ctx: GameContext, session: GameSession, fields: Fields) -> None:
    if session.phase is not Phase.CHOOSING:
        return
    session.phase = Phase.ENTERING
    character_id = fields["character_id"]

    def found(record: CharacterRecord | None) -> None:
        if not ctx.is_current(session):
            return
        account = session.account
        if record is None or record.account_id != account.id or record.first_time:
            log.warn("{account} asked for character {character} it cannot use", account=account.name,
                     character=character_id)
            session.phase = Phase.CHOOSING
            return
        if any(other.avatar.character_id == record.id for other in ctx.in_world.values() if other.avatar):
            log.warn("character {character} is already in the world", character=record.name)
            session.phase = Phase.CHOOSING
            return
        enter_world(ctx, session, record)
        ctx.flush_session(session)

    deferred = ctx.store.get_character(character_id)
    deferred.addCallbacks(found, _store_failed, errbackArgs=(session, "use"))
    deferred.addErrback(_bug, "entering the world")


def delete_character(ctx: GameContext, session: GameSession, fields: Fields) -> None:
    """An m59emu extension (BP_DELETE_CHARACTER); the list is sent again after."""
    if session.phase is not Phase.CHOOSING:
        return

    character_id = fields["character_id"]

    def deleted(done: bool) -> None:
        if done:  # what it carried goes with it, recorded in the ledger
            ctx.world.character_deleted(character_id)
        if ctx.is_current(session):
            send_characters(ctx, session, {})

    deferred = ctx.store.delete_character(character_id, session.account.id)
    deferred.addCallbacks(deleted, _store_failed, errbackArgs=(session, "delete"))
    deferred.addErrback(_bug, "deleting a character")


def system_command(ctx: GameContext, session: GameSession, fields: Fields) -> None:
    command, args = fields["command"], fields["args"]
    if command == SystemCommand.BP_SEND_CHARINFO:  # the creation wizard's choices
        session.send("BP_CHARINFO", hair_translations=[], face_translations=[],
                     faces=[_NO_FACE_PARTS, _NO_FACE_PARTS], **_choices(ctx))
    elif command == SystemCommand.BP_NEW_CHARINFO:  # the finished wizard
        _customise(ctx, session, args)


def _choices(ctx: GameContext) -> dict[str, Any]:
    """The spells and skills the creation wizard offers, with what each costs of the
    wizard's points (system.kod SendCharInfo)."""
    resources = ctx.resources
    spells = [
        {"number": spell.number, "name": resources.id(spell.name), "description": _text_id(ctx, spell.description),
         "cost": spellbook_rules.creation_cost(spell.level or 1), "school": spellbook.spell_school(spell)}
        for spell in spellbook.offered_spells(ctx.definition)
    ]
    skills = [
        {"number": skill.number, "name": resources.id(skill.name), "description": _text_id(ctx, skill.description),
         "cost": spellbook_rules.creation_cost(skill.level or 1)}
        for skill in spellbook.offered_skills(ctx.definition)
    ]
    return {"spells": spells, "skills": skills}


def _text_id(ctx: GameContext, text: str) -> int:
    """A description's id when the client has it (the original's), else none."""
    return ctx.resources.original_id(text) or 0 if text else 0


def _numbers(values: Any) -> list[int]:
    return [value["id"] if isinstance(value, dict) else value for value in values or ()]


def _customise(ctx: GameContext, session: GameSession, args: Fields) -> None:
    attributes = [value["id"] if isinstance(value, dict) else value for value in args["stats"]]
    if len(attributes) != len(ATTRIBUTES):
        session.send("BP_CHARINFO_NOT_OK")
        return
    account = session.account
    character_id = args["character"]["id"]
    chosen = dict(zip(ATTRIBUTES, attributes))
    book = spellbook.starting_book(
        ctx.definition, _numbers(args.get("spells")), _numbers(args.get("skills")), chosen,
        random.Random(f"{ctx.world.seed}:create:{character_id}:{args['name']}"),
    )
    deferred = ctx.store.customise_character(
        character_id, account.id, args["name"], args["description"], args["gender"], chosen, ctx.reserved_names,
        spells=book.spells, skills=book.skills, karma=book.karma,
    )

    def made(record: CharacterRecord) -> None:
        session.send("BP_CHARINFO_OK", character=record.id)
        ctx.flush_session(session)

    def refused(failure: Failure) -> None:
        if failure.check(StoreError):
            reason = str(failure.value)
            log.info("character creation refused for {account}: {reason}", account=account.name, reason=reason)
            # BP_CHARINFO_NOT_OK carries no reason; the text says which rule the name broke.
            session.send("BP_MESSAGE", **views.text_message(ctx.resources, f"That character cannot be made: {reason}"))
        else:
            log.failure("character creation failed", failure)
        session.send("BP_CHARINFO_NOT_OK")
        ctx.flush_session(session)

    deferred.addCallbacks(made, refused)


def _store_failed(failure: Failure, session: GameSession, what: str) -> None:
    log.failure("store call {what} failed for {account}", failure, what=what, account=session.account.name)
    if session.phase is Phase.ENTERING:
        session.phase = Phase.CHOOSING


def _bug(failure: Failure, what: str) -> None:
    log.failure("{what} failed", failure, what=what)


SYSTEM = System(
    "selection",
    selection={
        "BP_SEND_CHARACTERS": send_characters,
        "BP_USE_CHARACTER": use_character,
        "BP_DELETE_CHARACTER": delete_character,
        "BP_SYSTEM": system_command,
    },
)
