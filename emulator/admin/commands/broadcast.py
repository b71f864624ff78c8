"""``broadcast``: a system line every player in the world reads."""

from __future__ import annotations

import argparse

from emulator.admin import targets
from emulator.admin.registry import Call, Command, CommandError
from emulator.game import operator

#: The longest broadcast (the client's chat window shows longer text, but a broadcast is a line).
MAX_BROADCAST_CHARACTERS = 500


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="+", help="what every player reads")


def _broadcast(call: Call) -> str:
    text = " ".join(call.args.text).strip()
    if not text:
        raise CommandError("broadcast: nothing to say")
    if len(text) > MAX_BROADCAST_CHARACTERS:
        raise CommandError(f"broadcast: at most {MAX_BROADCAST_CHARACTERS} characters, not {len(text)}")
    told = operator.tell_everyone(targets.hub_of(call).context, text)
    return f"told {told} player{'s' if told != 1 else ''}"


COMMANDS = (
    Command("broadcast", "a system message every player in the world reads", _broadcast, _arguments,
            examples=("'The bank opens at noon.'", "Welcome to the festival")),
)
