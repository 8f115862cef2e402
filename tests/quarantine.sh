#!/bin/sh
# quarantine.sh - the same mail quarantined again is one entry
# (schema/004_quarantine_once.sql): it counts its deliveries, takes the
# latest delivery's fields, and migration 004 merges the copies that an
# older version left.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
setup_db
RUA=dmarc.acme@rua.test
new_customer acme $RUA acme.test

printf 'From: a@b.test\nTo: %s\nSubject: hello\n\nJust text.\n' $RUA \
	>"$WORK/text.eml"
ingest_mail "$WORK/text.eml" $RUA --queue-id Q1
is "first delivery: exit 0, quarantined" \
	"$rc:$(sql "SELECT reason, deliveries, first_received_at IS NULL FROM quarantine")" \
	"0:not-a-report|1|t"
id=$(sql "SELECT id FROM quarantine")
ingest_mail "$WORK/text.eml" $RUA --queue-id Q2
is "the same mail again: exit 0, still one entry, two deliveries" \
	"$rc:$(sql "SELECT count(*), sum(deliveries) FROM quarantine")" "0:1|2"
is "  ... the same entry, with the latest queue id, first and last times" \
	"$(sql "SELECT id, queue_id, first_received_at < received_at FROM quarantine")" \
	"$id|Q2|t"
check "quarantine list: TIMES 2" sh -c \
	"'$DR_BIN' quarantine list | grep -Eq '^$id +[0-9-]+ [0-9:]+ +2 +not-a-report'"
check "quarantine show: delivered 2 times, the first at" sh -c \
	"'$DR_BIN' quarantine show $id | grep -Eq '^delivered +2 times, the first [0-9-]+ [0-9:]+$'"

ingest_mail "$WORK/text.eml" dmarc.other@rua.test
is "the same mail for another mailbox: an entry of its own" \
	"$(sql "SELECT count(*) FROM quarantine")" 2
{ cat "$WORK/text.eml"; printf 'One more line.\n'; } >"$WORK/text2.eml"
ingest_mail "$WORK/text2.eml" $RUA
is "another mail: an entry of its own" "$(sql "SELECT count(*) FROM quarantine")" 3

# A mail whose mailbox lost its owner: the entry follows the latest delivery.
new_customer gone dmarc.gone@rua.test
printf 'From: a@b.test\nTo: dmarc.gone@rua.test\n\nNot a report.\n' \
	>"$WORK/gone.eml"
ingest_mail "$WORK/gone.eml" dmarc.gone@rua.test
is "owned mailbox: quarantined for its customer" \
	"$(sql "SELECT q.reason, c.slug FROM quarantine q JOIN customer c ON c.id = q.customer_id WHERE q.recipient = 'dmarc.gone@rua.test'")" \
	"not-a-report|gone"
"$DR_BIN" customer address remove gone dmarc.gone@rua.test >/dev/null
ingest_mail "$WORK/gone.eml" dmarc.gone@rua.test
is "  ... again after the mailbox was removed: unknown-recipient, no customer" \
	"$(sql "SELECT reason, customer_id IS NULL, deliveries FROM quarantine WHERE recipient = 'dmarc.gone@rua.test'")" \
	"unknown-recipient|t|2"
sql "DELETE FROM quarantine WHERE recipient = 'dmarc.gone@rua.test'" >/dev/null

# A Maildir imported twice leaves one entry per mail.
mkdir -p "$WORK/md/cur" "$WORK/md/new" "$WORK/md/tmp"
cp "$WORK/text2.eml" "$WORK/md/cur/1.mx:2,S"
printf 'From: c@d.test\nTo: %s\n\nNot a report either.\n' $RUA \
	>"$WORK/md/cur/2.mx:2,S"
"$DR_BIN" import --recipient $RUA "$WORK/md" >/dev/null 2>&1
"$DR_BIN" import --recipient $RUA "$WORK/md" >/dev/null 2>&1
is "a Maildir imported twice: one entry per mail" \
	"$(sql "SELECT count(*), sum(deliveries) FROM quarantine")" "4|8"

# A replay that fails again keeps the entry and its count.
"$DR_BIN" quarantine replay "$id" >/dev/null 2>&1
is "replay that fails again: same entry, same count" \
	"$(sql "SELECT count(*), deliveries FROM quarantine WHERE id = $id GROUP BY deliveries")" "1|2"

# --- migration 004 merges the copies left by version 3 --------------------------
old=${PGDATABASE}_old
PGDATABASE=postgres sql "CREATE DATABASE $old" >/dev/null || bail "createdb"
mkdir "$WORK/schema3"
cp "$DR_SCHEMA_DIR"/00[123]_*.sql "$WORK/schema3/"
PGDATABASE=$old DMARC_RUA_SCHEMA_DIR=$WORK/schema3 "$DR_BIN" db migrate \
	>/dev/null || bail "migrate to 3"
PGDATABASE=$old sql "INSERT INTO quarantine (received_at, reason, detail,
	recipient, queue_id, size, raw)
	SELECT timestamptz '2026-01-01 00:00Z' + n * interval '1 hour',
	    'bad-xml', 'copy ' || n, 'a@rua.test', 'Q' || n, 3, bytea 'abc'
	FROM generate_series(1, 3) n
	UNION ALL SELECT timestamptz '2026-01-02 00:00Z', 'bad-xml', 'b',
	    'b@rua.test', 'QB', 3, 'abc'
	UNION ALL SELECT timestamptz '2026-01-03 00:00Z', 'bad-xml', 'n',
	    NULL, 'QN', 3, 'abc'" >/dev/null || bail "cannot add old copies"
PGDATABASE=$old "$DR_BIN" db migrate >/dev/null
is "migrate 3 -> 4: exit 0" "$?" 0
is "  ... three copies for a@ became one, the newest, counting three" \
	"$(PGDATABASE=$old sql "SELECT count(*) FROM quarantine WHERE recipient = 'a@rua.test'"):$(PGDATABASE=$old sql "SELECT detail, deliveries, received_at = '2026-01-01 03:00Z', first_received_at = '2026-01-01 01:00Z' FROM quarantine WHERE recipient = 'a@rua.test'")" \
	"1:copy 3|3|t|t"
is "  ... other recipients, and none, kept apart" \
	"$(PGDATABASE=$old sql "SELECT string_agg(coalesce(recipient, '-') || '=' || deliveries, ' ' ORDER BY recipient) FROM quarantine WHERE recipient IS DISTINCT FROM 'a@rua.test'")" \
	"b@rua.test=1 -=1"
printf 'From: x@y.test\nTo: a@rua.test\n\nabc\n' |
	PGDATABASE=$old "$DR_BIN" ingest --recipient a@rua.test >/dev/null
is "  ... and new mail is quarantined as before" \
	"$(PGDATABASE=$old sql "SELECT count(*) FROM quarantine")" 4
PGDATABASE=postgres sql "DROP DATABASE $old WITH (FORCE)" >/dev/null

done_testing
