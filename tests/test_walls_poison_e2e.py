"""End to end on the imported original world: the level-1 and level-2 spells of walls,
fog and poison, cast with BP_REQ_CAST by a protocol client.

* Fog: nine clouds appear two squares ahead of the caster for the others in the room
  (BP_CREATE, with the cloud's own look), and go (BP_REMOVE) when their time is up.
* Bramble wall: five patches across the caster's way; another player walking onto one is
  scratched (the player-killing rules first: the caster's safety spares an innocent).
* Cure poison: on a poisoned player the newest dose goes or weakens; refused on one who
  is not poisoned.
* Resist poison: a personal enchantment that lets its bearer shrug a poisoning off.

Every frame decodes with nothing left over (the memory client raises otherwise)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.content.model import FINENESS, WorldDefinition, square_centre, square_of
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules import casting as casting_rules
from emulator.rules.spells import poison as poison_rules
from emulator.rules.spells import walls as wall_rules
from emulator.game.render import render
from emulator.world.casting import spell_object_id
from emulator.world.enchantments import Effect
from emulator.world.events import ObjectMoved, WorldEvent
from emulator.world.roofile import load_roo
from emulator.world.spells import poison, walls
from emulator.world.spells.walls import WallElement
from emulator.wire.codec import Message

from .test_casting_e2e import Scene, _name_of, power
from .test_consumables_e2e import bars, texts_of
from .test_e2e_giant_rat import ROOM_FILES
from .test_fight_messages import _client_texts
from .test_personal_enchantments_e2e import cast_with, make_scene, said

#: A room of the original where players may fight (no flags), with giant rats.
FIGHT_ROOM = "barlsewer"


@pytest.fixture(params=[FIGHT_ROOM])
def scene(request: pytest.FixtureRequest, imported: tuple[Path, ImportReport], world: WorldDefinition,
          kod_tree: KodTree, tmp_path: Path) -> Iterator[Scene]:
    assert not world.rooms[request.param].flags
    made = make_scene(imported[0], world, kod_tree, tmp_path, request.param)
    live = made.server.hub.world
    for monster in [m for m in live.monsters() if m.room == request.param]:
        live._monsters.remove(monster)  # no bites in the way
    try:
        yield made
        assert not made.alice.closed_by_server and not made.bob.closed_by_server
    finally:
        made.server.stop()


def test_the_import_reads_walls_fog_and_poison(world: WorldDefinition) -> None:
    fog, brambles = world.spells["summonfog"], world.spells["bramblewall"]
    assert (fog.effect, brambles.effect) == ("summon_fog", "bramble_wall")
    assert fog.figure("elements") == 9 and brambles.figure("elements") == 5
    assert fog.text("element_icon") == "poisoncl.bgf" and brambles.text("element_icon") == "wothorns.bgf"
    assert fog.figure("element_flags") & 0x40  # LOOK_NO: the client offers no look
    for spell in (fog, brambles):
        for purpose in ("caster", "summon_limit", "element_name", "element_icon"):
            assert spell.text_id(purpose), (spell.key, purpose)
    for purpose in ("scratch_0", "scratch_2", "scratch_3", "scratch_4", "scratch_5"):
        assert brambles.text_id(purpose), purpose
    sickness = world.spells[poison.POISON]
    assert sickness.number == 15 and not sickness.effect and sickness.show_icon == frozenset({"player"})
    for purpose in ("target", "ended", "resisted"):
        assert sickness.text_id(purpose), purpose
    cure = world.spells["curepoison"]
    assert cure.effect == "cure_poison" and cure.targets == 1
    for purpose in ("target", "caster", "unnecessary", "abates"):
        assert cure.text_id(purpose), purpose
    resist = world.spells["resistpoison"]
    assert (resist.effect, resist.modifier, resist.duration) == ("personal_enchantment", "resist_poison", (900_000, 0))
    assert (resist.figure("resist_min"), resist.figure("resist_max")) == (10, 99)


def _ready(scene: Scene, key: str) -> None:
    spell = scene.world.spells[key]
    scene.caster.spells[key] = 60
    scene.caster.stats.karma = 30 if spell.school == "shalille" else 0
    for reagent in spell.reagents:
        scene.give(reagent.kind, reagent.count * 3)


def _after_trance(scene: Scene, key: str, reply: list[Message]) -> tuple[list[Message], list[Message]]:
    """What the caster and the other player got by the time the spell went off."""
    spell = scene.world.spells[key]
    told, seen = reply, scene.bob.read()
    if spell.cast_time:
        scene.server.advance(spell.cast_time * 1.5 / 1000 + 0.5)
        told, seen = told + scene.alice.read(), seen + scene.bob.read()
    return told, seen


def _face_open_ground(scene: Scene, squares_of: object) -> None:
    """Turn the caster the way where most of its wall's squares are open ground."""
    geometry = load_roo(ROOM_FILES / scene.world.rooms[scene.caster.room].roo_file)
    row, col = square_of(scene.caster.y, scene.caster.x)

    def open_squares(angle: int) -> int:
        squares = squares_of(angle, row, col)  # type: ignore[operator]
        return sum(1 for r, c in squares if geometry.can_step(r, c, r, c))

    best = max(range(0, 4096, 512), key=open_squares)
    scene.alice.request("BP_REQ_TURN", object={"id": scene.caster.object_id, "amount": None}, angle=best)
    scene.caster.angle = best


