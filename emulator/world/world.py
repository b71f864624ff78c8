"""The world: rooms from the content, the objects placed in them, and players.

Deterministic and clock-free: every call takes ``now`` (seconds), and the same definition,
seed and sequence of calls give the same events. The world runs whether or not anyone is
connected: ``tick`` advances game time at a fixed interval, moves the wanderers and runs
the monsters (``monsters.py``).
Work per call is proportional to what it touches (the mover's room, the wanderers, the
monsters and rooms whose timers are due), never to the whole world.
"""

from __future__ import annotations

import math
import random
from collections.abc import Collection, Iterable, Mapping
from typing import Any

import attrs

from emulator.content.model import (
    FINENESS,
    Edge,
    Exit,
    Placement,
    RoomDefinition,
    SpellDefinition,
    ItemInfo,
    WorldDefinition,
    square_centre,
    square_of,
)
from emulator.rules import calendar
from emulator.world.resistances import resistance_against
from emulator.rules.combat import (
    PLAYER_ATTACK_DELAY_MS,
    SKID_PUNCH,
    monster_damage_taken,
    monster_defense,
    player_attack_reach,
    player_damage,
    player_damage_taken,
    player_defense,
    player_offense,
    roll_attack,
    swing_exertion,
    within_reach,
)
from emulator.rules.combat import Weapon, armour_damage_reduction, monster_dodge_ability, player_attack_type, weapon_of
from emulator.rules.death import NEWBIE_RESTART, RID_UNDERWORLD, UNDERWORLD, DeathDestination, in_newbie_area
from emulator.rules.dice import Roll, div, roll_with
from emulator.rules.feedback import blow_type, defence_of_miss, player_hit_sound, swing_miss_sound
from emulator.rules.spells import touch as touch_rules
from emulator.rules.vitals import (
    SANCTUARY_REST_MULTIPLIER,
    Vigor,
    USER_WALKING_SPEED,
    add_exertion,
    can_run,
    health_after_regen_tick,
    health_regen_delay_ms,
    health_regen_runs,
    mana_after_regen_tick,
    mana_regen_delay_ms,
    move_costs_vigor,
    move_exertion,
    moves_counter_after,
    rest_delay_ms,
    rest_tick,
    eating_exertion,
    health_after_heal,
    stomach_after,
    too_full,
)
from emulator.rules.kills import add_karma, karma_change_for_killing_monster, karma_change_from_kill, shown_karma
from emulator.rules.pvp import (
    AttackRefusal,
    Murder,
    PkStatus,
    attack_makes_outlaw,
    attack_refusal,
    kill_zone_crossing,
    murder,
)
from emulator.rules import shops
from emulator.rules.trade import Put, Step, Tell, TradeBook, TradeText
from emulator.world import mortality, shopping, trading
from emulator.world import banking, casting, mortality, shopping, spellbook, vaults
from emulator.world import enchantments as ench
from emulator.world import holding
from emulator.world import disguise
from emulator.world.spells import illusions, summons
from emulator.world import item_attributes, wear
from emulator.world.events import (
    SpellTold,
    AttackResolved,
    DeathAnnounced,
    DeathPenaltyPaid,
    KillZoneCrossed,
    MaxHealthGained,
    MonsterKilled,
    MoveRefusal,
    PlayerAttacked,
    PlayerAttackRefused,
    PlayerKilledPlayer,
    PlayerOutlawed,
    MoveRefused,
    ItemRefused,
    KeeperSaid,
    ObjectEntered,
    ObjectLeft,
    ObjectMoved,
    ObjectTurned,
    PlayerJoined,
    PlayerLeft,
    PlayerDied,
    PlayerMovedRoom,
    Position,
    Said,
    SayRefusal,
    SayRefused,
    TradeCanceled,
    TradeTold,
    VitalsChanged,
    WorldEvent,
    ActivateFailed,
    EnchantmentEnded,
    EnchantmentStarted,
    ItemConsumed,
)
from emulator.world.fighting import FightingSkills, Gear, Where
from emulator.world.spells import denial
from emulator.world.spells.eavesdrop import Eavesdroppers
from emulator.world.spells.focus import Focusers
from emulator.world.spells.hexes import ENDS_TOLD, forgets
from emulator.world.spells.dishonor import rest_threshold
from emulator.world.spells.sickness import palsied
from emulator.world.spells.wards import ranged_damage_bonus, ranged_offense_bonus, ward_damage
from emulator.world.items import USE_HAND, BalanceRow, Item, ItemRefusal, ItemRow, Items, Usage
from emulator.world.monsters import Monster, MonsterPopulation
from emulator.world.objects import Player, Stats, Thing, TokenBucket, WorldObject
from emulator.world.remains import FIRST_REMAINS_ID, Remains
from emulator.world.roofile import RoomGeometry
from emulator.world.spells import songs
from emulator.world.spells import poison, walls
from emulator.world.spells import rooms as room_spells

__all__ = [
    "BROADCAST", "EMOTE", "SAY", "YELL", "Monster", "Player", "Stats", "Thing", "World", "WorldError",
    "WorldObject", "WorldRules",
]

FIRST_ID = 100  # rooms, then placed objects, in key order; remains and monsters above
FIRST_PLAYER_ID = 0x0100_0000  # a player's id is this plus its character id: stable across logins
MAX_OBJECT_ID = 0x0FFF_FFFF  # ids are 28 bits on the wire (the top nibble tags number items)
ANGLES = 4096
MAXIMUM_STAT = 70  # an attribute with its enchantments' mods is kept within 1 and this (player.kod)
ATTRIBUTES = ("might", "intellect", "stamina", "agility", "mysticism", "aim")
OF_ACTIVATABLE = 0x0800  # a kind the original works in code when activated (content flag "activatable")
WALK_SPEED = 18
FACE_TRAVEL = 0x80  # BP_MOVE speed bit: the client turns the object to face where it goes
SAY, YELL, BROADCAST, EMOTE = 1, 2, 3, 6
SNAPSHOT_VERSION = 6  # 3: live monsters; 4: bodies and ground items; 5: bodies only (items: the store); 6: enchantments

# One-square steps in a fixed order (the wanderers' RNG indexes it), with the facing for
# each. ASSUMPTION (unverified against the client): angle 0 faces east (+x) and angles grow
# towards south (+y), a quarter turn being 1024.
_STEPS: tuple[tuple[int, int, int], ...] = (
    (-1, 0, 3072), (-1, 1, 3584), (0, 1, 0), (1, 1, 512),
    (1, 0, 1024), (1, -1, 1536), (0, -1, 2048), (-1, -1, 2560),
)


class WorldError(ValueError):
    """Content, geometry or saved state the world cannot run with."""


@attrs.frozen
class WorldRules:
    """Limits and pacing; the defaults suit the stock client (at most one move a second,
    about one square walking and two running)."""

    tick_interval: float = 1.0  # seconds of game time per tick (the server sets [world] tick_seconds)
    max_catch_up_ticks: int = 5  # after a stall, run at most this many ticks, then skip ahead
    squares_per_second: float = 3.0  # movement budget refill
    move_burst: float = 5.0  # squares a player may cover at once after standing still
    actions_per_second: float = 4.0  # move/turn/go requests; more are dropped silently
    action_burst: float = 8.0
    max_say_length: int = 255  # characters
    says_per_second: float = 1.0
    say_burst: float = 5.0  # 5 messages at once, then one a second
    wander_chance: float = 0.3  # per second, for each wandering object
    #: The original's server type: True is its normal type (players may attack players
    #: where the rules allow), False its no-murder type (system.kod IsPKAllowed).
    player_killing: bool = True


@attrs.define(eq=False)
class _Room:
    definition: RoomDefinition
    geometry: RoomGeometry | None
    objects: dict[int, Thing] = attrs.field(factory=dict)  # placed objects, by id
    players: dict[int, Player] = attrs.field(factory=dict)  # in arrival order
    edge_exits: dict[Edge, list[Exit]] = attrs.field(factory=dict)  # conditional ones first
    square_exits: dict[tuple[int, int], Exit] = attrs.field(factory=dict)
    neighbours: tuple[str, ...] = ()  # rooms joined to this one by an exit, either way

    def inside(self, row: int, col: int) -> bool:
        return 1 <= row <= self.definition.rows and 1 <= col <= self.definition.cols


