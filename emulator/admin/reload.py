"""Reloading the data folder while players stay connected.

A reload runs in three steps, and changes nothing unless all of them succeed:

1. **Validate**, off the reactor thread (loading the imported world takes seconds): the
   content is loaded and checked (``load_world`` reports every ``file:line: reason`` of
   every file at once), the room files read, and a new :class:`World` is built from them,
   which runs the world's own checks (exits, room sizes against the room files, placed
   objects). Then, on the reactor thread, the new content must fit the running world:
   every player in the world must still have its room and its square, and every item
   that exists (on the ground, carried, in a vault) must still have an item kind that
   stacks as before. Each misfit is one more line of the answer; nothing is fixed up
   silently for a player.
2. **Prepare** the new resources: strings the server has never sent get their ids
   through the store thread, as at start (``assign_resource_ids``: ids stay stable), and
   the new ``m59emu.rsc`` is written next to the live one (``m59emu.rsc.new``), off the
   reactor thread.
3. **Swap**, on the reactor thread in one step: the new world takes over the running
   one's state (:meth:`World.carry_on_from`), the hub's context and the item saver use
   the new world, content and resources, the new ``.rsc`` replaces the old one (a
   rename), and every client is brought up to date: strings new or changed since the
   old ``.rsc`` are pushed to every connection (``BP_CHANGE_RESOURCE``), and each player
   in the world is sent its room afresh (as after a teleport to where it stands), its
   inventory, its condition and its spell and skill lists.

Why a new world rather than changing the definitions in place: the world and its parts
(monsters, items, bodies, shops, spells, exits) derive indexes and timers from the
content when they are built; building a world from the new content and handing it the
running state through the doors a restart uses (the snapshot, the items as the store
gives them back) keeps one well-tried path for "content changed under saved state".
Only the players are moved over as the same objects, so their vitals, posture and timers
do not notice; their enchantments and trades come with them. What a restart would drop
is dropped the same way: monsters, bodies and placed objects of kinds or rooms no longer
defined, and ground items in rooms that are gone or squares that no longer exist (the
item ledger records them as destroyed). Wall spells' elements do not carry over.

On any error in any step the running world, the hub, the resources and the ``.rsc``
are as they were, and :class:`ReloadError` lists every problem found.
"""

from __future__ import annotations

import gc
import os
import signal
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs
from twisted.application.service import Service
from twisted.internet import defer, threads
from twisted.internet.interfaces import IReactorThreads, IReactorTime

from emulator.content.loader import ContentError, load_world
from emulator.content.model import WorldDefinition, square_of
from emulator.game import room_view, sheet
from emulator.game.hub import GameHub
from emulator.game.render import render
from emulator.game.resources import FIRST_STATIC_ID, RSC_FILE_NAME, ServerResources, content_texts
from emulator.game.service import GameService, PreparedWorld, freeze_heap, room_security
from emulator.game.storage import StoreCalls
from emulator.game.systems.inventory import inventory
from emulator.logs import logger
from emulator.store.characters import assign_resource_ids
from emulator.world import holding
from emulator.world.roofile import RoomFileError, RoomGeometry, load_roo
from emulator.world.world import World, WorldError, WorldRules

log = logger("m59emu.reload")

T = TypeVar("T")

#: Changed strings pushed to each connection at most; beyond that the players need the
#: new ``.rsc`` (the answer says so).
MAX_PUSHED_TEXTS = 5000


class ReloadError(Exception):
    """A reload that changed nothing; ``problems`` are ``file:line: reason`` lines."""

    def __init__(self, problems: Iterable[str], heading: str = "reload refused, nothing changed") -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        count = len(self.problems)
        lines = [f"{heading}: {count} problem{'s' if count != 1 else ''}:", *(f"  {p}" for p in self.problems)]
        super().__init__("\n".join(lines))


@attrs.frozen
class Candidate:
    """New content, read and checked, and a world built from it that holds nothing yet."""

    data_dir: Path
    definition: WorldDefinition
    geometry: dict[str, RoomGeometry]
    world: World