def test_fog_rises_in_front_of_the_caster_and_clears(scene: Scene) -> None:
    world, caster = scene.world, scene.caster
    live = scene.server.hub.world
    spell = world.spells["summonfog"]
    _ready(scene, "summonfog")
    _face_open_ground(scene, wall_rules.fog_squares)
    reply = _cast_untargeted(scene, "summonfog")
    told, seen = _after_trance(scene, "summonfog", reply)
    resources = scene.server.hub.context.resources
    # the caster reads the spell's words; the other player sees the clouds appear
    assert (said(scene, spell, "caster"), []) in texts_of(told)
    made = [m for m in seen if m.name == "BP_CREATE"]
    row, col = square_of(caster.y, caster.x)
    room = world.rooms[caster.room]
    expected = [s for s in wall_rules.fog_squares(caster.angle, row, col) if 1 <= s[0] <= room.rows and 1 <= s[1] <= room.cols]
    assert len(made) == len(expected) == len(live.walls.in_room(caster.room)) > 0
    assert [square_of(m["y"], m["x"]) for m in made] == expected
    for block in made:
        assert block["icon"] == resources.id("poisoncl.bgf")
        assert block["name"] == said(scene, spell, "element_name")
        assert block["flags"] == spell.figure("element_flags")
        assert block["y"] % FINENESS == caster.y % FINENESS
    # a player who looks at the room anew sees them too
    contents = [m for m in scene.bob.request("BP_SEND_ROOM_CONTENTS") if m.name == "BP_ROOM_CONTENTS"]
    shown = {o["id"] for o in contents[0]["objects"]}
    assert {m["id"] for m in made} <= shown
    # they clear within the clouds' times (at most 150 s), each told with BP_REMOVE
    ends = sorted(e.ends_ms for e in live.walls.in_room(caster.room))
    now_ms = round(live.game_time * 1000)
    assert all(22_500 - 5000 <= end - now_ms <= 150_000 for end in ends)
    gone: list[int] = []
    for _ in range(200):
        scene.server.advance(1.0)
        gone += [m["id"] for m in scene.bob.read() if m.name == "BP_REMOVE"]
        scene.alice.read()
        scene.bob.request("BP_PING")
        scene.alice.request("BP_PING")
        if not live.walls.in_room(caster.room):
            break
    assert sorted(gone) == sorted(m["id"] for m in made)
    assert not live.walls.by_id


def _cast_untargeted(scene: Scene, key: str) -> list[Message]:
    """Cast a spell that takes no target until it does not fizzle."""
    failed = scene.world.messages.id("spell_failed")  # type: ignore[union-attr]
    for _ in range(30):
        scene.caster.stats.mana = 40
        reply = scene.cast(key)
        if not any(m.name == "BP_MESSAGE" and m["format"] == failed for m in reply):
            return reply
    raise AssertionError(f"{key} fizzled 30 times")


def test_the_summoning_limit_refuses_another_wall(scene: Scene) -> None:
    live = scene.server.hub.world
    spell = scene.world.spells["summonfog"]
    _ready(scene, "summonfog")
    _face_open_ground(scene, wall_rules.fog_squares)
    for _ in range(3):  # 9 clouds twice, then the room is full
        reply = _cast_untargeted(scene, "summonfog")
        _after_trance(scene, "summonfog", reply)
        if len(live.walls.in_room(scene.caster.room)) + 9 > wall_rules.SUMMONED_OBJECT_LIMIT:
            break
    mana = scene.caster.stats.mana
    reply = scene.cast("summonfog")
    assert texts_of(reply) == [(said(scene, spell, "summon_limit"), [])]
    assert scene.caster.stats.mana == mana


