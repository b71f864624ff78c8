"""Item attributes in the world, without a client: each ends on its time wherever the
item is (carried, on the ground, stored in a vault), a made one destroyed in the ledger."""

from __future__ import annotations

from emulator.world import item_attributes
from emulator.world.items import ItemAttribute
from emulator.world.world import World
from tests.test_items import balanced, put, world_with_player


def _run_to(world: World, ms: int) -> None:
    while world.game_time * 1000 < ms:
        world.tick(world.game_time + world.rules.tick_interval)


def test_a_made_item_vanishes_wherever_it_is() -> None:
    world, player = world_with_player()
    character = world.player(player).character_id
    carried, lying, stored = put(world, "stick"), put(world, "stick"), put(world, "stick")
    world.pick_up(player, carried.object_id, None, 1.0)
    world.pick_up(player, stored.object_id, None, 1.0)
    assert world.items.store(character, player, 1, [(stored.object_id, None)], 0, (), "test", [])
    assert world.items.box(1, character) == [stored]
    for item in (carried, lying, stored):
        world.items.set_attribute(item.object_id, ItemAttribute(item_attributes.MADE, due_ms=3000, spell="createweapon"))
    _run_to(world, 2000)
    assert carried.object_id in world.items.by_id and world.items.box(1, character) == [stored]
    _run_to(world, 4000)
    assert carried.object_id not in world.items.by_id and lying.object_id not in world.items.by_id
    assert world.items.box(1, character) == []
    assert world.items.ledger.totals["stick"] == (3, 3) and balanced(world)


def test_an_attribute_replaced_keeps_only_the_new_time() -> None:
    world, _ = world_with_player()
    stick = put(world, "stick")
    world.items.set_attribute(stick.object_id, ItemAttribute(item_attributes.GLOWING, 10, 2000, "glowweapon"))
    world.items.set_attribute(stick.object_id, ItemAttribute(item_attributes.GLOWING, 30, 6000, "glowweapon"))
    _run_to(world, 4000)
    glow = stick.attribute(item_attributes.GLOWING)
    assert glow is not None and glow.amount == 30  # the first timer found the attribute changed
    _run_to(world, 7000)
    assert stick.attribute(item_attributes.GLOWING) is None
