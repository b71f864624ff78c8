"""The server's running counts: plain integers bumped where things happen.

The hot paths (every game request, every login) only add one to a number here; the
metrics read them when Prometheus scrapes (``emulator.admin.metrics``).
"""

from __future__ import annotations

from collections import Counter

import attrs


@attrs.define(eq=False)
class ServerCounters:
    """Counts since the server started."""

    #: Connections accepted, and refused at the door by limit ("max_connections_total", ...).
    connections_accepted: int = 0
    connections_refused: Counter[str] = attrs.field(factory=Counter)
    #: Logins that reached the character menu.
    logins: int = 0
    #: Logins refused, by reason: "bad_credentials", "banned", "throttled", "account_in_use",
    #: "client_too_old", "unavailable" (the store failed).
    login_failures: Counter[str] = attrs.field(factory=Counter)
    #: Game-mode requests received, by kind (message name), dropped ones included ...
    requests: Counter[str] = attrs.field(factory=Counter)
    #: ... and those dropped for being over the connection's request budget.
    requests_dropped: Counter[str] = attrs.field(factory=Counter)
