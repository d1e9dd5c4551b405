#!/usr/bin/env bash
# Regenerates crates/store/geographie/ from the npm package @etalab/decoupage-administratif,
# pinned below. Needs Node.js and npm. The extract's fingerprint changes with its content, and
# Pilote reloads the geography on its next start.
set -euo pipefail
# 6.0.0 follows the COG 2026: a new version changes MILLESIME in crates/store/src/geographie.rs.
VERSION=6.0.0
racine=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npm install --no-audit --no-fund --silent --prefix "$tmp" "@etalab/decoupage-administratif@$VERSION"
node "$racine/scripts/geographie/extraire.mjs" \
  "$tmp/node_modules/@etalab/decoupage-administratif" "$racine/crates/store/geographie" "$VERSION"
