#!/bin/sh
# import.sh - "dmarc-rua import": directories, Maildirs, mbox files; the
# same outcomes as ingest, idempotent, the same database with --jobs 4 as
# with --jobs 1, and deferral with PostgreSQL stopped.  The inputs are
# built here from share/samples, tests/fixtures/reports and gen-report.
#
# It stops and starts PostgreSQL, so it runs on a cluster of its own.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
own_cluster "$@"
setup_db
R=$FIXTURES/reports
S=$top_srcdir/share/samples
BOX=dmarc@reports.example.net
new_customer demo "$BOX" example.com

# import ARGS...: sets $rc, $out (stdout) and $WORK/err (stderr).
import() {
	out=$("$DR_BIN" import "$@" 2>"$WORK/err")
	rc=$?
}
# lines PATTERN: how many lines of $out match.
lines() {
	printf '%s\n' "$out" | grep -c -- "$1"
}
reports() {
	sql "SELECT count(*) FROM report"
}

# --- a directory with a mix ---------------------------------------------------
mkdir -p "$WORK/mix/sub/deeper"
cp "$S/02-outlook-gzip.eml" "$WORK/mix/a.eml"
gz "$R/rfc7489-basic.xml" >"$WORK/mix/sub/b.xml.gz"
# The zip that Google sends as the whole body of 01, as a bare file.
sed '1,/^$/d' "$S/01-google-zip-body.eml" | base64 -d >"$WORK/mix/sub/deeper/c.zip"
printf 'Just some notes, no report.\n' >"$WORK/mix/notes.txt"
import --recipient "$BOX" "$WORK/mix"
is "mix: exit 0" "$rc" 0
is "mix: one line per file" "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 4
check "mix: the mail is stored" grep -q "^$WORK/mix/a.eml: stored (1 report)\$" <<EOF
$out
EOF
is "mix: the bare .xml.gz and .zip are stored" "$(lines 'sub/b.xml.gz: stored (1 report)$')$(lines 'c.zip: stored (1 report)$')" 11
check "mix: the non-report is quarantined with its reason" grep -q "^$WORK/mix/notes.txt: quarantined: not-a-report: " <<EOF
$out
EOF
is "mix: three reports in the database" "$(reports)" 3
is "mix: a bare report is named after its file" "$(sql "SELECT source_name FROM report WHERE report_id = 'classic-1'")" "b.xml.gz"
check "mix: a summary on stderr" grep -q '4 items in .*: 3 stored (3 reports), 0 duplicates, 1 quarantined, 0 deferred' "$WORK/err"

# --- again: duplicates ------------------------------------------------------------
import --recipient "$BOX" "$WORK/mix"
is "again: exit 0" "$rc" 0
is "again: every report a duplicate" "$(lines ': duplicate$')" 3
is "again: nothing new stored" "$(reports)" 3

# --- the customer ---------------------------------------------------------------------
"$DR_BIN" customer add other --name Other >/dev/null
sed 's/classic-1/classic-cust/' "$R/rfc7489-basic.xml" | gzip -n >"$WORK/cust.xml.gz"
import --customer other "$WORK/cust.xml.gz"
is "--customer: stored for that customer" "$rc:$(sql "SELECT c.slug FROM report r JOIN customer c ON c.id = r.customer_id WHERE report_id = 'classic-cust'")" "0:other"
import --customer nobody "$WORK/cust.xml.gz"
is "--customer of nobody: exit 1" "$rc" 1
check "  ... says so" grep -q 'nobody' "$WORK/err"
sed 's/classic-1/classic-norcpt/' "$R/rfc7489-basic.xml" | gzip -n >"$WORK/norcpt.xml.gz"
import "$WORK/norcpt.xml.gz"
check "a bare report without --customer/--recipient: quarantined unknown-recipient" grep -q ': quarantined: unknown-recipient: ' <<EOF
$out
EOF