class World:
    def __init__(
        self,
        definition: WorldDefinition,
        geometry: Mapping[str, RoomGeometry | None] | None = None,
        seed: int = 0,
        rules: WorldRules = WorldRules(),
    ) -> None:
        self.definition = definition
        self.rules = rules
        self.seed = seed
        self.tick_count = 0
        self._next_tick_at: float | None = None
        geometry = geometry or {}
        self._rooms = {key: _Room(room, geometry.get(key)) for key, room in definition.rooms.items()}
        self._check_and_link()
        self._players: dict[int, Player] = {}
        self._things: dict[int, Thing] = {}  # placed objects and players, by id
        self._placed: dict[str, Thing] = {}  # placed objects by content key, in key order
        self._room_ids: dict[str, int] = {}
        self._room_keys: dict[int, str] = {}
        self._next_id = FIRST_ID
        for placed in sorted(definition.objects, key=lambda p: p.key):
            y, x = square_centre(placed.at.row, placed.at.col)
            self._placed[placed.key] = Thing(0, placed.kind, placed.at.room, y, x, placed.at.angle % ANGLES, placed.key)
        self._wanderers = [t for t in self._placed.values() if definition.kinds[t.kind or ""].wanders]
        # rooms by the original's number (the first in key order, should two share one)
        self._rooms_by_number: dict[int, str] = {}
        for key in sorted(definition.rooms):
            number = definition.rooms[key].number
            if number is not None:
                self._rooms_by_number.setdefault(number, key)
        self._assign_ids({}, {}, FIRST_ID)
        self._monsters = MonsterPopulation(definition, geometry, seed, rules.tick_interval)
        self._monsters.armour_of = self.armour_of
        self._monsters.resistance_of = lambda target_id, weapon, spell: resistance_against(self, target_id, weapon, spell)
        self.fighting = FightingSkills(definition)
        self.fighting.forgotten = lambda player, key: forgets(self, player.object_id, "skill", key)  # a forget's
        self._monsters.gear_of = self.gear_of
        self._monsters.ward_damage = lambda player_id, damage, roll: ward_damage(self, player_id, damage, roll)  # armor of Gort
        self._monsters.palsied = lambda monster_id: palsied(self, monster_id)  # enfeeble, vertigo
        self._monsters.fighting = self.fighting
        self._monsters.hindrance = lambda monster, rng, players, events: holding.monster_turn(self, monster, rng, players, events)
        self._monsters.defended = lambda monster, player, damage, events: holding.defended(self, monster, player, damage, events)
        self._monsters.invisible = lambda player_id: self.enchantment_flag(player_id, "invisible")
        self._monsters.fights_as = lambda monster, roll: illusions.fights_as(self, monster, roll)  # an evil twin
        self._monsters.on_hit = lambda monster, player, events: poison.monster_hit(self, monster, player, events)
        self._monsters.may_strike = lambda monster, player, events: illusions.may_strike(self, monster, player, events)
        self._monsters.may_fight_in = lambda room: room_spells.monsters_may_fight(self, room)  # a truce holds blows back
        self._monsters.defends_as = lambda monster: illusions.defends_as(self, monster)  # monsters fighting monsters
        self._monsters.on_slain = lambda victim, killer, events: summons.monster_slain(self, victim, killer, events)
        self._monsters.populate(self.tick_count)
        self.items = Items(definition)
        self._money_kinds = shopping.money_kinds(definition)
        self._paid_in = trading.money_kind(self._money_kinds)
        self.trades = TradeBook()  # trades in progress (rules.trade), by either side
        self._trade_news: list[WorldEvent] = []  # trades cancelled by items that left their owners
        self.items.on_carried_left = self._carried_left
        self._remains = Remains(definition, seed, self.items)
        self.enchantments = ench.EnchantmentBook()
        #: The character id of the last player to murder an innocent (system.kod
        #: poLastMurderer): what a seance looks for. In the world snapshot.
        self.last_murderer: int | None = None
        self.walls = walls.Walls()  # wall spells' elements (spells/walls.py), not in the snapshot
        self.eavesdroppers = Eavesdroppers.install(self)  # those who hear another room (eavesdrop)
        denial.install(self)  # denial's health taken back at its end
        self.focusers = Focusers.install(self)  # those focusing their mana (mana focus)

    # ------------------------------------------------------------------ queries

    @property
    def game_time(self) -> float:
        return self.tick_count * self.rules.tick_interval

    def roll_for(self, purpose: str, *parts: object) -> Roll:
        """Dice for one outcome, seeded by the world's seed, the tick, the purpose and who
        it concerns: the same world and the same actions give the same outcomes."""
        return roll_with(random.Random(":".join([str(self.seed), purpose, str(self.tick_count), *map(str, parts)])))

    @property
    def game_hour(self) -> int:
        """The hour of Meridian's day (0 to 23), from the clock the world is ticked by."""
        return calendar.game_hour(self._next_tick_at or 0.0)

    def room_id(self, room: str) -> int:
        return self._room_ids[room]

    def room_key(self, room_id: int) -> str | None:
        return self._room_keys.get(room_id)

    def object(self, object_id: int) -> Thing | None:
        """A placed object, a monster, a body, an item on the ground or a player by id;
        None if there is no such thing in a room."""
        thing = self._things.get(object_id)
        if thing is None:
            thing = self._monsters.by_id.get(object_id) or self._remains.by_id.get(object_id) or self.walls.by_id.get(object_id)
        if thing is None:
            item = self.items.by_id.get(object_id)
            thing = item if item is not None and item.carrier is None else None
        return thing

    def carried(self, player_id: int) -> list[Item]:
        """What a player in the world carries, in inventory order."""
        return self.items.carried(self._players[player_id].character_id)

    def monsters(self) -> list[Monster]:
        """Every live monster, in id order."""
        return sorted(self._monsters, key=lambda monster: monster.object_id)

    def player(self, player_id: int) -> Player:
        """The player with this id (KeyError if not in the world)."""
        return self._players[player_id]

    def player_by_character(self, character_id: int) -> Player | None:
        return self._players.get(FIRST_PLAYER_ID + character_id)

    def all_players(self) -> list[Player]:
        return list(self._players.values())

    def players_in(self, room: str) -> list[Player]:
        return list(self._rooms[room].players.values())

    def has_players(self, room: str) -> bool:
        """Whether anyone is in the room to see what happens there."""
        return bool(self._rooms[room].players)

    def players_here(self, room: str) -> Iterable[Player]:
        """The players in a room, without a copy: only for reading while nothing moves."""
        return self._rooms[room].players.values()

    def room_objects(self, room: str) -> list[Thing]:
        """Everything in a room: placed objects first (in key order), bodies and ground
        items (oldest first), wall spells' elements, monsters, then players."""
        state = self._rooms[room]
        return [*state.objects.values(), *self._remains.in_room(room), *self.walls.in_room(room), *self._monsters.in_room(room),
                *state.players.values()]

    def position_of(self, player_id: int) -> Position:
        player = self._players[player_id]
        return Position(player.room, player.y, player.x, player.angle)

    # ------------------------------------------------------------------ players

    def add_player(
        self,
        character_id: int,
        name: str,
        placement: Position | Placement | None = None,
        stats: Stats | None = None,
        now: float = 0.0,
        *,
        account_id: int | None = None,
        enchantments: Iterable[Mapping[str, Any]] = (),
    ) -> tuple[int, list[WorldEvent]]:
        """Put a character in the world; a missing or no longer valid place means the start.
        ``enchantments`` are those it logged off with (:meth:`saved_enchantments`): their
        time runs again from what it had left (ReactivateAllEnchantments); the client asks
        for their icons (BP_SEND_ENCHANTMENTS)."""
        player_id = FIRST_PLAYER_ID + character_id
        if character_id < 0 or player_id > MAX_OBJECT_ID:
            raise WorldError(f"character id {character_id} does not fit an object id")
        if player_id in self._players:
            raise WorldError(f"character {character_id} is already in the world")
        room, y, x, angle = self._resolve_placement(placement)
        rules = self.rules
        player = Player(
            player_id, None, room, y, x, angle,
            character_id=character_id, name=name, account_id=account_id, stats=stats or Stats(),
            travel=TokenBucket(rules.squares_per_second, rules.move_burst),
            actions=TokenBucket(rules.actions_per_second, rules.action_burst),
            speech=TokenBucket(rules.says_per_second, rules.say_burst),
        )
        self._players[player_id] = player
        self._things[player_id] = player
        self._rooms[room].players[player_id] = player
        self._resume_enchantments(player_id, enchantments)
        # The players list hears of the arrival before the room sees it, as the original logs a user on first.
        return player_id, [PlayerJoined(player_id, name, tuple(self._players)), ObjectEntered(room, player_id)]

    def remove_player(self, player_id: int, now: float) -> list[WorldEvent]:
        player = self._players.get(player_id)
        if player is None:
            return []
        # logging off cancels a trade (user.kod UserLogoff, CancelIfOffer)
        cancelled = self._trade_step(self.trades.leave(player_id))
        # its enchantments wait, their time stopped, until it logs on (FreezeAllEnchantments)
        player.enchantments_left = tuple(self._freeze_enchantments(player_id))
        del self._players[player_id]
        del self._things[player_id]
        del self._rooms[player.room].players[player_id]
        events: list[WorldEvent] = [
            *cancelled, PlayerLeft(player_id, tuple(self._players)), ObjectLeft(player.room, player_id),
        ]
        # logging off leaves the room too: in the Underworld that pays for the death (user.kod UserLogoff)
        self._left_room(player, player.room, events)
        return events

    def move(self, player_id: int, room: str, y: int, x: int, speed: int, now: float) -> list[WorldEvent]:
        """A BP_REQ_MOVE: validate, then tell the room (never the mover)."""
        player = self._players.get(player_id)
        if player is None or room != player.room:
            return []  # e.g. a request sent before a room change: ignored, as the original does
        assert player.actions is not None and player.travel is not None
        if not player.actions.take(now):
            return []  # a flood: dropped like the original's spam filter; the next move catches up
        held = holding.move_refusal(self, player)
        if held is not None:
            return [held]
        if walls.stuck(self, player_id):  # PFLAG_NO_MOVE: put back where it stands
            return [MoveRefused(player_id, MoveRefusal.STUCK.value, player.y, player.x)]
        state = self._rooms[room]
        to_row, to_col = square_of(y, x)
        exit = None
        if not state.inside(to_row, to_col):
            exit = self._edge_exit(state, to_row, to_col, *square_of(player.y, player.x))
            if exit is None:
                return [MoveRefused(player_id, MoveRefusal.OUTSIDE.value, player.y, player.x)]
        if speed & 0x7F > USER_WALKING_SPEED and not can_run(player.stats.vigor):
            return [MoveRefused(player_id, MoveRefusal.TOO_TIRED.value, player.y, player.x)]
        distance = math.hypot(y - player.y, x - player.x) / FINENESS
        if not player.travel.take(now, distance):
            return [MoveRefused(player_id, MoveRefusal.TOO_FAST.value, player.y, player.x)]
        if exit is not None:  # walking off the grid: the client's own walls got it to the edge
            return self._take_exit(player, exit)
        from_row, from_col = square_of(player.y, player.x)
        if state.geometry is not None and not _path_clear(state.geometry, from_row, from_col, to_row, to_col):
            player.travel.tokens += distance  # nothing moved, nothing spent
            return [MoveRefused(player_id, MoveRefusal.BLOCKED.value, player.y, player.x)]
        player.y, player.x, player.speed = y, x, speed & 0x7F
        player.moved_since_entry = True
        events: list[WorldEvent] = [ObjectMoved(room, player_id, y, x, player.speed, player_id)]
        holding.stumble(self, player, events)  # a blind walker may turn aside
        if player.speed > USER_WALKING_SPEED:  # running breaks a trance (user.kod UserMove)
            casting.break_trance(player, events, self, cause="run")
        # walking and running tire (user.kod UserMove), charged at most once a second
        second = int(now)
        since = second - player.last_move_second if player.last_move_second is not None else second + 1
        player.moves_counter = moves_counter_after(player.moves_counter, since)
        player.last_move_second = second
        if move_costs_vigor(player.moves_counter, since) and self._exert(player, move_exertion(player.speed)):
            events.append(VitalsChanged(player_id))
        walls.stepped(self, player, events)  # a wall element on the new square acts on the mover
        portal = state.square_exits.get((to_row, to_col))
        if portal is not None and portal.on_step:  # a portal takes whoever steps on it
            events += self._take_exit(player, portal)
        return events

    def turn(self, player_id: int, angle: int, now: float) -> list[WorldEvent]:
        player = self._players.get(player_id)
        if player is None:
            return []
        assert player.actions is not None
        if not player.actions.take(now):
            return []
        if holding.move_refusal(self, player) is not None:
            return []  # a held player keeps facing where it did (user.kod UserTurn)
        player.angle = angle % ANGLES
        return [ObjectTurned(player.room, player_id, player.angle, player_id)]

    def go(self, player_id: int, now: float) -> list[WorldEvent]:
        """A BP_REQ_GO: use the square exit under the player, if there is one."""
        player = self._players.get(player_id)
        if player is None:
            return []
        assert player.actions is not None
        if not player.actions.take(now):
            return []
        hindered = holding.go_refusal(self, player)
        if hindered is not None:
            return [hindered]
        exit = self._rooms[player.room].square_exits.get(square_of(player.y, player.x))
        return [] if exit is None else self._take_exit(player, exit)

    def say(self, player_id: int, say_type: int, text: str, now: float) -> list[WorldEvent]:
        """Say/emote reach the room, yell the room and its neighbours, broadcast everyone."""
        player = self._players.get(player_id)
        if player is None or not text:
            return []
        if say_type not in (SAY, YELL, BROADCAST, EMOTE):
            return [SayRefused(player_id, SayRefusal.UNSUPPORTED.value)]
        silenced = room_spells.speech_refusal(self, player)
        if silenced is not None:
            return [silenced]
        refused = self._speech_refusal(player, text, now)
        if refused is not None:
            return [refused]
        if say_type == BROADCAST:
            audience = tuple(self._players)
        elif say_type == YELL:
            state = self._rooms[player.room]
            audience = tuple(
                listener
                for key in (player.room, *state.neighbours)
                for listener in self._rooms[key].players
            )
        else:
            audience = tuple(self._rooms[player.room].players)
        events: list[WorldEvent] = [Said(player.room, player_id, say_type, text, audience),
                                    *self.eavesdroppers.overheard(player, say_type, text)]
        if say_type in (SAY, EMOTE):  # a spell in trance may listen (elusion)
            casting.heard_in_trance(self, player, text, events)
        return events

    def say_to(self, player_id: int, recipients: Iterable[int], text: str, now: float) -> list[WorldEvent]:
        """BP_SAY_GROUP: speech to named players wherever they are (unknown ids are skipped)."""
        player = self._players.get(player_id)
        if player is None or not text:
            return []
        silenced = room_spells.speech_refusal(self, player)
        if silenced is not None:
            return [silenced]
        refused = self._speech_refusal(player, text, now)
        if refused is not None:
            return [refused]
        audience = tuple(dict.fromkeys([player_id, *(r for r in recipients if r in self._players)]))
        return [Said(player.room, player_id, SAY, text, audience)]

    # ------------------------------------------------------------------ items

    def pick_up(self, player_id: int, item_id: int, number: int | None, now: float) -> list[WorldEvent]:
        """A BP_REQ_GET: an item (or part of a pile) from the ground of the player's room
        into its inventory, by the rules of ``items.py``; a refusal is told."""
        player = self._players.get(player_id)
        if player is None:
            return []
        events: list[WorldEvent] = []
        refusal, partly = self.items.pick_up(
            player.character_id, player_id, item_id, number, player.room, player.y, player.x, player.stats.might, events,
        )
        item = self.items.by_id.get(item_id)
        kind = item.kind or "" if item is not None else ""
        if refusal is not None:
            return [ItemRefused(player_id, refusal.value, kind)]
        if partly:
            events.append(ItemRefused(player_id, ItemRefusal.PARTLY.value, kind))
        return events

    def drop(self, player_id: int, item_id: int, number: int | None, now: float) -> list[WorldEvent]:
        """A BP_REQ_DROP: a carried item (or part of a pile) onto the player's square."""
        player = self._players.get(player_id)
        if player is None:
            return []
        events: list[WorldEvent] = []
        now_ms = round(self.game_time * 1000)
        item = self.items.by_id.get(item_id)
        kind = item.kind or "" if item is not None else ""
        clinging = item_attributes.clinging(self, player, item_id, False)  # a cursed weapon in hand is not let go
        if clinging:
            return clinging
        refusal = self.items.drop(
            player.character_id, player_id, item_id, number, player.room, player.y, player.x, now_ms, events,
        )
        if refusal is not None:
            return [ItemRefused(player_id, refusal.value, kind)]
        item_attributes.light_news(self, player_id, events)
        self._remains.arm_dispose(player.room, now_ms)
        return events + self._take_trade_news()

    def use_item(self, player_id: int, item_id: int) -> list[WorldEvent]:
        """A BP_REQ_USE: wield or wear a carried item (``items.py`` Items.use); a refusal is
        told. An item used up when used (food, draughts: the original's single-use items)
        is applied to the player itself instead, as the original's TryUseItem does."""
        player = self._players.get(player_id)
        item = self.items.by_id.get(item_id)
        broken = self._break_for_use(player, item)
        consumed = player is not None and item is not None and item.carrier == player.character_id and bool(self._use_of(item.kind or ""))
        jig = songs.use_refusal(self, player, consumed) if player is not None else None  # nothing is used in a dance
        if jig is not None:
            return broken + jig
        if consumed and player is not None and item is not None:
            return broken + self._consume(player, item, player)
        return broken + self._use(player_id, item_id, used=True)

    def apply_item(self, player_id: int, item_id: int, target_id: int) -> list[WorldEvent]:
        """A BP_REQ_APPLY: a carried item used up on a target (player.kod TryApplyItem): food
        and draughts on the player itself or another player in its room; on anything else,
        or an item that is not used up, refused and told."""
        player = self._players.get(player_id)
        if player is None:
            return []
        item = self.items.by_id.get(item_id)
        kind = item.kind or "" if item is not None else ""
        if item is None or item.carrier != player.character_id:
            return [ItemRefused(player_id, ItemRefusal.NOT_CARRIED.value, kind)]
        target = self._players.get(target_id)
        if not self._use_of(kind) or target is None or target.room != player.room:
            return [ItemRefused(player_id, ItemRefusal.CANNOT_APPLY.value, kind)]
        jig = songs.use_refusal(self, player, consumed=True)  # nothing is applied in a dance
        if jig is not None:
            return jig
        return self._consume(player, item, target)

    def _use_of(self, kind: str) -> str:
        """How a kind is used up (the content's ``use``); "" when it is not."""
        found = self.definition.kinds.get(kind)
        return found.item.use if found is not None and found.item is not None else ""

    def _consume(self, player: Player, item: Item, target: Player) -> list[WorldEvent]:
        """``player`` uses up one of ``item`` on ``target`` (Food and Healer's ReqNewApply and
        NewApplied): what must fit the stomach is checked (player.kod ReqEatSomething); food
        takes exertion off by its nutrition (EatSomething: vigor, within its bounds), a
        draught heals between its two figures (GainHealthNormal, never past max health);
        both fill the stomach; the item loses one (one item operation, in the ledger).
        Spell items and other effects in code are refused until they exist."""
        kind = item.kind or ""
        info = self.definition.kinds[kind].item
        assert info is not None
        use = info.use
        if use not in ("eat", "heal"):
            return [ItemRefused(player.object_id, ItemRefusal.NOT_YET.value, kind)]
        filling = info.get("filling")
        if use == "eat" or filling is not None:
            now = int(self.game_time)
            target.stomach = stomach_after(target.stomach, now - target.stomach_at)
            target.stomach_at = now
            if too_full(target.stomach, filling or 0):
                refusal = ItemRefusal.TOO_FULL_DRINK if info.beverage else ItemRefusal.TOO_FULL
                return [ItemRefused(target.object_id, refusal.value, kind)]
        stats = target.stats
        before = (stats.health, stats.mana, stats.vigor)
        events: list[WorldEvent] = [ItemConsumed(player.object_id, target.object_id, kind)]
        if use == "eat":
            self._exert(target, eating_exertion(info.get("nutrition") or 0))
        else:
            roll = self.roll_for("heal", player.object_id, item.object_id)
            low = info.get("heal_min") or 0
            amount = roll(low, max(low, info.get("heal_max") or 0))
            stats.health = health_after_heal(stats.health, stats.max_health, amount)
        target.stomach += filling or 0
        if (stats.health, stats.mana, stats.vigor) != before:
            events.append(VitalsChanged(target.object_id))
        self.items.consume(player.character_id, player.object_id, item.object_id, "consumed", events)
        return events

    def activate(self, player_id: int, object_id: int) -> list[WorldEvent]:
        """A BP_REQ_ACTIVATE (user.kod UserTryActivate): an object in the player's room that
        does nothing when worked is said so; one that does something in the original
        (``activatable``: levers, bells, dispensers, all code) and anything not in the
        room are ignored."""
        player = self._players.get(player_id)
        thing = self.object(object_id)
        if player is None or thing is None or thing.room != player.room or isinstance(thing, Player):
            return []
        kind = self.definition.kinds.get(thing.kind or "")
        if kind is None or kind.flags & OF_ACTIVATABLE:
            return []
        return [ActivateFailed(player_id, object_id, thing.kind or "")]

    def unuse_item(self, player_id: int, item_id: int) -> list[WorldEvent]:
        """A BP_REQ_UNUSE: take a used item off."""
        broken = self._break_for_use(self._players.get(player_id), self.items.by_id.get(item_id))
        return broken + self._use(player_id, item_id, used=False)

    def _break_for_use(self, player: Player | None, item: Item | None) -> list[WorldEvent]:
        """user.kod: using or putting away an item breaks a trance, and a song."""
        broken: list[WorldEvent] = []
        if player is not None:
            casting.break_trance(player, broken, self, cause="use", what=(item.kind or "") if item is not None else "")
        return broken

    def _use(self, player_id: int, item_id: int, used: bool) -> list[WorldEvent]:
        player = self._players.get(player_id)
        if player is None:
            return []
        events: list[WorldEvent] = []
        clinging = item_attributes.clinging(self, player, item_id, used)  # a cursed weapon stays in hand
        clinging = clinging or wear.refuse_broken(self, player, item_id, used)  # a broken weapon is not wielded
        if clinging:
            return clinging
        operation = self.items.use if used else self.items.unuse
        refusal = operation(player.character_id, player_id, item_id, events)
        if refusal is not None:
            item = self.items.by_id.get(item_id)
            return [ItemRefused(player_id, refusal.value, item.kind or "" if item is not None else "")]
        item_attributes.light_news(self, player_id, events)
        return events

    def used_items(self, player_id: int) -> list[int]:
        """The ids of what a player wields and wears (BP_USE_LIST)."""
        player = self._players.get(player_id)
        return [] if player is None else [item.object_id for item in self.items.used(player.character_id)]

    def wielded_weapon(self, player_id: int) -> Weapon | None:
        """The weapon a player fights with, from its kind's figures; None: bare-handed."""
        return self._wielded(player_id)[0]

    def _wielded(self, player_id: int) -> tuple[Weapon | None, str]:
        """The wielded weapon and its item's kind; (None, "") bare-handed."""
        player = self._players.get(player_id)
        if player is None:
            return None, ""
        for item in self.items.used(player.character_id):
            kind = item.kind or ""
            usage = self.items.usage(kind)
            info = self.definition.kinds[kind].item
            if usage is not None and usage.weapon and info is not None:
                return weapon_of(kind, info.get("weapon_type"), info.get("weapon_quality"), info.get("proficiency")), kind
        return None, ""

    def armour_of(self, player_id: int) -> tuple[int, int]:
        """What a player's worn armour adds: (defence, most damage taken off a blow), the
        sums of the kinds' figures (defmod.kod piDefense_bonus, piDamage_reduce); the
        defence of its enchantments (their ``defense`` modifier) adds to the first. A shield
        is not counted: its defence goes to block and its share of a blow needs a block
        check (shield.kod; see :meth:`gear_of`)."""
        player = self._players.get(player_id)
        if player is None:
            return 0, 0
        defense, reduce = self.enchantment_modifier(player_id, "defense"), 0
        defense += illusions.defense_bonus(self, player_id)  # shadow form, invisibility, feign death
        for item in self.items.used(player.character_id):
            usage = self.items.usage(item.kind or "")
            info = self.definition.kinds[item.kind or ""].item
            if usage is not None and not usage.weapon and info is not None and not _is_shield(usage, info):
                defense += info.get("defense") or 0
                reduce += info.get("damage_reduce") or 0
        return defense, reduce

    def gear_of(self, player_id: int) -> Gear:
        """What a player fights with: its wielded weapon and its shield, if any."""
        player = self._players.get(player_id)
        if player is None:
            return Gear()
        weapon = self._wielded(player_id)[0]
        for item in self.items.used(player.character_id):
            usage = self.items.usage(item.kind or "")
            info = self.definition.kinds[item.kind or ""].item
            if usage is not None and not usage.weapon and info is not None and _is_shield(usage, info):
                return Gear(weapon, info.get("defense") or 0, info.get("damage_reduce") or 0)
        return Gear(weapon)

    def buy_list(self, player_id: int, keeper_id: int, events: list[WorldEvent]) -> shopping.BuyList | None:
        """A BP_REQ_BUY: what a keeper in the player's room sells, at its prices (see
        ``shopping.py``); None when it shows nothing (a word it says is in ``events``)."""
        player = self._players.get(player_id)
        if player is None:
            return None
        keeper = self._things.get(keeper_id)
        return shopping.buy_list(self.definition, keeper, player, len(self.players_in(player.room)), events)

    def forget(self, player_id: int, key: str, spell: bool = True) -> list[WorldEvent]:
        """The player forgets a spell (or skill, ``spell`` False) it knows."""
        player = self._players.get(player_id)
        events: list[WorldEvent] = []
        if player is not None:
            spellbook.forget(player, key, spell, events)
        return events

    def buy(self, player_id: int, keeper_id: int, wanted: list[tuple[int, int | None]]) -> list[WorldEvent]:
        """A BP_REQ_BUY_ITEMS: the (ware id, amount) lines bought from a keeper in the
        player's room, paid from its money in one item operation (see ``shopping.py``)."""
        player = self._players.get(player_id)
        if player is None:
            return []
        events: list[WorldEvent] = []
        shopping.buy(
            self.definition, self.items, self._things.get(keeper_id), player, len(self.players_in(player.room)),
            wanted, self._money_kinds, events,
            random.Random(f"{self.seed}:learn:{self.tick_count}:{player_id}:{keeper_id}"),
        )
        return events + self._take_trade_news()

    # ------------------------------------------------------------------ trading

    def offer(self, player_id: int, partner_id: int, wanted: list[tuple[int, int | None]]) -> list[WorldEvent]:
        """A BP_REQ_OFFER: the player puts its items (id, amount) on the table for another
        player, or offers them to a keeper that buys, which answers with money at once
        (``trading.py``). Items not its own, twice, or an amount below 1: nothing."""
        player = self._players.get(player_id)
        if player is None:
            return []
        puts = [Put(item_id, number) for item_id, number in wanted]
        partner = self._players.get(partner_id)
        if partner is not None:
            held = trading.holdings(self.items, [player])
            return self._trade_step(self.trades.offer(
                player_id, partner_id, puts, held, same_room=partner.room == player.room,
            ))
        other = self.object(partner_id)
        if other is None or other is player:
            return []
        return self._offer_to_keeper(player, other, puts)

    def _offer_to_keeper(self, player: Player, keeper: Thing, wanted: list[Put]) -> list[WorldEvent]:
        """monster.kod ReqOffer and Offer: the keeper's checks in the original's order, then
        its money answer (a refusal in its words)."""
        held = trading.holdings(self.items, [player])
        puts = trading.table(wanted, held, player.object_id)
        if puts is None or not puts:
            return []
        rule = trading.buying_rule(self.definition, keeper)
        name = self._trade_name(keeper.object_id)
        if rule is None or self._paid_in is None or self.trades.trading(player.object_id):
            return trading.events_of([Tell(player.object_id, TradeText.CANT_OFFER, keeper.object_id)], self.items,
                                     self._trade_name, self._paid_in)
        shop = shopping.shop_of(self.definition, keeper)
        assert shop is not None
        markup = shops.DEFAULT_MARKUP if shop.markup is None else shop.markup
        goods = trading.offered_goods(self.definition, self.items, puts, self._money_kinds)
        service = shopping.service(self.definition, keeper, player, len(self.players_in(player.room)))
        answer = shops.review_offer(
            goods, buyer=True, rule=rule, markup=markup, same_room=keeper.room == player.room,
            busy=self.trades.trading(keeper.object_id), service=service,
        )
        events: list[WorldEvent] = []
        words = {
            shops.OfferRefusal.BUSY: trading.KeeperWords.BUSY,
            shops.OfferRefusal.UNWANTED: trading.KeeperWords.UNWANTED,
            shops.OfferRefusal.NO_VALUE: trading.KeeperWords.NO_VALUE,
        }
        if isinstance(answer, shops.OfferRefusal):
            if answer in words:
                events.append(TradeTold(player.object_id, words[answer].value, keeper.object_id, *name))
            elif answer is shops.OfferRefusal.NOT_SERVED:
                events.append(KeeperSaid(player.object_id, keeper.object_id, shopping.KeeperSpeech.REFUSED_SERVICE.value))
            return events
        if answer.service is shops.Service.SERVED_SECRETLY:
            events.append(KeeperSaid(player.object_id, keeper.object_id, shopping.KeeperSpeech.ILLICIT_SERVICE.value))
        step = self.trades.offer_to_keeper(
            player.object_id, keeper.object_id, puts, held, answer.money, round(self.game_time * 1000),
        )
        return events + self._trade_step(step)

    def counter_offer(self, player_id: int, wanted: list[tuple[int, int | None]]) -> list[WorldEvent]:
        """A BP_REQ_COUNTEROFFER: the player offered to answers with its own items (maybe none)."""
        player = self._players.get(player_id)
        if player is None:
            return []
        held = trading.holdings(self.items, [player])
        return self._trade_step(self.trades.counter(player_id, [Put(i, n) for i, n in wanted], held))

    def accept_offer(self, player_id: int) -> list[WorldEvent]:
        """A BP_ACCEPT_OFFER: the offerer takes the answer on the table; if both sides still
        hold what they put there and can carry what they get, everything changes hands in
        one item operation (``trading.apply``)."""
        if player_id not in self._players:
            return []
        trade = self.trades.trade_of(player_id)
        sides = [] if trade is None else [self._players[who] for who in (trade.offerer, trade.partner) if who in self._players]
        players = {player.object_id: player for player in sides}
        step = self.trades.accept(player_id, trading.holdings(self.items, sides), trading.carrying(self.items, players))
        events = self._trade_step(step)
        if step.exchange is not None and trade is not None:
            done = trading.apply(self.items, step.exchange, players, self._paid_in, round(self.game_time * 1000), events)
            # Beyond the original, which leaves the answering player's window open after the
            # trade: it closes (the offerer's client closes its own on accepting).
            closing = [trade.partner] if done else [trade.offerer, trade.partner]
            events += [TradeCanceled(who) for who in closing if who in self._players]
        return events + self._take_trade_news()

    def cancel_offer(self, player_id: int) -> list[WorldEvent]:
        """A BP_CANCEL_OFFER: the other side is told and its window closes."""
        if player_id not in self._players:
            return []
        return self._trade_step(self.trades.cancel(player_id))

    def _trade_leave(self, player_id: int) -> list[WorldEvent]:
        """The player left the room or died: its trade is cancelled, both windows close."""
        return self._trade_step(self.trades.leave(player_id))

    def _carried_left(self, item_id: int) -> None:
        """An item left its carrier, by whatever operation: a trade with it on the table is
        cancelled (told with the operation's events, or the next tick's)."""
        if self.trades.trades:
            self._trade_news += self._trade_step(self.trades.item_left(item_id))

    def _take_trade_news(self) -> list[WorldEvent]:
        news, self._trade_news = self._trade_news, []
        return news

    def _trade_step(self, step: Step) -> list[WorldEvent]:
        """Keep the trade book's next state; its notices as events (not the exchange)."""
        self.trades = step.book
        return trading.events_of(step.notices, self.items, self._trade_name, self._paid_in)

    def _trade_name(self, who: int) -> tuple[str, str | None]:
        player = self._players.get(who)
        if player is not None:
            return player.name, None
        thing = self.object(who)
        if thing is None or thing.kind is None:
            return "", None
        return self.definition.kinds[thing.kind].name, thing.kind

    def bank(self, player_id: int, command: banking.BankCommand, amount: int = 0) -> list[WorldEvent]:
        """UC_DEPOSIT, UC_WITHDRAW, UC_BALANCE: a money command to whichever banker of the
        player's room takes it; the money moves between the player's piles and its
        balance in one item operation (see ``banking.py``)."""
        player = self._players.get(player_id)
        if player is None:
            return []
        events: list[WorldEvent] = []
        # the room asks its objects newest first (holder.kod keeps plActive by Cons): the
        # placed objects in reverse key order, which is the import's order of creation
        banking.command(
            self.definition, self.items, reversed(list(self._rooms[player.room].objects.values())), player,
            len(self.players_in(player.room)), command, amount, self._money_kinds, events,
        )
        return events

    def withdrawal_list(self, player_id: int, keeper_id: int, events: list[WorldEvent]) -> vaults.WithdrawalList | None:
        """A BP_REQ_WITHDRAWAL: what the player has stored with a vault keeper of its room
        (see ``vaults.py``); None when there is nothing to show."""
        player = self._players.get(player_id)
        if player is None:
            return None
        return vaults.withdrawal_list(self.definition, self.items, self._things.get(keeper_id), player,
                                      len(self.players_in(player.room)), events)

    def vault_deposit(self, player_id: int, keeper_id: int, wanted: list[tuple[int, int | None]]) -> list[WorldEvent]:
        """A BP_REQ_DEPOSIT: carried items stored with a vault keeper of the player's room,
        with the fee, in one item operation (see ``vaults.py``)."""
        return self._vault(vaults.deposit, player_id, keeper_id, wanted)

    def vault_withdraw(self, player_id: int, keeper_id: int, wanted: list[tuple[int, int | None]]) -> list[WorldEvent]:
        """A BP_REQ_WITHDRAWAL_ITEMS: stored items taken back from a vault keeper of the
        player's room, with the fees, in one item operation (see ``vaults.py``)."""
        return self._vault(vaults.withdraw, player_id, keeper_id, wanted)

    def _vault(self, operation: Any, player_id: int, keeper_id: int, wanted: list[tuple[int, int | None]]) -> list[WorldEvent]:
        player = self._players.get(player_id)
        if player is None:
            return []
        events: list[WorldEvent] = []
        operation(self.definition, self.items, self._things.get(keeper_id), player, len(self.players_in(player.room)),
                  wanted, self._money_kinds, events)
        return events

    def character_deleted(self, character_id: int) -> None:
        """A character not in the world was deleted: what it carried and kept at banks is
        destroyed."""
        if self.player_by_character(character_id) is None:
            self.items.destroy_carried(character_id, "owner gone")

    def reorder_inventory(self, player_id: int, item_id: int, before_id: int) -> bool:
        player = self._players.get(player_id)
        return player is not None and self.items.reorder(player.character_id, item_id, before_id)

    def reorder_inventory_by_index(self, player_id: int, payload: int, target: int) -> bool:
        player = self._players.get(player_id)
        return player is not None and self.items.reorder_by_index(player.character_id, payload, target)

    def load_items(
        self, rows: Iterable[ItemRow], totals: Mapping[str, tuple[int, int]], characters: Collection[int] | None = None,
        last_seq: int = 0, balances: Iterable[BalanceRow] = (),
    ) -> None:
        """Take the store's items, bank balances and ledger (before any player enters);
        the rooms with ground items run their dispose timers. Given the ``characters``
        that exist, the items and balances of deleted ones are destroyed."""
        if self._players:
            raise WorldError("cannot load items with players in the world")
        self.items.load(rows, totals, self._room_size, characters, last_seq, balances)
        now_ms = round(self.game_time * 1000)
        for room in self.items.ground_rooms():
            self._remains.arm_dispose(room, now_ms)

    def attack(self, player_id: int, target_id: int, now: float) -> list[WorldEvent]:
        """A BP_REQ_ATTACK: a live monster in the attacker's room, within the reach of the
        wielded weapon (or of a fist), no sooner than the original's attack delay after
        the last swing; anything else does nothing. The swing follows the rules
        (battler.kod TryAttack): the hit die with the weapon's offence, on a hit the
        weapon's (or unarmed) damage, then the monster's AssessDamage. At 0 hit
        points the monster dies: its body and its treasure appear on its square
        (``remains.py``), it leaves its room (which refills on its spawn timer) and the
        killer's karma moves as the original's KilledSomething moves it. An attack on a
        player follows the player-killing rules instead (:meth:`_attack_player`).

        A kill may raise the killer's max health (``mortality.after_kill``); without a
        gain, a killer that was missed in the fight may improve parry, block or dodge.

        The player's skills (``fighting.py``): the stroke and the proficiency of the
        weapon (punch and brawling bare-handed) raise offence and damage; every swing
        counts towards the swing bonus, and with one a landed blow may improve the stroke
        or the proficiency.

        A landed blow wears the wielded weapon (``wear.py``). Not modelled yet: bows' ammunition (arrows are assumed), line of
        sight for the swing count, boosts over base max health (max health is taken as
        base).
        """
        player = self._players.get(player_id)
        if player is None:
            return []
        hindered = holding.fight_refusal(self, player)
        if hindered is not None:  # held or blinded (the trance breaks first, as the original's)
            interrupted: list[WorldEvent] = []
            casting.break_trance(player, interrupted)
            return [*interrupted, hindered]
        victim = self._players.get(target_id)
        if victim is not None:  # player against player: its own checks and messages
            return self._attack_player(player, victim, now)
        if self.no_combat(player.room):
            return []  # a no-combat room: nobody fights there
        monster = self._monsters.by_id.get(target_id)
        if monster is None or monster.room != player.room:
            return []
        truce = room_spells.monster_fight_refusal(self, player, [monster])  # no fights with monsters here
        if truce is not None:
            return [truce]
        row, col = square_of(player.y, player.x)
        t_row, t_col = square_of(monster.y, monster.x)
        weapon, weapon_kind = self._wielded(player_id)
        touch = self._touch_of(player_id) if weapon is None else None  # bare hands strike with a touch spell
        reach = player_attack_reach(weapon) if touch is None else touch[0].range or player_attack_reach(None)
        if not within_reach(t_row - row, t_col - col, reach):
            return []
        if player.last_attack_at is not None and (now - player.last_attack_at) * 1000 < PLAYER_ATTACK_DELAY_MS:
            return []
        player.last_attack_at = now
        broken: list[WorldEvent] = []
        casting.break_trance(player, broken, self, cause="attack")  # user.kod: an attack breaks a trance
        ruined = room_spells.shot_ruined(self, player, weapon, now)  # winds snatch a shot away
        if ruined is not None:
            return [*broken, ruined]
        if player.kill_target != target_id:  # a new fight: what counts for a gain starts over
            player.reset_gain_flags()
            player.kill_target = target_id
        # a generator per swing from stable facts: the same calls give the same fight
        roll = self.roll_for("attack", player_id, target_id, now)
        stats = self.effective_stats(player_id)  # enchantments' attribute mods count in a fight
        stroke, proficiency = self._attack_abilities(player, weapon, touch, stats.mysticism)
        brawling = proficiency if weapon is None else 0
        curse_hit, curse_damage = item_attributes.blow_penalties(self, player)  # a cursed weapon's worse blows
        offense = player_offense(stroke, proficiency, stats.aim, stats.max_health, weapon) + self.enchantment_modifier(player_id, "offense") - curse_hit
        offense += songs.offense_against(self, player_id, monster.karma or 0)  # a mood song's listener
        offense += ranged_offense_bonus(self, player_id, weapon)  # eagle eyes
        defense = monster_defense(monster.level, monster.difficulty) + self.enchantment_modifier(target_id, "defense")
        borrowed = illusions.defends_as(self, monster)  # an evil twin defends as its player
        defense = defense if borrowed is None else borrowed
        self.fighting.record_swing(player, weapon)  # SwingWeapon, before the hit die (TryAttack)
        swing = roll_attack(
            offense, defense,
            lambda: max(0, self._blow_damage(roll, stats, weapon, proficiency, brawling, touch, monster.karma or 0) - curse_damage)
            + holding.blow_bonus(self, player_id, roll) + room_spells.blow_bonus(self, player.room, roll)
            + songs.damage_against(self, player_id, monster.karma or 0, roll)
            + ranged_damage_bonus(self, player_id, weapon), roll,
        )
        resisted = resistance_against(self, target_id, player_attack_type(weapon), touch[0].damage_spell if touch else 0)
        taken = monster_damage_taken(swing.damage, resisted) if swing.hit else 0
        monster.hit_points -= taken
        player.did_damage = player.did_damage or taken > 0
        kind = monster.kind or ""
        improved: list[WorldEvent] = []
        if swing.hit and touch is None:  # AssessHit: the stroke or the proficiency may improve, before the hit is told
            self.fighting.after_hit(player, weapon, monster.level, monster.level, roll, self._where(player.room), improved)
        # how the swing is told, from the same die after the swing (player.kod DoHitMessageSound, GetDefenseDesc)
        defence = ""
        if swing.hit:
            sound = player_hit_sound(None if monster.hit_points <= 0 else taken, roll).key
        else:
            defence = defence_of_miss(0, 0, monster_dodge_ability(monster.difficulty), roll).value
            sound = swing_miss_sound(roll).key
        events: list[WorldEvent] = [
            *broken,
            AttackResolved(
                player.room, player_id, target_id, kind, swing.hit, taken, monster.hit_points,
                damage_type=self._blow_type(player, weapon, touch), defence=defence,
                sound=sound, weapon=weapon_kind, spell=touch[0].key if touch else "",
            ),
            *improved,  # told after the blow, as the original posts it
        ]
        if swing.hit and monster.hit_points > 0:  # a blow that landed and did not kill wears the weapon (DidDamage)
            wear.weapon_struck(self, player, f"{self.tick_count}:{player_id}:{target_id}:{now!r}", events)
        if self._exert(player, swing_exertion(weapon)):
            events.append(VitalsChanged(player_id))
        if monster.hit_points <= 0:
            self._monsters.remove(monster)
            self._end_all_enchantments(monster.object_id, events)
            corpse = self._leave_remains(monster, now, events)
            events.append(MonsterKilled(
                monster.room, target_id, kind, player_id, self._karma_for_kill(player, monster), corpse_id=corpse,
                spell=touch[0].key if touch else "",
            ))
            self._advance_after_kill(player, monster, roll, events)
        return events

    def _blow_type(self, player: Player, weapon: Weapon | None, touch: tuple[SpellDefinition, int] | None) -> int:
        """The type a blow is told by: a touch spell's, else the weapon's with its item
        attributes (an enchanted weapon's magic, a holy or unholy weapon's spell type)."""
        if touch is not None:
            return blow_type(player_attack_type(weapon), touch[0].damage_spell)
        attack_type = item_attributes.weapon_attack_type(self, player, player_attack_type(weapon))
        return blow_type(attack_type, item_attributes.weapon_spell_type(self, player))

    def _touch_of(self, player_id: int) -> tuple[SpellDefinition, int] | None:
        """The touch spell on a player, newest first, and the power it was cast with
        (player.kod GetWeapon: bare hands strike with it)."""
        for enchantment in self.enchantments.of(player_id):
            spell = self.definition.spells.get(enchantment.spell)
            if spell is not None and spell.effect == "touch":
                return spell, int(enchantment.state or 0)
        return None

    def _attack_abilities(
        self, player: Player, weapon: Weapon | None, touch: tuple[SpellDefinition, int] | None, mysticism: int,
    ) -> tuple[int, int]:
        """(stroke, proficiency) of a swing: a touch spell's are its ability and the better
        of punch and one and a half times mysticism (touchatk.kod GetStroke, GetProf)."""
        if touch is None:
            return self.fighting.attack_abilities(player, weapon)
        return player.spells.get(touch[0].key, 0), max(self.fighting.ability(player, SKID_PUNCH), div(mysticism * 3, 2))

    @staticmethod
    def _blow_damage(
        roll: Roll, stats: Stats, weapon: Weapon | None, proficiency: int, brawling: int,
        touch: tuple[SpellDefinition, int] | None, victim_karma: int,
    ) -> int:
        """A landed blow's damage: the touch spell's by its power (strength and skills
        count for nothing), or the weapon's or the fist's."""
        if touch is not None:
            spell, power = touch
            damage = touch_rules.blow_damage(roll, spell.damage_min, spell.damage_max, power)
            return touch_rules.karma_weighed(damage, victim_karma) if spell.karma_factor else damage
        return player_damage(roll, stats.might, stats.aim, weapon, proficiency, brawling)

    def _leave_remains(self, monster: Monster, now: float, events: list[WorldEvent]) -> int | None:
        """The body and the treasure of a killed monster, reported before the monster
        goes (monster.kod Killed); a generator from stable facts, as for the swing.
        Returns the body's id, if the kind leaves one. A summoned creature leaves none."""
        if monster.summoned:
            return None
        room_spells.something_killed(self, monster.room, False, events)  # a death link in its room
        rng = random.Random(f"{self.seed}:remains:{self.tick_count}:{monster.object_id}:{now!r}")
        return self._remains.monster_died(
            monster.kind or "", monster.level, monster.difficulty, monster.room, monster.y, monster.x, monster.angle,
            round(self.game_time * 1000), rng, events,
        )

    def _attack_player(self, player: Player, victim: Player, now: float) -> list[WorldEvent]:
        """An attack on a player, in the original's order (player.kod TryAttack):
        not oneself; the attack delay (a refused attack still starts it, as the
        original's IsOkayAttackTime does); same room and the weapon's reach (silently, as for
        monsters); then the player-killing rules (rules.pvp), each refusal told. An
        allowed attack on an innocent by an innocent brands the attacker an outlaw. The
        swing: player offence (the attacker's stroke and proficiency) against the victim's
        player defence (its parry, block and dodge, its worn armour's defence added), the
        wielded weapon's or unarmed damage less the armour's share (and the shield's, on a
        block check), through the victim's damage-taken rule and caps. A miss is told to
        each side by the victim's defences, drawn twice as the original does. A kill moves the killer's karma, brands
        a murderer, and sends the victim down the world's death path; in a safe-death room
        the victim keeps 1 health instead, and nothing is counted.

        Not modelled yet: the same as for monsters (weapon wear, boosts),
        and guilds, factions, arenas, chaos nights, tokens, revenants, kill counts.
        """
        player_id, victim_id = player.object_id, victim.object_id
        if victim is player:
            return [PlayerAttackRefused(player_id, victim_id, AttackRefusal.SELF.value)]
        if player.last_attack_at is not None and (now - player.last_attack_at) * 1000 < PLAYER_ATTACK_DELAY_MS:
            return []
        player.last_attack_at = now
        if victim.room != player.room:
            return []
        row, col = square_of(player.y, player.x)
        t_row, t_col = square_of(victim.y, victim.x)
        weapon, weapon_kind = self._wielded(player_id)
        touch = self._touch_of(player_id) if weapon is None else None  # bare hands strike with a touch spell
        reach = player_attack_reach(weapon) if touch is None else touch[0].range or player_attack_reach(None)
        if not within_reach(t_row - row, t_col - col, reach):
            return []
        flags = self._rooms[player.room].definition.flags
        attacker_status, victim_status = _pk_status(player), _pk_status(victim, self)
        refusal = attack_refusal(attacker_status, victim_status, player.safety, flags, self.rules.player_killing)
        if refusal is not None:
            return [PlayerAttackRefused(player_id, victim_id, refusal.value)]
        ruined = room_spells.shot_ruined(self, player, weapon, now)  # winds snatch a shot away
        if ruined is not None:
            return [ruined]
        events: list[WorldEvent] = []
        player.attacked_player_at = self.game_time  # CheckStatusAndSafety records it
        if attack_makes_outlaw(attacker_status, victim_status):
            player.outlaw = True
            events.append(PlayerOutlawed(player_id))
        roll = self.roll_for("attack", player_id, victim_id, now)
        stats, target = self.effective_stats(player_id), victim.stats
        stroke, proficiency = self._attack_abilities(player, weapon, touch, stats.mysticism)
        brawling = proficiency if weapon is None else 0
        offense = player_offense(stroke, proficiency, stats.aim, stats.max_health, weapon) + self.enchantment_modifier(player_id, "offense")
        offense += songs.offense_against(self, player_id, target.karma)  # a mood song's listener
        offense += ranged_offense_bonus(self, player_id, weapon)  # eagle eyes
        armour_defense, armour_reduce = self.armour_of(victim_id)
        gear = self.gear_of(victim_id)
        guard = self.fighting.defences(victim, gear)
        agility = self.effective_stats(victim_id).agility
        defense = player_defense(
            guard.parry, guard.block, guard.dodge, agility, target.max_health, armour_bonus=armour_defense,
        )
        self.fighting.record_swing(player, weapon)  # SwingWeapon, before the hit die (TryAttack)
        gaze: list[WorldEvent] = []
        holding.gazed(self, player, victim, gaze)  # the victim's defence: the basilisk's gaze may hold the attacker
        curse_hit, curse_damage = item_attributes.blow_penalties(self, player)  # a cursed weapon's worse blows
        swing = roll_attack(
            offense - curse_hit, defense,
            lambda: max(0, self._blow_damage(roll, stats, weapon, proficiency, brawling, touch, target.karma) - curse_damage)
            + holding.blow_bonus(self, player_id, roll) + room_spells.blow_bonus(self, player.room, roll)
            + songs.damage_against(self, player_id, target.karma, roll)
            + ranged_damage_bonus(self, player_id, weapon), roll,
        )
        if swing.hit:  # the victim's shield (on a block check) and armour take their share (ModifyDefenseDamage)
            reduce = armour_reduce + (gear.shield_reduce if self.fighting.shield_blocks(victim, gear, roll) else 0)
            swing = attrs.evolve(swing, damage=armour_damage_reduction(swing.damage, reduce, roll))
            swing = attrs.evolve(swing, damage=ward_damage(self, victim_id, swing.damage, roll, spell=touch is not None, typed=False))
        resisted = resistance_against(self, victim_id, player_attack_type(weapon), touch[0].damage_spell if touch else 0)
        taken = player_damage_taken(
            swing.damage, target.health, target.max_health, resisted, outlaw_or_murderer=not victim_status.innocent,
        ) if swing.hit else 0
        target.health = max(0, target.health - taken)
        improved: list[WorldEvent] = []
        if swing.hit and touch is None:  # AssessHit: a player's level is its base max health; no monster, difficulty 60
            self.fighting.after_hit(player, weapon, target.base_max_health, None, roll, self._where(player.room), improved)
        # told from the same die after the swing: the hit sound, or the defence told to the
        # attacker, the swish, the defence told to the victim (battler.kod AssessMiss order)
        defence = victim_defence = ""
        if swing.hit:
            sound = player_hit_sound(None if target.health <= 0 else taken, roll).key
        else:
            defence = defence_of_miss(guard.parry, guard.block, guard.dodge, roll).value
            sound = swing_miss_sound(roll).key
            victim_defence = defence_of_miss(guard.parry, guard.block, guard.dodge, roll).value
            victim.dodged = True  # AssessMiss: the victim may improve a defence
        events.append(PlayerAttacked(
            player.room, player_id, victim_id, swing.hit, taken, target.health,
            damage_type=self._blow_type(player, weapon, touch), defence=defence,
            victim_defence=victim_defence, sound=sound, weapon=weapon_kind, spell=touch[0].key if touch else "",
        ))
        songs.wounded(self, events, len(events) - 1)  # a singer hurt stops singing
        events += gaze
        events += improved
        if swing.hit and target.health > 0:  # a blow that landed and did not kill wears the weapon (DidDamage)
            wear.weapon_struck(self, player, f"{self.tick_count}:{player_id}:{victim_id}:{now!r}", events)
        if self._exert(player, swing_exertion(weapon)):
            events.append(VitalsChanged(player_id))
        if target.health <= 0:
            self._player_killed_player(player, victim, attacker_status, victim_status, events, touch[0].key if touch else "")
        return events

    def _player_killed_player(
        self, killer: Player, victim: Player, killer_status: PkStatus, victim_status: PkStatus, events: list[WorldEvent],
        spell: str = "",
    ) -> None:
        """player.kod KilledSomething and Killed for a player victim."""
        room = killer.room
        if "safe_death" in self._rooms[room].definition.flags:  # SafePlayerAttack: nobody dies, nothing counts
            victim.stats.health = 1
            events += [PlayerKilledPlayer(room, killer.object_id, victim.object_id, Murder.JUSTIFIED.value, spell=spell),
                       VitalsChanged(victim.object_id)]
            return
        stored = killer.stats.karma * 100 + killer.karma_fraction
        karma_changed = self._add_karma(killer, karma_change_from_kill(shown_karma(stored), victim.stats.karma))
        brand = murder(killer_status, victim_status)
        if brand is Murder.BRANDED:
            killer.murderer, killer.outlaw = True, False
        if brand is not Murder.JUSTIFIED:  # the kill of an innocent announced as a murder
            self.last_murderer = killer.character_id
        events.append(PlayerKilledPlayer(room, killer.object_id, victim.object_id, brand.value, karma_changed, spell))
        self._player_died(victim, "", events)

    def _kill_zone_crossed(self, player: Player, from_room: str, to_room: str) -> list[WorldEvent]:
        flags = self._rooms[from_room].definition.flags, self._rooms[to_room].definition.flags
        entered = kill_zone_crossing(_pk_status(player), *flags)
        return [] if entered is None else [KillZoneCrossed(player.object_id, entered)]

    @staticmethod
    def _add_karma(player: Player, change: int) -> bool:
        """Add hundredths of karma (player.kod AddKarma); True when the shown karma moved."""
        stats = player.stats
        stored = add_karma(stats.karma * 100 + player.karma_fraction, change)
        shown = shown_karma(stored)
        changed = shown != stats.karma
        stats.karma, player.karma_fraction = shown, stored - shown * 100
        return changed

    # ------------------------------------------------------------------ enchantments

    def enchant(
        self,
        target_id: int,
        spell_key: str,
        duration_ms: int | None,
        effect: ench.Effect = ench.Effect(),
        *,
        state: Any = None,
        caster_id: int | None = None,
    ) -> ench.Enchanting:
        """Start ``spell_key`` on a player, a monster or a room (by its room id) for
        ``duration_ms`` of game time (None or 0: until removed), by the original's rules
        for the same spell already on it (see ``enchantments.py``). ``state`` is the spell's
        own data, kept and saved with it; the start hook runs."""
        spell = self.definition.spells.get(spell_key)
        if spell is None:
            return ench.Enchanting(None, ench.EnchantRefusal.NO_SPELL, [])
        found = self._enchantable(target_id)
        if found is None:
            return ench.Enchanting(None, ench.EnchantRefusal.NO_TARGET, [])
        target, room = found
        events: list[WorldEvent] = []
        old = self.enchantments.find(target_id, spell_key)
        if old is not None:
            if target is ench.Target.ROOM or caster_id != target_id:
                return ench.Enchanting(None, ench.EnchantRefusal.ALREADY, [])
            self._end_enchantment(old, report=False, expired=False, events=events)  # recast on oneself
        now_ms = round(self.game_time * 1000)
        due = None if not duration_ms else now_ms + max(1, duration_ms)
        enchantment = ench.Enchantment(target_id, target, spell_key, effect, state, due, spell.harmful)
        self.enchantments.add(enchantment)
        hook = self.enchantments.hook(spell_key).start
        if hook is not None:
            hook(enchantment, True)
        events.append(EnchantmentStarted(
            target_id, target.value, room, spell_key, self.enchantment_icon_shown(enchantment),
            self._moves_sheet(enchantment),
        ))
        return ench.Enchanting(enchantment, None, events)

    def disenchant(self, target_id: int, spell_key: str, report: bool = True) -> list[WorldEvent]:
        """End ``spell_key`` on a target before its time (RemoveEnchantment); nothing if it
        is not on. ``report`` False: the end hook is told to stay silent."""
        found = self.enchantments.find(target_id, spell_key)
        events: list[WorldEvent] = []
        if found is not None:
            self._end_enchantment(found, report=report, expired=False, events=events)
        return events

    def enchantments_of(self, target_id: int) -> list[ench.Enchantment]:
        """What is on a player, a monster or a room (by room id), newest first."""
        return self.enchantments.of(target_id)

    def is_enchanted(self, target_id: int, spell_key: str | None = None) -> bool:
        """Whether ``spell_key`` (any spell when None) is on the target (IsEnchanted)."""
        if spell_key is None:
            return bool(self.enchantments.by_target.get(target_id))
        return self.enchantments.find(target_id, spell_key) is not None

    def enchantment_modifier(self, target_id: int, name: str) -> int:
        """The sum of the target's enchantments' modifier ``name`` (0 without)."""
        return self.enchantments.modifier(target_id, name)

    def enchantment_flag(self, target_id: int, flag: str) -> bool:
        """Whether any enchantment of the target sets ``flag``."""
        return self.enchantments.flag(target_id, flag)

    def effective_stats(self, player_id: int) -> Stats:
        """A player's figures with its enchantments' attribute mods, each within 1 and
        MAXIMUM_STAT (player.kod GetMight and the others); its own stats are unchanged."""
        stats = self._players[player_id].stats
        if not self.enchantments.by_target.get(player_id):
            return stats  # nothing on: no mods (most players, most blows)
        mods = {name: self.enchantments.modifier(player_id, name) for name in ATTRIBUTES}
        if not any(mods.values()):
            return stats
        return attrs.evolve(stats, **{
            name: max(1, min(MAXIMUM_STAT, getattr(stats, name) + mod)) for name, mod in mods.items() if mod
        })

    def enchantment_icon_shown(self, enchantment: ench.Enchantment) -> bool:
        """Whether the client gets its icon: the start asked for one (addicon) and the spell
        shows one on this kind of target (spell.kod ShowEnchantmentIcon); never a monster's."""
        spell = self.definition.spells.get(enchantment.spell)
        where = {ench.Target.PLAYER: "player", ench.Target.ROOM: "room"}.get(enchantment.target)
        return enchantment.effect.shown and spell is not None and where in spell.show_icon

    def room_enchantment_target(self, room: str) -> int:
        """The id a room's enchantments are kept under (its room id)."""
        return self._room_ids[room]

    def saved_enchantments(self, player_id: int) -> list[dict[str, Any]]:
        """What is saved of an online player's enchantments now (time left, not frozen)."""
        now_ms = round(self.game_time * 1000)
        return [ench.to_json(e, now_ms) for e in reversed(self.enchantments.of(player_id))]

    def _enchantable(self, target_id: int) -> tuple[ench.Target, str] | None:
        player = self._players.get(target_id)
        if player is not None:
            return ench.Target.PLAYER, player.room
        monster = self._monsters.by_id.get(target_id)
        if monster is not None:
            return ench.Target.MONSTER, monster.room
        room = self._room_keys.get(target_id)
        if room is not None:
            return ench.Target.ROOM, room
        return None

    def _room_of_target(self, enchantment: ench.Enchantment) -> str | None:
        found = self._enchantable(enchantment.target_id)
        return None if found is None else found[1]

    def _moves_sheet(self, enchantment: ench.Enchantment) -> bool:
        return enchantment.target is ench.Target.PLAYER and any(
            enchantment.effect.modifiers.get(name) for name in ATTRIBUTES
        )

    def _end_enchantment(self, enchantment: ench.Enchantment, report: bool, expired: bool, events: list[WorldEvent]) -> None:
        """Take it off, run its end hook, report it (EnchantmentTimer, RemoveEnchantment)."""
        if not self.enchantments.discard(enchantment):
            return
        hook = self.enchantments.hook(enchantment.spell).end
        if hook is not None:
            hook(enchantment, report)
        holding.enchantment_ended(self, enchantment, report, events)
        spell = self.definition.spells.get(enchantment.spell)
        if report and enchantment.target is ench.Target.PLAYER and spell is not None and spell.effect in ("personal_enchantment", "touch", "cloak", *ENDS_TOLD):
            events.append(SpellTold(enchantment.target_id, enchantment.spell, "ended"))  # persench.kod EndEnchantment
        illusions.ended(self, enchantment, report, events)  # the spells of looks: their words, a morph's health
        if enchantment.target is ench.Target.PLAYER and spell is not None and spell.effect in ENDS_TOLD:
            events.append(VitalsChanged(enchantment.target_id))  # an end may move the bars (denial)
        room = self._room_of_target(enchantment)
        if room is not None:
            events.append(EnchantmentEnded(
                enchantment.target_id, enchantment.target.value, room, enchantment.spell,
                self.enchantment_icon_shown(enchantment),
                self._moves_sheet(enchantment), expired,
            ))

    def _end_all_enchantments(self, target_id: int, events: list[WorldEvent]) -> None:
        """RemoveAllEnchantments without report (a death)."""
        for enchantment in self.enchantments.of(target_id):
            self._end_enchantment(enchantment, report=False, expired=False, events=events)

    def _expire_enchantments(self, events: list[WorldEvent]) -> None:
        now_ms = round(self.game_time * 1000)
        for enchantment in list(self.enchantments.due(now_ms)):
            if self._enchantable(enchantment.target_id) is None:  # its monster is gone
                self.enchantments.discard(enchantment)
                continue
            self._end_enchantment(enchantment, report=True, expired=True, events=events)

    def _freeze_enchantments(self, player_id: int) -> list[dict[str, Any]]:
        """A player logs off: its enchantments leave the world with the time they have
        left, a harmful one 3 s more (FreezeAllEnchantments); oldest first."""
        now_ms = round(self.game_time * 1000)
        taken = self.enchantments.take_target(player_id)
        return [
            ench.to_json(e, now_ms, ench.LOGOFF_HARMFUL_EXTRA_MS if e.harmful and e.due_ms is not None else 0)
            for e in reversed(taken)
        ]

    def _resume_enchantments(self, target_id: int, saved: Iterable[Mapping[str, Any]]) -> None:
        """Put saved enchantments back on a target, oldest first; spells no longer defined
        are dropped. Their restart hook runs, not the start one: what they do is data,
        already in what they carry."""
        now_ms = round(self.game_time * 1000)
        target = self._enchantable(target_id)
        if target is None:
            return
        for data in saved:
            try:
                enchantment = ench.from_json(target_id, target[0], data, now_ms)
            except (KeyError, TypeError, ValueError):
                continue
            if enchantment.spell in self.definition.spells and self.enchantments.find(target_id, enchantment.spell) is None:
                self.enchantments.add(enchantment)
                hook = self.enchantments.hook(enchantment.spell).restart
                if hook is not None:
                    hook(enchantment, False)

    def _snapshot_enchantments(self) -> list[dict[str, Any]]:
        """Monsters' and rooms' enchantments (players' are saved with the characters)."""
        now_ms = round(self.game_time * 1000)
        saved = []
        for target_id, found in sorted(self.enchantments.by_target.items()):
            for e in reversed(found):
                if e.target is ench.Target.PLAYER:
                    continue
                entry = ench.to_json(e, now_ms)
                if e.target is ench.Target.ROOM:
                    entry["room"] = self._room_keys.get(target_id)
                else:
                    entry["monster"] = target_id
                saved.append(entry)
        return saved

    def _restore_enchantments(self, saved: Iterable[Mapping[str, Any]]) -> None:
        self.enchantments = ench.EnchantmentBook(hooks=self.enchantments.hooks)
        for entry in saved:
            room = entry.get("room")
            target_id = self._room_ids.get(room) if isinstance(room, str) else entry.get("monster")
            if isinstance(target_id, int):
                self._resume_enchantments(target_id, [entry])

    # ------------------------------------------------------------------ posture and vitals

    def no_combat(self, room: str) -> bool:
        """Whether the room's flags forbid fighting (the original's no-combat rooms)."""
        return "no_combat" in self._rooms[room].definition.flags

    def rest(self, player_id: int) -> list[WorldEvent]:
        """UC_REST: the player sits down; vigor comes back on the rest timer."""
        player = self._players.get(player_id)
        events: list[WorldEvent] = []
        if player is not None and not player.resting:
            player.resting, player.rest_due_ms = True, None
            casting.break_trance(player, events, self)  # player.kod: resting breaks a trance
        return events

    def stand(self, player_id: int) -> list[WorldEvent]:
        """UC_STAND: the player stands up; the rest timer stops."""
        player = self._players.get(player_id)
        if player is not None:
            player.resting, player.rest_due_ms = False, None
        return []

    def set_safety(self, player_id: int, on: bool) -> list[WorldEvent]:
        """UC_SAFETY: with it on (the default) the player cannot attack other players."""
        player = self._players.get(player_id)
        if player is not None:
            player.safety = on
        return []

    @staticmethod
    def _exert(player: Player, amount: int) -> bool:
        """Add exertion by the rules; True when the vigor shown moved."""
        stats = player.stats
        state = add_exertion(Vigor(stats.vigor, player.exertion), amount)
        changed = state.vigor != stats.vigor
        stats.vigor, player.exertion = state.vigor, state.exertion
        return changed

    def _regenerate(self, events: list[WorldEvent]) -> None:
        """The players' health, mana and rest timers (player.kod HealthTimer, ManaTimer,
        RestTimer): each armed with the rules' delay, one step when it fires, re-armed.
        One :class:`VitalsChanged` per player whose bars moved this tick. A song of the room
        may quicken them (invigorate, restorate, rejuvenate)."""
        now_ms = round(self.game_time * 1000)
        for player in self._players.values():
            stats = player.stats
            before = (stats.health, stats.mana, stats.vigor)
            if health_regen_runs(stats.health, stats.max_health):
                if player.health_due_ms is None:
                    player.health_due_ms = now_ms + songs.health_delay_ms(self, player, health_regen_delay_ms(stats.vigor, stats.stamina, stats.max_health))
                elif now_ms >= player.health_due_ms:
                    stats.health = health_after_regen_tick(stats.health, stats.max_health, player.moved_since_entry)
                    player.health_due_ms = now_ms + songs.health_delay_ms(self, player, health_regen_delay_ms(stats.vigor, stats.stamina, stats.max_health))
            else:
                player.health_due_ms = None
            if stats.mana != stats.max_mana:
                if player.mana_due_ms is None:
                    player.mana_due_ms = now_ms + songs.mana_delay_ms(self, player, self.focusers.mana_delay_ms(player, mana_regen_delay_ms(
                        stats.mana, stats.max_mana, stats.vigor, stats.mysticism
                    )))
                elif now_ms >= player.mana_due_ms:
                    stats.mana = mana_after_regen_tick(stats.mana, stats.max_mana)
                    player.mana_due_ms = now_ms + songs.mana_delay_ms(self, player, self.focusers.mana_delay_ms(player, mana_regen_delay_ms(
                        stats.mana, stats.max_mana, stats.vigor, stats.mysticism
                    )))
            else:
                player.mana_due_ms = None
            # lowered by a mark of dishonor; asked only of a resting player (most are not)
            threshold = rest_threshold(self, player) if player.resting else 0
            if player.resting and stats.vigor < threshold:
                if player.rest_due_ms is None:
                    player.rest_due_ms = now_ms + songs.rest_delay_ms(self, player, rest_delay_ms(stats.stamina))
                elif now_ms >= player.rest_due_ms:
                    flags = self._rooms[player.room].definition.flags
                    multiplier = SANCTUARY_REST_MULTIPLIER if "sanctuary" in flags else 1
                    state = rest_tick(Vigor(stats.vigor, player.exertion), threshold, multiplier)
                    stats.vigor, player.exertion = state.vigor, state.exertion
                    player.rest_due_ms = now_ms + songs.rest_delay_ms(self, player, rest_delay_ms(stats.stamina))
            else:
                player.rest_due_ms = None
            if (stats.health, stats.mana, stats.vigor) != before:
                events.append(VitalsChanged(player.object_id))

    @staticmethod
    def _karma_for_kill(player: Player, monster: Monster) -> bool:
        """Apply the kill's karma change (hundredths); True when the shown karma moved."""
        stats = player.stats
        stored = stats.karma * 100 + player.karma_fraction
        change = karma_change_for_killing_monster(shown_karma(stored), monster.karma or 0)
        stored = add_karma(stored, change)
        shown = shown_karma(stored)
        changed = shown != stats.karma
        stats.karma, player.karma_fraction = shown, stored - shown * 100
        return changed

    # ------------------------------------------------------------------ time

    def tick(self, now: float) -> list[WorldEvent]:
        """Run the ticks due by ``now`` (the first call runs one at once)."""
        interval = self.rules.tick_interval
        if self._next_tick_at is None:
            self._next_tick_at = now
        events: list[WorldEvent] = []
        ran = 0
        # a little slack so a caller ticking on the same period never skips a beat on jitter
        while now + interval * 0.05 >= self._next_tick_at:
            if ran == self.rules.max_catch_up_ticks:
                self._next_tick_at = now + interval  # after a stall, skip ahead
                break
            self._run_tick(events)
            ran += 1
            self._next_tick_at += interval
        return events

    def _run_tick(self, events: list[WorldEvent]) -> None:
        self.tick_count += 1
        # a generator per tick from (seed, tick): no generator state to save, same run after a restore
        rng = random.Random(f"{self.seed}:{self.tick_count}")
        chance = 1 - (1 - self.rules.wander_chance) ** self.rules.tick_interval  # the same rate at any tick length
        for thing in self._wanderers:
            if rng.random() < chance:
                self._wander(thing, _STEPS[rng.randrange(len(_STEPS))], events)
        hurt_from = len(events)
        self._monsters.run_tick(self.tick_count, rng, self._players_in, events, self._monster_killed_player)
        songs.wounded(self, events, hurt_from)  # a singer hurt stops singing
        walls.monsters_moved(self, events, hurt_from)  # monsters that stepped into a wall
        self._remains.run(round(self.game_time * 1000), self._has_players, self._fixtures_in, events)
        events += self._take_trade_news()
        if self.trades.trades:  # keepers withdraw their money offers in time (monster.kod CancelOfferTimer)
            events += self._trade_step(self.trades.tick(round(self.game_time * 1000)))
        casting.run_trances(self, events)
        illusions.run_tick(self, events)  # feign death's mana, period by period
        songs.run(self, events)
        self.eavesdroppers.run(events)
        self.focusers.run(events)
        room_spells.run_tick(self, events)  # room enchantments kept up by their casters, borne by their occupants
        summons.run_tick(self, events)  # summoned creatures whose victim or caster is gone
        self._regenerate(events)
        self._expire_enchantments(events)
        walls.run(self, events)
        walls.heal_wounds(self, events)
        poison.run(self, events)
        item_attributes.run(self, events)  # item attributes whose time is up

    def cast(self, player_id: int, spell_id: int, target_ids: list[int], now: float) -> list[WorldEvent]:
        """A BP_REQ_CAST: see :mod:`emulator.world.casting`."""
        return casting.cast(self, player_id, spell_id, target_ids, now)

    def room_number(self, room: str) -> int | None:
        """The original's number of a room (the content's ``number``), None if it has none."""
        return self._rooms[room].definition.number

    def death_place(self, from_room: str | None = None) -> Position:
        """Where the dead go (user.kod UserGotoDeadRoom): from the newbie area back to its
        first room, at its teleport square; otherwise to the rules' square of the
        Underworld. Each found by the original's room number, or for content without
        numbers by key (imported rooms are keyed by the lowercase class name). Without
        that room, the world's start."""
        number = self.room_number(from_room) if from_room is not None else None
        if number is not None and in_newbie_area(number):
            place = self._destination(NEWBIE_RESTART)
            if place is not None:
                return place
        place = self._destination(UNDERWORLD)
        if place is not None:
            return place
        start = self.definition.start
        y, x = square_centre(start.row, start.col)
        return Position(start.room, y, x, start.angle % ANGLES)

    def _destination(self, dead: DeathDestination) -> Position | None:
        key = self._rooms_by_number.get(dead.room_number, dead.room_class.lower())
        state = self._rooms.get(key)
        if state is None:
            return None
        if dead.row is None or dead.col is None:  # the room's own teleport square: its first spawn
            if not state.definition.spawns:
                return None
            arrival = state.definition.spawns[0]
            y, x = square_centre(arrival.row, arrival.col)
            return Position(key, y, x, (dead.angle if dead.angle is not None else arrival.angle) % ANGLES)
        if not state.inside(dead.row, dead.col):
            return None
        y, x = square_centre(dead.row, dead.col)
        if dead.fine_row is not None and dead.fine_col is not None:
            y, x = dead.row * FINENESS + dead.fine_row % FINENESS, dead.col * FINENESS + dead.fine_col % FINENESS
        return Position(key, y, x, (dead.angle or 0) % ANGLES)

    def _is_underworld(self, room: str) -> bool:
        return room == self._rooms_by_number.get(RID_UNDERWORLD, UNDERWORLD.room_class.lower())

    def _monster_killed_player(self, player: Player, monster: Monster, events: list[WorldEvent]) -> None:
        if illusions.killed_for_summoner(self, player, monster, events):
            return  # an evil twin's kill is its summoner's
        self._player_died(player, monster.kind or "", events)

    def _player_died(self, player: Player, killer_kind: str, events: list[WorldEvent]) -> None:
        """The dead leave their room for the death place with the revival vitals and the
        death cost to pay on leaving the Underworld (``mortality.die``); everyone is told;
        the monsters chasing them give up. They stay online (the players list is unchanged)."""
        from_room = player.room
        room_spells.something_killed(self, from_room, True, events)  # a death link in its room
        events += self._trade_leave(player.object_id)  # the dead leave the room: a trade ends
        self._end_all_enchantments(player.object_id, events)  # a real death ends them (player.kod Killed)
        self._monsters.give_up_on(from_room, player.object_id)
        number = self.room_number(from_room)
        drops = mortality.drops_items(player, number if number is not None else 0)
        mortality.die(player, number if number is not None else 0)
        if drops:  # what it carries falls on its square, before it goes (player.kod Killed)
            now_ms = round(self.game_time * 1000)
            y, x = square_centre(*square_of(player.y, player.x))
            if self.items.drop_on_death(player.character_id, player.object_id, from_room, y, x, now_ms, self._kept_on_death, events):
                self._remains.arm_dispose(from_room, now_ms)
        place = self.death_place(from_room)
        del self._rooms[from_room].players[player.object_id]
        player.room, player.y, player.x, player.angle = place.room, place.y, place.x, place.angle
        self._rooms[place.room].players[player.object_id] = player
        events += [
            ObjectLeft(from_room, player.object_id),
            DeathAnnounced(player.object_id, player.name, killer_kind, tuple(self._players)),
            PlayerDied(player.object_id, from_room, place.room, killer_kind),
            PlayerMovedRoom(player.object_id, from_room, place.room),
            ObjectEntered(place.room, player.object_id),
        ]

    def _kept_on_death(self, kind: str) -> bool:
        found = self.definition.kinds.get(kind)
        return found is not None and found.item is not None and found.item.kept_on_death

    def _has_players(self, room: str) -> bool:
        return bool(self._rooms[room].players)

    def _fixtures_in(self, room: str) -> int:
        """The room's placed passive objects (not the monsters and NPCs placed in it)."""
        kinds = self.definition.kinds
        return sum(1 for thing in self._rooms[room].objects.values() if kinds[thing.kind or ""].monster is None)

    def remains(self) -> list[Thing]:
        """Every body and ground item, in id order."""
        return sorted(self._remains, key=lambda remain: remain.object_id)

    def _left_room(self, player: Player, room: str, events: list[WorldEvent]) -> None:
        """A player left ``room`` (an exit, logging off): leaving the Underworld pays the
        penalty of the last death (uworld.kod LeaveHold). A fight in progress no longer
        counts for a gain (player.kod NewOwner), nor does a trance."""
        player.reset_gain_flags()
        casting.break_trance(player, events, self)
        room_spells.player_left(self, player, room, events)  # a truce's words to a leaver; one coming back is new
        if not self._is_underworld(room):
            return
        cost = player.death_cost
        # a generator from stable facts: the same calls give the same penalty
        roll = self.roll_for("penalty", player.object_id)
        # no skills or spells yet: once they exist, pass the player's and apply what dropped
        penalty = mortality.pay_death_penalty(player, roll)
        events.append(DeathPenaltyPaid(player.object_id, cost, penalty.lost_health_point, penalty.base_max_health))

    def _advance_after_kill(self, player: Player, monster: Monster, roll: Roll, events: list[WorldEvent]) -> None:
        """The kill may raise the killer's max health; never in a safe-death room. Without
        a gain, a killer that was missed in the fight may improve a defence skill
        (player.kod AdvancementCheck)."""
        can_advance = "safe_death" not in self._rooms[player.room].definition.flags
        counted, dodged = player.kill_target == monster.object_id, player.dodged
        if mortality.after_kill(player, monster.object_id, monster.level, roll, can_advance):
            events.append(MaxHealthGained(player.object_id, player.stats.base_max_health))
        elif counted and dodged and can_advance:
            gear = self.gear_of(player.object_id)
            self.fighting.after_kill(player, gear, monster.level, roll, self._where(player.room), events)

    def _where(self, room: str) -> Where:
        """Now, and the room's rules for improving skills (room.kod ROOM_HARD_LEARN,
        ROOM_SAFE_DEATH)."""
        flags = self._rooms[room].definition.flags
        return Where(round(self.game_time * 1000), "hard_learn" in flags, "safe_death" in flags)

    def _players_in(self, room: str) -> Mapping[int, Player]:
        """The players the monsters of a room may notice: none in a no-combat room."""
        if self.no_combat(room):
            return {}
        return disguise.noticeable(self, self._rooms[room].players)  # not those feigning death

    def _wander(self, thing: Thing, step: tuple[int, int, int], events: list[WorldEvent]) -> None:
        state = self._rooms[thing.room]
        row, col = square_of(thing.y, thing.x)
        to_row, to_col = row + step[0], col + step[1]
        if not state.inside(to_row, to_col):
            return
        geometry = state.geometry
        if geometry is not None and not geometry.can_step(row, col, to_row, to_col, monster=True):
            return
        thing.y, thing.x = square_centre(to_row, to_col)
        thing.angle = step[2]
        events.append(ObjectMoved(thing.room, thing.object_id, thing.y, thing.x, WALK_SPEED | FACE_TRAVEL))

    # ------------------------------------------------------------------ persistence

    def snapshot(self) -> dict[str, Any]:
        """The world's own state as JSON data: ids, placed objects' places, live monsters,
        bodies (with the time they have left), tick count. Players are not in it
        (characters are saved on their own), nor items (the store keeps them)."""
        return {
            "version": SNAPSHOT_VERSION,
            "tick_count": self.tick_count,
            "next_id": self._next_id,
            "rooms": dict(self._room_ids),
            "objects": {
                key: {"id": t.object_id, "room": t.room, "y": t.y, "x": t.x, "angle": t.angle}
                for key, t in self._placed.items()
            },
            "monsters": self._monsters.snapshot(),
            "remains": self._remains.snapshot(round(self.game_time * 1000)),
            "enchantments": self._snapshot_enchantments(),
            "last_murderer": self.last_murderer,
        }

    def restore(self, snapshot: Mapping[str, Any]) -> None:
        """Take back a snapshot's ids, places, live monsters and bodies (items come from
        the store: :meth:`load_items`). Content may have changed since: keys no longer
        defined are dropped, new ones get fresh ids, places that are no longer valid fall
        back to the content's, monsters and bodies of a kind or room no longer defined are
        gone. Only before any player enters."""
        if self._players:
            raise WorldError("cannot restore a world with players in it")
        try:
            version = snapshot.get("version")
            if version == 1:  # places and ticks only, ids kept as assigned
                self.tick_count = int(snapshot.get("tick_count", 0))
                for key, (room, y, x, angle) in dict(snapshot.get("objects", {})).items():
                    self._restore_place(key, room, y, x, angle)
                self._reindex_objects()
                self._monsters.restore(None, self.tick_count)
                self._remains.restore(None, round(self.game_time * 1000), self._room_size)
                return
            if version not in (2, 3, 4, 5, SNAPSHOT_VERSION):
                raise WorldError(f"unknown world snapshot version {version!r}")
            objects = dict(snapshot["objects"])
            self.tick_count = int(snapshot["tick_count"])
            self._assign_ids(
                dict(snapshot["rooms"]),
                {key: entry["id"] for key, entry in objects.items()},
                int(snapshot["next_id"]),
            )
            for key, entry in objects.items():
                self._restore_place(key, entry["room"], entry["y"], entry["x"], entry["angle"])
            self._reindex_objects()
            # version 2 had no live monsters: the fresh population carries on from the saved tick
            self._monsters.restore(snapshot["monsters"] if version >= 3 else None, self.tick_count)
            # before version 4 no bodies or ground items were kept
            self._remains.restore(snapshot["remains"] if version >= 4 else None, round(self.game_time * 1000), self._room_size)
            self._restore_enchantments(snapshot.get("enchantments", []) if version >= 6 else [])
            murderer = snapshot.get("last_murderer")
            self.last_murderer = murderer if isinstance(murderer, int) else None
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            if isinstance(error, WorldError):
                raise
            raise WorldError(f"world snapshot is malformed: {error!r}") from error

    def carry_on_from(self, old: World) -> None:
        """Take over the state of a running world built from other content (a reload).

        What a restart keeps comes through the same doors as at a restart (the snapshot,
        the items as the store would give them back), so changed content is met the same
        way: objects, monsters and bodies of kinds or rooms no longer defined are gone.
        Players stay as they are (the same objects: vitals, posture, timers), with their
        enchantments and trades. A player whose square the content no longer has is a
        :class:`WorldError`: the caller checks that first. Only on a freshly built world;
        ``old`` is only read, so on an error it runs on untouched.
        """
        if self._players:
            raise WorldError("cannot carry a world over into one with players in it")
        for player in old._players.values():
            state = self._rooms.get(player.room)
            if state is None or not state.inside(*square_of(player.y, player.x)):
                raise WorldError(f"{player.name} stands where the new content has no square ({player.room})")
        self.restore(old.snapshot())
        self._next_tick_at = old._next_tick_at
        self.items.take_over(old.items, self._room_size)
        now_ms = round(self.game_time * 1000)
        for room in self.items.ground_rooms():
            self._remains.arm_dispose(room, now_ms)
        for player_id, player in old._players.items():
            self._players[player_id] = player
            self._things[player_id] = player
            self._rooms[player.room].players[player_id] = player
        for player_id in old._players:
            self._resume_enchantments(player_id, old.saved_enchantments(player_id))
        self.trades = old.trades  # what is on the table is still carried by its owners

    def _room_size(self, room: str) -> tuple[int, int] | None:
        state = self._rooms.get(room)
        return None if state is None else (state.definition.rows, state.definition.cols)

    def _restore_place(self, key: str, room: Any, y: Any, x: Any, angle: Any) -> None:
        thing = self._placed.get(key)
        if thing is None or room not in self._rooms:
            return
        y, x = int(y), int(x)
        if not self._rooms[room].inside(*square_of(y, x)):
            return
        thing.room, thing.y, thing.x, thing.angle = room, y, x, int(angle) % ANGLES

    # ------------------------------------------------------------------ helpers

    def _check_and_link(self) -> None:
        """Fail early on content the simulator cannot run, and index the exits."""
        definition = self.definition
        if definition.start.room not in self._rooms:
            raise WorldError(f"start room {definition.start.room!r} is not defined")
        links: dict[str, set[str]] = {key: set() for key in self._rooms}
        for key, state in self._rooms.items():
            room = state.definition
            geometry = state.geometry
            if geometry is not None and (geometry.rows, geometry.cols) != (room.rows, room.cols):
                raise WorldError(
                    f"room {key} ({room.source}): content says {room.rows} x {room.cols}, "
                    f"{room.roo_file} has {geometry.rows} x {geometry.cols}"
                )
            if geometry is not None:
                for spawn in room.monster_spawns:
                    if not geometry.walkable(spawn.row, spawn.col):
                        raise WorldError(
                            f"room {key} ({room.source}): monster spawn square ({spawn.row}, {spawn.col}) "
                            f"is a wall in {room.roo_file}"
                        )
            for exit in room.exits:
                if exit.target.room not in self._rooms:
                    raise WorldError(f"room {key} ({room.source}): exit to unknown room {exit.target.room!r}")
                if exit.edge is not None:
                    state.edge_exits.setdefault(exit.edge, []).append(exit)
                elif exit.row is not None and exit.col is not None:
                    state.square_exits.setdefault((exit.row, exit.col), exit)
                if exit.target.room != key:
                    links[key].add(exit.target.room)
                    links[exit.target.room].add(key)
        for key, state in self._rooms.items():
            state.neighbours = tuple(sorted(links[key]))
            for exits in state.edge_exits.values():
                exits.sort(key=lambda exit: exit.when is None)  # stable: file order otherwise
        for placed in definition.objects:
            if placed.kind not in definition.kinds:
                raise WorldError(f"object {placed.key} ({placed.source}): unknown kind {placed.kind!r}")
            if placed.at.room not in self._rooms or not self._rooms[placed.at.room].inside(placed.at.row, placed.at.col):
                raise WorldError(f"object {placed.key} ({placed.source}): no square {placed.at}")

    def _assign_ids(self, saved_rooms: Mapping[str, Any], saved_objects: Mapping[str, Any], next_id: int) -> None:
        """Saved ids where still valid and unique, fresh ones (in key order) for the rest."""
        used: set[int] = set()

        def keep(saved: Mapping[str, Any], keys: Iterable[str]) -> dict[str, int]:
            kept = {}
            for key in keys:
                value = saved.get(key)
                if type(value) is int and FIRST_ID <= value < FIRST_REMAINS_ID and value not in used:
                    kept[key] = value
                    used.add(value)
            return kept

        room_keys, object_keys = sorted(self._rooms), list(self._placed)
        rooms, objects = keep(saved_rooms, room_keys), keep(saved_objects, object_keys)
        counter = max(next_id, FIRST_ID, *(value + 1 for value in used))
        for keys, ids in ((room_keys, rooms), (object_keys, objects)):
            for key in keys:
                if key not in ids:
                    ids[key] = counter
                    counter += 1
        if counter > FIRST_REMAINS_ID:  # bodies, then monsters, players and items have the ids above
            raise WorldError("out of object ids for rooms and placed objects")
        self._next_id = counter
        self._room_ids = rooms
        self._room_keys = {value: key for key, value in rooms.items()}
        for key, thing in self._placed.items():
            thing.object_id = objects[key]
        self._reindex_objects()

    def _reindex_objects(self) -> None:
        """Rebuild the id and per-room indexes of placed objects, in key order, so room
        contents never depend on history."""
        self._things = {pid: p for pid, p in self._things.items() if isinstance(p, Player)}
        for state in self._rooms.values():
            state.objects.clear()
        for thing in self._placed.values():
            self._things[thing.object_id] = thing
            self._rooms[thing.room].objects[thing.object_id] = thing

    def _resolve_placement(self, placement: Position | Placement | None) -> tuple[str, int, int, int]:
        if isinstance(placement, Placement):
            y, x = square_centre(placement.row, placement.col)
            placement = Position(placement.room, y, x, placement.angle)
        if placement is not None:
            state = self._rooms.get(placement.room)
            if state is not None and state.inside(*square_of(placement.y, placement.x)):
                return placement.room, placement.y, placement.x, placement.angle % ANGLES
        start = self.definition.start
        y, x = square_centre(start.row, start.col)
        return start.room, y, x, start.angle % ANGLES

    def _speech_refusal(self, player: Player, text: str, now: float) -> SayRefused | None:
        if len(text) > self.rules.max_say_length:
            return SayRefused(player.object_id, SayRefusal.TOO_LONG.value)
        assert player.speech is not None
        if not player.speech.take(now):
            return SayRefused(player.object_id, SayRefusal.TOO_OFTEN.value)
        return None

    @staticmethod
    def _edge_exit(state: _Room, row: int, col: int, from_row: int, from_col: int) -> Exit | None:
        """The exit on the side the target lies past (rows first at a corner)."""
        rows, cols = state.definition.rows, state.definition.cols
        edges = []
        if row < 1:
            edges.append(Edge.NORTH)
        elif row > rows:
            edges.append(Edge.SOUTH)
        if col < 1:
            edges.append(Edge.WEST)
        elif col > cols:
            edges.append(Edge.EAST)
        for edge in edges:
            for exit in state.edge_exits.get(edge, ()):
                if exit.applies(from_row, from_col):
                    return exit
        return None

    # ------------------------------------------------------------------ the operator's hand

    def teleport(self, player_id: int, room: str, row: int, col: int, angle: int | None = None) -> list[WorldEvent]:
        """Move a player to a square of any room, as a travel spell does (the room change
        its client sees on any exit). WorldError for a room or square that is not there."""
        player = self._players.get(player_id)
        if player is None:
            raise WorldError(f"player {player_id} is not in the world")
        self._check_square(room, row, col)
        return self._take_exit(player, Exit(Placement(room, row, col, player.angle if angle is None else angle)))

    def create_monster(self, kind: str, room: str, row: int, col: int) -> tuple[int, list[WorldEvent]]:
        """A monster of ``kind`` put on a square as the room's own spawns are; its id and
        the events. WorldError for a kind that is no monster, a room or square not there."""
        found = self.definition.kinds.get(kind)
        if found is None or found.monster is None:
            raise WorldError(f"no monster kind {kind!r}")
        self._check_square(room, row, col)
        monster = self._monsters.place(kind, room, row, col, self.tick_count)
        return monster.object_id, [ObjectEntered(room, monster.object_id)]

    def _check_square(self, room: str, row: int, col: int) -> None:
        state = self._rooms.get(room)
        if state is None:
            raise WorldError(f"no room {room!r}")
        if not state.inside(row, col):
            raise WorldError(f"room {room!r} has rows 1 to {state.definition.rows} and columns 1 to {state.definition.cols}")

    def _take_exit(self, player: Player, exit: Exit) -> list[WorldEvent]:
        target = exit.target
        from_room = player.room
        # leaving the room cancels a trade (user.kod NewOwner, CancelIfOffer)
        cancelled = self._trade_leave(player.object_id)
        del self._rooms[from_room].players[player.object_id]
        player.room = target.room
        player.y, player.x = square_centre(target.row, target.col)
        # An exit either sets the facing or turns the one the player had (the original's ROTATE_*).
        player.angle = (player.angle + exit.turn if exit.turn is not None else target.angle) % ANGLES
        self._rooms[target.room].players[player.object_id] = player
        events: list[WorldEvent] = [
            *cancelled,
            *self._kill_zone_crossed(player, from_room, target.room),
            ObjectLeft(from_room, player.object_id),
        ]
        self._left_room(player, from_room, events)
        events += [
            PlayerMovedRoom(player.object_id, from_room, target.room),
            ObjectEntered(target.room, player.object_id),
        ]
        songs.entered(self, player, events)  # the songs sung there greet a newcomer
        return events