def _step_onto(scene: Scene, element: WallElement) -> list[Message]:
    """Bob stands beside the element's square, then walks onto it."""
    live = scene.server.hub.world
    geometry = load_roo(ROOM_FILES / scene.world.rooms[element.room].roo_file)
    row, col = square_of(element.y, element.x)
    beside = next((row + dr, col + dc) for dr, dc in ((0, 1), (0, -1), (1, 0), (-1, 0))
                  if geometry.can_step(row + dr, col + dc, row, col))
    victim = scene.target
    victim.y, victim.x = square_centre(*beside)
    scene.server.advance(1.0)
    before = scene.bob.read()  # where it stood may be in the wall too
    y, x = square_centre(row, col)
    reply = scene.bob.request("BP_REQ_MOVE", y=y, x=x, speed=18, room={"id": live.room_id(element.room), "amount": None})
    return before + reply + scene.bob.read()


def test_brambles_scratch_one_who_walks_through(scene: Scene) -> None:
    world, caster, victim = scene.world, scene.caster, scene.target
    live = scene.server.hub.world
    spell = world.spells["bramblewall"]
    _ready(scene, "bramblewall")
    caster.spells["bramblewall"] = 99
    caster.stats.mysticism = 70
    _face_open_ground(scene, wall_rules.bramble_squares)
    reply = _cast_untargeted(scene, "bramblewall")
    told, seen = _after_trance(scene, "bramblewall", reply)
    assert (said(scene, spell, "caster"), []) in texts_of(told)
    made = [m for m in seen if m.name == "BP_CREATE"]
    patches = live.walls.in_room(caster.room)
    assert 0 < len(made) == len(patches) <= 5
    assert all(m["icon"] == said(scene, spell, "element_icon") for m in made)
    most = wall_rules.bramble_damage_most(power(scene, "bramblewall"))
    assert all(p.strength == most > 0 for p in patches)
    reachable = [p for p in patches if _open_beside(scene, p)]
    assert reachable
    patch = reachable[0]
    # both grown up; the caster's safety spares an innocent: words, no harm
    for player in (caster, victim):
        player.stats.max_health = player.stats.base_max_health = player.stats.health = 60
    heard = _step_onto(scene, patch)
    assert (said(scene, spell, "scratch_0"), []) in texts_of(heard)
    assert victim.stats.health == 60
    # safety off: a scratch, at least 1 and at most the wall's most, told by its size
    caster.safety = False
    patch.touched.clear()
    heard = _step_onto(scene, patch)
    taken = 60 - victim.stats.health
    assert 1 <= taken <= most
    assert (said(scene, spell, wall_rules.scratch_purpose(taken)), []) in texts_of(heard)
    assert bars(heard, 1)[-1] == victim.stats.health
    # the same patch does not scratch again within its interval
    health = victim.stats.health
    y, x = victim.y, victim.x
    scene.bob.request("BP_REQ_MOVE", y=y, x=x + 1, speed=18, room={"id": live.room_id(patch.room), "amount": None})
    assert victim.stats.health == health
    # a monster that steps onto a patch in its turn is scratched too
    rat = next(m for m in live.monsters() if m.kind == "giantrat")
    live._monsters.remove(rat)
    rat.room, rat.y, rat.x, rat.hit_points = patch.room, patch.y, patch.x, 50
    live._monsters._add(rat)
    moved: list[WorldEvent] = [ObjectMoved(rat.room, rat.object_id, rat.y, rat.x, 18)]
    walls.monsters_moved(live, moved, 0)
    assert 50 - most <= rat.hit_points < 50


def _open_beside(scene: Scene, element: WallElement) -> bool:
    geometry = load_roo(ROOM_FILES / scene.world.rooms[element.room].roo_file)
    row, col = square_of(element.y, element.x)
    return any(geometry.can_step(row + dr, col + dc, row, col) for dr, dc in ((0, 1), (0, -1), (1, 0), (-1, 0)))


def _poison_bob(scene: Scene, rate: int = 5000, duration_ms: int = 180_000) -> list[Message]:
    """A poisoning as a poison fog or a spider gives one (sickness/poison.kod MakePoisoned)."""
    live = scene.server.hub.world
    events: list[WorldEvent] = []
    poison.make_poisoned(live, scene.target, rate, duration_ms, events)
    render(scene.server.hub.context, events)
    return scene.bob.read()


