#!/bin/sh
# Measures the check made before a change or an export (the session's own events against the
# chain and its seal): the CPU time of `note add` and `export S` at 1,000 and 100,000 sessions.
# The check must stay proportional to the session's own events, not to the log: the goal is a
# ratio of at most 1.2 between the two sizes. Not run in CI (generating 100,000 sessions takes
# a few minutes).
#
#   Benchmarks/session-check.sh            # builds the release binary, then measures
#   ACCORD_BIN=path/to/accord SIZES="1000 100000" Benchmarks/session-check.sh
#
# Each database is generated once (through the event log) into $WORK; then each command is
# run RUNS times in a loop on a copy of the database (a change adds an event), and
# /usr/bin/time reports the loop's user + system CPU seconds; the mean per run is printed.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-/tmp/accord-bench}
SIZES=${SIZES:-"1000 100000"}
RUNS=${RUNS:-50}
if [ -z "${ACCORD_BIN:-}" ]; then
    (cd "$root" && swift build -c release --scratch-path "${SCRATCH:-.build-bench}" --product accord >&2)
    ACCORD_BIN="$root/${SCRATCH:-.build-bench}/release/accord"
fi
mkdir -p "$WORK"
for n in $SIZES; do
    db="$WORK/synthetic-$n.sqlite"
    key="$WORK/synthetic-$n.key"
    if [ ! -f "$db.done" ]; then
        rm -f "$db" "$db-wal" "$db-shm" "$key"
        echo "== generating $n sessions"
        ACCORD_NOW=2026-03-02T09:30:00Z ACCORD_DB="$db" ACCORD_KEY_FILE="$key" "$ACCORD_BIN" audit generate --experimental --sessions "$n" --seed 42 >/dev/null
        touch "$db.done"
    fi
    copy="$WORK/check-$n.sqlite"
    rm -f "$copy" "$copy-wal" "$copy-shm"
    cp "$db" "$copy"
    export ACCORD_DB="$copy" ACCORD_KEY_FILE="$key" ACCORD_NOW=2026-11-30T09:30:00Z
    # A closed session from the middle of the log; a first run applies any pending migration.
    session="S$((n / 2))"
    "$ACCORD_BIN" session list >/dev/null
    for command in "note add $session --text bench --reason bench" "export $session --out $WORK/out-$n --force"; do
        # shellcheck disable=SC2086 # the command is split into words on purpose
        "$ACCORD_BIN" $command >/dev/null || { echo "$command failed" >&2; exit 1; }
        # RUNS runs in one measured loop: /usr/bin/time counts CPU in hundredths of a second.
        /usr/bin/time -f "%U %S" -o "$WORK/time.txt" sh -c "i=0; while [ \$i -lt $RUNS ]; do i=\$((i+1)); \"$ACCORD_BIN\" $command >/dev/null 2>&1; done"
        echo "$n sessions, $(echo "$command" | cut -d' ' -f1-2): $(awk -v runs="$RUNS" '{ printf "%.4f", ($1 + $2) / runs }' "$WORK/time.txt") s CPU a run (mean of $RUNS)"
    done
done
