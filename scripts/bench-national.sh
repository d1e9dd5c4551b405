#!/usr/bin/env bash
# Benchmark at national scale: 500 contracts and 10,000 fiches-actions, on SQLite and on
# PostgreSQL, against nginx serving the very same bytes.
#
#   1. builds the CLI in release (`cargo build --release -p pilote-cli --locked`, honouring
#      CARGO_TARGET_DIR; skipped when PILOTE_BIN names a binary already built);
#   2. generates the national data set with ../shared/bench/contrats_nationaux.py (TOML files
#      in the import format; real territories from crates/store/geographie);
#   3. for each database (a fresh SQLite file; a PostgreSQL database, dropped and recreated,
#      on the server printed by scripts/postgres-de-test.sh): `pilote migrate` (schema and
#      official geography) then `pilote import` of the whole set, each timed;
#      then prints the plans of the store's reads on that data (scripts/bench-national/plans.py:
#      EXPLAIN of the queries of a contract's page, a fiche-action's page and a session, on
#      PostgreSQL as the application's role with a coordinator's roles, row-level security
#      included); any full scan of a table of more than 5,000 rows makes the script fail;
#   4. serves that database with `pilote serve` (no --demo) on a free loopback port;
#   5. fetches once with curl, and saves, the bytes of fourteen routes: the portal's home `/`,
#      the list of contracts `/contrats`, the search of a commune `/communes?q=saint` (twenty
#      communes found) and its suggestions `/communes/suggestions?q=sai`, a commune's page
#      `/communes/69123` (Lyon), the open data page `/donnees`, one
#      contract's page `/contrats/{id}` (the first contract of the set by file name) and its
#      dashboard `/contrats/{id}/tableau-de-bord`, the page
#      of its first fiche-action `/contrats/{id}/fiches/{numero}`, `GET /api/v1/contrats`,
#      `GET /api/v1/contrats/{id}`, the national portfolio `/portefeuille` (500 contracts, two
#      maps), one région's `/portefeuille?region=84&carte=contrats` and the administration's
#      list of accounts `/administration/comptes` (one pilot's account per fiche-action,
#      added by aide.py comptes, all seen by a national agent). All are read
#      anonymously except the fiche-action's page, which is its editor and needs the right to
#      modify it, and the portfolios and the list of accounts: those are read with the session
#      of an account created for the benchmark (`pilote user add`, roles coordinateur:{id} and
#      ars:national) and
#      signed in through `POST /connexion`, its cookie sent by curl and wrk alike. nginx
#      (Debian's package, installed with apt-get if missing, with a configuration of our own
#      in the work dir, 2 workers, no system service) serves those saved files;
#   6. measures each route with wrk: 64 connections on Pilote, then on nginx for the same
#      bytes, then one connection alone on Pilote (its p50); prints a table per database
#      (req/s, p50, p99, Pilote/nginx ratio, p50 alone, and whether every answer was a 200),
#      and the server's memory (VmRSS, VmHWM peak) before and after the load;
#   7. times the files made on demand with the session (its account is also a national ARS
#      agent, who reads every contract whole), 3 fetches each, median: the XLSX and ODS export
#      of the whole set, the contract's XLSX export, its evaluation report as PDF and ODT.
#
# Every answer of Pilote must be a 200: curl's one fetch is checked, and wrk's count of
# non-2xx/3xx answers and socket errors is reported in the table; the script ends with
# status 1 if any was seen. wrk shares the machine's cores with the server it measures: the
# figures are those of this machine, noise included, not of a dedicated load generator; the
# load average is printed at the start and after each database's measures, to tell a run
# disturbed by other work (a cargo build, say) from a quiet one.
# Everything the script starts (Pilote servers, nginx) is stopped on exit. (If no PostgreSQL
# server answers, scripts/postgres-de-test.sh starts a throw-away cluster, which it leaves
# running, as it does for the CI.)
#
# Usage: scripts/bench-national.sh [WORKDIR]     (default: a new mktemp -d directory)
# Environment (all optional):
#   BENCH_DUREE=10            seconds of each measure under load (64 connections)
#   BENCH_DUREE_SEULE=5       seconds of each measure with one connection
#   BENCH_CONNEXIONS=64       connections under load
#   BENCH_WRK_TIMEOUT=10      wrk's timeout of one request, in seconds
#   BENCH_BASES="sqlite postgres"   the databases measured, in this order
#   BENCH_GENERATEUR=../shared/bench/contrats_nationaux.py   the data set's generator
#   BENCH_CONTRATS=500 BENCH_FICHES=10000 BENCH_GRAINE=42     its options
#   BENCH_BASE_POSTGRES=pilote_bench   the PostgreSQL database (dropped and recreated)
#   PILOTE_TEST_POSTGRES_URL   the PostgreSQL server (see scripts/postgres-de-test.sh)
#   PILOTE_BIN                 a pilote binary to use instead of building one
#   PILOTE_CONNEXIONS          passed on to pilote like the rest of the environment (pool size)
set -euo pipefail