def _is_shield(usage: Usage, info: ItemInfo) -> bool:
    """A shield is armour held in a hand (shield.kod viUse_type) that defends: the torch,
    a shield of the original that blocks nothing, has no defence figures."""
    return bool(usage.places & USE_HAND) and bool(info.get("defense") or info.get("damage_reduce"))


def _pk_status(player: Player, world: World | None = None) -> PkStatus:
    """What the player-killing rules read of a player (max health stands for base max
    health, as everywhere in the world's fights); with the world, of a victim, whether
    its spells disguise it."""
    disguised = world is not None and disguise.hides_brands(world, player.object_id)
    return PkStatus(player.stats.max_health, outlaw=player.outlaw, murderer=player.murderer, disguised=disguised)


def brand_attacker(attacker: Player, victim: Player, events: list[WorldEvent]) -> None:
    """A harmful spell or strike at an innocent by an innocent brands the attacker an
    outlaw, as a blow does (CheckStatusAndSafety)."""
    if attack_makes_outlaw(_pk_status(attacker), _pk_status(victim)):
        attacker.outlaw = True
        events.append(PlayerOutlawed(attacker.object_id))


def _path_clear(geometry: RoomGeometry, row: int, col: int, to_row: int, to_col: int) -> bool:
    """Follow the straight line of squares and ask the room about every single step, so a
    long move cannot use the teleport rule to skip a wall."""
    d_row, d_col = to_row - row, to_col - col
    steps = max(abs(d_row), abs(d_col))
    previous = (row, col)
    for i in range(1, steps + 1):
        square = (row + _scaled(d_row, i, steps), col + _scaled(d_col, i, steps))
        if not geometry.can_step(*previous, *square):
            return False
        previous = square
    return True


def _scaled(delta: int, i: int, steps: int) -> int:
    """round(delta * i / steps), halves away from zero, in integers."""
    magnitude = (2 * abs(delta) * i + steps) // (2 * steps)
    return magnitude if delta >= 0 else -magnitude
