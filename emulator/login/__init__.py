"""Sans-IO login: the server side of a connection up to (and around) game mode."""

from emulator.login.events import (
    Disconnect,
    EnterGame,
    GameRequest,
    LeaveGame,
    Log,
    LoggedIn,
    Output,
    Refusal,
    Send,
    Verdict,
    VerifyLogin,
)
from emulator.login.session import ServerConnection, State

__all__ = [
    "Disconnect",
    "EnterGame",
    "GameRequest",
    "LeaveGame",
    "Log",
    "LoggedIn",
    "Output",
    "Refusal",
    "Send",
    "ServerConnection",
    "State",
    "Verdict",
    "VerifyLogin",
]
