"""The ``m59emu`` operator command; its entry point is ``emulator.cli.main.main``."""