@attrs.frozen
class ReloadOutcome:
    data_dir: Path
    applied: bool  # False: only checked
    changes: tuple[str, ...]  # "rooms: 1 added, 2 changed", ...
    new_texts: int = 0
    rsc_path: Path | None = None
    players: int = 0

    @property
    def text(self) -> str:
        changes = "; ".join(self.changes) or "no differences"
        if not self.applied:
            return f"{self.data_dir} is valid and fits the running world ({changes}); nothing changed"
        lines = [f"reloaded {self.data_dir} ({changes}); {self.players} player(s) in the world brought up to date"]
        if self.new_texts:
            pushed = "sent to everyone connected" if self.new_texts <= MAX_PUSHED_TEXTS else \
                f"the first {MAX_PUSHED_TEXTS} sent to everyone connected"
            lines.append(f"{self.new_texts} new or changed string(s): {pushed}; players need the new "
                         f"{self.rsc_path} in their client's resource folder before they log on again")
        return "\n".join(lines)


# --------------------------------------------------------------------------- validate


def _located(message: str) -> str:
    """A world check's "what (file:line): reason" as "file:line: what: reason"."""
    head, sep, rest = message.partition(" (")
    source, sep2, reason = rest.partition("): ")
    if sep and sep2 and ":" in source:
        return f"{source}: {head}: {reason}"
    return message


def build_candidate(data_dir: Path, room_files: str, seed: int, rules: WorldRules) -> Candidate:
    """Read and check a data folder and build a world from it; raises :class:`ReloadError`
    with every problem found. Touches nothing shared: run it off the reactor thread."""
    try:
        definition = load_world(data_dir)
    except ContentError as error:
        raise ReloadError(str(problem) for problem in error.problems) from None
    geometry: dict[str, RoomGeometry] = {}
    problems = []
    if room_files:
        folder = Path(room_files)
        for key, room in definition.rooms.items():
            path = folder / room.roo_file
            if not path.exists():
                continue
            try:
                geometry[key] = load_roo(path)
            except RoomFileError as error:
                problems.append(f"{path}: at offset {error.offset}: {error.problem} (room '{key}', {room.source})")
            except OSError as error:
                problems.append(f"{path}: cannot read: {error.strerror or error}")
    problems += _geometry_problems(definition, geometry)
    if problems:
        raise ReloadError(problems)
    try:
        world = World(definition, geometry, seed=seed, rules=rules)
    except WorldError as error:
        raise ReloadError([_located(str(error))]) from None
    return Candidate(data_dir, definition, geometry, world)


def _geometry_problems(definition: WorldDefinition, geometry: dict[str, RoomGeometry]) -> list[str]:
    """Every room that does not fit its room file (the world's own check stops at the first)."""
    problems = []
    for key, room in sorted(definition.rooms.items()):
        found = geometry.get(key)
        if found is None:
            continue
        if (found.rows, found.cols) != (room.rows, room.cols):
            problems.append(f"{room.source}: room '{key}' is {room.rows} x {room.cols}, "
                            f"but {room.roo_file} has {found.rows} x {found.cols}")
            continue
        for spawn in room.monster_spawns:
            if not found.walkable(spawn.row, spawn.col):
                problems.append(f"{room.source}: room '{key}': monster spawn square ({spawn.row}, {spawn.col}) "
                                f"is a wall in {room.roo_file}")
    return problems


def fit_problems(world: World, candidate: Candidate) -> list[str]:
    """Why the new content cannot take over the running world (empty: it can)."""
    problems = []
    rooms = candidate.definition.rooms
    for player in sorted(world.all_players(), key=lambda p: p.name.lower()):
        room = rooms.get(player.room)
        row, col = square_of(player.y, player.x)
        if room is None:
            problems.append(f"{candidate.data_dir / 'rooms' / (player.room + '.toml')}: room '{player.room}' is gone, "
                            f"but {player.name} is in it (teleport them out first)")
        elif not (1 <= row <= room.rows and 1 <= col <= room.cols):
            problems.append(f"{room.source}: room '{player.room}' has rows 1..{room.rows} and cols 1..{room.cols}, "
                            f"but {player.name} stands at row {row}, col {col} (teleport them first)")
    old_kinds, kinds = world.definition.kinds, candidate.definition.kinds
    misfits: dict[str, int] = {}
    for item in world.items.every_item():
        key = item.kind or ""
        kind = kinds.get(key)
        if kind is None or kind.item is None or kind.item.stacks != (item.number is not None):
            misfits[key] = misfits.get(key, 0) + 1
    for key, count in sorted(misfits.items()):
        kind = kinds.get(key)
        if kind is None:
            where = old_kinds[key].source if key in old_kinds else str(candidate.data_dir / "objects")
            why = "is gone"
        else:
            where = kind.source
            why = "is no longer an item" if kind.item is None else "changes between stacking and not"
        problems.append(f"{where}: kind '{key}' {why}, but {count} item(s) of it exist (a restart would destroy them)")
    return problems


