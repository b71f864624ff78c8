"""The sans-IO connection state machine: login mode, then the game-mode envelope."""

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
