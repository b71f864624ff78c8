"""Construct declarations of every Meridian 59 message, in both modes and directions.

Importing this package fills the registry (:mod:`protocol_specs.registry`).
"""

from protocol_specs import login, client_requests, server_messages  # noqa: F401  (register schemas)
from protocol_specs.registry import (  # noqa: F401
    C2S,
    GAME,
    LOGIN,
    S2C,
    Direction,
    Gap,
    MessageSpec,
    Mode,
    all_gaps,
    all_specs,
    gap_for,
    spec_for,
    spec_named,
)
