#!/bin/sh
# fault.sh - fault injection with a real PostgreSQL: the server killed
# (immediate shutdown) in the middle of a large report's COPY, the
# connection terminated mid-transaction, and concurrent deliveries of
# overlapping reports that deadlock each other.  Each ends with exit 0
# or 75 with one "4.3.0" line, nothing half-stored, and every report
# stored exactly once in the end.
#
# It kills PostgreSQL, so it runs on a cluster of its own.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
own_cluster "$@"
setup_db
new_customer acme dmarc@acme.test acme.test

# make_multi TO FILE...: a mail with each FILE as a gzip attachment, in
# the order given, on stdout.
make_multi() {
	_to=$1
	shift
	printf 'From: "Receiver" <noreply@receiver.test>\nTo: %s\n' "$_to"
	printf 'Subject: DMARC reports\nMessage-ID: <%s@receiver.test>\n' \
		"$(printf '%s' "$*" | md5sum | cut -c1-16)"
	printf 'MIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary="b1"\n\n'
	for _f; do
		printf -- '--b1\nContent-Type: application/gzip\n'
		printf 'Content-Disposition: attachment; filename="%s"\n' \
			"$(basename "$_f")"
		printf 'Content-Transfer-Encoding: base64\n\n'
		base64 -w 76 <"$_f"
	done
	printf -- '--b1--\n'
}

# bare ID RECORDS SEED: a gzipped report file $WORK/ID.xml.gz.
bare() {
	"$GEN" --layout bare --container gzip --domain acme.test \
		--report-id "$1" --records "$2" --seed "$3" >"$WORK/$1.xml.gz"
}

