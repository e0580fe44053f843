#!/bin/sh
# The figures of issue 19, each beside its baseline, in one run (not run in CI):
#
#   Benchmarks/speed.sh                      # builds the release binary; 10,000 sessions
#   SESSIONS=10000 VERIFY_SESSIONS=100000 ACCORD_BIN=.build/release/accord Benchmarks/speed.sh
#
# With VERIFY_SESSIONS other than SESSIONS, `verify` and a second `export --all` into a folder
# that holds every document (exported once first, not timed) run at VERIFY_SESSIONS too.
# CPU is user + system time (`/usr/bin/time`; `hyperfine -N` for the cold start, 200 runs).
# Needs sqlite3, xmllint (libxml2-utils), hyperfine and python3. Synthetic sessions come from
# `accord audit generate --experimental` (seed 42), consultation files from
# Benchmarks/consultation-files.py; everything is written under $WORK.
# On an ext4 file system without a journal, leave six minutes between two runs: the files a
# run removes at its end make the next run's export create its files more slowly (see below).
set -eu
for tool in sqlite3 xmllint hyperfine python3; do
    command -v "$tool" >/dev/null || {
        echo "speed.sh needs $tool (Debian: apt-get install sqlite3 libxml2-utils hyperfine python3)" >&2
        exit 1
    }
done
root=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-/tmp/accord-bench-speed}
SESSIONS=${SESSIONS:-10000}
VERIFY_SESSIONS=${VERIFY_SESSIONS:-$SESSIONS}
SCHEMAS=${ACCORD_SCHEMAS:-$root/../shared/schemas}
XSD="$SCHEMAS/cda-fr/CDA_extended.xsd"
if [ -z "${ACCORD_BIN:-}" ]; then
    (cd "$root" && swift build -c release --product accord >&2)
    ACCORD_BIN="$root/.build/release/accord"
fi
mkdir -p "$WORK"
export ACCORD_NOW=2026-03-02T09:30:00Z
unset ACCORD_DB ACCORD_KEY_FILE

# cpu OUTPUT COMMAND…: runs COMMAND, prints "user+sys peak-KB" of it.
cpu() {
    out=$1
    shift
    /usr/bin/time -f "%U %S %M" -o "$WORK/time.txt" "$@" >"$out" 2>"$WORK/stderr.txt" || {
        echo "failed: $*" >&2
        cat "$WORK/stderr.txt" >&2
        exit 1
    }
    awk '{ printf "%.2f %d", $1 + $2, $3 }' "$WORK/time.txt"
}
ratio() { echo "$1 $2" | awk '{ printf "%.1f", $1 / $2 }'; }
rate() { echo "$1 $2" | awk '{ printf "%.0f", $1 / $2 }'; }
row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4"; }
events() { sqlite3 "$1" "SELECT COUNT(*) FROM event"; }

echo "| what | Accord | baseline | ratio |"
echo "|---|---|---|---|"

# 3. Recording in bulk: the generator, consultation files, and sqlite3 loading the same rows.
db="$WORK/generated.sqlite"
rm -f "$db" "$db-wal" "$db-shm" "$WORK/generated.key"
set -- $(cpu /dev/null env ACCORD_DB="$db" ACCORD_KEY_FILE="$WORK/generated.key" "$ACCORD_BIN" audit generate --experimental --sessions "$SESSIONS" --seed 42)
generated=$1
count=$(events "$db")
sqlite3 -csv "$db" "SELECT * FROM event ORDER BY seq" >"$WORK/events.csv"
rm -f "$WORK/raw.sqlite"
sqlite3 "$db" ".schema event" | sqlite3 "$WORK/raw.sqlite"
set -- $(cpu /dev/null sqlite3 "$WORK/raw.sqlite" ".import --csv $WORK/events.csv event")
raw=$1
row "recording: \`audit generate\`, $SESSIONS sessions ($count chained events), CPU" "$generated s ($(rate "$count" "$generated") events/s)" \
    "\`sqlite3 .import\` of the same rows into the same table, one transaction: $raw s ($(rate "$count" "$raw") rows/s)" "$(ratio "$generated" "$raw")×"
