#!/bin/sh
# prune.sh - "dmarc-rua db prune": retention of reports and quarantine,
# --dry-run, the [retention] keys, batches, and ingest going on meanwhile.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
setup_db
R=$FIXTURES/reports
new_customer acme dmarc@acme.test acme.test
new_customer beta dmarc@beta.test beta.test
now=$(sql "SELECT extract(epoch FROM now())::bigint")
day=86400

for id in old-1 old-2 new-1; do
	sed "s/classic-1/$id/" "$R/rfc7489-basic.xml" | gzip -n >"$WORK/$id.xml.gz"
	"$DR_BIN" ingest --file "$WORK/$id.xml.gz" --customer acme >/dev/null
done
sql "UPDATE report SET date_begin = $now - 501 * $day, date_end = $now - 500 * $day WHERE report_id LIKE 'old-%'" >/dev/null
sql "UPDATE report SET date_begin = $now - $day, date_end = $now - $day / 2 WHERE report_id = 'new-1'" >/dev/null
for i in 1 2 3; do
	printf 'To: x@y.test\n\nnot a report %s\n' "$i" |
		"$DR_BIN" ingest --recipient nobody@y.test >/dev/null
done
sql "UPDATE quarantine SET received_at = now() - interval '40 days' WHERE raw NOT LIKE '%report 3%'" >/dev/null
state() {
	sql "SELECT (SELECT count(*) FROM report) || ' ' || (SELECT count(*) FROM record) || ' ' || (SELECT count(*) FROM quarantine)"
}
is "setup: 3 reports, 3 records, 3 quarantine entries" "$(state)" "3 3 3"

# --- dry run ------------------------------------------------------------------------
out=$("$DR_BIN" db prune --dry-run)
is "dry run: exit 0" "$?" 0
is "dry run: says what would go (defaults: 400 and 30 days)" "$out" "would remove 2 reports (2 records), 2 quarantine entries"
is "dry run: nothing removed" "$(state)" "3 3 3"
is "dry run --older-than 1000" "$("$DR_BIN" db prune --dry-run --older-than 1000)" "would remove 0 reports (0 records), 0 quarantine entries"
is "dry run --older-than 1 (sets both)" "$("$DR_BIN" db prune -n --older-than 1)" "would remove 2 reports (2 records), 2 quarantine entries"

# --- [retention] ------------------------------------------------------------------------
printf '[retention]\nreport_days = 600\nquarantine_days = 60\n' >"$DMARC_RUA_CONFIG"
is "[retention] longer than the data: nothing to remove" "$("$DR_BIN" db prune --dry-run)" "would remove 0 reports (0 records), 0 quarantine entries"
printf '[retention]\nreport_days = 450\nquarantine_days = 45\n' >"$DMARC_RUA_CONFIG"
is "[retention] report_days and quarantine_days apart" "$("$DR_BIN" db prune --dry-run)" "would remove 2 reports (2 records), 0 quarantine entries"
is "--older-than overrides the file" "$("$DR_BIN" db prune --dry-run --older-than 35)" "would remove 2 reports (2 records), 2 quarantine entries"
printf '[retention]\nreport_days = soon\n' >"$DMARC_RUA_CONFIG"
"$DR_BIN" db prune --dry-run >/dev/null 2>"$WORK/err"
is "an invalid [retention] value: exit 1" "$?" 1
check "  ... names the key" grep -q 'retention.*report_days' "$WORK/err"
: >"$DMARC_RUA_CONFIG"

# --- usage ------------------------------------------------------------------------------------
"$DR_BIN" db prune --older-than 0 2>/dev/null
is "--older-than 0: exit 2" "$?" 2
"$DR_BIN" db prune --older-than ten 2>/dev/null
is "--older-than ten: exit 2" "$?" 2
"$DR_BIN" db status --dry-run >/dev/null 2>&1
is "--dry-run with another db command: exit 2" "$?" 2
check "db --help mentions prune" sh -c "'$DR_BIN' db --help | grep -q 'prune'"

# --- the real thing ---------------------------------------------------------------------------
out=$("$DR_BIN" -v db prune 2>"$WORK/err")
is "prune: exit 0" "$?" 0
is "prune: says what went" "$out" "removed 2 reports (2 records), 2 quarantine entries"
is "prune: the new report and entry stay; records went with their reports" "$(state)" "1 1 1"
is "prune: the one left is the new one" "$(sql "SELECT report_id FROM report")" "new-1"
check "prune: one log line" grep -q 'prune: status=done reports=2 records=2 quarantined=2 report_days=400 quarantine_days=30' "$WORK/err"
is "prune again: nothing left to remove" "$("$DR_BIN" db prune)" "removed 0 reports (0 records), 0 quarantine entries"

# --- many batches, several customers, and ingest at the same time -------------------------------
old=$((now - 800 * day))
sql "INSERT INTO report (customer_id, org_name, report_id, policy_domain, date_begin, date_end, record_count, message_count)
	SELECT c.id, 'Bulk', 'bulk-' || g, c.slug || '.test', $old, $old + 86399, 2, 2
	FROM customer c, generate_series(1, 12500) g" >/dev/null
sql "INSERT INTO record (report, ordinal, count) SELECT id, o, 1 FROM report, generate_series(0, 1) o WHERE org_name = 'Bulk'" >/dev/null
is "bulk: 25,000 old reports of two customers" "$(sql "SELECT count(*) FROM report WHERE org_name = 'Bulk'")" 25000
for i in 1 2 3 4 5 6 7 8; do
	sed "s/classic-1/during-$i/" "$R/rfc7489-basic.xml" | gzip -n >"$WORK/during-$i.xml.gz"
	make_mail "$WORK/during-$i.xml.gz" dmarc@beta.test >"$WORK/during-$i.eml"
done
"$DR_BIN" db prune >"$WORK/prune.out" 2>&1 &
pid=$!
fails=0
for i in 1 2 3 4 5 6 7 8; do
	"$DR_BIN" ingest --recipient dmarc@beta.test <"$WORK/during-$i.eml" >/dev/null || fails=$((fails + 1))
done
wait $pid
is "bulk: prune exit 0" "$?" 0
is "bulk: all removed, in batches" "$(cat "$WORK/prune.out")" "removed 25000 reports (50000 records), 0 quarantine entries"
is "bulk: ingest meanwhile: every mail accepted" "$fails" 0
is "bulk: ingest meanwhile: every report stored" "$(sql "SELECT count(*) FROM report WHERE report_id LIKE 'during-%'")" 8
is "bulk: nothing old left, nothing new lost" "$(state)" "9 9 1"

done_testing
