#!/usr/bin/env bash
# Makes sure an S3-compatible server answers for the tests of crates/stockage and prints its
# address, in the form `pilote-stockage` reads (`s3://CLÉ:SECRET@hôte:port/compartiment?…`).
# Uses the one at $PILOTE_TEST_S3_URL or 127.0.0.1:54330 if it answers; otherwise installs moto
# (pinned) in a Python venv under ${XDG_CACHE_HOME:-$HOME/.cache}/pilote/moto and starts
# `moto_server` in the background on 127.0.0.1:54330, or on a free port if 54330 is taken.
# It creates nothing on the server: the tests create their bucket (and, on moto, their IAM user).
set -euo pipefail
version_moto=5.2.5
port_defaut=54330

adresse() { echo "s3://pilote:pilote-secret@127.0.0.1:$1/pilote-test?region=us-east-1&https=false"; }
repond() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }

if [ -n "${PILOTE_TEST_S3_URL:-}" ]; then
  hote_port=$(sed -E 's|^s3://([^@]*@)?([^/?]+).*|\2|' <<<"$PILOTE_TEST_S3_URL")
  schema=http
  grep -q 'https=false' <<<"$PILOTE_TEST_S3_URL" || schema=https
  if curl -sS -o /dev/null --max-time 2 "$schema://$hote_port/" 2>/dev/null; then
    echo "$PILOTE_TEST_S3_URL"
    exit 0
  fi
fi
if repond "http://127.0.0.1:$port_defaut/moto-api/data.json"; then
  adresse "$port_defaut"
  exit 0
fi

cache=${XDG_CACHE_HOME:-$HOME/.cache}/pilote/moto
if [ ! -x "$cache/bin/moto_server" ] || ! "$cache/bin/python" -c "
import importlib.metadata, sys
sys.exit(importlib.metadata.version('moto') != '$version_moto')" 2>/dev/null; then
  echo "moto $version_moto absent : installation dans $cache" >&2
  "$(command -v python3.11 || command -v python3)" -m venv "$cache" >&2
  "$cache/bin/pip" install -q --disable-pip-version-check "moto[server]==$version_moto" >&2
fi

port=$port_defaut
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  # Something else listens on the default port: take a free one.
  port=$("$cache/bin/python" -c "
import socket
s = socket.socket()
s.bind(('127.0.0.1', 0))
print(s.getsockname()[1])")
fi
journal="$cache/moto-$port.log"
nohup setsid "$cache/bin/moto_server" -H 127.0.0.1 -p "$port" >"$journal" 2>&1 </dev/null &
for _ in $(seq 1 100); do
  if repond "http://127.0.0.1:$port/moto-api/data.json"; then
    adresse "$port"
    exit 0
  fi
  sleep 0.2
done
echo "moto_server ne répond pas sur 127.0.0.1:$port (journal : $journal)" >&2
tail -20 "$journal" >&2
exit 1
