"""Player against player: the original's checks before an attack on a player, each
refusal told and changing nothing, an allowed fight by the rules, the brands and karma
of a kill, the victim's death, and the same through the real protocol."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest

from emulator.config import WorldConfig
from emulator.content.model import Exit, Placement, RoomDefinition, WorldDefinition, square_centre
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules.combat import player_damage, player_damage_taken, player_defense, player_offense, roll_attack
from emulator.rules.dice import roll_with
from emulator.rules.kills import PKILL_ENABLE_HP, karma_change_from_kill
from emulator.rules.pvp import AttackRefusal, Murder, PkStatus, attack_makes_outlaw, attack_refusal, kill_zone_crossing, murder
from emulator.testing.memory_server import MemoryServer
from emulator.world import events as ev
from emulator.world.objects import Stats
from emulator.world.world import World, WorldRules
from protocol_specs.format_string import render
from protocol_specs.opcodes import UC

from .conftest import UPSTREAM

ADULT = PKILL_ENABLE_HP  # the least base max health that may fight players
NEWBIE = PKILL_ENABLE_HP - 1


# --- the rules ---------------------------------------------------------------------------


def test_who_may_fight_players() -> None:
    assert PkStatus(ADULT).pkill_enabled and not PkStatus(NEWBIE).pkill_enabled
    # an outlaw or murderer knocked below the mark stays fair game, and may fight
    assert PkStatus(NEWBIE, outlaw=True).pkill_enabled and PkStatus(NEWBIE, murderer=True).pkill_enabled
    assert PkStatus(ADULT).innocent and not PkStatus(ADULT, outlaw=True).innocent


def test_the_refusals_come_in_the_original_s_order() -> None:
    adult, newbie = PkStatus(ADULT), PkStatus(NEWBIE)
    murderer = PkStatus(ADULT, murderer=True)

    def refusal(attacker: PkStatus = adult, victim: PkStatus = adult, safety: bool = False,
                flags: tuple[str, ...] = (), pk: bool = True) -> AttackRefusal | None:
        return attack_refusal(attacker, victim, safety, flags, pk)

    assert refusal() is None
    # the room first: even a newbie with safety on is told the room's rule
    assert refusal(newbie, newbie, True, ("no_combat", "no_pk")) is AttackRefusal.NO_COMBAT
    assert refusal(newbie, newbie, True, ("no_pk",), pk=False) is AttackRefusal.NO_PK_ROOM
    # a guild-only room: without guilds only murderers fight each other there
    assert refusal(flags=("guild_pk_only",)) is AttackRefusal.GUILD_ROOM
    assert refusal(murderer, adult, flags=("guild_pk_only",)) is AttackRefusal.GUILD_ROOM
    assert refusal(murderer, murderer, flags=("guild_pk_only",)) is None
    # ... whose message is for servers with player killing: elsewhere the server's rule is told
    assert refusal(flags=("guild_pk_only",), pk=False) is AttackRefusal.SAFE_SERVER
    # the server type, before who the players are
    assert refusal(newbie, newbie, True, pk=False) is AttackRefusal.SAFE_SERVER
    assert refusal(murderer, murderer, flags=("kill_zone",), pk=False) is AttackRefusal.SAFE_SERVER
    # newbies: the attacker first, then the victim; a kill zone lets them fight
    assert refusal(newbie, newbie) is AttackRefusal.NEWBIE_ATTACKER
    assert refusal(adult, newbie) is AttackRefusal.NEWBIE_VICTIM
    assert refusal(newbie, newbie, flags=("kill_zone",)) is None
    assert refusal(adult, PkStatus(NEWBIE, outlaw=True)) is None
    # the safety holds back an attack on an innocent, never on an outlaw or murderer
    assert refusal(safety=True) is AttackRefusal.SAFETY
    assert refusal(newbie, newbie, True, ("kill_zone",)) is AttackRefusal.SAFETY
    assert refusal(adult, PkStatus(ADULT, outlaw=True), True) is None
    assert refusal(adult, murderer, True) is None
    assert [r for r in AttackRefusal if r.names_victim] == [AttackRefusal.NEWBIE_VICTIM, AttackRefusal.SAFETY]


def test_the_brands_of_an_attack_and_a_kill() -> None:
    innocent, outlaw, killer = PkStatus(ADULT), PkStatus(ADULT, outlaw=True), PkStatus(ADULT, murderer=True)
    assert attack_makes_outlaw(innocent, innocent)
    assert not attack_makes_outlaw(innocent, outlaw) and not attack_makes_outlaw(innocent, killer)
    assert not attack_makes_outlaw(outlaw, innocent) and not attack_makes_outlaw(killer, innocent)
    assert murder(innocent, innocent) is Murder.BRANDED and murder(outlaw, innocent) is Murder.BRANDED
    assert murder(killer, innocent) is Murder.AGAIN
    assert murder(innocent, outlaw) is Murder.JUSTIFIED and murder(killer, killer) is Murder.JUSTIFIED
    assert murder(innocent, innocent, safe_room=True) is Murder.JUSTIFIED


def test_only_players_who_may_not_fight_players_are_told_of_kill_zones() -> None:
    zone, plain = ("kill_zone", "lamps"), ("lamps",)
    assert kill_zone_crossing(PkStatus(NEWBIE), plain, zone) is True
    assert kill_zone_crossing(PkStatus(NEWBIE), zone, ()) is False
    assert kill_zone_crossing(PkStatus(NEWBIE), zone, zone) is None and kill_zone_crossing(PkStatus(NEWBIE), (), plain) is None
    assert kill_zone_crossing(PkStatus(ADULT), plain, zone) is None
    assert kill_zone_crossing(PkStatus(NEWBIE, outlaw=True), zone, plain) is None


def test_player_killing_is_on_by_default_as_the_original_ships() -> None:
    system = (UPSTREAM / "kod" / "util" / "system.kod").read_text(encoding="latin-1")
    khd = (UPSTREAM / "kod" / "include" / "blakston.khd").read_text(encoding="latin-1")
    # the property's default comes first (properties precede the handlers)
    default = re.search(r"^\s*piServer_type\s*=\s*(\w+)", system, re.MULTILINE)
    no_murder = re.search(r"SERVER_NO_MURDER\s*=\s*(\d+)", khd)
    assert default is not None and default.group(1) == "SERVER_NORMAL" and no_murder is not None
    assert re.search(r"IsPKAllowed\(\)\s*\{\s*if piServer_type = SERVER_NO_MURDER", system)  # the only type that forbids it
    assert WorldConfig().player_killing and WorldRules().player_killing


# --- the world ---------------------------------------------------------------------------


def definition() -> WorldDefinition:
    flags = {
        "field": (), "inn": ("no_combat",), "hall": ("no_pk",), "square": ("guild_pk_only",),
        "pit": ("kill_zone",), "arena": ("safe_death",),
    }
    # a square exit each way between the field and the pit, at (1, 1)
    exits = {"field": (Exit(Placement("pit", 2, 2), row=1, col=1),), "pit": (Exit(Placement("field", 2, 2), row=1, col=1),)}
    rooms = {
        key: RoomDefinition(key, key.title(), f"{key}.roo", 10, 10, flags=room_flags, exits=exits.get(key, ()))
        for key, room_flags in flags.items()
    }
    return WorldDefinition(rooms, {}, (), start=Placement("inn", 1, 1))  # where the dead wake, too


def add_player(world: World, room: str, row: int, col: int, character: int, **stats: int) -> int:
    y, x = square_centre(row, col)
    player_id, _ = world.add_player(character, f"P{character}", ev.Position(room, y, x), Stats(**stats))
    return player_id


def pair(room: str = "field", rules: WorldRules = WorldRules(), attacker: int = ADULT, victim: int = ADULT,
         seed: int = 5) -> tuple[World, int, int]:
    world = World(definition(), seed=seed, rules=rules)
    anna = add_player(world, room, 5, 5, 1, health=attacker, max_health=attacker)
    bob = add_player(world, room, 5, 6, 2, health=victim, max_health=victim)
    return world, anna, bob


def snapshot(world: World, *players: int) -> list[tuple[object, ...]]:
    return [
        (p.room, p.y, p.x, p.stats, p.exertion, p.outlaw, p.murderer, p.karma_fraction)
        for p in (world.player(i) for i in players)
    ]


@pytest.mark.parametrize(
    ("room", "rules", "attacker", "victim", "safety", "reason"),
    [
        ("inn", WorldRules(), ADULT, ADULT, False, "no_combat"),
        ("hall", WorldRules(), ADULT, ADULT, False, "no_pk_room"),
        ("square", WorldRules(), ADULT, ADULT, False, "guild_room"),
        ("field", WorldRules(player_killing=False), ADULT, ADULT, False, "safe_server"),
        ("field", WorldRules(), NEWBIE, ADULT, False, "newbie_attacker"),
        ("field", WorldRules(), ADULT, NEWBIE, False, "newbie_victim"),
        ("field", WorldRules(), ADULT, ADULT, True, "safety"),
        ("pit", WorldRules(), NEWBIE, NEWBIE, True, "safety"),
    ],
)
def test_a_refused_attack_is_told_and_changes_nothing(
    room: str, rules: WorldRules, attacker: int, victim: int, safety: bool, reason: str
) -> None:
    world, anna, bob = pair(room, rules, attacker, victim)
    world.set_safety(anna, safety)
    before = snapshot(world, anna, bob)
    assert world.attack(anna, bob, 0.0) == [ev.PlayerAttackRefused(anna, bob, reason)]
    assert snapshot(world, anna, bob) == before
    # the refused attack started the attack delay, as the original's IsOkayAttackTime does
    assert world.attack(anna, bob, 0.5) == []
    assert world.attack(anna, bob, 1.0) == [ev.PlayerAttackRefused(anna, bob, reason)]
    assert snapshot(world, anna, bob) == before


def test_attacks_that_do_nothing_at_all() -> None:
    world, anna, bob = pair()
    world.set_safety(anna, False)
    far = add_player(world, "field", 5, 8, 3, health=ADULT, max_health=ADULT)  # three squares off
    elsewhere = add_player(world, "pit", 5, 5, 4, health=ADULT, max_health=ADULT)
    before = snapshot(world, anna, bob, far, elsewhere)
    assert world.attack(anna, anna, 0.0) == [ev.PlayerAttackRefused(anna, anna, "self")]
    assert world.attack(anna, far, 0.0) == []
    assert world.attack(anna, elsewhere, 1.0) == []
    assert snapshot(world, anna, bob, far, elsewhere) == before


def test_a_new_player_is_warned_on_entering_a_kill_zone_and_told_on_leaving() -> None:
    world = World(definition())
    newbie = add_player(world, "field", 1, 1, 1, health=NEWBIE, max_health=NEWBIE)
    adult = add_player(world, "field", 1, 1, 2, health=ADULT, max_health=ADULT)
    into = world.go(newbie, 0.0)
    assert into[0] == ev.KillZoneCrossed(newbie, entered=True) and world.player(newbie).room == "pit"
    assert ev.PlayerMovedRoom(newbie, "field", "pit") in into
    assert not any(isinstance(e, ev.KillZoneCrossed) for e in world.go(adult, 0.0))
    world.player(newbie).y, world.player(newbie).x = square_centre(1, 1)
    out = world.go(newbie, 1.0)
    assert out[0] == ev.KillZoneCrossed(newbie, entered=False) and world.player(newbie).room == "field"


def expected_swing(world: World, attacker: int, victim: int, now: float) -> tuple[bool, int]:
    """The same swing from the rules with the world's die for it: player offence against
    player defence, unarmed damage, the victim's damage-taken rule and caps."""
    roll = roll_with(random.Random(f"{world.seed}:attack:{world.tick_count}:{attacker}:{victim}:{now!r}"))
    a, v = world.player(attacker), world.player(victim)
    swing = roll_attack(
        player_offense(0, 0, a.stats.aim, a.stats.max_health),
        player_defense(0, 0, 0, v.stats.agility, v.stats.max_health),
        lambda: player_damage(roll, a.stats.might, a.stats.aim),
        roll,
    )
    if not swing.hit:
        return False, 0
    return True, player_damage_taken(swing.damage, v.stats.health, v.stats.max_health, outlaw_or_murderer=v.outlaw or v.murderer)