# wait_copy BGPID: waits until a COPY into record has some rows in
# (at most 15 s, and only while BGPID runs); prints the backend's pid.
wait_copy() {
	_i=0
	while [ $_i -lt 750 ] && kill -0 "$1" 2>/dev/null; do
		_pid=$(sql "SELECT pid FROM pg_stat_progress_copy
			WHERE relid = 'record'::regclass AND tuples_processed >= 1000
			LIMIT 1" 2>/dev/null)
		if [ -n "$_pid" ]; then
			echo "$_pid"
			return 0
		fi
		sleep 0.02
		_i=$((_i + 1))
	done
	return 1
}

# stored ID: "reports|records" stored under report_id ID.
stored() {
	sql "SELECT count(DISTINCT p.id) || '|' || count(r.report)
		FROM report p LEFT JOIN record r ON r.report = p.id
		WHERE p.report_id = '$1'"
}

# --- (a) immediate shutdown in the middle of a large report's COPY ---------
"$GEN" --records 300000 --to dmarc@acme.test --domain acme.test \
	--report-id big >"$WORK/big.eml"
"$DR_BIN" ingest -v --recipient dmarc@acme.test --queue-id QKILL \
	<"$WORK/big.eml" >"$WORK/a.out" 2>"$WORK/a.err" &
bg=$!
if wait_copy $bg >/dev/null && kill -0 $bg 2>/dev/null; then
	"$DR_PGCTL" stop -m immediate >/dev/null
	ok "immediate shutdown: the server was killed while COPY was under way"
else
	not_ok "immediate shutdown: the server was killed while COPY was under way"
	"$DR_PGCTL" stop -m immediate >/dev/null
fi
wait $bg
is "immediate shutdown: exit 75" "$?" 75
is "immediate shutdown: exactly one line on stdout" "$(wc -l <"$WORK/a.out" | tr -d ' ')" 1
check "immediate shutdown: the line is 4.3.0 with a reason" grep -q '^4\.3\.0 .' "$WORK/a.out"
check "immediate shutdown: logged as deferred" grep -q '^dmarc-rua: QKILL: status=deferred' "$WORK/a.err"
"$DR_PGCTL" start >/dev/null || bail "PostgreSQL did not restart"
is "immediate shutdown: after the restart no report, no record, no quarantine" \
	"$(sql "SELECT (SELECT count(*) FROM report) || '|' || (SELECT count(*) FROM record) || '|' || (SELECT count(*) FROM quarantine)")" "0|0|0"
ingest_mail "$WORK/big.eml" dmarc@acme.test
is "immediate shutdown: delivered again, exit 0" "$rc" 0
ingest_mail "$WORK/big.eml" dmarc@acme.test
is "immediate shutdown: delivered a third time, exit 0" "$rc" 0
is "immediate shutdown: stored once, whole" "$(stored big)" "1|300000"

# --- (c) the connection terminated mid-transaction --------------------------
# A small report first, then a large one: the small one is in the open
# transaction when the backend goes.
bare small 3 11
bare big2 300000 12
make_multi dmarc@acme.test "$WORK/small.xml.gz" "$WORK/big2.xml.gz" >"$WORK/c.eml"
"$DR_BIN" ingest --recipient dmarc@acme.test --queue-id QTERM \
	<"$WORK/c.eml" >"$WORK/c.out" 2>/dev/null &
bg=$!
pid=$(wait_copy $bg)
if [ -n "$pid" ] && kill -0 $bg 2>/dev/null; then
	sql "SELECT pg_terminate_backend($pid)" >/dev/null
	ok "terminated backend: killed while COPY was under way"
else
	not_ok "terminated backend: killed while COPY was under way"
fi
wait $bg
is "terminated backend: exit 75" "$?" 75
is "terminated backend: exactly one line on stdout" "$(wc -l <"$WORK/c.out" | tr -d ' ')" 1
check "terminated backend: the line is 4.3.0 with a reason" grep -q '^4\.3\.0 .' "$WORK/c.out"
is "terminated backend: neither report half-stored" "$(stored small):$(stored big2)" "0|0:0|0"
is "terminated backend: no stray records, no quarantine" \
	"$(sql "SELECT (SELECT count(*) FROM record) || '|' || (SELECT count(*) FROM quarantine)")" "300000|0"
ingest_mail "$WORK/c.eml" dmarc@acme.test
is "terminated backend: delivered again, exit 0" "$rc" 0
ingest_mail "$WORK/c.eml" dmarc@acme.test
is "terminated backend: both reports stored once, whole" "$(stored small):$(stored big2)" "1|3:1|300000"

# --- (b) concurrent ingests of overlapping reports ---------------------------
# Eight mails per round, each with the same three reports in another
# order, delivered at once: the ON CONFLICT waits deadlock, and ingest
# retries inside.  A 75 is allowed, but redelivery must end it within a
# few tries.  A short deadlock_timeout keeps the rounds quick.
sql "ALTER DATABASE $PGDATABASE SET deadlock_timeout = '100ms'" >/dev/null
rounds=4
procs=8
redeliver=5
deferred=0
retries=0
endless=0
for round in $(seq 1 $rounds); do
	bare "r$round-a" 5 "$((100 + round))"
	bare "r$round-b" 2000 "$((200 + round))"
	bare "r$round-c" 40 "$((300 + round))"
	a=$WORK/r$round-a.xml.gz
	b=$WORK/r$round-b.xml.gz
	c=$WORK/r$round-c.xml.gz
	i=0
	for order in "$a $b $c" "$a $c $b" "$b $a $c" "$b $c $a" \
		"$c $a $b" "$c $b $a" "$c $b $a" "$b $a $c"; do
		i=$((i + 1))
		# shellcheck disable=SC2086
		make_multi dmarc@acme.test $order >"$WORK/b$round.$i.eml"
	done
	for i in $(seq 1 $procs); do
		(
			n=0
			while [ $n -lt $redeliver ]; do
				n=$((n + 1))
				"$DR_BIN" ingest -v --recipient dmarc@acme.test \
					--queue-id "B$round.$i" <"$WORK/b$round.$i.eml" \
					>/dev/null 2>>"$WORK/b$round.$i.err"
				s=$?
				echo "$s" >>"$WORK/b$round.$i.rc"
				[ $s -eq 75 ] || break
			done
		) &
	done
	wait
	for i in $(seq 1 $procs); do
		last=$(tail -n 1 "$WORK/b$round.$i.rc")
		[ "$last" = 0 ] || endless=$((endless + 1))
		bad=$(grep -cvxE '0|75' "$WORK/b$round.$i.rc")
		[ "$bad" -eq 0 ] || endless=$((endless + 1))
		deferred=$((deferred + $(grep -cx 75 "$WORK/b$round.$i.rc")))
		retries=$((retries + $(grep -c 'status=retrying' "$WORK/b$round.$i.err")))
	done
	is "concurrent round $round: every report stored exactly once, whole" \
		"$(stored "r$round-a"):$(stored "r$round-b"):$(stored "r$round-c")" \
		"1|5:1|2000:1|40"
	is "concurrent round $round: three stored lines in all, the rest duplicates" \
		"$(cat "$WORK"/b"$round".*.err | grep -c 'status=stored')" 3
done
is "concurrent: every process ended with exit 0 within $redeliver deliveries, no other code" "$endless" 0
echo "# concurrent: $rounds rounds x $procs processes, $retries retries inside ingest, $deferred deliveries deferred (75)"
is "concurrent: no quarantine" "$(sql "SELECT count(*) FROM quarantine")" 0

done_testing