# --- a Maildir --------------------------------------------------------------------------
M=$WORK/Maildir
mkdir -p "$M/cur" "$M/new" "$M/tmp" "$M/.Reports/cur" "$M/.Reports/new" "$M/.Reports/tmp"
cp "$S/03-yahoo-gzip.eml" "$M/cur/1700000000.M1P1.mx:2,S"
cp "$S/04-gmx-rfc9990-xml.eml" "$M/new/1700000001.M2P2.mx"
cp "$S/06-mailru-subdomain.eml" "$M/tmp/1700000002.M3P3.mx"
cp "$S/07-foreign-domain.eml" "$M/.Reports/cur/1700000003.M4P4.mx:2,S"
printf '3 V1700000000 N1\n' >"$M/dovecot-uidlist"
import "$M"
is "Maildir: exit 0" "$rc" 0
is "Maildir: cur, new and the Maildir++ folder; not tmp, not the index" "$(lines ': stored (1 report)$'):$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 3:3
check "Maildir: the customer from the To: header" test "$(sql "SELECT count(*) FROM report r JOIN customer c ON c.id = r.customer_id WHERE c.slug = 'demo'")" -eq 6

# --- an mbox of three messages ------------------------------------------------------------
sed 's/classic-1/mbox-1/' "$R/rfc7489-basic.xml" | gzip -n >"$WORK/m1.gz"
sed 's/classic-1/mbox-2/' "$R/rfc7489-basic.xml" | gzip -n >"$WORK/m2.gz"
{
	printf 'From noreply@receiver.test Sun Mar  1 02:00:00 2026\n'
	make_mail "$WORK/m1.gz" "$BOX"
	printf '\nFrom noreply@receiver.test Sun Mar  1 02:00:01 2026\n'
	# A ">From " line in the text part, as mbox writers quote it.
	make_mail "$WORK/m2.gz" "$BOX" | sed 's/^This is a DMARC report\.$/&\n>From the postmaster, with love./'
	printf '\nFrom someone@else.test Sun Mar  1 02:00:02 2026\n'
	printf 'From: someone@else.test\nTo: %s\nSubject: hello\n\n' "$BOX"
	printf 'No report here.\n>From here on, a quoted line.\n>>From a doubly quoted one.\n'
	printf '\n'
} >"$WORK/reports.mbox"
import "$WORK/reports.mbox"
is "mbox: exit 0" "$rc" 0
is "mbox: three messages, numbered" "$(printf '%s\n' "$out" | sed 's/:.*//' | sed 's/.*#//' | tr '\n' ' ')" "1 2 3 "
is "mbox: the two reports stored" "$(sql "SELECT count(*) FROM report WHERE report_id IN ('mbox-1', 'mbox-2')")" 2
check "mbox: the third is quarantined" grep -q 'reports.mbox#3: quarantined: not-a-report' <<EOF
$out
EOF
sql "SELECT encode(raw, 'escape') FROM quarantine WHERE recipient = '$BOX' AND raw LIKE '%No report here%'" >"$WORK/raw3"
check "mbox: the \"From \" line is not part of the message" sh -c "head -n 1 '$WORK/raw3' | grep -q '^From: someone@else.test'"
check "mbox: \">From \" lines are kept by default" sh -c "grep -q '^>From here on' '$WORK/raw3' && grep -q '^>>From a doubly' '$WORK/raw3'"
is "mbox: the blank line before the next \"From \" is the mbox's" "$(sql "SELECT size FROM quarantine WHERE raw LIKE '%No report here%'")" \
	"$(printf 'From: someone@else.test\nTo: %s\nSubject: hello\n\nNo report here.\n>From here on, a quoted line.\n>>From a doubly quoted one.\n' "$BOX" | wc -c | tr -d ' ')"
sql "DELETE FROM quarantine WHERE raw LIKE '%No report here%'" >/dev/null
import --mboxrd "$WORK/reports.mbox"
is "mbox --mboxrd: the reports are duplicates" "$rc:$(lines ': duplicate$')" "0:2"
sql "SELECT encode(raw, 'escape') FROM quarantine WHERE raw LIKE '%No report here%'" >"$WORK/raw3"
check "mbox --mboxrd: one '>' removed" sh -c "grep -q '^From here on' '$WORK/raw3' && grep -q '^>From a doubly' '$WORK/raw3'"
cp "$S/05-ses-zlib-mbox.eml" "$WORK/single.mbox"
import "$WORK/single.mbox"
is "a file with one mbox message" "$rc:$out" "0:$WORK/single.mbox#1: stored (1 report)"

# --- limits: [limits] max_message_size applies per item ---------------------------------
printf '[limits]\nmax_message_size = 2048\n' >"$DMARC_RUA_CONFIG"
"$GEN" --records 200 --report-id big-one --container xml --layout attachment >"$WORK/big.eml"
import "$WORK/big.eml"
check "max_message_size: the item is quarantined too-large" grep -q 'big.eml: quarantined: too-large: ' <<EOF
$out
EOF
: >"$DMARC_RUA_CONFIG"

