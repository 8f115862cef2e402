#!/bin/sh
# failure.sh - the MTA contract when things break: the database stopped,
# the time budget exhausted.  Exit 75 with one "4.3.0" line, nothing
# half-stored, and the same mail stores exactly once afterwards.
#
# It stops and starts PostgreSQL, so it runs on a cluster of its own.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
own_cluster "$@"
setup_db
R=$FIXTURES/reports
new_customer acme dmarc@acme.test acme.test

gzip -n -c "$R/rfc7489-basic.xml" >"$WORK/r.gz"
make_mail "$WORK/r.gz" dmarc@acme.test >"$WORK/r.eml"

# --- PostgreSQL stopped -----------------------------------------------------------
"$DR_PGCTL" stop -m fast >/dev/null
out=$("$DR_BIN" ingest --recipient dmarc@acme.test --queue-id Q1 <"$WORK/r.eml")
is "database stopped: exit 75" "$?" 75
is "database stopped: exactly one line on stdout" "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 1
check "database stopped: the line is 4.3.0 with a reason" sh -c "printf '%s\n' '$out' | grep -q '^4\.3\.0 cannot connect to the database'"
"$DR_PGCTL" start >/dev/null
is "database stopped: nothing stored" "$(sql "SELECT (SELECT count(*) FROM report) + (SELECT count(*) FROM quarantine)")" 0
ingest_mail "$WORK/r.eml" dmarc@acme.test
is "after the restart: exit 0" "$rc" 0
ingest_mail "$WORK/r.eml" dmarc@acme.test
is "after the restart, delivered again: stored once" "$(sql "SELECT count(*) FROM report")" 1

# --- a bounded wait: the quarantine write fails too --------------------------------
printf 'To: x@y.test\n\nnot a report\n' >"$WORK/text.eml"
"$DR_PGCTL" stop -m fast >/dev/null
"$DR_BIN" ingest --recipient nobody@y.test <"$WORK/text.eml" >/dev/null
is "database gone while quarantining: exit 75" "$?" 75
"$DR_PGCTL" start >/dev/null

# --- the time budget --------------------------------------------------------------------
# A large report (records repeated) that takes longer than one second.
awk '/<record>/ { r = 1 } r { rec = rec $0 "\n"; if (/<\/record>/) { for (i = 0; i < 300000; i++) print rec; r = 0; rec = "" }; next } { print }' \
	"$R/rfc7489-basic.xml" | sed 's/classic-1/classic-big/' | gzip -n >"$WORK/big.xml.gz"
make_mail "$WORK/big.xml.gz" dmarc@acme.test >"$WORK/big.eml"
out=$("$DR_BIN" ingest --time-budget 1 --recipient dmarc@acme.test <"$WORK/big.eml")
is "time budget exhausted: exit 75" "$?" 75
check "time budget exhausted: says so" sh -c "printf '%s\n' '$out' | grep -q '^4\.3\.0 time budget'"
is "time budget exhausted: nothing stored" "$(sql "SELECT count(*) FROM report WHERE report_id = 'classic-big'")" 0
is "time budget exhausted: no records left behind" "$(sql "SELECT count(*) FROM record")" 1
ingest_mail "$WORK/big.eml" dmarc@acme.test
is "with the default budget: stored" "$rc:$(sql "SELECT record_count, message_count FROM report WHERE report_id = 'classic-big'")" "0:300000|3600000"

# --- stdin is read to the end even when we defer -----------------------------------------
"$DR_PGCTL" stop -m fast >/dev/null
head -c 5000000 /dev/zero | "$DR_BIN" ingest --recipient dmarc@acme.test >/dev/null
is "deferring still reads stdin to the end (no SIGPIPE for the MTA)" "$?" 75
"$DR_PGCTL" start >/dev/null

# --- a serialization failure is retried inside ingest ----------------------------
# A trigger fails the first report INSERT with SQLSTATE 40001 (a sequence
# counts, as it is not rolled back with the failure).
sql "CREATE SEQUENCE dr_fail_once;
	CREATE FUNCTION dr_fail_once() RETURNS trigger LANGUAGE plpgsql AS \$\$
	BEGIN
		IF nextval('dr_fail_once') = 1 THEN
			RAISE EXCEPTION 'injected' USING ERRCODE = '40001';
		END IF;
		RETURN NEW;
	END \$\$;
	CREATE TRIGGER dr_fail_once BEFORE INSERT ON report
	    FOR EACH ROW EXECUTE FUNCTION dr_fail_once()" >/dev/null ||
	bail "cannot add the failing trigger"
sed 's/classic-1/classic-retry/' "$R/rfc7489-basic.xml" | gzip -n >"$WORK/s.gz"
make_mail "$WORK/s.gz" dmarc@acme.test >"$WORK/s.eml"
qid=$(printf 'Q\033[31mR')
out=$("$DR_BIN" ingest -v --recipient dmarc@acme.test --queue-id "$qid" \
	<"$WORK/s.eml" 2>"$WORK/s.err")
is "serialization failure: retried, exit 0, stored once" \
	"$?:$out:$(sql "SELECT count(*) FROM report WHERE report_id = 'classic-retry'")" "0::1"
check "  ... the retry is logged, its queue id cleaned like every line" \
	grep -q '^dmarc-rua: Q\\x1b\[31mR: status=retrying reason=' "$WORK/s.err"
is "  ... no raw escape in any log line" \
	"$(grep -c "$(printf '\033')" "$WORK/s.err")" 0
sql "DROP TRIGGER dr_fail_once ON report" >/dev/null

done_testing
