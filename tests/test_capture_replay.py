"""Every frame of every shared capture decodes exactly, with zero bytes left over."""

from __future__ import annotations

import io
import json

import pytest

from emulator.capture import CaptureError, CaptureWriter, decode_capture, parse_capture_lines, read_capture
from emulator.cli.main import main
from protocol_specs.registry import C2S, GAME, S2C
from tests.conftest import capture_files

# Frame counts per file, as listed in the captures' README.
EXPECTED_FRAMES = {
    "login_bad_password.jsonl": 3,
    "login_to_game.jsonl": 33,
    "walk_and_say.jsonl": 55,
    "shop_buy_list.jsonl": 37,
    "stats_and_spells.jsonl": 52,
    "harness_cli_smoke.jsonl": 40,
}


def test_all_expected_captures_are_present(captures_dir):
    assert set(EXPECTED_FRAMES) <= {path.name for path in capture_files()}


@pytest.mark.parametrize("name", sorted(EXPECTED_FRAMES))
def test_capture_decodes_exactly(name, captures_dir, capture_resources):
    decoded = list(decode_capture(read_capture(captures_dir / name), capture_resources))
    problems = [(index, item.direction.value, item.frame.payload[:1].hex(), str(item.error)) for index, item in enumerate(decoded) if item.error]
    assert problems == []
    assert all(item.message is not None for item in decoded)
    assert len(decoded) == EXPECTED_FRAMES[name]


def test_game_mode_frames_were_security_checked(captures_dir, capture_resources):
    decoded = list(decode_capture(read_capture(captures_dir / "stats_and_spells.jsonl"), capture_resources))
    user_commands = [item for item in decoded if item.direction is C2S and item.mode is GAME and item.message.name == "BP_USERCOMMAND"]
    assert len(user_commands) == 2  # opcode 155: the sign-extended security term


def test_tampered_security_value_is_reported(captures_dir, capture_resources):
    capture = read_capture(captures_dir / "walk_and_say.jsonl")
    decoded = list(decode_capture(capture, capture_resources))
    first_game_c2s = next(item for item in decoded if item.direction is C2S and item.mode is GAME)
    reads = list(capture.reads)
    for index, read in enumerate(reads):
        position = read.data.find(first_game_c2s.frame.payload)
        if read.direction is C2S and position >= 7:
            data = bytearray(read.data)
            data[position - 5] ^= 0xFF  # the check field's high byte
            reads[index] = type(read)(read.time, read.direction, bytes(data), read.eof)
            break
    else:
        pytest.fail("frame not found in a single read")
    tampered = type(capture)(capture.path, capture.header, reads)
    errors = [item.error for item in decode_capture(tampered, capture_resources) if item.error]
    assert len(errors) == 1 and "security value" in str(errors[0])


def test_cli_check_passes_on_every_capture(captures_dir, capsys):
    assert main(["capture", "check", *map(str, capture_files())]) == 0
    out = capsys.readouterr().out
    assert "0 failed" in out and "failed" not in out.replace(" 0 failed", "")


def test_cli_show_prints_one_message_per_frame_and_redacts_passwords(captures_dir, capsys):
    path = captures_dir / "login_to_game.jsonl"
    assert main(["capture", "show", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == EXPECTED_FRAMES["login_to_game.jsonl"]
    login = next(line for line in lines if " AP_LOGIN " in line)
    assert "<redacted>" in login
    assert "7cdf71bb" not in login  # the digest of wirepass1 never reaches the screen
    assert any(" BP_PLAYER " in line for line in lines)


def test_cli_check_fails_and_lists_a_bad_frame(tmp_path, captures_dir, capsys):
    lines = (captures_dir / "login_bad_password.jsonl").read_text().splitlines()
    record = json.loads(lines[2])
    record["hex"] = record["hex"][:-2]  # drop a byte: the last frame is left unfinished
    lines[2] = json.dumps(record)
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join(lines) + "\n")
    assert main(["capture", "check", str(broken), "--resources", str(captures_dir / "resources.tsv")]) == 1
    assert "unfinished frame" in capsys.readouterr().out


def test_writer_output_reads_back():
    buffer = io.StringIO()
    writer = CaptureWriter(buffer, note="test")
    writer.record(0.5, C2S, b"\x01\x02")
    writer.record(0.75, S2C, b"", eof=True)
    path_text = buffer.getvalue()
    header, reads = parse_capture_lines(path_text.splitlines(), "memory")
    assert header["note"] == "test"
    assert [(read.time, read.direction, read.data, read.eof) for read in reads] == [(0.5, C2S, b"\x01\x02", False), (0.75, S2C, b"", True)]


def test_bad_capture_lines_name_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"format":"m59-capture","version":1}\n{"t":0,"dir":"up","hex":"00"}\n')
    with pytest.raises(CaptureError, match=r"bad.jsonl:2"):
        read_capture(path)
