"""The ``m59emu`` operator command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from emulator.capture import CaptureError, decode_capture, read_capture
from emulator.wire.codec import plain

REDACTED = "<redacted>"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    return args.run(args)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="m59emu", description="Meridian 59 server emulator tools")
    commands = parser.add_subparsers(title="commands")

    capture = commands.add_parser("capture", help="decode recorded sessions")
    capture_commands = capture.add_subparsers(title="capture commands")

    show = capture_commands.add_parser("show", help="print one decoded message per line")
    show.add_argument("file", type=Path)
    _add_resources_option(show)
    show.set_defaults(run=_capture_show)

    check = capture_commands.add_parser("check", help="fail if any frame does not decode exactly")
    check.add_argument("files", type=Path, nargs="+")
    _add_resources_option(check)
    check.set_defaults(run=_capture_check)

    protocol = commands.add_parser("protocol", help="what the protocol tables declare")
    protocol_commands = protocol.add_subparsers(title="protocol commands")
    listing = protocol_commands.add_parser("messages", help="every declared message")
    listing.set_defaults(run=_protocol_messages)
    gaps = protocol_commands.add_parser("gaps", help="opcodes deliberately left without a schema, with the reason")
    gaps.set_defaults(run=_protocol_gaps)
    return parser


def _protocol_messages(args: argparse.Namespace) -> int:
    import protocol_specs

    for spec in sorted(protocol_specs.all_specs(), key=lambda s: (s.mode.value, s.direction.value, s.opcode)):
        print(f"{spec.mode.value:5} {spec.direction.value} {spec.opcode:3} {spec.name}")
    return 0


def _protocol_gaps(args: argparse.Namespace) -> int:
    import protocol_specs

    for gap in sorted(protocol_specs.all_gaps(), key=lambda g: (g.mode.value, g.direction.value, g.opcode)):
        print(f"{gap.mode.value:5} {gap.direction.value} {gap.opcode:3} {gap.name}: {gap.reason}")
    return 0


def _add_resources_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--resources",
        type=Path,
        help="a .rsc file, a folder of them, or a resources.tsv (default: resources.tsv beside the capture)",
    )


def _resources_for(capture_path: Path, explicit: Path | None):
    from emulator.resources import load_resources

    if explicit is not None:
        return load_resources(explicit)
    beside = capture_path.parent / "resources.tsv"
    return load_resources(beside) if beside.exists() else None


def _capture_show(args: argparse.Namespace) -> int:
    try:
        capture = read_capture(args.file)
        resources = _resources_for(args.file, args.resources)
    except (OSError, CaptureError, ValueError) as error:
        print(f"m59emu: {error}", file=sys.stderr)
        return 2
    failures = 0
    for decoded in decode_capture(capture, resources):
        prefix = f"{decoded.time:9.3f} {decoded.direction.value} {decoded.mode.value:5}"
        if decoded.message is not None:
            line = f"{prefix} {decoded.message.name} {format_fields(decoded.message.fields)}".rstrip()
        else:
            line = f"{prefix} ?"
        if decoded.error is not None:
            failures += 1
            line += f"  !! {decoded.error}"
        print(line)
    return 1 if failures else 0


def _capture_check(args: argparse.Namespace) -> int:
    failed_files = 0
    for path in args.files:
        try:
            capture = read_capture(path)
            resources = _resources_for(path, args.resources)
        except (OSError, CaptureError, ValueError) as error:
            print(f"{path}: cannot read: {error}")
            failed_files += 1
            continue
        frames = problems = 0
        for index, decoded in enumerate(decode_capture(capture, resources)):
            frames += 1
            if decoded.error is not None:
                problems += 1
                opcode = decoded.frame.payload[0] if decoded.frame.payload else "-"
                print(
                    f"{path}: frame {index} ({decoded.direction.value}, {decoded.mode.value}, "
                    f"t={decoded.time:.3f}, opcode {opcode}): {decoded.error}"
                )
        if problems:
            failed_files += 1
        print(f"{path}: {frames} frames, {problems} failed")
    return 1 if failed_files else 0


def format_fields(fields: Any) -> str:
    """``key=value`` pairs on one line; password fields are never printed."""
    return " ".join(f"{key}={_format_value(key, value)}" for key, value in plain(fields).items())


def _format_value(key: str, value: Any) -> str:
    if "password" in key:
        return REDACTED
    if isinstance(value, dict):
        return "{" + " ".join(f"{k}={_format_value(k, v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_format_value(key, item) for item in value) + "]"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


if __name__ == "__main__":
    sys.exit(main())
