#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers for the conformance suite and prints its URL.
# Uses the one at $PILOTE_TEST_POSTGRES_URL or 127.0.0.1:5432 if it answers; otherwise
# installs Debian's postgresql package if needed and starts a throw-away cluster on port 54329.
set -euo pipefail
url=${PILOTE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
hote=$(sed -E 's|^[a-z]+://([^@]*@)?([^:/]+).*|\2|' <<<"$url")
port=$(sed -E 's|^[a-z]+://([^@]*@)?[^:/]+:?([0-9]*).*|\2|' <<<"$url")
if command -v pg_isready >/dev/null && pg_isready -q -h "$hote" -p "${port:-5432}"; then
  echo "$url"
  exit 0
fi
if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "PostgreSQL absent : installation du paquet Debian postgresql" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
donnees=$(mktemp -d /tmp/pilote-pg.XXXXXX)
chown postgres "$donnees" 2>/dev/null || true
executer() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
executer "'$bin/initdb' -D '$donnees' -U postgres --auth=trust -E UTF8 >/dev/null"
executer "'$bin/pg_ctl' -D '$donnees' -o '-p 54329 -k /tmp -c listen_addresses=127.0.0.1' -w start >/dev/null"
echo "postgres://postgres@127.0.0.1:54329/postgres"