def test_a_fight_to_the_death_by_the_rules() -> None:
    world, anna, bob = pair(victim=36)
    world.set_safety(anna, False)
    world.player(bob).stats.karma = 50
    swings: list[ev.PlayerAttacked] = []
    events: list[ev.WorldEvent] = []
    now = 0.0
    while world.player(bob).room == "field" and now < 300:
        health = world.player(bob).stats.health
        hit, damage = expected_swing(world, anna, bob, now)
        events = world.attack(anna, bob, now)
        (swing,) = [e for e in events if isinstance(e, ev.PlayerAttacked)]
        assert (swing.hit, swing.damage) == (hit, damage)
        assert swing.health_left == max(0, health - damage)
        assert swing.damage_type == 0x6000  # unarmed punch
        assert (swing.sound[:-1], swing.defence, swing.victim_defence) in (
            ("swish", "avoid", "avoid"), ("hit_flesh", "", ""), ("hit_leather", "", ""), ("hit_metal", "", ""))
        assert bool(swing.defence) != swing.hit
        # the first allowed attack on an innocent makes an outlaw of the attacker, once
        assert [e for e in events if isinstance(e, ev.PlayerOutlawed)] == ([ev.PlayerOutlawed(anna)] if not swings else [])
        swings.append(swing)
        now += 1.0
    assert any(s.hit for s in swings) and not all(s.hit for s in swings)
    assert swings[-1].health_left == 0 and swings[-1].sound.startswith("hit_metal")
    # the kill: the killer's karma moves as for killing a player of karma 50, it is a
    # murderer and no longer an outlaw; then the victim dies the world's death
    change = karma_change_from_kill(0, 50)
    assert change < 0
    killed = [e for e in events if isinstance(e, ev.PlayerKilledPlayer)]
    assert killed == [ev.PlayerKilledPlayer("field", anna, bob, "branded", karma_changed=True)]
    attacker = world.player(anna)
    assert attacker.stats.karma * 100 + attacker.karma_fraction == change
    assert attacker.murderer and not attacker.outlaw
    died = [e for e in events if isinstance(e, ev.PlayerDied)]
    assert died == [ev.PlayerDied(bob, "field", world.death_place().room, "")]
    assert events.index(killed[0]) < events.index(died[0])
    assert world.player(bob).room == world.death_place().room
    assert world.player(bob).room == "inn" and world.player(bob).stats.health > 0  # the revival vitals


