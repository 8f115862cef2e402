#!/bin/sh
# load.sh [N] - N mails through 8 concurrent "dmarc-rua ingest"
# processes, as an MTA would pipe them: distinct reports, 20% exact
# duplicates of them, 5% hostile mail.  A manifest says what each mail
# should end as; afterwards stored + duplicates + quarantined equals
# sent, each mail's outcome matches the manifest, and the database holds
# every report once with all its messages.  The figures are printed as
# TAP comments.
#
# N is the first argument, else DR_LOAD_N, else 5000.  By hand:
#   tests/run-with-pg sh tests/load.sh 5000
# DR_KEEP=1 keeps the mails, the manifest and the logs.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
# One collation for sort and join.
LC_ALL=C
export LC_ALL
N=${1:-${DR_LOAD_N:-5000}}
case $N in
'' | *[!0-9]*) bail "N must be a number, not '$N'" ;;
esac
[ "$N" -ge 100 ] || bail "N must be at least 100"
setup_db
new_customer acme dmarc@acme.test acme.test
JOBS=8
RECORDS=3
MAILS=$WORK/mails
OUT=$WORK/out
mkdir "$MAILS" "$OUT" "$WORK/gen"
: >"$WORK/manifest"
: >"$WORK/list"

dups=$((N * 20 / 100))
hostile=$((N * 5 / 100))
distinct=$((N - dups - hostile))

# --- the mails and the manifest -----------------------------------------------------
# Distinct reports: gen-report mail i holds report gen-1-i.
"$GEN" --count "$distinct" --out-dir "$WORK/gen" --to dmarc@acme.test \
	--domain acme.test --records $RECORDS >/dev/null ||
	bail "gen-report failed"
totals=$("$GEN" --count "$distinct" --records $RECORDS --domain acme.test \
	--print-totals)

# hostile_mail K FILE: the K-th hostile mail; prints its expected reason.
hostile_mail() {
	case $(($1 % 6)) in
	0)
		printf 'From: a@b.test\nTo: dmarc@acme.test\nSubject: hello %s\n\nJust text.\n' \
			"$1" >"$2"
		echo not-a-report ;;
	1)
		"$GEN" --layout bare --container xml --seed $((100000 + $1)) \
			--domain acme.test | head -n 20 | gzip -n >"$WORK/h.gz"
		make_mail "$WORK/h.gz" dmarc@acme.test >"$2"
		echo bad-xml ;;
	2)
		"$GEN" --seed $((200000 + $1)) --to "dmarc@nobody$1.test" \
			--domain acme.test >"$2"
		echo unknown-recipient ;;
	3)
		{
			# One mail each: the same bytes would be one entry.
			printf 'To: dmarc@acme.test\nSubject: parts %s\n' "$1"
			printf 'MIME-Version: 1.0\n'
			printf 'Content-Type: multipart/mixed; boundary=b\n\n'
			for _i in $(seq 1 40); do
				printf -- '--b\nContent-Type: text/plain\n\npart %s\n' "$_i"
			done
			printf -- '--b--\n'
		} >"$2"
		echo too-large ;;
	4)
		{ printf '\037\213\010\000\000\000\000\000\000\003'; echo "not deflate $1"; } \
			>"$WORK/h.gz"
		make_mail "$WORK/h.gz" dmarc@acme.test >"$2"
		echo bad-archive ;;
	5)
		"$GEN" --layout bare --container xml --seed $((300000 + $1)) \
			--domain acme.test | sed '0,/<count>[0-9]*</s//<count>-1</' |
			gzip -n >"$WORK/h.gz"
		make_mail "$WORK/h.gz" dmarc@acme.test >"$2"
		echo bad-data ;;
	esac
}

# The sending order mixes the three kinds: slot s gets key (s * P) mod N
# for a prime P that does not divide N, a fixed permutation.  A copy is
# the same file as its original, byte for byte.  The plan says
# "queue-id kind report-id-or-index file".
P=7919
[ $((N % P)) -ne 0 ] || P=7907
awk -v n="$N" -v p=$P -v d="$distinct" -v u="$dups" -v gen="$WORK/gen" \
    -v mails="$MAILS" 'BEGIN {
	OFS = "\t"
	for (s = 1; s <= n; s++) {
		key = (s * p) % n
		q = sprintf("L%06d", s)
		if (key < d) {
			i = key + 1
			print q, "report", "gen-1-" i, sprintf("%s/%06d.eml", gen, i)
		} else if (key < d + u) {
			i = (key - d) * 13 % d + 1
			print q, "duplicate", "gen-1-" i, sprintf("%s/%06d.eml", gen, i)
		} else
			print q, "quarantined", ++k, mails "/" q ".eml"
	}
}' >"$WORK/plan"
# The manifest: "queue-id kind report-id-or-reason"; the list: "queue-id file".
awk -F '\t' '$2 != "quarantined" { print $1 "\t" $2 "\t" $3 }' "$WORK/plan" >"$WORK/manifest"
awk -F '\t' '{ print $1, $4 }' "$WORK/plan" >"$WORK/list"
awk -F '\t' '$2 == "quarantined" { print $1, $3, $4 }' "$WORK/plan" |
	while read -r q k file; do
		printf '%s\tquarantined\t%s\n' "$q" "$(hostile_mail "$k" "$file")"
	done >>"$WORK/manifest"
sort -o "$WORK/manifest" "$WORK/manifest"
is "manifest: $N mails ($distinct distinct, $dups duplicates, $hostile hostile)" \
	"$(cut -f2 "$WORK/manifest" | sort | uniq -c | awk '{ printf "%s=%s ", $2, $1 }')" \
	"duplicate=$dups quarantined=$hostile report=$distinct "