cd "$(dirname "$0")/.."
DEBUT_TOTAL=$(date +%s%N)
TRAVAIL=${1:-$(mktemp -d /tmp/bench-national.XXXXXX)}
mkdir -p "$TRAVAIL"
TRAVAIL=$(cd "$TRAVAIL" && pwd)
DUREE=${BENCH_DUREE:-10}
DUREE_SEULE=${BENCH_DUREE_SEULE:-5}
CONNEXIONS=${BENCH_CONNEXIONS:-64}
WRK_TIMEOUT=${BENCH_WRK_TIMEOUT:-10}
BASES=${BENCH_BASES:-sqlite postgres}
GENERATEUR=${BENCH_GENERATEUR:-../shared/bench/contrats_nationaux.py}
BASE_PG=${BENCH_BASE_POSTGRES:-pilote_bench}
AIDE=scripts/bench-national/aide.py
COMPTE=banc-national@example.fr
# Plain logs (tracing's colours off), for the files and for the search of WARN and ERROR.
export NO_COLOR=1

# --- processes started here, stopped on exit (SIGTERM, then SIGKILL after 10 s) -------------
PROCESSUS=()
arreter() {
  local pid=$1 _
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
nettoyer() {
  local pid
  for pid in "${PROCESSUS[@]}"; do arreter "$pid"; done
  PROCESSUS=()
}
trap nettoyer EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

secondes_depuis() { awk -v d="$1" -v f="$(date +%s%N)" 'BEGIN { printf "%.2f", (f - d) / 1e9 }'; }
port_libre() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
charge() { cut -d' ' -f1-3 /proc/loadavg; }
memoire() { # PID: its resident memory, now (VmRSS) and at its peak (VmHWM)
  awk '/^(VmRSS|VmHWM):/ { printf "%s%s %.1f Mo", sep, $1, $2 / 1024; sep = " ; " }' "/proc/$1/status"
}
# Waits until URL answers (any HTTP status) while process PID lives; shows LOG otherwise.
attendre() {
  local url=$1 pid=$2 journal=$3 _
  for _ in $(seq 600); do
    if [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true) != 000 ]]; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "le serveur s'est arrêté ; son journal ($journal) :" >&2
      tail -n 30 "$journal" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "$url ne répond pas après 60 s ; journal : $journal" >&2
  exit 1
}

echo "== outils (nginx, wrk, curl)"
if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null || ! command -v curl >/dev/null; then
  echo "installation des paquets Debian nginx-light, wrk, curl"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq nginx-light wrk curl >/dev/null ||
    { apt-get update -qq && apt-get install -y -qq nginx-light wrk curl >/dev/null; } ||
    { apt-get update -qq && apt-get install -y -qq nginx wrk curl >/dev/null; }
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
echo "$("$NGINX" -v 2>&1) ; $(wrk -v 2>&1 | sed -n 1p || true) ; $(nproc) cœurs ; charge moyenne (1, 5, 15 min) : $(charge)"
echo "travail : $TRAVAIL"

echo "== (1) construction de la CLI (release)"
if [[ -n ${PILOTE_BIN:-} ]]; then
  PILOTE=$PILOTE_BIN
  echo "PILOTE_BIN : $PILOTE (pas de construction)"
else
  debut=$(date +%s%N)
  cargo build --release -p pilote-cli --locked --quiet
  PILOTE=${CARGO_TARGET_DIR:-target}/release/pilote
  echo "construite en $(secondes_depuis "$debut") s : $PILOTE"