def _sizes(label: str, old: dict[str, Any], new: dict[str, Any]) -> str | None:
    added = len(new.keys() - old.keys())
    removed = len(old.keys() - new.keys())
    changed = sum(1 for key in new.keys() & old.keys() if new[key] != old[key])
    parts = [f"{n} {what}" for n, what in ((added, "added"), (removed, "removed"), (changed, "changed")) if n]
    return f"{label}: {', '.join(parts)}" if parts else None


def describe_changes(old: WorldDefinition, new: WorldDefinition) -> tuple[str, ...]:
    found = [
        _sizes("rooms", old.rooms, new.rooms),
        _sizes("kinds", old.kinds, new.kinds),
        _sizes("placed objects", {o.key: o for o in old.objects}, {o.key: o for o in new.objects}),
        _sizes("spells", dict(old.spells), dict(new.spells)),
        _sizes("skills", dict(old.skills), dict(new.skills)),
    ]
    if (old.start, old.motd, old.player_icon) != (new.start, new.motd, new.player_icon):
        found.append("world.toml changed")
    return tuple(line for line in found if line)


# --------------------------------------------------------------------------- the reloader


class Reloader:
    """Swaps a changed data folder into the running server (``control.reloader``)."""

    def __init__(
        self, hub: GameHub, game: GameService, store: StoreCalls, reactor: IReactorTime, *, data_dir: Path, room_files: str,
        rsc_dir: Path,
    ) -> None:
        self.hub = hub
        self.game = game  # the GameService: its ``prepared`` is kept current
        self.store = store
        self.reactor = reactor
        self.data_dir = Path(data_dir)  # the folder the world runs on now
        self.room_files = room_files
        self.rsc_dir = Path(rsc_dir)
        self.busy = False
        self.reloads = 0  # applied since start

    def _off_thread(self, fn: Callable[..., T], *args: Any) -> defer.Deferred[T]:
        """``fn`` in the reactor's thread pool; inline on a reactor without threads (tests)."""
        if IReactorThreads.providedBy(self.reactor):
            return threads.deferToThreadPool(self.reactor, self.reactor.getThreadPool(), fn, *args)
        return defer.maybeDeferred(fn, *args)

    def reload(self, data_dir: Path | None = None, *, check_only: bool = False) -> defer.Deferred[ReloadOutcome]:
        """Validate ``data_dir`` (default: the folder the world runs on) and, unless
        ``check_only``, swap it in. Fails with :class:`ReloadError` when nothing changed."""
        if self.busy:
            log.warn("reload refused: a reload is already running")
            return defer.fail(ReloadError(["a reload is already running"]))
        self.busy = True
        return defer.Deferred.fromCoroutine(self._reload(Path(data_dir or self.data_dir), check_only))

    def reload_logged(self) -> None:
        """A reload whose outcome goes to the log (SIGHUP)."""
        log.info("reloading {data_dir} (SIGHUP)", data_dir=str(self.data_dir))

        def done(outcome: ReloadOutcome) -> None:
            log.info("{text}", text=outcome.text)

        def failed(failure: Any) -> None:
            if not failure.check(ReloadError):  # a refusal is logged where it is made
                log.failure("reload failed", failure)

        self.reload().addCallbacks(done, failed)

    async def _reload(self, data_dir: Path, check_only: bool) -> ReloadOutcome:
        try:
            if not self.game.running:
                raise ReloadError(["the game is not running (starting or stopping)"])
            world = self.hub.world
            candidate = await self._off_thread(build_candidate, data_dir, self.room_files, world.seed, world.rules)
            problems = fit_problems(self.hub.world, candidate)
            if problems:
                raise ReloadError(problems)
            changes = describe_changes(self.hub.context.definition, candidate.definition)
            if check_only:
                return ReloadOutcome(data_dir, False, changes)
            definition = candidate.definition
            pinned = definition.pinned_resource_ids()
            wanted = [text for text in content_texts(definition) if text not in pinned]
            try:
                ids = await self.store.call(assign_resource_ids, wanted, FIRST_STATIC_ID)
            except Exception as error:  # noqa: BLE001 - reported; nothing changed
                log.failure("reload: giving the new strings ids failed")
                raise ReloadError([f"the store could not give the new strings ids: {error}"]) from None
            resources = ServerResources(definition, lambda texts, first: ids)
            rsc_path = self.rsc_dir / RSC_FILE_NAME
            staged = self.rsc_dir / (RSC_FILE_NAME + ".new")
            try:
                await self._off_thread(_write_rsc, resources, staged)
            except (OSError, ValueError) as error:
                raise ReloadError([f"{staged}: cannot write: {error}"]) from None
            return self._swap(candidate, resources, staged, rsc_path, changes)
        except ReloadError as error:
            log.error("{text}", text=str(error))
            raise
        finally:
            self.busy = False

    def _swap(
        self, candidate: Candidate, resources: ServerResources, staged: Path, rsc_path: Path, changes: Sequence[str]
    ) -> ReloadOutcome:
        """The one step on the reactor thread: check the fit again (the world went on while
        the files were read), build, then commit."""
        hub = self.hub
        ctx = hub.context
        old_world, old_resources = ctx.world, ctx.resources
        problems = fit_problems(old_world, candidate)
        if not self.game.running:
            problems.append("the game stopped while the reload was being prepared")
        if problems:
            _discard(staged)
            raise ReloadError(problems)
        try:
            candidate.world.carry_on_from(old_world)
            resources.keep_names_of(old_resources)
            os.replace(staged, rsc_path)
        except Exception as error:  # noqa: BLE001 - nothing is committed yet
            _discard(staged)
            log.failure("reload: carrying the world over failed")
            raise ReloadError([f"{candidate.data_dir}: the running world could not be carried over: {error!r}"]) from None
        # -- commit: from here on nothing can refuse
        prepared = PreparedWorld(candidate.definition, candidate.geometry, resources, None, rsc_path)
        ctx.use_content(candidate.world, candidate.definition, resources, lambda room: room_security(prepared, room))
        hub.item_saver.items = candidate.world.items
        self.game.prepared = prepared
        self.data_dir = candidate.data_dir
        self.reloads += 1
        changed = [(i, text) for i, text in resources.static_entries() if old_resources.text(i) != text]
        self._bring_up_to_date(changed[:MAX_PUSHED_TEXTS])
        hub.item_saver.soon()  # what was destroyed on carrying over
        if self.game.freeze:
            # The old world sits in the frozen heap, where no collection would ever free
            # its cycles: thaw, collect it, and freeze what runs now (one pause, here).
            gc.unfreeze()
            freeze_heap()
        outcome = ReloadOutcome(candidate.data_dir, True, tuple(changes), len(changed), rsc_path, len(ctx.in_world))
        log.info("{text}", text=outcome.text)
        return outcome

    def _bring_up_to_date(self, changed_texts: list[tuple[int, str]]) -> None:
        ctx = self.hub.context
        pushed = [ctx.encode("BP_CHANGE_RESOURCE", resource=i, text=text) for i, text in changed_texts]
        for session in ctx.sessions.values():
            for message in pushed:
                session.queue(message)
        for session in list(ctx.in_world.values()):
            avatar = session.avatar
            if avatar is None:
                continue
            try:
                room_view.send_room(ctx, session, avatar)
                inventory(ctx, session, avatar, {})
                player = ctx.world.player(avatar.player_id)
                sheet.send_condition(session, ctx.resources, player.stats)
                # unasked, as when a spell is learnt: a spell or skill renamed or given a
                # new icon shows in the client's lists at once
                sheet.send_spells(session, ctx.resources, ctx.definition, player)
                sheet.send_skills(session, ctx.resources, ctx.definition, player)
                render(ctx, holding.restarted(ctx.world, avatar.player_id))
            except Exception:  # noqa: BLE001 - one player's view must not stop the others'
                log.failure("reload: bringing {name} up to date failed", name=avatar.name)
        ctx.flush()


def _write_rsc(resources: ServerResources, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    resources.table.write_rsc(path, RSC_FILE_NAME)


def _discard(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


class ReloadOnHangup(Service):
    """SIGHUP reloads the data folder the world runs on; the outcome goes to the log.
    Only on the real reactor (``twistd``), where the process owns its signals."""

    name = "reload-on-hangup"

    def __init__(self, reloader: Reloader, reactor: Any) -> None:
        self.reloader = reloader
        self.reactor = reactor
        self._previous: Any = None

    def startService(self) -> None:
        super().startService()
        if hasattr(signal, "SIGHUP"):
            self._previous = signal.signal(signal.SIGHUP, self._hangup)

    def stopService(self) -> None:
        if hasattr(signal, "SIGHUP") and self._previous is not None:
            signal.signal(signal.SIGHUP, self._previous)
            self._previous = None
        return super().stopService()

    def _hangup(self, signum: int, frame: Any) -> None:
        # A signal handler runs between any two bytecodes: hand the work to the reactor.
        self.reactor.callFromThread(self.reloader.reload_logged)
