#!/bin/sh
# Measures `session list` (the summary read by index, LIMIT and ORDER BY number DESC) on a
# database of synthetic sessions: the wall time and peak memory of the 50 most recent sessions,
# of one patient's sessions by INS, of one clinician's, of a week, and of the same as JSON.
# The goal is under 100 ms a command at 1,000,000 sessions. Not run in CI (generating 100,000
# sessions takes a few minutes, 1,000,000 about 25).
#
#   Benchmarks/session-list.sh             # builds the release binary, then measures at 100,000
#   ACCORD_BIN=path/to/accord SIZES="100000 1000000" Benchmarks/session-list.sh
#
# Each database is generated once (through the event log) into $WORK and reused; a command
# that records (`session close` of a session that does not exist: it opens the database for
# writing, then fails) applies any pending migration first. Each command runs RUNS
# times; /usr/bin/time reports each run's wall time and peak memory, and the slowest is printed.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-/tmp/accord-bench}
SIZES=${SIZES:-"100000"}
RUNS=${RUNS:-5}
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
    export ACCORD_DB="$db" ACCORD_KEY_FILE="$key" ACCORD_NOW=2026-11-30T09:30:00Z
    "$ACCORD_BIN" session close S999999999 >/dev/null 2>&1 || true
    # A patient and a clinician of a session from the middle of the log, and its week.
    middle=$("$ACCORD_BIN" session show "S$((n / 2))" --json)
    ins=$(printf '%s' "$middle" | sed -n 's/.*"ins" : "\([0-9A-Z]*\)".*/\1/p' | head -n 1)
    clinician=$(printf '%s' "$middle" | sed -n 's/.*"clinician_id" : "\([0-9]*\)".*/\1/p' | head -n 1)
    day=$(printf '%s' "$middle" | sed -n 's/.*"started_at" : "\([0-9-]*\)T.*/\1/p' | head -n 1)
    for command in "session list" "session list --ins $ins" "session list --clinician $clinician" \
        "session list --from $day --to $day" "session list --ins $ins --json" "session list --clinician $clinician --from $day"; do
        worst="0 0"
        i=0
        while [ $i -lt "$RUNS" ]; do
            i=$((i + 1))
            # shellcheck disable=SC2086 # the command is split into words on purpose
            /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$ACCORD_BIN" $command >/dev/null 2>&1 || { echo "$command failed" >&2; exit 1; }
            worst=$(printf '%s\n%s\n' "$worst" "$(cat "$WORK/time.txt")" | sort -n | tail -n 1)
        done
        echo "$n sessions, $command: $(echo "$worst" | awk '{ printf "%.2f s, peak memory %.1f MB", $1, $2 / 1024 }') (slowest of $RUNS)"
    done
done
