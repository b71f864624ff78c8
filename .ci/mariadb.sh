#!/usr/bin/env bash
# Start a throwaway MariaDB for the store tests and print the shell line that points them at it:
#     eval "$(bash .ci/mariadb.sh)"
# Everything but the final `export` lines goes to stderr, so the output is safe to eval.
# The server runs from a temporary datadir on 127.0.0.1 with its own port and socket; no system
# service is touched. Stop it with: kill "$(cat "$M59_TEST_MYSQL_DIR/mariadbd.pid")"
set -euo pipefail

log() { echo "mariadb.sh: $*" >&2; }

if ! command -v mariadbd >/dev/null 2>&1; then
    log "installing mariadb-server"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends mariadb-server mariadb-client >&2
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/m59-mariadb.XXXXXX")"
port="${M59_MARIADB_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
password="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
sock="$dir/mariadbd.sock"

# --no-defaults: ignore /etc/mysql, whose socket path and datadir belong to the system service.
log "initialising $dir/data"
mariadb-install-db --no-defaults --datadir="$dir/data" --user=root \
    --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 \
    || { cat "$dir/install.log" >&2; exit 1; }

log "starting mariadbd on 127.0.0.1:$port"
setsid mariadbd --no-defaults --datadir="$dir/data" --socket="$sock" --port="$port" \
    --bind-address=127.0.0.1 --user=root --pid-file="$dir/mariadbd.pid" \
    --log-error="$dir/mariadbd.err" --skip-log-bin </dev/null >/dev/null 2>&1 &

for _ in $(seq 1 60); do
    if mariadb-admin --no-defaults --socket="$sock" -uroot ping >/dev/null 2>&1; then
        break
    fi
    sleep 0.5
done
if ! mariadb-admin --no-defaults --socket="$sock" -uroot ping >/dev/null 2>&1; then
    log "mariadbd did not answer; log follows"
    cat "$dir/mariadbd.err" >&2 || true
    exit 1
fi

mariadb --no-defaults --socket="$sock" -uroot <<SQL
CREATE DATABASE m59test CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER 'm59'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON m59test.* TO 'm59'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL
log "ready"

echo "export M59_TEST_MYSQL_URL=mysql://m59:$password@127.0.0.1:$port/m59test"
echo "export M59_TEST_MYSQL_DIR=$dir"
