"""The operator's tools: one command registry behind the SSH console, the in-game admin and
DM consoles and the ``m59emu`` command line, and what those commands act on."""
