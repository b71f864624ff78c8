"""The stock client's in-game consoles: BP_REQ_ADMIN (admin accounts) and BP_REQ_DM
(admin and DM accounts), answered with BP_ADMIN text.

As the original server does, a console line is echoed ("> line") and the command's
output follows; a DM shortcut (go to a room, go to a player, bring a player) is shown as
the command it stands for. Requests from other accounts get nothing back and are logged
once per session. The commands themselves are the operator's registry, reached through
``ctx.operator_console`` (the game side does not import the operator's side).
"""

from __future__ import annotations

from collections.abc import Iterator

from emulator.game.context import GameContext
from emulator.game.requests import Fields, System
from emulator.game.session import Avatar, GameSession
from emulator.logs import logger
from emulator.store.accounts import ADMIN, DM
from protocol_specs.common import TEXT_ENCODING

log = logger("m59emu.game")

#: Characters of output per BP_ADMIN message: the client's admin window reads each as
#: one piece of text; long output comes in several.
CHUNK_CHARACTERS = 1000
#: Output past this is cut (a console is not a file viewer).
MAX_OUTPUT_CHARACTERS = 64_000
#: The longest line a console may send (the original's buffer).
MAX_LINE_CHARACTERS = 500

#: BP_REQ_DM types (the original's DM_CMD_*).
DM_GO_ROOM, DM_GO_PLAYER, DM_GET_PLAYER = 1, 2, 3


def admin_request(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    if session.account.admin_level != ADMIN:
        _refused(session, "BP_REQ_ADMIN")
        return
    _run(ctx, session, avatar, str(fields["command"]))


def dm_request(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    if session.account.admin_level not in (ADMIN, DM):
        _refused(session, "BP_REQ_DM")
        return
    argument = str(fields["argument"]).strip()
    words = {
        DM_GO_ROOM: f"teleport me {_quoted(argument)}",
        DM_GO_PLAYER: f"teleport me --to-player {_quoted(argument)}",
        DM_GET_PLAYER: f"teleport {_quoted(argument)} --to-player me",
    }
    line = words.get(fields["dm_type"])
    if line is None or not argument:
        log.info("BP_REQ_DM of unknown type {dm_type} from {account}", dm_type=fields["dm_type"],
                 account=session.account.name)
        return
    _run(ctx, session, avatar, line)


def _run(ctx: GameContext, session: GameSession, avatar: Avatar, line: str) -> None:
    line = line[:MAX_LINE_CHARACTERS]
    _send(ctx, session, f"> {line}")
    console = ctx.operator_console
    if console is None:
        _send(ctx, session, "The operator's commands are not available on this server.")
        return
    answer = console(session.account, avatar.player_id, line)

    def show(text: str) -> None:
        if ctx.is_current(session):  # the player may have left while it ran
            _send(ctx, session, text)
            ctx.flush_session(session)

    answer.addCallback(show)
    answer.addErrback(lambda failure: log.failure("in-game console output failed", failure))


def _send(ctx: GameContext, session: GameSession, text: str) -> None:
    for chunk in chunks(text):
        session.send("BP_ADMIN", text=chunk)


def chunks(text: str) -> Iterator[str]:
    """The text in pieces of at most :data:`CHUNK_CHARACTERS`, cut at line ends where it
    can; characters the client's encoding lacks become "?"."""
    text = text.encode(TEXT_ENCODING, "replace").decode(TEXT_ENCODING)
    if len(text) > MAX_OUTPUT_CHARACTERS:
        text = text[:MAX_OUTPUT_CHARACTERS] + "\n(output cut)"
    text = text.rstrip("\n") + "\n"
    while text:
        if len(text) <= CHUNK_CHARACTERS:
            yield text
            return
        cut = text.rfind("\n", 0, CHUNK_CHARACTERS) + 1 or CHUNK_CHARACTERS
        yield text[:cut]
        text = text[cut:]


def _refused(session: GameSession, request: str) -> None:
    if request not in session.unhandled:
        session.unhandled.add(request)  # logged once per session, as an unhandled request
        log.warn("{request} from account {account}, which may not use it; ignored", request=request,
                 account=session.account.name)


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "") + "'"


SYSTEM = System("admin", in_world={"BP_REQ_ADMIN": admin_request, "BP_REQ_DM": dm_request})