def test_the_damage_caps_hold_for_innocents_only() -> None:
    """A 6-health victim in a kill zone: a blow takes at most a third of its base max
    health (2), unless it is an outlaw (the original's settings lift the cap)."""
    largest: dict[bool, int] = {}
    for outlaw in (False, True):
        worst = 0
        for seed in range(8):
            world, anna, bob = pair("pit", attacker=ADULT, victim=6, seed=seed)
            world.player(anna).stats.might = 65  # the most might adds
            world.set_safety(anna, False)
            world.player(bob).outlaw = outlaw
            for second in range(6):
                world.player(bob).stats.health = 6
                events = world.attack(anna, bob, float(second))
                worst = max([worst] + [e.damage for e in events if isinstance(e, ev.PlayerAttacked)])
        largest[outlaw] = worst
    assert largest[False] == 2 and largest[True] > 2


def test_brands_and_karma_of_kills() -> None:
    # killing an outlaw is justified: no brand, karma by the victim's karma
    world, anna, bob = pair(victim=ADULT)
    world.player(bob).outlaw = True
    world.player(bob).stats.health = 1
    events = []
    now = 0.0
    while not any(isinstance(e, ev.PlayerKilledPlayer) for e in events):
        events = world.attack(anna, bob, now)  # safety on: an outlaw is fair game all the same
        now += 1.0
    assert not any(isinstance(e, ev.PlayerOutlawed) for e in events)
    assert [e.murder for e in events if isinstance(e, ev.PlayerKilledPlayer)] == ["justified"]
    assert not world.player(anna).murderer and not world.player(anna).outlaw
    # a murderer killing again is told so and stays one
    world, anna, bob = pair()
    world.set_safety(anna, False)
    world.player(anna).murderer = True
    world.player(bob).stats.health = 1
    events, now = [], 0.0
    while not any(isinstance(e, ev.PlayerKilledPlayer) for e in events):
        events = world.attack(anna, bob, now)
        now += 1.0
    assert not any(isinstance(e, ev.PlayerOutlawed) for e in events)
    assert [e.murder for e in events if isinstance(e, ev.PlayerKilledPlayer)] == ["again"]
    assert world.player(anna).murderer


