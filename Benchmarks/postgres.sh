#!/bin/sh
# SQLite and PostgreSQL side by side (issue 18): the cold latency of a command, recording
# throughput with one writer and with eight, `db copy` of a 100,000-session database both
# ways, and the participation query at 1,000,000 sessions. Not run in CI.
#
#   Benchmarks/postgres.sh                       # builds the release binary, starts a cluster
#   ACCORD_BIN=.build/release/accord ADMIN=postgres://…/postgres Benchmarks/postgres.sh
#
# Without ADMIN (an administrator's URL of a server whose database `postgres` exists), it
# starts a throw-away cluster (Scripts/postgres-test-cluster.sh: Unix socket, fsync on) and
# stops it at the end. The 100,000-session SQLite database comes from
# Benchmarks/participation.sh's work folder (generated if missing: about 3 minutes).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-/tmp/accord-bench}
RUNS=${RUNS:-100}
if [ -z "${ACCORD_BIN:-}" ]; then
    (cd "$root" && swift build -c release --product accord >&2)
    ACCORD_BIN="$root/.build/release/accord"
fi
mkdir -p "$WORK"
if [ -z "${ADMIN:-}" ]; then
    cluster=$(mktemp -d /tmp/accord-pgbench.XXXXXX)
    ADMIN=$("$root/Scripts/postgres-test-cluster.sh" start "$cluster")
    trap '"$root/Scripts/postgres-test-cluster.sh" stop "$cluster"' EXIT
fi
# The administrator's URL with another database.
url() { printf '%s\n' "$ADMIN" | sed "s#/postgres\([?]\|\$\)#/$1\1#"; }
fresh_pg() {
    psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null
    "$ACCORD_BIN" db init --admin "$(url "$1")" >/dev/null
}
export ACCORD_NOW=2026-03-02T09:30:00Z

echo "== the 100,000-session database"
sqlite="$WORK/synthetic-100000.sqlite"
key="$WORK/synthetic-100000.key"
if [ ! -f "$sqlite.done" ]; then
    rm -f "$sqlite" "$sqlite-wal" "$sqlite-shm" "$key"
    ACCORD_DB="$sqlite" ACCORD_KEY_FILE="$key" "$ACCORD_BIN" audit generate --experimental --sessions 100000 --seed 42 >/dev/null
    touch "$sqlite.done"
fi
export ACCORD_KEY_FILE="$key"
fresh_pg bench100k
pg=$(url bench100k)
/usr/bin/time -f "db copy SQLite -> PostgreSQL, 100,000 sessions: %e s wall, %U s user, %M KB max RSS" \
    "$ACCORD_BIN" db copy --from "$sqlite" --to "$pg"
rm -f "$WORK/back-100000.sqlite"
/usr/bin/time -f "db copy PostgreSQL -> SQLite, 100,000 sessions: %e s wall, %U s user, %M KB max RSS" \
    "$ACCORD_BIN" db copy --from "$pg" --to "$WORK/back-100000.sqlite"
echo "verify heads: $(ACCORD_DB="$sqlite" "$ACCORD_BIN" verify | head -1) / $(ACCORD_DB="$pg" "$ACCORD_BIN" verify | head -1) / $(ACCORD_DB="$WORK/back-100000.sqlite" "$ACCORD_BIN" verify | head -1)"

echo "== cold latency of a command (session show S1, 100,000 sessions), $RUNS runs each"
hyperfine -N --warmup 5 --runs "$RUNS" --export-markdown "$WORK/cold.md" \
    -n sqlite "env ACCORD_DB=$sqlite $ACCORD_BIN session show S1" \
    -n postgres "env ACCORD_DB=$pg $ACCORD_BIN session show S1" >/dev/null
cat "$WORK/cold.md"

echo "== recording: session import of Examples/consultation.yaml (each a whole consultation)"
events_per_import=$(ACCORD_DB="$WORK/probe.sqlite" ACCORD_KEY_FILE="$WORK/probe.key" sh -c \
    'rm -f "$ACCORD_DB" "$ACCORD_KEY_FILE"; "$0" session import "$1" >/dev/null; "$0" verify | sed -n "s/^head \([0-9]*\):.*/\1/p"' \
    "$ACCORD_BIN" "$root/Examples/consultation.yaml")