fi
[[ -x $PILOTE ]] || { echo "$PILOTE : binaire absent" >&2; exit 1; }
PILOTE=$(cd "$(dirname "$PILOTE")" && pwd)/$(basename "$PILOTE")

echo "== (2) jeu de données national ($GENERATEUR)"
DONNEES=$TRAVAIL/donnees
debut=$(date +%s%N)
python3 "$GENERATEUR" --out "$DONNEES" --geo crates/store/geographie \
  --contrats "${BENCH_CONTRATS:-500}" --fiches "${BENCH_FICHES:-10000}" --seed "${BENCH_GRAINE:-42}"
echo "généré en $(secondes_depuis "$debut") s ($(du -sh "$DONNEES" | cut -f1) de TOML)"
IFS=$'\t' read -r CONTRAT FICHE NB_FICHES < <(python3 "$AIDE" choisir "$DONNEES")
echo "contrat mesuré : $CONTRAT ($NB_FICHES fiches-actions) ; fiche-action : $FICHE"
FICHIERS=("$DONNEES"/*.toml)

# The routes: key (file name), path, extension of the saved copy, who reads (public: no
# cookie; session: the benchmark account's session).
ROUTES=(
  "contrat|/contrats/$CONTRAT|html|public"
  "tableau|/contrats/$CONTRAT/tableau-de-bord|html|public"
  "fiche|/contrats/$CONTRAT/fiches/$FICHE|html|session"
  "portefeuille|/portefeuille|html|session"
  "portefeuille-region|/portefeuille?region=84&carte=contrats|html|session"
  "comptes|/administration/comptes|html|session"
  "accueil|/|html|public"
  "liste|/contrats|html|public"
  "recherche|/communes?q=saint|html|public"
  "suggestions|/communes/suggestions?q=sai|html|public"
  "commune|/communes/69123|html|public"
  "donnees|/donnees|html|public"
  "api-contrats|/api/v1/contrats|json|public"
  "api-contrat|/api/v1/contrats/$CONTRAT|json|public"
)

echo "== nginx (configuration propre, 2 processus, boucle locale)"
STATIQUE=$TRAVAIL/statique
mkdir -p "$STATIQUE" "$TRAVAIL/nginx/temp"
PORT_NGINX=$(port_libre)
UTILISATEUR_NGINX=""
# Run as root, nginx's workers would otherwise switch to `nobody`, who cannot read the work dir.
[[ $(id -u) == 0 ]] && UTILISATEUR_NGINX="user root root;"
cat >"$TRAVAIL/nginx/nginx.conf" <<CONF
$UTILISATEUR_NGINX
worker_processes 2;
daemon off;
pid $TRAVAIL/nginx/nginx.pid;
error_log $TRAVAIL/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    types { text/html html; application/json json; }
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    client_body_temp_path $TRAVAIL/nginx/temp/body;
    proxy_temp_path $TRAVAIL/nginx/temp/proxy;
    fastcgi_temp_path $TRAVAIL/nginx/temp/fastcgi;
    uwsgi_temp_path $TRAVAIL/nginx/temp/uwsgi;
    scgi_temp_path $TRAVAIL/nginx/temp/scgi;
    server {
        listen 127.0.0.1:$PORT_NGINX;
        root $STATIQUE;
    }
}
CONF
"$NGINX" -p "$TRAVAIL/nginx" -c "$TRAVAIL/nginx/nginx.conf" -e "$TRAVAIL/nginx/error.log" \
  >"$TRAVAIL/nginx/sortie.log" 2>&1 &
PID_NGINX=$!
PROCESSUS+=("$PID_NGINX")
attendre "http://127.0.0.1:$PORT_NGINX/" "$PID_NGINX" "$TRAVAIL/nginx/error.log"
echo "nginx répond sur http://127.0.0.1:$PORT_NGINX/"

ANOMALIES=0
PLANS_FAUTIFS=0
# Measures one database: import, serve, fetch and save, wrk, table.
mesurer_base() {
  local base=$1 url=$2 debut port journal pid dossier entree cle chemin ext acces copie code
  local taille mot_de_passe jarre csrf cookie libelle entete cible
  echo
  echo "================ $base"
  debut=$(date +%s%N)
  "$PILOTE" --database-url "$url" migrate >"$TRAVAIL/migrate-$base.log" 2>&1
  # Pilote's own lines, not its log lines (which begin with a timestamp).
  grep -vE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "$TRAVAIL/migrate-$base.log" | sed 's/^/  /' || true
  echo "  migrate (schéma et géographie officielle) : $(secondes_depuis "$debut") s"
  debut=$(date +%s%N)
  "$PILOTE" --database-url "$url" import "${FICHIERS[@]}" >"$TRAVAIL/import-$base.log" 2>&1
  echo "  import de ${#FICHIERS[@]} fichiers : $(secondes_depuis "$debut") s" \
    "($(grep -o '^[0-9]* contrat(s) importé(s)' "$TRAVAIL/import-$base.log"))"
  # The plans of the store's reads on this data, row-level security included on PostgreSQL.
  if [[ $base == sqlite ]]; then cible=${url#sqlite://}; else cible=$url; fi
  python3 scripts/bench-national/plans.py "$base" "$cible" "$CONTRAT" | tee "$TRAVAIL/plans-$base.txt" |
    grep -v ' index$' || true
  if ! grep -q ', 0 parcours complet' "$TRAVAIL/plans-$base.txt"; then
    PLANS_FAUTIFS=$((PLANS_FAUTIFS + 1))
  fi
  mot_de_passe=$("$PILOTE" --database-url "$url" user add "$COMPTE" --nom "Banc national" 2>/dev/null |
    sed -n 's/.*(affiché une seule fois) : //p')
  [[ -n $mot_de_passe ]] || { echo "pilote user add : pas de mot de passe" >&2; exit 1; }
  "$PILOTE" --database-url "$url" user grant "$COMPTE" "coordinateur:$CONTRAT" >/dev/null 2>&1
  # A national ARS agent too, to export the whole set (every contract, read whole).
  "$PILOTE" --database-url "$url" user grant "$COMPTE" "ars:national" >/dev/null 2>&1
  # The pilots' accounts the administration's list reads: one per fiche-action.
  python3 scripts/bench-national/aide.py comptes "$base" "$cible"

  port=$(port_libre)
  journal=$TRAVAIL/serve-$base.log
  mkdir -p "$TRAVAIL/documents"
  "$PILOTE" --database-url "$url" serve --listen "127.0.0.1:$port" \
    --documents "$TRAVAIL/documents" >"$journal" 2>&1 &
  pid=$!
  PROCESSUS+=("$pid")
  attendre "http://127.0.0.1:$port/" "$pid" "$journal"
  echo "  pilote serve (pid $pid) répond sur http://127.0.0.1:$port/ ; mémoire au repos : $(memoire "$pid")"
  # Signing in as a browser does: the form's CSRF token, then POST /connexion.
  jarre=$TRAVAIL/cookies-$base.txt
  rm -f "$jarre"
  curl -sS -c "$jarre" -b "$jarre" -o "$TRAVAIL/connexion-$base.html" "http://127.0.0.1:$port/connexion"
  csrf=$(sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' "$TRAVAIL/connexion-$base.html" | sed -n 1p)
  code=$(curl -sS -c "$jarre" -b "$jarre" -o /dev/null -w '%{http_code}' \
    -H "Origin: http://127.0.0.1:$port" --data-urlencode "_csrf=$csrf" \
    --data-urlencode "email=$COMPTE" --data-urlencode "mot_de_passe=$mot_de_passe" \
    "http://127.0.0.1:$port/connexion" || echo 000)
  # The password `user add` gives out is provisional: changed first, as its holder would.
  curl -sS -c "$jarre" -b "$jarre" -o "$TRAVAIL/changement-$base.html" \
    "http://127.0.0.1:$port/compte/mot-de-passe"
  csrf=$(sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' "$TRAVAIL/changement-$base.html" | sed -n 1p)
  nouveau="$mot_de_passe, le mien"
  curl -sS -c "$jarre" -b "$jarre" -o /dev/null \
    -H "Origin: http://127.0.0.1:$port" --data-urlencode "_csrf=$csrf" \
    --data-urlencode "actuel=$mot_de_passe" --data-urlencode "nouveau=$nouveau" \
    --data-urlencode "confirmation=$nouveau" "http://127.0.0.1:$port/compte/mot-de-passe" || true
  cookie=$(awk -F'\t' '$6 ~ /(^|-)pilote_session$/ { print $6 "=" $7 }' "$jarre")
  if [[ -z $cookie ]]; then
    echo "  connexion de $COMPTE : HTTP $code, pas de cookie de session ; les routes « session » seront lues sans" >&2
  else
    echo "  connexion de $COMPTE (coordinateur:$CONTRAT) : HTTP $code, session ouverte"
  fi

  dossier=$TRAVAIL/mesures/$base
  rm -rf "$dossier" "${STATIQUE:?}/$base"
  mkdir -p "$dossier" "$STATIQUE/$base"
  : >"$dossier/routes.tsv"
  for entree in "${ROUTES[@]}"; do
    IFS='|' read -r cle chemin ext acces <<<"$entree"
    copie=$STATIQUE/$base/$cle.$ext
    # The same request for curl and wrk: curl's default Accept, or the session's cookie.
    entete=(-H "Accept: */*")
    libelle=$chemin
    if [[ $acces == session ]]; then
      entete=(-H "Cookie: $cookie")
      libelle="$chemin (connecté)"
    fi
    code=$(curl -sS "${entete[@]}" -o "$copie" -w '%{http_code}' --max-time 120 \
      "http://127.0.0.1:$port$chemin" || echo 000)
    taille=$(stat -c %s "$copie" 2>/dev/null || echo 0)
    printf '%s\t%s\t%s\t%s\n' "$cle" "$libelle" "$taille" "$code" >>"$dossier/routes.tsv"
    echo "  $libelle : HTTP $code, $taille octets ; wrk ${DUREE} s × $CONNEXIONS connexions (Pilote, nginx), ${DUREE_SEULE} s × 1"
    wrk -t2 -c"$CONNEXIONS" -d"${DUREE}s" --timeout "${WRK_TIMEOUT}s" --latency "${entete[@]}" \
      "http://127.0.0.1:$port$chemin" >"$dossier/$cle.pilote.txt" 2>&1 || true
    wrk -t2 -c"$CONNEXIONS" -d"${DUREE}s" --timeout "${WRK_TIMEOUT}s" --latency \
      "http://127.0.0.1:$PORT_NGINX/$base/$cle.$ext" >"$dossier/$cle.nginx.txt" 2>&1 || true
    wrk -t1 -c1 -d"${DUREE_SEULE}s" --timeout "${WRK_TIMEOUT}s" --latency "${entete[@]}" \
      "http://127.0.0.1:$port$chemin" >"$dossier/$cle.seul.txt" 2>&1 || true
    kill -0 "$pid" 2>/dev/null || { echo "  le serveur s'est arrêté ; journal : $journal" >&2; break; }
  done
  # Files made on demand, each fetched 3 times with the session (median of curl's total
  # time): the export of the whole set, a contract's export, its reports.
  echo "  fichiers (3 essais chacun, médiane du temps total de curl) :"
  for chemin in "/export.xlsx" "/export.ods" "/contrats/$CONTRAT/export.xlsx" \
    "/contrats/$CONTRAT/rapport.pdf?rapport=evaluation" "/contrats/$CONTRAT/rapport.odt?rapport=evaluation"; do
    temps=()
    for _ in 1 2 3; do
      mesure=$(curl -sS -H "Cookie: $cookie" -o "$TRAVAIL/fichier-$base" \
        -w '%{http_code} %{time_total} %{size_download}' --max-time 300 \
        "http://127.0.0.1:$port$chemin" || echo "000 0 0")
      read -r code_f duree_f taille_f <<<"$mesure"
      [[ $code_f == 200 ]] || ANOMALIES=$((ANOMALIES + 1))
      temps+=("$duree_f")
    done
    mediane=$(printf '%s\n' "${temps[@]}" | sort -n | sed -n 2p)
    printf '    %-62s HTTP %s  %9s octets  %6.2f s\n' "$chemin" "$code_f" "$taille_f" "$mediane"
  done
  echo
  echo "  $base : $NB_FICHES fiches-actions dans le contrat $CONTRAT ;" \
    "wrk -t2 -c$CONNEXIONS -d${DUREE}s (Pilote, nginx) ; p50 seul : wrk -t1 -c1 -d${DUREE_SEULE}s ;" \
    "charge moyenne : $(charge)"
  python3 "$AIDE" tableau "$dossier" | sed 's/^/  /' || ANOMALIES=$((ANOMALIES + 1))
  if kill -0 "$pid" 2>/dev/null; then
    echo "  mémoire de pilote serve après la charge : $(memoire "$pid")"
  fi
  # The server's warnings and errors, by kind (timestamp dropped, numbers as N).
  local motif='(^| )(ERROR|WARN)( |$)|panicked'
  if grep -qiE "$motif" "$journal"; then
    echo "  journal du serveur ($journal) : $(grep -ciE "$motif" "$journal") ligne(s) ERROR/WARN/panic :"
    grep -iE "$motif" "$journal" | sed -E 's/^[0-9T:.-]+Z +//; s/[0-9]+(\.[0-9]+)?/N/g' |
      cut -c1-200 | sort | uniq -c | sort -rn | awk 'NR <= 6 { print "   " $0 }'
  fi
  arreter "$pid"
}

