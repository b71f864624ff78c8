"""Sans-IO login: the server side of a connection up to (and around) game mode."""

from emulator.connection.events import (
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
from emulator.connection.machine import ConnectionMachine, State

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
    "ConnectionMachine",
    "State",
    "Verdict",
    "VerifyLogin",
]
