#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests and CI: local socket only, no TCP.
#
#   Scripts/postgres-test-cluster.sh start DIR   # prints the admin URL, one line on stdout
#   Scripts/postgres-test-cluster.sh stop DIR    # stops the server and removes DIR
#
# start: DIR must be absent or an empty folder. It makes the cluster in DIR/data (superuser
# accord_admin, trust authentication, UTF8, locale C.UTF-8), starts the server with its socket
# in DIR and its log in DIR/server.log, and prints
#   postgres://accord_admin@localhost/postgres?host=DIR
# (DIR made absolute), which psql and libpq accept. Everything else goes to standard error.
# Each DIR is its own cluster: several can run at once.
#
# stop: stops the server in DIR (fast shutdown) and removes DIR. A missing DIR is fine. It
# removes only a DIR that start made (it holds .accord-postgres-test-cluster) or an empty one.
#
# The server never runs as root: run as root (as CI does), the script creates the system user
# accord-ci once and runs initdb and pg_ctl as that user, who then owns DIR; run as another
# user, it runs them as that user.
#
# PostgreSQL's programs come from `pg_config --bindir`, else from the newest
# /usr/lib/postgresql/*/bin (Debian's packages); never from whatever pg_ctl is on PATH.
set -euo pipefail

readonly service_user=accord-ci
readonly admin_role=accord_admin
readonly marker=.accord-postgres-test-cluster

fail() {
  echo "postgres-test-cluster: $*" >&2
  exit 1
}

usage() {
  echo "usage: $0 start DIR | stop DIR" >&2
  exit 2
}

# The folder holding initdb, pg_ctl and postgres, or a failure saying how to install them.
find_bindir() {
  local candidate
  if command -v pg_config >/dev/null 2>&1; then
    candidate="$(pg_config --bindir 2>/dev/null || true)"
    if [ -n "$candidate" ] && has_server_programs "$candidate"; then
      echo "$candidate"
      return
    fi
  fi
  # Newest major version first: /usr/lib/postgresql/VERSION/bin, VERSION compared as a number.
  local newest=""
  for candidate in /usr/lib/postgresql/*/bin; do
    has_server_programs "$candidate" || continue
    newest="$(printf '%s\n%s\n' "$newest" "$candidate" | sed '/^$/d' | sort -t/ -k5,5n | tail -n 1)"
  done
  if [ -n "$newest" ]; then
    echo "$newest"
    return
  fi
  fail "PostgreSQL's server is not installed: no initdb, pg_ctl and postgres in 'pg_config --bindir' or /usr/lib/postgresql/*/bin. On Debian: apt-get install postgresql"
}

has_server_programs() {
  [ -x "$1/initdb" ] && [ -x "$1/pg_ctl" ] && [ -x "$1/postgres" ]
}

is_root() {
  [ "$(id -u)" -eq 0 ]
}

# Creates the system user accord-ci when missing (root only); safe to run twice at once.
ensure_service_user() {
  id -u "$service_user" >/dev/null 2>&1 && return
  command -v useradd >/dev/null 2>&1 || fail "running as root needs useradd to create the user $service_user"
  echo "postgres-test-cluster: creating the system user $service_user" >&2
  if ! useradd --system --no-create-home --user-group --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$service_user" >&2; then
    # Another start may have created it meanwhile.
    id -u "$service_user" >/dev/null 2>&1 || fail "could not create the system user $service_user"
  fi
}

# Runs a command as the user who owns the cluster: accord-ci when root, else the caller.
as_owner() {
  if is_root; then
    if command -v runuser >/dev/null 2>&1; then
      runuser -u "$service_user" -- "$@"
    else
      setpriv --reuid="$service_user" --regid="$service_user" --init-groups -- "$@"
    fi
  else
    "$@"
  fi
}

