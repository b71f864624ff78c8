"""Meridian 59 server emulator."""
