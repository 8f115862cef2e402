#!/bin/sh
# ingest.sh - end to end: mails piped into the built binary, rows in a
# real PostgreSQL.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
setup_db
R=$FIXTURES/reports

new_customer acme dmarc.acme@rua.test acme.test

# --- a plain RFC 7489 report in a gzip attachment -----------------------
gz "$R/rfc7489-basic.xml" >"$WORK/basic.xml.gz"
make_mail "$WORK/basic.xml.gz" dmarc.acme@rua.test >"$WORK/basic.eml"
ingest_mail "$WORK/basic.eml" dmarc.acme@rua.test --queue-id 4ABC123
is "basic: exit 0" "$rc" 0
is "basic: nothing on stdout" "$out" ""
is "basic: one report" "$(sql "SELECT org_name, report_id, policy_domain, date_begin, date_end, record_count, message_count, foreign_domain, queue_id, recipient FROM report")" \
	"Classic Receiver|classic-1|acme.test|1772323200|1772409599|1|12|f|4ABC123|dmarc.acme@rua.test"
is "basic: record with two SPF results" "$(sql "SELECT host(source_ip), count, disposition, dkim_eval, spf_eval, header_from, envelope_from IS NULL, dkim_domain, dkim_selector, spf_scope, spf_result FROM record")" \
	"198.51.100.7|12|none|pass|pass|acme.test|t|{acme.test}|{NULL}|{helo,mfrom}|{pass,pass}"
is "basic: policy kept" "$(sql "SELECT adkim, aspf, p, sp, pct, np IS NULL, xml_namespace IS NULL FROM report")" "r|r|none|none|100|t|t"

# --- the same mail again: a duplicate, still exit 0 ------------------------
ingest_mail "$WORK/basic.eml" dmarc.acme@rua.test
is "duplicate: exit 0" "$rc" 0
is "duplicate: still one report" "$(sql "SELECT count(*) FROM report")" 1
is "duplicate: still one record" "$(sql "SELECT count(*) FROM record")" 1

# --- RFC 9990: every field kept ------------------------------------------------
gz "$R/rfc9990-full.xml" >"$WORK/bis.xml.gz"
make_mail "$WORK/bis.xml.gz" dmarc.acme@rua.test >"$WORK/bis.eml"
ingest_mail "$WORK/bis.eml" dmarc.acme@rua.test
is "rfc9990: exit 0" "$rc" 0
is "rfc9990: metadata" "$(sql "SELECT xml_namespace, version, org_name, email, extra_contact_info, generator, errors FROM report WHERE report_id = 'bis-2026-03-01'")" \
	'urn:ietf:params:xml:ns:dmarc-2.0|1.0|Bis Receiver|dmarc-reports@bis-receiver.test|https://bis-receiver.test/dmarc|bis-generator 2.1|{"one DNS lookup timed out"}'
is "rfc9990: policy" "$(sql "SELECT p, sp, np, adkim, aspf, discovery_method, fo, testing, pct IS NULL FROM report WHERE report_id = 'bis-2026-03-01'")" \
	"reject|quarantine|reject|s|r|treewalk|1|y|t"
is "rfc9990: totals" "$(sql "SELECT record_count, message_count FROM report WHERE report_id = 'bis-2026-03-01'")" "2|10"
is "rfc9990: disposition pass and test-mode reason" "$(sql "SELECT disposition, reason_type, reason_comment FROM record r JOIN report p ON p.id = r.report WHERE p.report_id = 'bis-2026-03-01' AND ordinal = 0")" \
	'pass|{policy_test_mode}|{"t=y in the policy"}'
is "rfc9990: identifiers, empty envelope_from kept as empty" "$(sql "SELECT host(source_ip), header_from, envelope_from = '', envelope_to FROM record r JOIN report p ON p.id = r.report WHERE p.report_id = 'bis-2026-03-01' AND ordinal = 0")" \
	"2001:db8::25|acme.test|t|bis-receiver.test"
is "rfc9990: several DKIM results with human_result" "$(sql "SELECT dkim_domain, dkim_selector, dkim_result, dkim_human_result FROM record r JOIN report p ON p.id = r.report WHERE p.report_id = 'bis-2026-03-01' AND ordinal = 0")" \
	'{acme.test,esp.test}|{s2026,esp1}|{pass,fail}|{"good signature",NULL}'