# DIR made absolute (its parent must exist), checked for characters the URL and the server's
# command line would need quoting for, and for the length of a Unix socket path.
absolute_dir() {
  local dir="$1" parent base
  [ -n "$dir" ] || usage
  dir="${dir%/}"
  [ -n "$dir" ] || fail "DIR must not be /"
  parent="$(dirname -- "$dir")"
  base="$(basename -- "$dir")"
  [ -d "$parent" ] || fail "DIR's parent folder does not exist: $parent"
  parent="$(cd -- "$parent" && pwd -P)"
  case "$base" in
    . | ..) fail "DIR must name a folder, not '$base'" ;;
  esac
  dir="${parent%/}/$base"
  if [[ ! "$dir" =~ ^[A-Za-z0-9/._-]+$ ]]; then
    fail "DIR may contain only letters, digits, '/', '.', '_' and '-' (it goes into the URL and the server's options): $dir"
  fi
  # The socket DIR/.s.PGSQL.5432 must fit in a Unix socket address (103 bytes on macOS).
  if [ $((${#dir} + 14)) -gt 103 ]; then
    fail "DIR is too long for the server's socket path (at most 89 characters): $dir"
  fi
  echo "$dir"
}

start() {
  local dir bindir locale_options
  dir="$(absolute_dir "$1")"
  bindir="$(find_bindir)"
  echo "postgres-test-cluster: PostgreSQL programs from $bindir" >&2

  if [ -e "$dir" ]; then
    [ -d "$dir" ] || fail "DIR exists and is not a folder: $dir"
    if [ -n "$(ls -A -- "$dir")" ]; then
      fail "DIR must be absent or empty (stop an earlier cluster with: $0 stop $dir): $dir"
    fi
  else
    mkdir -p -- "$dir"
  fi
  if is_root; then
    ensure_service_user
    : >"$dir/$marker"
    chown -R "$service_user:" "$dir"
    as_owner test -w "$dir" -a -x "$dir" \
      || fail "the user $service_user cannot write in $dir (a parent folder shuts it out); choose a DIR under /tmp"
  else
    [ -O "$dir" ] || fail "DIR must be owned by the user running this script ($(id -un)): $dir"
    : >"$dir/$marker"
  fi
  # The server's programs must not start from a folder their user cannot read (root's home).
  cd "$dir"

  if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then
    locale_options=(--locale=C.UTF-8)
  else
    locale_options=(--no-locale)
  fi
  as_owner "$bindir/initdb" -D "$dir/data" -U "$admin_role" --auth=trust --encoding=UTF8 \
    "${locale_options[@]}" >&2 \
    || fail "initdb failed in $dir/data; remove it with: $0 stop $dir"

  if ! as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=on -c max_connections=100" \
    start >&2; then
    if [ -f "$dir/server.log" ]; then
      echo "postgres-test-cluster: the end of $dir/server.log:" >&2
      tail -n 20 "$dir/server.log" >&2
    fi
    fail "the server did not start; remove $dir with: $0 stop $dir"
  fi

  echo "postgres://$admin_role@localhost/postgres?host=$dir"
}

stop() {
  local dir bindir status
  dir="$(absolute_dir "$1")"
  if [ ! -e "$dir" ]; then
    echo "postgres-test-cluster: $dir does not exist; nothing to stop" >&2
    return
  fi
  [ -d "$dir" ] || fail "DIR exists and is not a folder: $dir"
  if [ ! -e "$dir/$marker" ]; then
    if rmdir -- "$dir" 2>/dev/null; then
      echo "postgres-test-cluster: removed the empty folder $dir" >&2
      return
    fi
    fail "$dir was not made by '$0 start' (no $marker in it); not removing it"
  fi

  if [ -f "$dir/data/postmaster.pid" ]; then
    bindir="$(find_bindir)"
    cd "$dir"
    status=0
    as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1 || status=$?
    if [ "$status" -eq 0 ]; then
      as_owner "$bindir/pg_ctl" -D "$dir/data" -w -t 60 stop -m fast >&2 \
        || fail "the server in $dir/data did not stop; $dir is left in place"
    else
      echo "postgres-test-cluster: no server running in $dir/data" >&2
    fi
    cd /
  fi
  rm -rf -- "$dir"
  echo "postgres-test-cluster: removed $dir" >&2
}

[ "$#" -eq 2 ] || usage
case "$1" in
  start) start "$2" ;;
  stop) stop "$2" ;;
  *) usage ;;
esac