for base in $BASES; do
  case $base in
    sqlite)
      rm -f "$TRAVAIL"/pilote.db "$TRAVAIL"/pilote.db-*
      mesurer_base sqlite "sqlite://$TRAVAIL/pilote.db"
      echo "  taille du fichier SQLite : $(du -h "$TRAVAIL/pilote.db" | cut -f1)"
      ;;
    postgres)
      serveur=$(scripts/postgres-de-test.sh)
      # The same server, the dedicated database: replace (or add) the URL's path.
      sans_requete=${serveur%%\?*}
      requete=${serveur#"$sans_requete"}
      if [[ $sans_requete =~ ^[a-z]+://[^/]+/ ]]; then
        url_pg=${sans_requete%/*}/$BASE_PG$requete
      else
        url_pg=$sans_requete/$BASE_PG$requete
      fi
      psql "$serveur" -q -v ON_ERROR_STOP=1 \
        -c "DROP DATABASE IF EXISTS \"$BASE_PG\" WITH (FORCE)" -c "CREATE DATABASE \"$BASE_PG\""
      echo "PostgreSQL : base $BASE_PG recréée sur $(sed -E 's|//[^@]*@|//…@|' <<<"$serveur")"
      mesurer_base postgres "$url_pg"
      echo "  taille de la base PostgreSQL : $(psql "$serveur" -Atc "SELECT pg_size_pretty(pg_database_size('$BASE_PG'))")"
      ;;
    *) echo "base inconnue : $base (sqlite ou postgres)" >&2; exit 2 ;;
  esac
done

# The same data on both databases should give the same bytes, except what belongs to the
# session: the fiche-action's page carries the session's CSRF token in its forms.
sans_csrf() { sed -E 's/(name="_csrf" value=")[^"]*/\1/g' "$1"; }
if [[ -d $STATIQUE/sqlite && -d $STATIQUE/postgres ]]; then
  echo
  echo "== octets identiques sur SQLite et PostgreSQL ?"
  for entree in "${ROUTES[@]}"; do
    IFS='|' read -r cle chemin ext _ <<<"$entree"
    if cmp -s "$STATIQUE/sqlite/$cle.$ext" "$STATIQUE/postgres/$cle.$ext"; then
      echo "  $chemin : identiques"
    elif cmp -s <(sans_csrf "$STATIQUE/sqlite/$cle.$ext") <(sans_csrf "$STATIQUE/postgres/$cle.$ext"); then
      echo "  $chemin : identiques, hors jeton CSRF de la session"
    else
      echo "  $chemin : différents ($(stat -c %s "$STATIQUE/sqlite/$cle.$ext")" \
        "et $(stat -c %s "$STATIQUE/postgres/$cle.$ext") octets)"
    fi
  done
fi

echo
echo "Durée totale : $(secondes_depuis "$DEBUT_TOTAL") s ; sorties de wrk et journaux : $TRAVAIL"
if ((ANOMALIES > 0)); then
  echo "ÉCHEC : des réponses de Pilote n'étaient pas des 200 (voir la colonne « réponses »)." >&2
  exit 1
fi
if ((PLANS_FAUTIFS > 0)); then
  echo "ÉCHEC : une lecture parcourt une grande table en entier (voir « plan » ci-dessus)." >&2
  exit 1
fi
