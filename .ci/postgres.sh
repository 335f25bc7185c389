#!/usr/bin/env bash
# Make sure PostgreSQL answers on 127.0.0.1:5432 with trust auth for loopback TCP, and that the
# database `test` and the roles `postgres` and `root` exist. Idempotent: safe to run on every CI run.
set -euo pipefail
log() { printf '[ci/postgres] %s\n' "$*"; }

# 1. installed?
if ! ls -d /etc/postgresql/*/main >/dev/null 2>&1; then
  log "installing postgresql from Debian"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
ver=$(ls /etc/postgresql | sort -V | tail -1)

# 2. running? (no systemd in containers: pg_ctlcluster --skip-systemctl-redirect)
if ! pg_lsclusters -h | awk -v v="$ver" '$1 == v && $2 == "main" { print $4 }' | grep -q '^online'; then
  log "starting cluster $ver/main"
  install -d -o postgres -g postgres -m 2775 /var/run/postgresql
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start
fi
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
pg_isready -h 127.0.0.1 -p 5432 >/dev/null || { log "PostgreSQL does not answer on 127.0.0.1:5432"; exit 1; }

# 3. trust auth for 127.0.0.1 (the tests connect as postgres without a password)
if ! psql -X -h 127.0.0.1 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
  hba=/etc/postgresql/$ver/main/pg_hba.conf
  log "adding 'host all all 127.0.0.1/32 trust' at the top of $hba"
  sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
  pg_ctlcluster --skip-systemctl-redirect "$ver" main reload
  for _ in $(seq 1 10); do psql -X -h 127.0.0.1 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1 && break; sleep 1; done
fi

# 4. roles and database (through the local socket as the postgres OS user: peer or trust auth)
pg() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d postgres -Atc "$1"; }
[[ $(pg "SELECT count(*) FROM pg_roles WHERE rolname = 'root'") == 1 ]] || pg "CREATE ROLE root LOGIN SUPERUSER"
[[ $(pg "SELECT count(*) FROM pg_database WHERE datname = 'test'") == 1 ]] || pg "CREATE DATABASE test OWNER postgres"
log "PostgreSQL $ver ready on 127.0.0.1:5432, database test"