is "rfc9990: SPF with human_result" "$(sql "SELECT spf_domain, spf_scope, spf_result, spf_human_result FROM record r JOIN report p ON p.id = r.report WHERE p.report_id = 'bis-2026-03-01' AND ordinal = 0")" \
	'{bounce.esp.test}|{mfrom}|{softfail}|{"not in the record"}'
check "rfc9990: file-level extension kept raw" sh -c "psql -X -A -t -c \"SELECT extensions FROM report WHERE report_id = 'bis-2026-03-01'\" | grep -q 'file level'"
check "rfc9990: record-level extension kept raw" sh -c "psql -X -A -t -c \"SELECT r.extensions FROM record r JOIN report p ON p.id = r.report WHERE p.report_id = 'bis-2026-03-01' AND ordinal = 0\" | grep -q 'record level'"

# --- the recipient from the header when the MTA did not pass one ------------
sed 's/classic-1/classic-hdr/' "$R/rfc7489-basic.xml" | gzip -n >"$WORK/hdr.xml.gz"
make_mail "$WORK/hdr.xml.gz" someone@else.test | sed '1i X-Original-To: <DMARC.acme@rua.test>' >"$WORK/hdr.eml"
"$DR_BIN" ingest <"$WORK/hdr.eml" >/dev/null 2>&1
is "X-Original-To chooses the customer (case-insensitive)" "$(sql "SELECT count(*) FROM report WHERE report_id = 'classic-hdr'")" 1
sed 's/classic-1/classic-to/' "$R/rfc7489-basic.xml" | gzip -n >"$WORK/to.xml.gz"
make_mail "$WORK/to.xml.gz" '"Reports" <dmarc.acme+google@rua.test>' >"$WORK/to.eml"
"$DR_BIN" ingest <"$WORK/to.eml" >/dev/null 2>&1
is "To: with +extension chooses the customer" "$(sql "SELECT count(*) FROM report WHERE report_id = 'classic-to'")" 1

# --- unknown recipient: quarantined, replayed once the customer exists ------
sed 's/classic-1/classic-unknown/' "$R/rfc7489-basic.xml" | gzip -n >"$WORK/u.xml.gz"
make_mail "$WORK/u.xml.gz" dmarc.newco@rua.test >"$WORK/u.eml"
ingest_mail "$WORK/u.eml" dmarc.newco@rua.test --queue-id Q42
is "unknown recipient: exit 0" "$rc" 0
is "unknown recipient: quarantined" "$(sql "SELECT reason, recipient, queue_id, octet_length(raw) = size FROM quarantine")" \
	"unknown-recipient|dmarc.newco@rua.test|Q42|t"
is "unknown recipient: raw message kept byte for byte" "$(sql "SELECT md5(raw) FROM quarantine")" "$(md5sum <"$WORK/u.eml" | cut -d' ' -f1)"
qid=$(sql "SELECT id FROM quarantine")
check "quarantine list shows it" sh -c "'$DR_BIN' quarantine list | grep -q unknown-recipient"
check "quarantine show --raw gives the message back" sh -c "'$DR_BIN' quarantine show --raw $qid | cmp - '$WORK/u.eml'"
new_customer newco dmarc.newco@rua.test newco.test
check "quarantine replay stores it" "$DR_BIN" quarantine replay "$qid"
is "replay: report stored for the new customer" "$(sql "SELECT c.slug FROM report r JOIN customer c ON c.id = r.customer_id WHERE report_id = 'classic-unknown'")" newco
is "replay: entry removed" "$(sql "SELECT count(*) FROM quarantine")" 0
is "replay: report about acme.test flagged foreign for newco" "$(sql "SELECT foreign_domain FROM report WHERE report_id = 'classic-unknown'")" t

# --- not a report ------------------------------------------------------------------
printf 'From: a@b.test\nTo: dmarc.acme@rua.test\nSubject: hello\n\nJust text.\n' >"$WORK/text.eml"
ingest_mail "$WORK/text.eml" dmarc.acme@rua.test
is "plain text mail: exit 0" "$rc" 0
is "plain text mail: quarantined not-a-report" "$(sql "SELECT reason FROM quarantine")" not-a-report
sql "DELETE FROM quarantine" >/dev/null

