"""``help``: the commands the caller may run, or one command's usage."""

from __future__ import annotations

import argparse

from emulator.admin.registry import Call, Command, CommandError, Rights


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("command", nargs="*", help="a command's name, for its usage")


def _help(call: Call) -> str:
    registry = call.control.registry
    if call.args.command:
        name = " ".join(call.args.command).lower()
        try:
            registry.get(name)
        except KeyError:
            raise CommandError(f"help: no command {name!r}") from None
        return registry.usage(name)
    lines = [f"{command.name:16} {command.summary}" for command in registry if call.caller.may(command.rights)]
    return "\n".join(lines + ["'help COMMAND' shows a command's arguments."])


COMMANDS = (
    Command("help", "list the commands, or show one command's arguments", _help, _arguments,
            rights=Rights.DM, needs_world=False, examples=("", "help")),
)
