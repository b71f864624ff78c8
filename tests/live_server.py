"""The real server on a loopback port, for the end-to-end tests (see emulator.testing.live)."""

from emulator.testing.live import LiveClient, LiveServer, free_port, run_cli

__all__ = ["LiveClient", "LiveServer", "free_port", "run_cli"]
