#!/bin/sh
# status.sh - "dmarc-rua status": what it shows, and its exit status
# (0 only with the database reachable and the schema current).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
setup_db
R=$FIXTURES/reports
SITES=$WORK/sites
# The newest migration and how many there are, whatever schema/ holds.
migrations=$(ls "$DR_SCHEMA_DIR" | grep -c '^[0-9].*\.sql$')
version=$(ls "$DR_SCHEMA_DIR" | grep '^[0-9].*\.sql$' | sort | tail -n 1 | sed 's/_.*//; s/^0*//')

# status ARGS...: sets $rc and $out.
status() {
	out=$("$DR_BIN" status "$@" 2>"$WORK/err")
	rc=$?
}
# has DESCRIPTION REGEX: a line of $out matches.
has() {
	if printf '%s\n' "$out" | grep -q -- "$2"; then
		ok "$1"
	else
		not_ok "$1"
		printf '%s\n' "$out" | sed 's/^/#   /'
	fi
}

status --output "$SITES"
is "empty database: exit 0" "$rc" 0
has "empty database: reachable" "^database  *$PGDATABASE on PostgreSQL [0-9.]*.*: reachable$"
has "empty database: schema current" "^schema  *version $version, up to date$"
has "empty database: no customers" "^customers  *0$"
has "empty database: no render yet" "^last render  *never (no $SITES/.last-render)$"
has "empty database: no report yet" "^last report  *never$"

new_customer acme dmarc@acme.test acme.test
new_customer beta dmarc@beta.test beta.test
sed 's/classic-1/classic-old/' "$R/rfc7489-basic.xml" | gzip -n >"$WORK/old.xml.gz"
"$DR_BIN" ingest --file "$WORK/old.xml.gz" --customer acme >/dev/null
sql "UPDATE report SET received_at = now() - interval '3 days' WHERE report_id = 'classic-old'" >/dev/null
gzip -n -c "$R/rfc7489-basic.xml" >"$WORK/r.xml.gz"
"$DR_BIN" ingest --file "$WORK/r.xml.gz" --customer acme >/dev/null
printf 'To: dmarc@acme.test\n\nhello\n' | "$DR_BIN" ingest >/dev/null
printf 'To: x@nowhere.test\n\nhello\n' | "$DR_BIN" ingest >/dev/null
printf 'To: y@nowhere.test\n\nhello\n' | "$DR_BIN" ingest >/dev/null
sql "UPDATE quarantine SET received_at = now() - interval '2 days' WHERE raw LIKE '%y@nowhere%'" >/dev/null

status --output "$SITES"
is "with data: exit 0" "$rc" 0
has "customers counted" "^customers  *2$"
has "per customer: reports of the last 24 hours, quarantined" "^acme  *1  *1$"
has "a customer without either" "^beta  *0  *0$"
has "quarantine without a customer" "^(no customer)  *-  *2$"
has "quarantine by reason: all and last 24 hours" "^unknown-recipient  *2  *1$"
has "quarantine by reason: not-a-report" "^not-a-report  *1  *1$"
has "quarantine total" "^quarantine  *3 entries, 2 in the last 24 hours$"
has "the last report, with its age" "^last report  *20[0-9-]* [0-9:]* UTC ([0-9]* seconds ago)$"

# --- the last render --------------------------------------------------------------
mkdir -p "$SITES"
printf 'finished=2026-03-01T13:00:04Z\ndate=2026-03-01\ncustomers=2\nfailed=0\nfailed_slugs=\n' >"$SITES/.last-render"
status --output "$SITES"
has "last render: when, for which date" "^last render  *2026-03-01 13:00:04 UTC ([0-9]* [a-z]* ago), render date 2026-03-01$"
has "last render: all well" "^  *2 customers rendered, none failed$"
printf 'finished=2026-03-02T13:00:09Z\ndate=2026-03-02\ncustomers=2\nfailed=2\nfailed_slugs=acme,beta\n' >"$SITES/.last-render"
status --output "$SITES"
has "last render: which customers failed" "^  *FAILED for 2 of 2 customers: acme, beta$"
is "a failed render alone does not fail status" "$rc" 0
printf '[render]\noutput_dir = %s\n' "$SITES" >"$DMARC_RUA_CONFIG"
status
has "[render] output_dir when no --output" "render date 2026-03-02$"
: >"$DMARC_RUA_CONFIG"

# --- schema not current -----------------------------------------------------------------
mkdir "$WORK/schema"
cp "$DR_SCHEMA_DIR"/*.sql "$WORK/schema/"
printf 'SELECT 1;\n' >"$WORK/schema/999_future.sql"
out=$(DMARC_RUA_SCHEMA_DIR=$WORK/schema "$DR_BIN" status --output "$SITES" 2>&1)
is "a pending migration: exit 1" "$?" 1
has "a pending migration: named, with what to do" "^schema  *version $version, 1 migration pending: 999_future.sql (run 'dmarc-rua db migrate')$"
has "a pending migration: the rest is still shown" "^acme  *1  *1$"
sql "DROP TABLE schema_migration" >/dev/null
status --output "$SITES"
is "no schema_migration table: exit 1" "$rc" 1
has "no schema_migration table: every migration pending" "^schema  *version 0, $migrations migrations pending"

# --- database unreachable -------------------------------------------------------------------
status --db "host=$WORK/no-such-socket-dir" --output "$SITES"
is "database unreachable: exit 1" "$rc" 1
has "database unreachable: says so" "^database  *unreachable: cannot connect to the database"
has "database unreachable: the last render is still shown" "render date 2026-03-02$"

status extra
is "an argument: exit 2" "$rc" 2
check "--help" "$DR_BIN" status --help

done_testing