# --- bare files with --file and --customer -------------------------------------
sed 's/classic-1/bare-gz/' "$R/rfc7489-basic.xml" | gzip -n >"$WORK/bare.xml.gz"
"$DR_BIN" ingest --file "$WORK/bare.xml.gz" --customer acme >/dev/null 2>&1
is "bare .xml.gz with --file --customer" "$(sql "SELECT source_name FROM report WHERE report_id = 'bare-gz'")" bare.xml.gz
sed 's/classic-1/bare-xml/' "$R/rfc7489-basic.xml" >"$WORK/bare.xml"
"$DR_BIN" ingest --file "$WORK/bare.xml" --customer acme >/dev/null 2>&1
is "bare .xml with --file --customer" "$(sql "SELECT count(*) FROM report WHERE report_id = 'bare-xml'")" 1

# --- mbox From line and CRLF ------------------------------------------------------------
sed 's/classic-1/classic-crlf/' "$R/rfc7489-basic.xml" | gzip -n >"$WORK/crlf.xml.gz"
{ printf 'From noreply@receiver.test  Sat Mar  1 00:00:00 2026\n'; make_mail "$WORK/crlf.xml.gz" dmarc.acme@rua.test; } |
	sed 's/$/\r/' >"$WORK/crlf.eml"
ingest_mail "$WORK/crlf.eml" dmarc.acme@rua.test
is "mbox From line and CRLF: stored" "$rc:$(sql "SELECT count(*) FROM report WHERE report_id = 'classic-crlf'")" "0:1"

# --- the same mail from 8 processes at once --------------------------------------
sed 's/classic-1/classic-race/' "$R/rfc7489-basic.xml" | gzip -n >"$WORK/race.xml.gz"
make_mail "$WORK/race.xml.gz" dmarc.acme@rua.test >"$WORK/race.eml"
for i in 1 2 3 4 5 6 7 8; do
	("$DR_BIN" ingest --recipient dmarc.acme@rua.test <"$WORK/race.eml" >/dev/null 2>&1; echo $? >"$WORK/race.$i") &
done
wait
is "8 concurrent deliveries: all exit 0" "$(cat "$WORK"/race.? | sort -u | tr '\n' ' ')" "0 "
is "8 concurrent deliveries: one copy" "$(sql "SELECT count(*) FROM report WHERE report_id = 'classic-race'")" 1
is "8 concurrent deliveries: one set of records" "$(sql "SELECT count(*) FROM record r JOIN report p ON p.id = r.report WHERE p.report_id = 'classic-race'")" 1

# --- the log line ----------------------------------------------------------------------------
sed 's/classic-1/classic-log/; s/Classic Receiver/Evil\&#13;\&#10;Dec  1 00:00:00 host fake: status=stored \&#155;[31m/' "$R/rfc7489-basic.xml" | gzip -n >"$WORK/log.xml.gz"
make_mail "$WORK/log.xml.gz" dmarc.acme@rua.test >"$WORK/log.eml"
"$DR_BIN" ingest -v --recipient dmarc.acme@rua.test --queue-id 7QX9 <"$WORK/log.eml" >/dev/null 2>"$WORK/log.err"
is "-v: one log line per report on stderr" "$(wc -l <"$WORK/log.err" | tr -d ' ')" 1
check "log line: queue id first, then key=value" grep -q '^dmarc-rua: 7QX9: status=stored org=' "$WORK/log.err"
check "log line: CR, LF and CSI from org_name escaped" grep -q 'org="Evil\\x0d\\x0aDec  1.*\\xc2\\x9b' "$WORK/log.err"
check "log line: records and messages" grep -q 'records=1 messages=12$' "$WORK/log.err"

# --- the sender: --sender, else Return-Path, else From: ----------------------------------------
for v in flag rp from; do
	sed "s/classic-1/classic-sender-$v/" "$R/rfc7489-basic.xml" | gzip -n >"$WORK/s.xml.gz"
	make_mail "$WORK/s.xml.gz" dmarc.acme@rua.test >"$WORK/s.eml"
	[ $v = from ] || { printf 'Return-Path: <bounces+7@receiver.test>\n'; cat "$WORK/s.eml"; } >"$WORK/s2.eml"
	[ $v = from ] && cp "$WORK/s.eml" "$WORK/s2.eml"
	if [ $v = flag ]; then
		ingest_mail "$WORK/s2.eml" dmarc.acme@rua.test --sender env@receiver.test
	else
		ingest_mail "$WORK/s2.eml" dmarc.acme@rua.test
	fi
done
is "sender: --sender, else the Return-Path, else From:" \
	"$(sql "SELECT string_agg(sender, ' ' ORDER BY report_id) FROM report WHERE report_id LIKE 'classic-sender-%'")" \
	"env@receiver.test noreply@receiver.test bounces+7@receiver.test"

done_testing