# The same for every row the generator wrote (events, sessions, seals, audit rows and their
# indexes), into an empty copy of the schema: the storage's own time for what is recorded.
rows="$WORK/rows"
rm -rf "$rows" "$WORK/all.sqlite"
mkdir -p "$rows"
sqlite3 "$db" ".schema" | grep -v '^CREATE TABLE sqlite_' | sqlite3 "$WORK/all.sqlite"
tables=$(sqlite3 "$db" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'")
total=0
echo "BEGIN;" >"$rows/load.sql"
for table in $tables; do
    sqlite3 -csv "$db" "SELECT * FROM $table" >"$rows/$table.csv"
    echo ".import --csv $rows/$table.csv $table" >>"$rows/load.sql"
    total=$((total + $(sqlite3 "$db" "SELECT COUNT(*) FROM $table")))
done
echo "COMMIT;" >>"$rows/load.sql"
set -- $(cpu /dev/null sqlite3 "$WORK/all.sqlite" ".read $rows/load.sql")
all=$1
row "recording: \`audit generate\`, as above" "$generated s" \
    "\`sqlite3 .import\` of every row it wrote ($total rows in $(echo "$tables" | wc -w) tables) into the same schema, one transaction: $all s" \
    "$(ratio "$generated" "$all")×"
if [ ! -f "$WORK/files/c$(printf %05d "$SESSIONS").yaml" ]; then
    rm -rf "$WORK/files"
    python3 "$root/Benchmarks/consultation-files.py" "$SESSIONS" "$WORK/files"
fi
files="$WORK/imported.sqlite"
rm -f "$files" "$files-wal" "$files-shm" "$WORK/imported.key"
set -- $(cd "$WORK/files" && cpu /dev/null env ACCORD_DB="$files" ACCORD_KEY_FILE="$WORK/imported.key" "$ACCORD_BIN" session import ./*.yaml)
imported=$1
count=$(events "$files")
row "recording: \`session import\` of $SESSIONS consultation files ($count events), CPU" "$imported s ($(rate "$count" "$imported") events/s)" \
    "sqlite3's rate above: $(echo "$count $raw" | awk -v n="$(events "$db")" '{ printf "%.2f", $2 * $1 / n }') s" \
    "$(echo "$imported $raw $count" | awk -v n="$(events "$db")" '{ printf "%.1f", $1 / ($2 * $3 / n) }')×"

# 1. Export: generating and validating every document, against xmllint validating them.
export ACCORD_DB="$db" ACCORD_KEY_FILE="$WORK/generated.key"
# The previous run's folder is moved aside and removed at the end, not before the export: on
# an ext4 file system without a journal, creating a file minutes after many were deleted in
# its block group costs the kernel a look at each of them (`recently_deleted`), several
# seconds of system time for 10,000 files that belong to this script, not to Accord.
if [ -d "$WORK/out" ]; then
    rm -rf "$WORK/out.old"
    mv "$WORK/out" "$WORK/out.old"
fi
set -- $(cpu /dev/null "$ACCORD_BIN" export --all --example-centre --profile cda-fr --out "$WORK/out" --schemas "$SCHEMAS")
exported=$1
exported_kb=$2
documents=$(find "$WORK/out" -name '*.xml' | wc -l)
set -- $(cpu /dev/null sh -c "find '$WORK/out' -name '*.xml' -print0 | xargs -0 xmllint --noout --schema '$XSD'")
validated=$1
row "\`export --all\` cda-fr with ANS schema validation, $documents documents ($SESSIONS sessions), CPU" \
    "$exported s, peak $((exported_kb / 1024)) MB" "\`xmllint --noout --schema\` of the same files: $validated s" "$(ratio "$exported" "$validated")×"

# 4. Export again into the folder that holds every document.
set -- $(cpu /dev/null "$ACCORD_BIN" export --all --example-centre --profile cda-fr --out "$WORK/out" --schemas "$SCHEMAS")
row "\`export --all\` again into the same folder ($SESSIONS sessions, nothing to write), CPU" "$1 s" "—" "—"

# 2. Cold start.
hyperfine -N --warmup 10 --runs 200 --export-json "$WORK/cold.json" \
    "$ACCORD_BIN session show S1" "sqlite3 $db 'select * from session where number = 1'" >/dev/null 2>&1
set -- $(python3 -c "
import json
r = json.load(open('$WORK/cold.json'))['results']
print(' '.join('%.1f' % ((x['user'] + x['system']) * 1000) for x in r))")
row "cold \`session show S1\`, $SESSIONS sessions, CPU per run (hyperfine, 200 runs)" "$1 ms" \
    "\`sqlite3 DB 'select * from session where number = 1'\`: $2 ms" "$(ratio "$1" "$2")×"

# 5. Verify, of a database whose closed sessions were exported once: one `document-issued`
# event a document, as in a database that exports (at SESSIONS, the export of 1. made them).
vdb=$db
big="$WORK/out-$VERIFY_SESSIONS"
if [ "$VERIFY_SESSIONS" != "$SESSIONS" ]; then
    vdb="$WORK/verify-$VERIFY_SESSIONS.sqlite"
    if [ ! -f "$vdb.done" ]; then
        rm -f "$vdb" "$vdb-wal" "$vdb-shm" "$WORK/verify-$VERIFY_SESSIONS.key" "$big.done"
        ACCORD_DB="$vdb" ACCORD_KEY_FILE="$WORK/verify-$VERIFY_SESSIONS.key" "$ACCORD_BIN" audit generate --experimental \
            --sessions "$VERIFY_SESSIONS" --seed 42 >/dev/null
        touch "$vdb.done"
    fi
    export ACCORD_DB="$vdb" ACCORD_KEY_FILE="$WORK/verify-$VERIFY_SESSIONS.key"
    # The folder of 4 again below, exported once (not timed).
    if [ ! -f "$big.done" ]; then
        rm -rf "$big"
        "$ACCORD_BIN" export --all --example-centre --profile cda-fr --out "$big" >/dev/null 2>&1
        touch "$big.done"
    fi
fi
count=$(events "$vdb")
issued=$(sqlite3 "$vdb" "SELECT COUNT(*) FROM event WHERE kind = 'document-issued'")
set -- $(cpu /dev/null "$ACCORD_BIN" verify)
row "\`verify\`, $VERIFY_SESSIONS sessions ($count events, $issued of them issued documents), CPU" \
    "$1 s ($(rate "$count" "$1") events/s), peak $(($2 / 1024)) MB" "—" "—"

# 4 again, at VERIFY_SESSIONS: into the folder exported above; the floor is listing the folder
# and reading each file's size (`find -printf`, one stat a file).
if [ "$VERIFY_SESSIONS" != "$SESSIONS" ]; then
    # The files written above reach the disk before the run is timed.
    sync
    documents=$(find "$big" -name '*.xml' | wc -l)
    set -- $(cpu /dev/null "$ACCORD_BIN" export --all --example-centre --profile cda-fr --out "$big" --schemas "$SCHEMAS")
    again=$1
    set -- $(cpu /dev/null find "$big" -printf '%s\n')
    row "\`export --all\` again into a folder of $documents documents ($VERIFY_SESSIONS sessions, nothing to write), CPU" "$again s" \
        "\`find DIR -printf '%s\\n'\` (lists the folder, one \`stat\` a file): $1 s" "$(ratio "$again" "$1")×"
fi

# The previous run's export folder, removed once every figure is taken (see above).
rm -rf "$WORK/out.old"
