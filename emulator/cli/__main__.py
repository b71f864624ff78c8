"""``python -m emulator.cli``: the ``m59emu`` command without the installed script."""

import sys

from emulator.cli.main import main

sys.exit(main())