def test_poison_bites_and_cure_poison_ends_it(scene: Scene) -> None:
    world, caster, victim = scene.world, scene.caster, scene.target
    live = scene.server.hub.world
    sickness, cure = world.spells[poison.POISON], world.spells["curepoison"]
    messages = world.messages
    assert messages is not None
    _ready(scene, "curepoison")
    # not poisoned: refused with the spell's own words, nothing paid
    caster.stats.mana = 40
    reply = scene.cast("curepoison", victim.object_id)
    assert texts_of(reply) == [(said(scene, cure, "unnecessary"), [messages.id("article_none"), _name_of(scene, reply, victim)])]
    assert caster.stats.mana == 40
    # poisoned: its icon and words, vigor taken at once
    vigor = victim.stats.vigor
    heard = _poison_bob(scene)
    assert [m["object"]["id"] for m in heard if m.name == "BP_ADD_ENCHANTMENT"] == [spell_object_id(sickness.number)]
    assert (said(scene, sickness, "target"), []) in texts_of(heard)
    assert victim.stats.vigor == vigor - poison_rules.POISONED_VIGOR_LOSS
    # it bites every 10 s, 5000 / 1000 health each time, never the last point
    victim.stats.health = victim.stats.max_health = victim.stats.base_max_health = 60
    scene.server.advance(10.5)
    assert victim.stats.health == 55
    assert bars(scene.bob.read(), 1)[-1] == 55
    victim.stats.health = 3
    scene.server.advance(10.0)
    assert victim.stats.health == 1
    victim.stats.health = 55
    # a second dose adds up
    _poison_bob(scene, 2000)
    assert [r for r, _ in poison.doses(live, victim.object_id)] == [2000, 5000]
    # the cure: its words to both; the newest dose goes or weakens by the power
    rates = [r for r, _ in poison.doses(live, victim.object_id)]
    reply = cast_with(scene, "curepoison", victim.object_id, 40)
    heard = scene.bob.read()
    assert (said(scene, cure, "target"), []) in texts_of(heard)
    assert (said(scene, cure, "caster"), [dict(cure.resource_ids)["name"], messages.id("article_none"),
                                          _name_of(scene, reply, victim)]) in texts_of(reply)
    left = [r for r, _ in poison.doses(live, victim.object_id)]
    if len(left) == 1:
        assert left == rates[1:] and (said(scene, sickness, "ended"), []) in texts_of(heard)
    else:
        assert left[1:] == rates[1:] and left[0] < rates[0]
        assert (said(scene, cure, "abates"), []) in texts_of(heard)
    # cured until none is left: the icon goes
    for _ in range(10):
        if not live.is_enchanted(victim.object_id, poison.POISON):
            break
        reply = cast_with(scene, "curepoison", victim.object_id, 40)
        heard += scene.bob.read()
    assert not live.is_enchanted(victim.object_id, poison.POISON)
    assert [m["id"] for m in heard if m.name == "BP_REMOVE_ENCHANTMENT"] == [spell_object_id(sickness.number)]
    health = victim.stats.health
    scene.server.advance(20.0)
    assert victim.stats.health >= health


def test_poison_wears_off_with_its_time(scene: Scene) -> None:
    live = scene.server.hub.world
    sickness = scene.world.spells[poison.POISON]
    victim = scene.target
    victim.stats.health = victim.stats.max_health = victim.stats.base_max_health = 60
    _poison_bob(scene, 1000, 25_000)
    scene.server.advance(24.0)
    assert live.is_enchanted(victim.object_id, poison.POISON)
    scene.server.advance(2.0)
    heard = scene.bob.read()
    assert not live.is_enchanted(victim.object_id, poison.POISON)
    assert (said(scene, sickness, "ended"), []) in texts_of(heard)
    assert [m["id"] for m in heard if m.name == "BP_REMOVE_ENCHANTMENT"] == [spell_object_id(sickness.number)]
    assert victim.stats.health == 58  # two bites of 1000 / 1000


