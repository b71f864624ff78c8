"""The game hub: connects game-mode sessions to the world and the store.

It turns requests into world commands, world events into messages for the players
who can see them, runs the world's tick loop and the autosave on an injected clock,
and never blocks: store calls return Deferreds and run on the store's thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any, Protocol

import attrs
from twisted.internet import defer, task
from twisted.internet.interfaces import IReactorTime
from twisted.logger import Logger

from emulator.content.model import WorldDefinition
from emulator.game import texts, views
from emulator.game.resources import ServerResources
from emulator.game.session import SELECTION_REQUESTS, GameSession, Phase
from emulator.store.accounts import StoreError
from emulator.store.characters import ATTRIBUTES, CharacterRecord, CharacterState
from emulator.wire.codec import Message
from emulator.world import events as ev
from emulator.world.world import Stats, World

log = Logger(namespace="m59emu.game")

_NO_FACE_PARTS = {"hair": [], "head": 0, "eyes": [], "noses": [], "mouths": []}


class GameConnection(Protocol):
    """What the hub needs from a network connection in game mode."""

    def send_game(self, messages: list[tuple[str, dict[str, Any]]]) -> None: ...

    def entered_world(self) -> None: ...

    def close_game(self, reason: str) -> None: ...


class CharacterStore(Protocol):
    """The store calls the hub makes; each returns a Deferred."""

    def list_characters(self, account_id: int) -> defer.Deferred[list[CharacterRecord]]: ...

    def get_character(self, character_id: int) -> defer.Deferred[CharacterRecord | None]: ...

    def customise_character(self, character_id: int, account_id: int, name: str, description: str, gender: int,
                            attributes: dict[str, int], reserved: tuple[str, ...]) -> defer.Deferred[CharacterRecord]: ...

    def delete_character(self, character_id: int, account_id: int) -> defer.Deferred[bool]: ...

    def save_characters(self, states: list[CharacterState]) -> defer.Deferred[None]: ...

    def save_world_state(self, snapshot: dict) -> defer.Deferred[None]: ...


@attrs.frozen
class GameConfig:
    tick_seconds: float = 1.0
    autosave_seconds: float = 60.0
    motd: str = ""
    ads: tuple[tuple[str, str], ...] = ()


class GameHub:
    def __init__(
        self,
        world: World,
        definition: WorldDefinition,
        resources: ServerResources,
        store: CharacterStore,
        clock: IReactorTime,
        config: GameConfig = GameConfig(),
        security_of: Callable[[str], int] = lambda room: 0,
    ) -> None:
        self.world = world
        self.definition = definition
        self.resources = resources
        self.store = store
        self.clock = clock
        self.config = config
        self.security_of = security_of
        self.sessions: dict[int, GameSession] = {}
        self.connections: dict[int, GameConnection] = {}
        self.by_player: dict[int, GameSession] = {}
        self._tick_loop = task.LoopingCall(self.tick)
        self._tick_loop.clock = clock
        self._save_loop = task.LoopingCall(self.autosave)
        self._save_loop.clock = clock
        # Names a player may not take: everyone and everything the world already names.
        self._reserved_names = tuple(kind.name for kind in definition.kinds.values())
        self.tick_durations: list[float] = []  # seconds per tick, for benchmarks
        self.saves_started = 0
        self._saving: defer.Deferred | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self._tick_loop.start(self.config.tick_seconds, now=False)
        self._save_loop.start(self.config.autosave_seconds, now=False)

    def stop(self) -> defer.Deferred:
        """Stop ticking, take every player out of the world and save everything."""
        for loop in (self._tick_loop, self._save_loop):
            if loop.running:
                loop.stop()
        states = []
        for session in list(self.sessions.values()):
            state = self._leave_world(session)
            if state is not None:
                states.append(state)
        return defer.DeferredList(
            [self.store.save_characters(states), self.store.save_world_state(self.world.snapshot())],
            consumeErrors=True,
        )

    def now(self) -> float:
        return self.clock.seconds()

    # ------------------------------------------------------------------ connections

    def enter_game(self, key: int, connection: GameConnection, account_id: int, account_name: str, admin_level: int) -> None:
        self.leave_game(key)
        self.sessions[key] = GameSession(key, account_id, account_name, admin_level)
        self.connections[key] = connection

    def leave_game(self, key: int) -> None:
        session = self.sessions.pop(key, None)
        self.connections.pop(key, None)
        if session is None:
            return
        state = self._leave_world(session)
        if state is not None:
            self._save([state], "logoff")

    def request(self, key: int, message: Message) -> None:
        session = self.sessions.get(key)
        if session is None:
            return
        name = message.name
        try:
            if session.phase is not Phase.IN_WORLD:
                if name in SELECTION_REQUESTS:
                    self._selection_request(session, message)
                else:
                    log.debug("ignored {request} before entering the world", request=name)
            else:
                handler = self._world_handlers.get(name)
                if handler is None:
                    log.debug("no handler for {request}", request=name)
                else:
                    handler(self, session, message.fields)
        except Exception:  # noqa: BLE001 - one bad request must not take the hub down
            log.failure("request {request} failed", request=name)
        self.flush()

    def flush(self) -> None:
        for key, session in self.sessions.items():
            if session.outbox:
                self.connections[key].send_game(session.take_outbox())

    # ------------------------------------------------------------------ character selection

    def _selection_request(self, session: GameSession, message: Message) -> None:
        if message.name == "BP_SEND_CHARACTERS":
            self.store.list_characters(session.account_id).addCallbacks(
                self._send_characters, self._store_failed, callbackArgs=(session,), errbackArgs=(session, "list")
            ).addErrback(self._bug, "listing characters")
        elif message.name == "BP_USE_CHARACTER" and session.phase is Phase.CHOOSING:
            session.phase = Phase.ENTERING
            character_id = message.fields["character_id"]
            self.store.get_character(character_id).addCallbacks(
                self._use_character, self._store_failed, callbackArgs=(session, character_id), errbackArgs=(session, "use")
            ).addErrback(self._bug, "entering the world")
        elif message.name == "BP_DELETE_CHARACTER" and session.phase is Phase.CHOOSING:
            self.store.delete_character(message.fields["character_id"], session.account_id).addCallbacks(
                lambda deleted: self._selection_request(session, Message("BP_SEND_CHARACTERS", {})),
                self._store_failed,
                errbackArgs=(session, "delete"),
            ).addErrback(self._bug, "deleting a character")
        elif message.name == "BP_SYSTEM":
            command, args = message.fields["command"], message.fields["args"]
            if command == 49:  # BP_SEND_CHARINFO: the creation wizard's choices
                session.send("BP_CHARINFO", hair_translations=[], face_translations=[],
                             faces=[_NO_FACE_PARTS, _NO_FACE_PARTS], spells=[], skills=[])
            elif command == 48:  # BP_NEW_CHARINFO: the finished wizard
                self._customise(session, args)

    def _customise(self, session: GameSession, args: dict) -> None:
        attributes = [value["id"] if isinstance(value, dict) else value for value in args["stats"]]
        if len(attributes) != len(ATTRIBUTES):
            session.send("BP_CHARINFO_NOT_OK")
            return
        character_id = args["character"]["id"]
        deferred = self.store.customise_character(
            character_id, session.account_id, args["name"], args["description"], args["gender"],
            dict(zip(ATTRIBUTES, attributes)), self._reserved_names,
        )

        def made(record: CharacterRecord) -> None:
            session.send("BP_CHARINFO_OK", character=record.id)
            self.flush()

        def refused(failure) -> None:
            if failure.check(StoreError):
                reason = str(failure.value)
                log.info("character creation refused for {account}: {reason}", account=session.account_name, reason=reason)
                # BP_CHARINFO_NOT_OK carries no reason; the text says which rule the name broke.
                session.send("BP_MESSAGE", **views.text_message(self.resources, f"That character cannot be made: {reason}"))
            else:
                log.failure("character creation failed", failure)
            session.send("BP_CHARINFO_NOT_OK")
            self.flush()

        deferred.addCallbacks(made, refused)

    def _send_characters(self, characters: list[CharacterRecord], session: GameSession) -> None:
        if self.sessions.get(session.key) is not session:
            return
        session.send(
            "BP_CHARACTERS",
            characters=[{"id": c.id, "name": c.name, "flags": 1 if c.first_time else 0} for c in characters],
            motd=self.config.motd or self.definition.motd,
            ads=[{"image": image, "url": url} for image, url in self.config.ads],
        )
        self.flush()

    def _use_character(self, record: CharacterRecord | None, session: GameSession, character_id: int) -> None:
        if self.sessions.get(session.key) is not session:
            return
        if record is None or record.account_id != session.account_id or record.first_time:
            log.warn("{account} asked for character {character} it cannot use", account=session.account_name, character=character_id)
            session.phase = Phase.CHOOSING
            return
        if any(other.character_id == record.id for other in self.by_player.values()):
            log.warn("character {character} is already in the world", character=record.name)
            session.phase = Phase.CHOOSING
            return
        placement = None
        if record.room is not None and record.room in self.definition.rooms:
            placement = ev.Position(record.room, record.y, record.x, record.angle)
        stats = Stats(
            health=record.health, max_health=record.max_health, mana=record.mana, max_mana=record.max_mana,
            vigor=record.vigor, might=record.might, intellect=record.intellect, stamina=record.stamina,
            agility=record.agility, mysticism=record.mysticism, aim=record.aim, karma=record.karma,
        )
        player_id, events = self.world.add_player(record.id, record.name, placement, stats, self.now())
        session.phase = Phase.IN_WORLD
        session.character_id = record.id
        session.player_id = player_id
        session.name = record.name
        session.name_resource = self.resources.add_name(record.name)
        self.by_player[player_id] = session
        self.connections[session.key].entered_world()
        self._announce_name(session)
        self._entry_burst(session)
        self._dispatch(events)
        self.flush()

    @staticmethod
    def _bug(failure, what: str) -> None:
        log.failure("{what} failed", failure, what=what)

    def _store_failed(self, failure, session: GameSession, what: str) -> None:
        log.failure("store call {what} failed for {account}", failure, what=what, account=session.account_name)
        if session.phase is Phase.ENTERING:
            session.phase = Phase.CHOOSING

    # ------------------------------------------------------------------ entering the world

    def _announce_name(self, session: GameSession) -> None:
        """New dynamic name: every game session learns its text, then everyone sees the arrival."""
        for other in self.sessions.values():
            other.send("BP_CHANGE_RESOURCE", resource=session.name_resource, text=session.name)
            if other.phase is Phase.IN_WORLD:
                other.send("BP_PLAYER_ADD", **self._player_entry(session))

    def _player_entry(self, session: GameSession) -> dict[str, Any]:
        return {"id": session.player_id, "name_res": session.name_resource, "name": session.name, "flags": views.OF_PLAYER}

    def _entry_burst(self, session: GameSession) -> None:
        """What the stock client needs to show a playable room, in the order it expects."""
        resources = self.resources
        session.send("BP_LOAD_MODULE", module=resources.id(texts.UI_MODULE))
        motd = self.config.motd or self.definition.motd
        if motd:
            session.send("BP_MESSAGE", **views.text_message(resources, motd))
        self._players(session, {})
        self._send_room(session)
        session.send("BP_USERCOMMAND", command=4, args={"schools": [resources.id(name) for name in texts.SPELL_SCHOOLS]})
        session.send("BP_LOAD_MODULE", module=resources.id(texts.MAIL_MODULE))
        for stat in self._condition(session):
            session.send("BP_STAT", group=1, stat=stat)

    def _send_room(self, session: GameSession) -> None:
        """BP_PLAYER, lighting, BP_ROOM_CONTENTS and music: a fresh room for the player."""
        player = self.world.player(session.player_id)
        room = self.definition.rooms[player.room]
        resources = self.resources
        room_id = self.world.room_id(player.room)
        session.send(
            "BP_PLAYER",
            id=player.object_id,
            icon=resources.id(self.definition.player_icon),
            name=session.name_resource,
            room_id=room_id,
            room_file=resources.id(room.roo_file),
            room_name=resources.id(room.name),
            room_security=self.security_of(player.room),
            ambient_light=room.ambient_light,
            player_light=room.player_light,
            background=resources.id(room.background),
            wading_sound=0,
            room_flags=0,
            depth1=0,
            depth2=0,
            depth3=0,
        )
        session.send("BP_LIGHT_SHADING", intensity=0, sun_x=2860, sun_y=0)
        self._room_contents(session, {})
        session.send("BP_PLAY_MUSIC", music=resources.id(room.music))

    def _room_object(self, thing) -> dict[str, Any]:
        icon, name, flags = self._appearance(thing)
        return views.room_object_block(thing.object_id, icon, name, flags, thing.y, thing.x, thing.angle)

    def _appearance(self, thing) -> tuple[int, int, int]:
        session = self.by_player.get(thing.object_id)
        if session is not None:
            return self.resources.id(self.definition.player_icon), session.name_resource, views.OF_PLAYER
        kind = self.definition.kinds[thing.kind]
        return self.resources.id(kind.icon), self.resources.id(kind.name), kind.flags

    def _condition(self, session: GameSession) -> list[dict[str, Any]]:
        stats = self.world.player(session.player_id).stats
        return views.condition_stats(self.resources, stats.health, stats.max_health, stats.mana, stats.max_mana, stats.vigor)

    # ------------------------------------------------------------------ requests in the world

    def _move(self, session: GameSession, fields: dict) -> None:
        room = self.world.room_key(fields["room"]["id"])
        if room is None:
            return
        self._dispatch(self.world.move(session.player_id, room, fields["y"], fields["x"], fields["speed"], self.now()))

    def _turn(self, session: GameSession, fields: dict) -> None:
        if fields["object"]["id"] == session.player_id:
            self._dispatch(self.world.turn(session.player_id, fields["angle"] % 4096, self.now()))

    def _go(self, session: GameSession, fields: dict) -> None:
        self._dispatch(self.world.go(session.player_id, self.now()))

    def _say(self, session: GameSession, fields: dict) -> None:
        self._dispatch(self.world.say(session.player_id, fields["say_type"], fields["text"], self.now()))

    def _say_group(self, session: GameSession, fields: dict) -> None:
        audience = [entry["id"] for entry in fields["recipients"] if entry["id"] in self.by_player]
        self._dispatch(self.world.say_to(session.player_id, audience, fields["text"], self.now()))

    def _room_contents(self, session: GameSession, fields: dict) -> None:
        player = self.world.player(session.player_id)
        room_id = self.world.room_id(player.room)
        session.send("BP_ROOM_CONTENTS", room_id=room_id, objects=[self._room_object(t) for t in self.world.room_objects(player.room)])

    def _send_player(self, session: GameSession, fields: dict) -> None:
        self._send_room(session)

    def _players(self, session: GameSession, fields: dict) -> None:
        session.send("BP_PLAYERS", players=[self._player_entry(other) for other in self.by_player.values()])

    def _inventory(self, session: GameSession, fields: dict) -> None:
        session.send("BP_INVENTORY", objects=[])
        session.send("BP_USE_LIST", ids=[])

    def _look(self, session: GameSession, fields: dict) -> None:
        target_id = fields["object"]["id"]
        thing = self.world.object(target_id)
        if thing is None:
            return
        icon, name, flags = self._appearance(thing)
        block = views.object_block(thing.object_id, icon, name, flags)
        looked_at = self.by_player.get(target_id)
        if looked_at is not None:
            description = views.text_message(self.resources, f"{looked_at.name} is an adventurer of Meridian.")
            session.send("BP_USERCOMMAND", command=2, args={"object": block, "flags": 0, "description": description, "extra": "", "url": ""})
        else:
            description = views.text_message(self.resources, self.definition.kinds[thing.kind].description)
            session.send("BP_LOOK", object=block, flags=0, description=description, inscription=None)

    def _stats(self, session: GameSession, fields: dict) -> None:
        group = fields["group"]
        if group == 1:
            session.send("BP_STAT_GROUP", group=1, stats=self._condition(session))
        elif group == 2:
            stats = self.world.player(session.player_id).stats
            attributes = (stats.might, stats.intellect, stats.stamina, stats.agility, stats.mysticism, stats.aim)
            session.send("BP_STAT_GROUP", group=2, stats=views.attribute_stats(self.resources, attributes, stats.karma))
        elif group in (3, 4):
            session.send("BP_STAT_GROUP", group=group, stats=[])
        else:
            log.debug("stat group {group} does not exist", group=group)

    def _stat_groups(self, session: GameSession, fields: dict) -> None:
        session.send("BP_STAT_GROUPS", names=[self.resources.id(name) for name in texts.STAT_GROUP_NAMES])

    def _spells(self, session: GameSession, fields: dict) -> None:
        session.send("BP_SPELLS", spells=[])
        session.send("BP_STAT_GROUP", group=3, stats=[])

    def _skills(self, session: GameSession, fields: dict) -> None:
        session.send("BP_SKILLS", skills=[])
        session.send("BP_STAT_GROUP", group=4, stats=[])

    def _logoff(self, session: GameSession, fields: dict) -> None:
        state = self._leave_world(session)
        if state is not None:
            self._save([state], "logoff")
        connection = self.connections.get(session.key)
        if connection is not None:
            connection.close_game("logoff")

    _world_handlers: dict[str, Callable[["GameHub", GameSession, dict], None]] = {
        "BP_REQ_MOVE": _move,
        "BP_REQ_TURN": _turn,
        "BP_REQ_GO": _go,
        "BP_SAY_TO": _say,
        "BP_SAY_GROUP": _say_group,
        "BP_SEND_ROOM_CONTENTS": _room_contents,
        "BP_SEND_PLAYER": _send_player,
        "BP_SEND_PLAYERS": _players,
        "BP_REQ_INVENTORY": _inventory,
        "BP_REQ_LOOK": _look,
        "BP_SEND_STATS": _stats,
        "BP_SEND_STAT_GROUPS": _stat_groups,
        "BP_SEND_SPELLS": _spells,
        "BP_SEND_SKILLS": _skills,
        "BP_LOGOFF": _logoff,
    }

    # ------------------------------------------------------------------ leaving

    def _leave_world(self, session: GameSession) -> CharacterState | None:
        if session.phase is not Phase.IN_WORLD or session.player_id is None:
            session.phase = Phase.GONE
            return None
        state = self._state_of(session)
        events = self.world.remove_player(session.player_id, self.now())
        del self.by_player[session.player_id]
        session.phase = Phase.GONE
        for other in self.by_player.values():
            other.send("BP_PLAYER_REMOVE", id=session.player_id)
        self._dispatch(events)
        self.flush()
        return state

    # ------------------------------------------------------------------ ticking and saving

    def tick(self) -> None:
        started = time.perf_counter()
        try:
            self._dispatch(self.world.tick(self.now()))
            self.flush()
        except Exception:  # noqa: BLE001 - keep ticking
            log.failure("world tick failed")
        self.tick_durations.append(time.perf_counter() - started)
        if len(self.tick_durations) > 100_000:
            del self.tick_durations[:50_000]

    def _state_of(self, session: GameSession) -> CharacterState:
        """What is saved of a character in the world."""
        player = self.world.player(session.player_id)
        return CharacterState(session.character_id, player.room, player.y, player.x, player.angle,
                              player.stats.health, player.stats.mana, player.stats.vigor)

    def online_states(self) -> list[CharacterState]:
        return [self._state_of(session) for session in self.by_player.values()]

    def autosave(self) -> defer.Deferred | None:
        """Save every online character and the world's state, off the reactor thread.

        The snapshot is taken here (cheap, in memory); the writes run on the store's
        thread. A save still running when the next is due is not doubled up.
        """
        if self._saving is not None:
            log.warn("autosave skipped: the previous save is still running")
            return None
        self.saves_started += 1
        states = self.online_states()
        snapshot = self.world.snapshot()
        saving = defer.gatherResults(
            [self.store.save_characters(states), self.store.save_world_state(snapshot)], consumeErrors=True
        )

        def done(result):
            self._saving = None
            return result

        def failed(failure):
            log.failure("autosave failed", failure)

        saving.addErrback(failed)
        saving.addBoth(done)
        self._saving = saving if not saving.called else None
        return saving

    def _save(self, states: list[CharacterState], why: str) -> None:
        self.store.save_characters(states).addErrback(lambda failure: log.failure("saving on {why} failed", failure, why=why))

    # ------------------------------------------------------------------ world events

    def _dispatch(self, events: Iterable[Any]) -> None:
        for event in events:
            handler = self._event_handlers.get(type(event))
            if handler is not None:
                handler(self, event)

    def _watchers(self, room: str, exclude: int | None = None) -> Iterable[GameSession]:
        for player in self.world.players_in(room):
            if player.object_id != exclude:
                session = self.by_player.get(player.object_id)
                if session is not None:
                    yield session

    def _on_entered(self, event: ev.ObjectEntered) -> None:
        thing = self.world.object(event.object_id)
        if thing is None:
            return
        block = self._room_object(thing)
        for session in self._watchers(event.room, exclude=event.object_id):
            session.send("BP_CREATE", **block)

    def _on_left(self, event: ev.ObjectLeft) -> None:
        for session in self._watchers(event.room, exclude=event.object_id):
            session.send("BP_REMOVE", id=event.object_id)

    def _on_moved(self, event: ev.ObjectMoved) -> None:
        for session in self._watchers(event.room, exclude=event.object_id):
            session.send("BP_MOVE", id=event.object_id, y=event.y, x=event.x, speed=event.speed)

    def _on_turned(self, event: ev.ObjectTurned) -> None:
        for session in self._watchers(event.room, exclude=event.object_id):
            session.send("BP_TURN", id=event.object_id, angle=event.angle)

    def _on_changed_room(self, event: ev.PlayerMovedRoom) -> None:
        session = self.by_player.get(event.player_id)
        if session is not None:
            self._send_room(session)

    def _on_refused(self, event: ev.MoveRefused) -> None:
        session = self.by_player.get(event.player_id)
        if session is not None:  # put the client back where the server has it
            session.send("BP_MOVE", id=event.player_id, y=event.y, x=event.x, speed=0)

    def _on_said(self, event: ev.Said) -> None:
        speaker = self.by_player.get(event.speaker_id)
        if speaker is None:
            return
        resources = self.resources
        say_type = event.say_type if event.say_type in texts.SAY else 1
        for listener_id in event.audience:
            listener = self.by_player.get(listener_id)
            if listener is None:
                continue
            if listener is speaker:
                text_format = texts.SAY_SELF[say_type]
            else:
                text_format = texts.SAY[say_type]
            params: list[Any] = [speaker.name_resource, event.text] if text_format.startswith("%s") else [event.text]
            listener.send(
                "BP_SAID",
                sender=speaker.player_id,
                sender_name=speaker.name_resource,
                say_type=say_type,
                text={"format": resources.id(text_format), "params": params},
            )

    _event_handlers: dict[type, Callable[["GameHub", Any], None]] = {
        ev.ObjectEntered: _on_entered,
        ev.ObjectLeft: _on_left,
        ev.ObjectMoved: _on_moved,
        ev.ObjectTurned: _on_turned,
        ev.PlayerMovedRoom: _on_changed_room,
        ev.MoveRefused: _on_refused,
        ev.Said: _on_said,
    }
