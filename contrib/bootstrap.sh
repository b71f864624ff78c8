#!/bin/sh
# Create ./.venv and install the emulator into it.
#   contrib/bootstrap.sh        install the server and the m59emu command
#   contrib/bootstrap.sh test   also install what the test suite needs
# On a fresh Debian, python3 -m venv needs the python3-venv package: it is installed
# with apt (through sudo when not root) if venv creation fails.
set -eu
cd "$(dirname "$0")/.."

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

if [ ! -x .venv/bin/python ]; then
    if ! python3 -m venv .venv 2>/dev/null; then
        rm -rf .venv
        as_root apt-get update -qq
        as_root apt-get install -y -qq python3-venv python3-pip >/dev/null
        python3 -m venv .venv
    fi
fi

.venv/bin/python -m pip install -q --upgrade pip
if [ "${1:-}" = test ]; then
    .venv/bin/python -m pip install -q -e '.[test]'
else
    .venv/bin/python -m pip install -q .
fi