def test_resist_poison_lets_its_bearer_shrug_poison_off(scene: Scene) -> None:
    world, caster, victim = scene.world, scene.caster, scene.target
    live = scene.server.hub.world
    resist, sickness = world.spells["resistpoison"], world.spells[poison.POISON]
    _ready(scene, "resistpoison")
    caster.spells["resistpoison"] = 99
    reply = cast_with(scene, "resistpoison", victim.object_id, 40)
    told, heard = _after_trance(scene, "resistpoison", reply)
    assert live.is_enchanted(victim.object_id, "resistpoison")
    assert (said(scene, resist, "target"), []) in texts_of(heard)
    chance = poison.resist_chance(live, victim.object_id)
    assert 10 <= chance <= 99
    shrugged = 0
    for _ in range(20):
        heard = _poison_bob(scene, 1000)
        if (said(scene, sickness, "resisted"), []) in texts_of(heard):
            shrugged += 1
        scene.server.advance(1.0)
    assert shrugged > 0
    assert len(poison.doses(live, victim.object_id)) == 20 - shrugged


def _fight_ready(scene: Scene, health: int = 60) -> None:
    """Both grown up (past the newbies' protection), the caster's safety off."""
    for player in (scene.caster, scene.target):
        player.stats.max_health = player.stats.base_max_health = player.stats.health = health
    scene.caster.safety = False