def test_nobody_dies_in_a_safe_death_room() -> None:
    world, anna, bob = pair("arena")
    world.set_safety(anna, False)
    world.player(bob).stats.health = 1
    events: list[ev.WorldEvent] = []
    now = 0.0
    while not any(isinstance(e, ev.PlayerKilledPlayer) for e in events):
        events = world.attack(anna, bob, now)
        now += 1.0
    assert [e for e in events if isinstance(e, ev.PlayerKilledPlayer)] == [ev.PlayerKilledPlayer("arena", anna, bob, "justified")]
    assert ev.VitalsChanged(bob) in events and not any(isinstance(e, ev.PlayerDied) for e in events)
    assert world.player(bob).room == "arena" and world.player(bob).stats.health == 1
    assert not world.player(anna).murderer and world.player(anna).stats.karma == 0


# --- through the server ------------------------------------------------------------------


def _texts(messages: list) -> list[str]:
    return [m["params"][0] for m in messages if m.name == "BP_MESSAGE"]


def test_two_clients_fight_through_the_protocol(tmp_path: Path) -> None:
    """The bundled world: Alanna attacks Bertram at the start square. Refused while she is
    new and while her safety is on; then they fight until he dies. His client reads every
    blow and sees his health bar; every frame decodes whole."""
    server = MemoryServer(tmp_path)
    try:
        clients = []
        for account, character in (("alice", "Alanna"), ("bob", "Bertram")):
            server.create_account(account, f"pw-{account}")
            server.create_character(account, character)
            client = server.connect()
            client.login_to_game(account, f"pw-{account}")
            clients.append((client, client.enter_world(character)["id"]))
        (alice, anna), (bob, bertram) = clients
        world = server.hub.world
        alice.read()
        bob.read()

        def attack() -> list:
            return alice.request("BP_REQ_ATTACK", attack_type=1, target={"id": bertram, "amount": None}, trailing=0)

        assert _texts(attack()) == ["You need more experience before you can fight other players."]
        for player in (world.player(anna), world.player(bertram)):
            player.stats.max_health = player.stats.health = 40
        world.player(bertram).stats.karma = 50
        world.player(bertram).stats.health = 12
        server.advance(1.0)
        assert _texts(attack()) == ["Your safety is on: you held back from attacking Bertram."]
        assert _texts(bob.read()) == []  # a refused attack: the victim is told nothing
        alice.request("BP_USERCOMMAND", command=UC.UC_SAFETY, args={"on": 0})
        told: list[str] = []
        bars: list[int] = []
        mine: list[str] = []
        for _ in range(80):
            server.advance(1.0)
            mine += _texts(attack())
            received = bob.read()  # every frame decodes exactly (raises otherwise)
            told += _texts(received)
            bars += [m["stat"]["data"]["value"]["value"] for m in received
                     if m.name == "BP_STAT" and m["group"] == 1 and m["stat"]["slot"] == 1]
            if "You have died." in told:
                break
        assert mine[0] == "You attacked an innocent player: you are an outlaw now."
        # the kill and the brand, then the death everyone online hears of
        assert mine[-3:-1] == ["You killed Bertram.", "You are a murderer now."]
        assert mine[-1] == told[-2] and "Bertram" in mine[-1]
        blows = [t for t in told[:-2] if t != "You have died."]
        assert blows and all(re.fullmatch(r"Alanna (hits you for \d+ damage|misses you)\.", t) for t in blows)
        hits = [int(t.split()[-2]) for t in blows if "hits" in t]
        assert hits == [int(t.split()[-2]) for t in mine if t.startswith("You hit Bertram for ")]
        assert bars[: len(hits)] == [max(0, 12 - sum(hits[: i + 1])) for i in range(len(hits))]
        assert world.player(bertram).room == world.death_place().room
        assert world.player(anna).murderer and world.player(anna).stats.karma < 0
        assert not alice.closed_by_server and not bob.closed_by_server
    finally:
        server.stop()