# --- usage and errors ------------------------------------------------------------------------
import "$WORK/does-not-exist" "$WORK/mix"
is "a missing path: exit 1" "$rc" 1
is "  ... and nothing is imported" "$out" ""
check "  ... names it" grep -q 'does-not-exist' "$WORK/err"
import --jobs 0 "$WORK/mix"
is "--jobs 0: exit 2" "$rc" 2
import
is "no path: exit 2" "$rc" 2
check "--help" "$DR_BIN" import --help

# --- on a terminal: a progress line ----------------------------------------------------------
if command -v script >/dev/null 2>&1; then
	script -qec "'$DR_BIN' import --recipient $BOX '$WORK/mix' >/dev/null" /dev/null >"$WORK/tty" 2>&1
	check "terminal: a progress line with items, rate and time left" grep -q '4/4 items, [0-9.]*/s, [0-9:]* left' "$WORK/tty"
	check "terminal: the summary" grep -q '4 items in' "$WORK/tty"
else
	ok "# SKIP terminal: script(1) not installed"
fi
import --recipient "$BOX" "$WORK/mix"
check "not a terminal: no progress line" sh -c "! grep -q 'items,' '$WORK/err'"

# --- --jobs 4 gives the same database as --jobs 1 ---------------------------------------------
P=$WORK/par
mkdir -p "$P/mails" "$P/bare"
"$GEN" --count 40 --seed 100 --records 20 --out-dir "$P/mails"
"$GEN" --count 20 --seed 500 --records 5 --layout bare --container zip --out-dir "$P/bare"
cp "$S"/*.eml "$P/"
cp "$WORK/reports.mbox" "$P/"
snapshot() {
	sql "SELECT c.slug, r.org_name, r.report_id, r.policy_domain, r.date_begin, r.date_end, r.record_count, r.message_count, r.foreign_domain, (SELECT sum(count) FROM record WHERE report = r.id) FROM report r JOIN customer c ON c.id = r.customer_id ORDER BY 1, 2, 3, 4, 5"
	sql "SELECT reason, recipient, size FROM quarantine ORDER BY 1, 2, 3"
}
clean() {
	sql "TRUNCATE record, report, quarantine" >/dev/null
}
clean
import --jobs 1 --recipient "$BOX" "$P"
is "--jobs 1: exit 0" "$rc" 0
snapshot >"$WORK/jobs1"
clean
import --jobs 4 --recipient "$BOX" "$P"
is "--jobs 4: exit 0" "$rc" 0
snapshot >"$WORK/jobs4"
check "--jobs 4: the same reports, records and quarantine as --jobs 1" cmp "$WORK/jobs1" "$WORK/jobs4"
is "--jobs 4: every item one line" "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 73
check "--jobs 4: nothing from libxml or GMime on stderr but the summary" test "$(wc -l <"$WORK/err")" -eq 1
import --jobs 4 --recipient "$BOX" "$P"
is "--jobs 4 again: every item a duplicate or quarantined again" "$rc:$(lines ': stored')" "0:0"

# --- PostgreSQL stopped: deferred, exit 75; later stored ---------------------------------------
sed 's/classic-1/defer-1/' "$R/rfc7489-basic.xml" | gzip -n >"$WORK/d1.xml.gz"
sed 's/classic-1/defer-2/' "$R/rfc7489-basic.xml" | gzip -n >"$WORK/d2.xml.gz"
"$DR_PGCTL" stop -m fast >/dev/null
import --recipient "$BOX" "$WORK/d1.xml.gz" "$WORK/d2.xml.gz"
is "database stopped: exit 75" "$rc" 75
is "database stopped: each item deferred, the import went on" "$(lines ': deferred: cannot connect to the database')" 2
check "database stopped: the summary counts them" grep -q '2 deferred' "$WORK/err"
"$DR_PGCTL" start >/dev/null
import --recipient "$BOX" "$WORK/d1.xml.gz" "$WORK/d2.xml.gz"
is "after the restart: stored" "$rc:$(sql "SELECT count(*) FROM report WHERE report_id LIKE 'defer-%'")" "0:2"

done_testing