def test_poison_fog_poisons_one_who_breathes_it(scene: Scene) -> None:
    world, caster, victim = scene.world, scene.caster, scene.target
    live = scene.server.hub.world
    spell, sickness = world.spells["summonpoisonfog"], world.spells[poison.POISON]
    assert spell.effect == "poison_fog" and spell.level == 3
    _ready(scene, "summonpoisonfog")
    caster.stats.karma = -30  # Qor's
    _face_open_ground(scene, wall_rules.fog_squares)
    reply = _cast_untargeted(scene, "summonpoisonfog")
    told, seen = _after_trance(scene, "summonpoisonfog", reply)
    assert (said(scene, spell, "caster"), []) in texts_of(told)
    clouds = live.walls.in_room(caster.room)
    assert len([m for m in seen if m.name == "BP_CREATE"]) == len(clouds) > 0
    odds = max(50, min(90, 50 + power(scene, "summonpoisonfog") // 2))
    assert all(c.strength == odds for c in clouds)
    cloud = next(c for c in clouds if _open_beside(scene, c))
    # the caster's safety spares an innocent: it holds its breath
    _fight_ready(scene)
    caster.safety = True
    heard = _step_onto(scene, cloud)
    assert (said(scene, spell, "unaffected"), []) in texts_of(heard) and not poison.doses(live, victim.object_id)
    # safety off: by the odds, poisoned (its words, the poison's icon and words)
    caster.safety = False
    for _ in range(20):
        cloud.touched.clear()
        heard = _step_onto(scene, cloud)
        if poison.doses(live, victim.object_id):
            break
        assert (said(scene, spell, "unaffected"), []) in texts_of(heard)
    ((rate, left),) = poison.doses(live, victim.object_id)
    assert rate == spell.figure("poison_rate") and spell.figure("poison_ms") - 1000 <= left <= spell.figure("poison_ms")
    assert (said(scene, spell, "inhaled"), []) in texts_of(heard)
    assert (said(scene, sickness, "target"), []) in texts_of(heard)
    assert [m["object"]["id"] for m in heard if m.name == "BP_ADD_ENCHANTMENT"] == [spell_object_id(sickness.number)]


@pytest.mark.parametrize("key", ["firewall", "lightningwall"])
def test_a_wall_of_fire_or_lightning_burns_who_is_in_it(scene: Scene, key: str) -> None:
    world, caster, victim = scene.world, scene.caster, scene.target
    live = scene.server.hub.world
    spell = world.spells[key]
    assert spell.effect == "damage_wall"
    _ready(scene, key)
    caster.spells[key] = 99
    caster.stats.mysticism = 70
    _face_open_ground(scene, wall_rules.bramble_squares)
    reply = _cast_untargeted(scene, key)
    told, seen = _after_trance(scene, key, reply)
    assert (said(scene, spell, "caster"), []) in texts_of(told)
    made = [m for m in seen if m.name == "BP_CREATE"]
    elements = live.walls.in_room(caster.room)
    assert len(made) == len(elements) and 0 < len([e for e in elements if e.active]) <= 5
    assert len([e for e in elements if not e.active]) <= spell.figure("fillers") == 4
    assert all(m["icon"] == said(scene, spell, "element_icon") for m in made)
    most = max(spell.figure("most_min"), min(spell.figure("most_max"), power(scene, key) // spell.figure("most_div")))
    assert all(e.strength == most for e in elements)
    flame = next(e for e in elements if e.active and _open_beside(scene, e))
    _fight_ready(scene, 200)
    heard = _step_onto(scene, flame)
    taken = 200 - victim.stats.health
    assert 1 <= taken <= most
    assert (said(scene, spell, wall_rules.burn_purpose(taken)), []) in texts_of(heard)
    # standing in it burns again each interval
    health = victim.stats.health
    scene.server.advance(2.0)
    assert victim.stats.health < health
    # a resistance to its type takes its share off: all of it, so 1 a burn
    kind = {2: "fire", 4: "shock"}[spell.damage_spell]
    live.enchant(victim.object_id, f"resist{kind}", 60_000, Effect({f"resist_{kind}": 100}))
    scene.bob.read()
    health = victim.stats.health
    scene.server.advance(6.0)
    heard = scene.bob.read()
    burns = [f for f, _ in texts_of(heard) if f == said(scene, spell, "burn_5")]
    shown = [health, *bars(heard, 1)]
    drops = [before - after for before, after in zip(shown, shown[1:]) if after < before]  # regeneration aside
    assert len(burns) >= 3 and len(drops) >= 2 and set(drops) == {1}  # a bite and a regeneration may net out
    # a monster standing in it burns too, until it dies: the caster's kill
    monster = next(m for m in live.monsters() if m.kind == "giantrat")
    live._monsters.remove(monster)
    monster.room, monster.y, monster.x = flame.room, flame.y, flame.x
    monster.hit_points = 2
    live._monsters._add(monster)
    victim.y, victim.x = square_centre(*square_of(victim.y + 3 * FINENESS, victim.x))
    for _ in range(10):
        monster.y, monster.x = flame.y, flame.x  # it may not wander off
        scene.server.advance(0.5)
        if live.object(monster.object_id) is None:
            break
    assert live.object(monster.object_id) is None
    assert any(m.name == "BP_REMOVE" and m["id"] == monster.object_id for m in scene.alice.read())


def test_a_ring_of_flames_closes_around_its_target(scene: Scene) -> None:
    world, caster, victim = scene.world, scene.caster, scene.target
    live = scene.server.hub.world
    spell = world.spells["ringofflames"]
    assert spell.effect == "ring_of_flames" and spell.targets == 1
    _ready(scene, "ringofflames")
    caster.spells["ringofflames"] = 99
    _fight_ready(scene, 200)
    # Alice faces Bob
    row, col = square_of(caster.y, caster.x)
    b_row, b_col = square_of(victim.y, victim.x)
    caster.angle = next(a for a in range(0, 4096, 128) if casting_rules.in_view(a, row, col, b_row, b_col))
    reply = cast_with(scene, "ringofflames", victim.object_id, 40)
    told, seen = _after_trance(scene, "ringofflames", reply)
    assert (said(scene, spell, "target"), []) in texts_of(seen)
    messages = world.messages
    assert messages is not None
    assert (said(scene, spell, "caster"), [messages.id("article_none"), victim.name]) in texts_of(told)
    made = [m for m in seen if m.name == "BP_CREATE"]
    ring = live.walls.in_room(victim.room)
    assert len(made) == len(ring) > 0
    around = {square_of(e.y, e.x) for e in ring if e.active}
    assert (b_row, b_col) not in around and all(abs(r - b_row) <= 1 and abs(c - b_col) <= 1 for r, c in around)
    assert len([e for e in ring if not e.active]) == 4  # the fillers on its own square's corners
    # stepping out, it burns
    flame = next(e for e in ring if e.active and _open_beside(scene, e))
    heard = _step_onto(scene, flame)
    assert any(f == said(scene, spell, wall_rules.burn_purpose(200 - victim.stats.health)) for f, _ in texts_of(heard))
    assert victim.stats.health < 200


def test_a_spore_burst_holds_who_moves_within_it(scene: Scene) -> None:
    world, caster, victim = scene.world, scene.caster, scene.target
    live = scene.server.hub.world
    spell = world.spells["sporeburst"]
    assert spell.effect == "spore_burst"
    hold = next(s for s in world.spells.values() if s.number == spell.figure("hold_number"))
    _ready(scene, "sporeburst")
    caster.spells["sporeburst"] = 99
    caster.stats.mysticism = 70
    reply = _cast_untargeted(scene, "sporeburst")
    told, seen = _after_trance(scene, "sporeburst", reply)
    assert (said(scene, spell, "caster"), []) in texts_of(told)
    clouds = live.walls.in_room(caster.room)
    radius = max(1, min(3, power(scene, "sporeburst") // 30))
    assert len([c for c in clouds if c.active]) == 1 and all(c.strength == radius for c in clouds)
    assert len([m for m in seen if m.name == "BP_CREATE"]) == len(clouds) <= 1 + 4 + 8 + 12
    (centre,) = [c for c in clouds if c.active]
    assert square_of(centre.y, centre.x) == square_of(caster.y, caster.x)
    # its caster moves freely within it
    scene.alice.request("BP_REQ_MOVE", y=caster.y, x=caster.x + 8, speed=18,
                        room={"id": live.room_id(caster.room), "amount": None})
    assert not live.enchantment_flag(caster.object_id, "held")
    # the caster's safety spares an innocent
    _fight_ready(scene)
    caster.safety = True
    heard = _step_onto(scene, centre)
    assert (said(scene, spell, "unaffected"), []) in texts_of(heard)
    assert not live.enchantment_flag(victim.object_id, "held")
    # safety off: held, with the hold's words and icon, for its base time and the reach more
    caster.safety = False
    centre.touched.clear()
    heard = _step_onto(scene, centre)
    assert live.enchantment_flag(victim.object_id, "held")
    assert (said(scene, spell, "held"), []) in texts_of(heard)
    assert [m["object"]["id"] for m in heard if m.name == "BP_ADD_ENCHANTMENT"] == [spell_object_id(hold.number)]
    (held,) = [e for e in live.enchantments_of(victim.object_id) if e.spell == hold.key]
    assert held.due_ms is not None
    assert held.due_ms - round(live.game_time * 1000) <= (spell.figure("hold_base") + radius) * 1000
    scene.server.advance(spell.figure("hold_base") + radius + 1.0)
    assert not live.enchantment_flag(victim.object_id, "held")


def test_a_dusk_rats_bite_may_poison(scene: Scene) -> None:
    world, victim = scene.world, scene.target
    live = scene.server.hub.world
    sickness = world.spells[poison.POISON]
    assert sickness.figure("duskrat_chance") == 6 and sickness.figure("spider_chance") == 30
    rats = [m for m in live.monsters() if m.kind == "duskrat"]
    assert rats, "no dusk rat in the world"
    rat = rats[0]
    live._monsters.remove(rat)
    rat.room, rat.y, rat.x = victim.room, victim.y, victim.x + FINENESS
    live._monsters._add(rat)
    victim.stats.max_health = victim.stats.base_max_health = victim.stats.health = 500
    heard: list[Message] = []
    for _ in range(240):
        scene.server.advance(1.0)
        heard += scene.bob.read()
        scene.alice.read()
        scene.bob.request("BP_PING")
        victim.stats.health = max(victim.stats.health, 100)
        if live.object(rat.object_id) is None:
            break
        rat.room, rat.y, rat.x = victim.room, victim.y, victim.x + FINENESS  # it stays at its victim
        if poison.doses(live, victim.object_id):
            break
    ((rate, left),) = poison.doses(live, victim.object_id)
    assert rate == sickness.figure("duskrat_rate") and left <= sickness.figure("duskrat_ms")
    assert (said(scene, sickness, "target"), []) in texts_of(heard)


def test_a_spider_web_sticks_who_walks_into_it(scene: Scene) -> None:
    world, caster, victim = scene.world, scene.caster, scene.target
    live = scene.server.hub.world
    spell = world.spells["summonweb"]
    assert spell.effect == "spider_web"
    _ready(scene, "summonweb")
    caster.spells["summonweb"] = 99
    _face_open_ground(scene, wall_rules.fog_squares)
    reply = _cast_untargeted(scene, "summonweb")
    told, seen = _after_trance(scene, "summonweb", reply)
    assert (said(scene, spell, "caster"), []) in texts_of(told)
    webs = live.walls.in_room(caster.room)
    assert len([m for m in seen if m.name == "BP_CREATE"]) == len(webs) > 0
    most = max(3, min(5, 3 + power(scene, "summonweb") // 33))
    assert all(w.strength == most for w in webs)
    web = next(w for w in webs if _open_beside(scene, w))
    _fight_ready(scene)
    heard = _step_onto(scene, web)
    (stuck,) = [e for e in live.enchantments_of(victim.object_id) if e.spell == "summonweb"]
    assert stuck.due_ms is not None
    seconds = round((stuck.due_ms - round(live.game_time * 1000)) / 1000)
    assert 1 <= seconds <= most
    assert any(f in {said(scene, spell, p) for p in ("stuck_1", "stuck_2", "stuck_3", "stuck_5")} for f, _ in texts_of(heard))
    # stuck: a move is refused, the client put back where it stands
    y, x = victim.y, victim.x
    refused = scene.bob.request("BP_REQ_MOVE", y=y, x=x + FINENESS // 2, speed=18,
                                room={"id": live.room_id(victim.room), "amount": None})
    assert (victim.y, victim.x) == (y, x)
    assert [(m["y"], m["x"]) for m in refused if m.name == "BP_MOVE" and m["id"] == victim.object_id] == [(y, x)]
    # it wears off in its time (one who still stands in the web is caught again)
    scene.server.advance(most + 1.0)
    scene.bob.read()
    assert stuck not in live.enchantments_of(victim.object_id)


def test_poison_waits_while_its_bearer_is_away(scene: Scene, kod_tree: KodTree) -> None:
    live = scene.server.hub.world
    sickness = scene.world.spells[poison.POISON]
    victim = scene.target
    _poison_bob(scene, 3000, 60_000)
    scene.server.advance(10.5)  # one bite
    ((_, left),) = poison.doses(live, victim.object_id)
    scene.bob.request("BP_LOGOFF")
    scene.server.advance(120.0)  # away longer than the dose lasts: its time does not run
    bob = scene.server.connect()
    for resource_id, text in _client_texts(kod_tree).items():
        bob.codec.resources.add(resource_id, text)
    bob.login_to_game("bob", "pw-bob")
    me = bob.enter_world("Bram")["id"]
    scene.bob = bob  # the one that logged off was closed by the server, as it should
    assert me == victim.object_id
    ((rate, kept),) = poison.doses(live, me)
    assert rate == 3000 and left - 1000 <= kept <= left
    shown = bob.request("BP_SEND_ENCHANTMENTS", enchantment_type=1)
    assert [m["object"]["id"] for m in shown if m.name == "BP_ADD_ENCHANTMENT"] == [spell_object_id(sickness.number)]
    player = live.player(me)
    health = player.stats.health = player.stats.max_health
    scene.server.advance(10.5)
    assert player.stats.health == health - 3
    assert not bob.closed_by_server



def test_an_illusionary_firewall_wounds_that_heal(scene: Scene) -> None:
    world, caster, victim = scene.world, scene.caster, scene.target
    live = scene.server.hub.world
    spell = world.spells["illusionaryfirewall"]
    assert spell.effect == "illusion_wall" and spell.school == "riija"
    _ready(scene, "illusionaryfirewall")
    caster.spells["illusionaryfirewall"] = 99
    caster.stats.mysticism = 70
    _face_open_ground(scene, wall_rules.bramble_squares)
    reply = _cast_untargeted(scene, "illusionaryfirewall")
    told, seen = _after_trance(scene, "illusionaryfirewall", reply)
    assert (said(scene, spell, "caster"), []) in texts_of(told)
    flames = live.walls.in_room(caster.room)
    spell_power = power(scene, "illusionaryfirewall")
    assert spell_power >= wall_rules.ILLUSION_LEAST_POWER and all(f.strength == spell_power for f in flames)
    flame = next(f for f in flames if f.active and _open_beside(scene, f))
    _fight_ready(scene)
    most = wall_rules.wound_most(spell_power, wall_rules.player_wound_base(victim.stats.intellect), 60, 60)
    heard: list[Message] = []
    for _ in range(10):
        flame.touched.clear()
        victim.stats.health = 60
        heard = _step_onto(scene, flame)
        if live.is_enchanted(victim.object_id, spell.key):
            break
    (wound,) = [e for e in live.enchantments_of(victim.object_id) if e.spell == spell.key]
    taken = wound.state["wounds"]
    assert 1 <= taken <= most and victim.stats.health == 60 - taken
    assert (said(scene, spell, wall_rules.burn_purpose(taken)), []) in texts_of(heard)
    assert not [m for m in heard if m.name == "BP_ADD_ENCHANTMENT"]  # no icon for wounds
    # out of the fire, the wounds heal in their time, with the words that they were illusions
    victim.y, victim.x = caster.y, caster.x
    left = wound.state["left_ms"]
    assert left <= 80_000
    scene.server.advance(left / 1000 + 1.0)
    healed = scene.bob.read()
    assert not live.is_enchanted(victim.object_id, spell.key)
    assert (said(scene, spell, "wounds_healed"), []) in texts_of(healed)
    assert victim.stats.health == 60