# --- deliver: 8 ingest processes at once, like an MTA's pipe transport -------------
# deliver QUEUE-ID FILE ...: each mail to ingest on stdin; per queue id
# its stdout, its -v log lines and the exit code of each delivery.
cat >"$WORK/deliver" <<END
#!/bin/sh
while [ \$# -ge 2 ]; do
	"$DR_BIN" ingest -v --queue-id "\$1" <"\$2" >>"$OUT/\$1.out" 2>>"$OUT/\$1.log"
	echo \$? >>"$OUT/\$1.rc"
	shift 2
done
END
chmod +x "$WORK/deliver"
# last_rc: "queue-id exit" of each mail's last delivery.
last_rc() {
	awk '{ last[FILENAME] = $0 } END { for (f in last) {
		q = f; sub(/.*\//, "", q); sub(/\.rc$/, "", q); print q, last[f] } }' \
		"$OUT"/*.rc
}
start=$(date +%s.%N)
xargs -n 40 -P $JOBS "$WORK/deliver" <"$WORK/list"
end=$(date +%s.%N)
# The MTA delivers again what was deferred; a few rounds at most.
deferred=$(cat "$OUT"/*.rc | grep -cx 75)
round=0
while [ $round -lt 3 ]; do
	round=$((round + 1))
	last_rc | awk '$2 == 75 { print $1 }' | sort >"$WORK/again"
	[ -s "$WORK/again" ] || break
	join "$WORK/again" "$WORK/list" | xargs "$WORK/deliver"
done

# --- the outcome ---------------------------------------------------------------------------
secs=$(echo "$start $end" | awk '{ printf "%.2f", $2 - $1 }')
rate=$(echo "$N $secs" | awk '{ printf "%.0f", ($2 > 0 ? $1 / $2 : 0) }')
cat "$OUT"/*.log |
	sed -n 's/^dmarc-rua: \(L[0-9]*\): status=\(stored\|duplicate\|quarantined\) .*\(report_id\|reason\)=\([^ ]*\).*/\1\t\2\t\4/p' |
	sort >"$WORK/outcome"
is "every delivery ended with exit 0 (after the MTA's retries)" \
	"$(last_rc | awk '{ print $2 }' | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')" "0:$N "
is "nothing on stdout" "$(cat "$OUT"/*.out | wc -c | tr -d ' ')" 0
stored=$(grep -c '	stored	' "$WORK/outcome")
duplicates=$(grep -c '	duplicate	' "$WORK/outcome")
quarantined=$(grep -c '	quarantined	' "$WORK/outcome")
retries=$(cat "$OUT"/*.log | grep -c 'status=retrying')
is "stored + duplicates + quarantined = sent" \
	"$stored + $duplicates + $quarantined = $((stored + duplicates + quarantined))" \
	"$stored + $duplicates + $quarantined = $N"
is "one outcome line per mail" "$(cut -f1 "$WORK/outcome" | sort -u | wc -l | tr -d ' ')" "$N"
is "stored: as many as distinct reports" "$stored" "$distinct"
is "duplicates: as many as were sent" "$duplicates" "$dups"
is "quarantined: as many as hostile mails" "$quarantined" "$hostile"
# Per mail: a report mail (original or copy) ends stored or duplicate
# with its own report id, and each report id is stored exactly once;
# a hostile mail ends quarantined with the intended reason.
mismatch=$(join -t '	' -a 1 "$WORK/manifest" "$WORK/outcome" | awk -F '\t' '
	$2 == "quarantined" {
		if ($4 != "quarantined" || $5 != $3) print $1 ": " $3 " -> " $4 " " $5
		next
	}
	{
		if (($4 != "stored" && $4 != "duplicate") || $5 != $3)
			print $1 ": " $3 " -> " $4 " " $5
		if ($4 == "stored") n[$3]++
		seen[$3] = 1
	}
	END { for (r in seen) if (n[r] != 1) print r ": stored " n[r] + 0 " times" }' |
	head -n 10)
is "each mail's outcome matches the manifest" "$mismatch" ""
is "database: each report once, quarantine as intended" \
	"$(sql "SELECT (SELECT count(*) FROM report) || ' ' || (SELECT count(DISTINCT report_id) FROM report) || ' ' || (SELECT count(*) FROM quarantine)")" \
	"$distinct $distinct $hostile"
is "database: every record and message of every report" \
	"$(sql "SELECT 'records=' || count(*) || ' messages=' || sum(count) FROM record")" "$totals"
is "database: quarantine reasons as intended" \
	"$(sql "SELECT reason || ':' || count(*) FROM quarantine GROUP BY reason ORDER BY reason" | tr '\n' ' ')" \
	"$(awk -F '\t' '$2 == "quarantined" { print $3 }' "$WORK/manifest" | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')"
is "database: each report and quarantine entry carries the queue id of the delivery that logged it" \
	"$(sql "SELECT queue_id || '	' || report_id FROM report UNION ALL SELECT queue_id || '	' || reason FROM quarantine" |
		sort | join -t '	' - "$WORK/outcome" |
		awk -F '\t' '$3 != "duplicate" && $4 == $2' | wc -l | tr -d ' ')" \
	$((distinct + hostile))

echo "# load: $N mails ($distinct distinct, $dups duplicates, $hostile hostile), $JOBS ingest processes"
echo "# load: ${secs} s, $rate mails/s"
echo "# load: stored $stored, duplicates $duplicates, quarantined $quarantined"
echo "# load: $retries retries inside ingest, $deferred deliveries deferred (75) and delivered again"
done_testing