echo "events per import: $events_per_import"
record() { # backend writers imports-per-writer
    export ACCORD_KEY_FILE="$WORK/record-$1.key"
    rm -f "$ACCORD_KEY_FILE"
    if [ "$1" = sqlite ]; then
        db="$WORK/record.sqlite"
        rm -f "$db" "$db-wal" "$db-shm"
    else
        fresh_pg benchrecord
        db=$(url benchrecord)
    fi
    start=$(date +%s.%N)
    i=0
    while [ $i -lt "$2" ]; do
        i=$((i + 1))
        (j=0; while [ $j -lt "$3" ]; do j=$((j + 1)); ACCORD_DB="$db" "$ACCORD_BIN" session import "$root/Examples/consultation.yaml" >/dev/null; done) &
    done
    wait
    end=$(date +%s.%N)
    total=$(( $2 * $3 * events_per_import ))
    echo "$1, $2 writer(s), $(( $2 * $3 )) imports: $(echo "$end - $start" | bc) s, $(echo "$total / ($end - $start)" | bc) events/s; $(ACCORD_DB="$db" "$ACCORD_BIN" verify | head -1)"
}
for backend in sqlite postgres; do
    record "$backend" 1 200
    record "$backend" 8 25
done

echo "== participation at 1,000,000 sessions"
# The 100,000 copied sessions, their summary and audit rows repeated to 1,000,000 by SQL
# (numbers offset by 100,000 × k), and every cell's sums multiplied by 10: the cells those rows
# give, as every repeated row has its original's values and keys.
psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS bench1m WITH (FORCE)" -c "CREATE DATABASE bench1m TEMPLATE bench100k" >/dev/null
psql -q "$(url bench1m)" >/dev/null <<'SQL'
BEGIN;
INSERT INTO session (number, status, started_at, closed_at, event_count, topic, completeness, patient_ins, ipp, ipp_root,
    clinician_id, birth_family_name, first_given_name, birth_date)
SELECT number + 100000 * k, status, started_at, closed_at, event_count, topic, completeness, patient_ins, ipp, ipp_root,
    clinician_id, birth_family_name, first_given_name, birth_date
FROM session, generate_series(1, 9) AS k WHERE number <= 100000;
INSERT INTO audit_session SELECT session_number + 100000 * k, event_count, patient_pseudonym, clinician_idnat_ps,
    organisation_finess, topic_group, start_month, closed, closed_at, closed_day, closed_month, patient_present,
    relative_present, preferences_count, surveillance_discussed, surveillance_applicable, trial_offered, preferred_role,
    experienced_role, role_concordant, collaborate_mean, collaborate_top, sdm_q9_score, option5_score, sure_positive,
    decision_outcome, rcp_date, decision_date, days_rcp_to_decision, completeness
FROM audit_session, generate_series(1, 9) AS k WHERE session_number <= 100000;
DO $$
DECLARE sums text;
BEGIN
    SELECT string_agg(format('%I = %I * 10', column_name, column_name), ', ') INTO sums FROM information_schema.columns
    WHERE table_name = 'audit_cell' AND column_name NOT IN ('dimension', 'grain', 'period', 'group_value');
    EXECUTE 'UPDATE audit_cell SET ' || sums;
END
$$;
UPDATE audit_cell_days SET sessions = sessions * 10;
COMMIT;
ANALYZE;
SQL
echo "sessions in audit_session: $(psql -tA "$(url bench1m)" -c 'SELECT COUNT(*) FROM audit_session')"
for by in clinician month topic organisation; do
    for period in "" "--from 2025-03-15 --to 2025-09-14"; do
        # shellcheck disable=SC2086 # the period is two options or none
        /usr/bin/time -f "participation --by $by ${period:-(all)}: %e s wall, %M KB max RSS" \
            env ACCORD_DB="$(url bench1m)" "$ACCORD_BIN" audit participation --by "$by" $period --format csv >/dev/null
    done
done