def test_a_fight_between_players_in_the_original_s_words(
    imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path
) -> None:
    """The imported world, both players at the start of a room with no flags and no
    monsters: the refusals and every blow by the original's resource ids, the plain text,
    players without an article; the victim reads the defender's messages and sees its
    health bar; every frame decodes whole."""
    from .test_fight_messages import _client_texts, _ids

    room = next(key for key, r in sorted(world.rooms.items()) if not r.flags and not r.monsters and r.rows >= 3)
    data = tmp_path / "data"
    shutil.copytree(imported[0], data)
    world_file = data / "world.toml"
    world_file.write_text(re.sub(r'\[start\]\nroom = "\w+"\nrow = \d+\ncol = \d+', f'[start]\nroom = "{room}"\nrow = 2\ncol = 2',
                                 world_file.read_text()))
    server = MemoryServer(tmp_path, f'[server]\ndata = "{data}"\n')
    texts = _client_texts(kod_tree)
    (plain, none, cap_none, punch, avoid, avoids, his, her, its, attacker_hit, attacker_miss, defender_hit, defender_miss,
     newbie, safety, aggressor, was_killed, killed_something, wanted) = _ids(
        kod_tree, "battler_plain_text", "object_article_none_rsc", "object_article_cap_none_rsc", "battler_punch",
        "battler_avoid", "battler_avoids", "object_his", "object_her", "object_its", "battler_attacker_hit",
        "battler_attacker_miss", "battler_defender_hit", "battler_defender_miss", "player_cant_hit_newbie",
        "player_safety_caught", "player_aggressor", "punch_player_was_killed", "punch_player_killed_something",
        "player_wanted_now")
    punch_words = set(_ids(kod_tree, *(f"battler_punch_{s}" for s in ("nick", "wound", "damage", "slay"))))
    try:
        clients = []
        for account, character in (("alice", "Alanna"), ("bob", "Bertram")):
            server.create_account(account, f"pw-{account}")
            server.create_character(account, character)
            client = server.connect()
            for resource_id, known in texts.items():  # a stock client reads the original's ids from its own files
                client.codec.resources.add(resource_id, known)
            client.login_to_game(account, f"pw-{account}")
            clients.append((client, client.enter_world(character)["id"]))
        (alice, anna), (bob, bertram) = clients
        live = server.hub.world
        names = {pid: server.hub.context.in_world[pid].avatar.name_resource for pid in (anna, bertram)}  # type: ignore[union-attr]
        alice.read()
        bob.read()

        def attack() -> list:
            return alice.request("BP_REQ_ATTACK", attack_type=1, target={"id": bertram, "amount": None}, trailing=0)

        def said(messages: list) -> list[tuple[int, list]]:
            return [(m["format"], m["params"]) for m in messages if m.name == "BP_MESSAGE"]

        assert said(attack()) == [(newbie, [])]
        assert texts.text(newbie) == kod_tree.resources["player_cant_hit_newbie"].text(None)
        for player in (live.player(anna), live.player(bertram)):
            player.stats.max_health = player.stats.health = 40
        live.player(bertram).stats.health = 10
        server.advance(1.0)
        assert said(attack()) == [(safety, [none, names[bertram]])]
        alice.request("BP_USERCOMMAND", command=UC.UC_SAFETY, args={"on": 0})
        mine: list[tuple[int, list]] = []
        told: list[tuple[int, list]] = []
        bars: list[int] = []
        waves = 0
        for _ in range(80):
            server.advance(1.0)
            replies = attack()
            mine += said(replies)
            received = bob.read()  # every frame decodes exactly (raises otherwise)
            told += said(received)
            waves += len([m for m in received if m.name == "BP_PLAY_WAVE"])
            bars += [m["stat"]["data"]["value"]["value"] for m in received
                     if m.name == "BP_STAT" and m["group"] == 1 and m["stat"]["slot"] == 1]
            if live.player(bertram).room != room:  # dead, in the death place
                break
        assert mine[0] == (aggressor, [])
        # the kill and the brand, then the death everyone online hears of
        assert mine[-3:-1] == [(killed_something, [cap_none, names[bertram]]), (wanted, [none, names[bertram]])]
        assert mine[-1] in told
        for format_id, params in mine[1:-3]:
            if format_id == attacker_hit:
                assert params[:2] == [plain, punch] and params[2] in punch_words and params[3:] == [none, names[bertram]]
            else:
                assert (format_id, params) == (attacker_miss, [plain, cap_none, names[bertram], avoids])
        blows = [(f, p) for f, p in told if f in (defender_hit, defender_miss)]
        assert {f for f, _ in blows} == {defender_hit, defender_miss}
        for format_id, params in blows:
            if format_id == defender_hit:
                assert params[:3] == [plain, cap_none, names[anna]] and params[3] in punch_words
                assert params[4] in (his, her, its) and params[5] == punch
            else:
                assert params == [plain, avoid, none, names[anna]]
        # the killing blow: the victim's last punch first, then the blow itself
        (last,) = [i for i, (f, _) in enumerate(told) if f == was_killed]
        assert told[last] == (was_killed, [none, names[anna]]) and told[last + 1][0] == defender_hit
        # as the client shows them, with its own format rules (the names are the server's resources)
        texts.add(names[anna], "Alanna")
        texts.add(names[bertram], "Bertram")
        for format_id, params in blows[:4] + mine[:3]:
            shown = render(format_id, params, texts)
            assert shown == str(texts.text(format_id)) % tuple(texts.text(p) for p in params)
            assert ("Alanna" if format_id in (defender_hit, defender_miss) else "Bertram") in shown or format_id == aggressor
        hits = len([1 for f, _ in blows if f == defender_hit])
        assert len(bars) >= hits and bars[hits - 1] == 0 and all(b > 0 for b in bars[: hits - 1])
        assert waves >= len(blows)  # a hit sound and a cry per hit, a swish per miss, heard in the room
        assert live.player(anna).murderer
        assert not alice.closed_by_server and not bob.closed_by_server
    finally:
        server.stop()
