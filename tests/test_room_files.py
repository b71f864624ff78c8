"""With ``[world] room_files``, the room's security value and walls come from the
client's own .roo files; a file that does not fit the content stops the start."""

from __future__ import annotations

import pytest

from twisted.application.service import Service

from emulator import tap
from emulator.world.roofile import RoomGeometry, encode_roo


def _options(tmp_path, room_files):
    config = tmp_path / "m59.toml"
    config.write_text(f'[world]\nrsc_dir = "{tmp_path / "rsc"}"\nroom_files = "{room_files}"\n')
    options = tap.Options()
    options.parseOptions(["--config", str(config), "--database", f"sqlite:///{tmp_path / 'w.db'}"])
    return options


def test_security_and_walls_come_from_the_client_room_file(tmp_path):
    rooms = tmp_path / "resource"
    rooms.mkdir()
    walled = RoomGeometry.open_floor(10, 14, blocked={(5, 10)}, security=0x12345678)
    (rooms / "jasinn.roo").write_bytes(encode_roo(walled))
    from twisted.internet.testing import MemoryReactorClock

    service = tap.makeService(_options(tmp_path, rooms), reactor=MemoryReactorClock(), store=Service())
    game = service.getServiceNamed("game")
    assert game.hub.context.security_of("jasper_inn") == 0x12345678  # not the data file's 0x899DEED0
    world = game.hub.world
    from emulator.world.world import Stats

    player_id, _ = world.add_player(1, "Tester", None, Stats(), 0.0)
    player = world.player(player_id)
    refused = world.move(player_id, "jasper_inn", 5 * 64 + 32, 10 * 64 + 32, 18, 1.0)
    assert type(refused[0]).__name__ == "MoveRefused"
    assert (world.player(player_id).y, world.player(player_id).x) == (player.y, player.x)


def test_a_room_file_of_another_size_stops_the_start(tmp_path, capsys):
    rooms = tmp_path / "resource"
    rooms.mkdir()
    (rooms / "jasinn.roo").write_bytes(encode_roo(RoomGeometry.open_floor(3, 3)))
    from twisted.internet.testing import MemoryReactorClock

    with pytest.raises(SystemExit):
        tap.makeService(_options(tmp_path, rooms), reactor=MemoryReactorClock(), store=Service())
    assert "jasinn.roo" in capsys.readouterr().err
