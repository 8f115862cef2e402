#!/bin/sh
# hostile.sh - the hostile-input catalogue beyond tests/limits.sh: deep
# archive and XML nesting, 100 MB text and attributes, 30 MB extensions,
# counts at the int64 edge (and their rendering), odd date ranges, NUL
# bytes and invalid UTF-8 in every string field and in MIME headers and
# arguments, log injection through org_name and friends, and a report
# about another customer's domain.  Each case exits 0 and ends
# quarantined with its reason or stored with its flag; big inputs end
# quickly in bounded memory (peak RSS measured with /usr/bin/time).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
setup_db
R=$FIXTURES/reports
ALL=$FIXTURES/hostile/all-fields.xml
new_customer acme dmarc@acme.test acme.test
new_customer evil dmarc@evil.test evil.test
MAX_RSS_KB=102400
MAX_SECONDS=10
# Under AddressSanitizer (DR_SANITIZERS=1, set by .ci/run for that build)
# the shadow memory makes address-space caps and RSS figures meaningless:
# the outcomes are still checked, the memory bounds are not.
ASPACE_KB=1048576
if [ -n "${DR_SANITIZERS:-}" ]; then
	ASPACE_KB=unlimited
	MAX_RSS_KB=
	MAX_SECONDS=60
fi

# run FILE [CONFIG-LINES]: ingest FILE (a bare report or a mail) for
# acme with -v under [limits] CONFIG-LINES; sets $rc, $rss (KiB, empty
# without /usr/bin/time) and $secs, stderr in $WORK/err.
run() {
	printf '[limits]\n%s\n' "${2:-}" >"$WORK/limits.conf"
	# A cap on address space: a memory bug fails fast, not the machine.
	if [ -x /usr/bin/time ]; then
		(ulimit -v $ASPACE_KB 2>/dev/null; exec /usr/bin/time -f '%M %e' -o "$WORK/time" "$DR_BIN" \
			--config "$WORK/limits.conf" ingest -v \
			--recipient dmarc@acme.test --customer acme \
			--file "$1" >"$WORK/out" 2>"$WORK/err")
		rc=$?
		rss=$(tail -n 1 "$WORK/time" | cut -d' ' -f1)
		secs=$(tail -n 1 "$WORK/time" | cut -d' ' -f2 | cut -d. -f1)
	else
		start=$(date +%s)
		"$DR_BIN" --config "$WORK/limits.conf" ingest -v \
			--recipient dmarc@acme.test --customer acme \
			--file "$1" >"$WORK/out" 2>"$WORK/err"
		rc=$?
		rss=
		secs=$(($(date +%s) - start))
	fi
}

# outcome: "quarantined REASON" or "stored N" after a run, then empties
# both tables.
outcome() {
	sql "WITH q AS (DELETE FROM quarantine RETURNING reason),
		r AS (DELETE FROM report RETURNING id)
		SELECT CASE WHEN EXISTS (SELECT 1 FROM q)
		THEN 'quarantined ' || (SELECT string_agg(reason, ',') FROM q)
		ELSE 'stored ' || (SELECT count(*) FROM r) END"
}

# bounded DESCRIPTION: memory and time of the last run.
bounded() {
	if [ -z "$MAX_RSS_KB" ]; then
		ok "$1: peak RSS not measured under sanitizers"
	elif [ -n "$rss" ]; then
		if [ "$rss" -lt $MAX_RSS_KB ]; then
			ok "$1: peak RSS ${rss} KiB < 100 MiB"
		else
			not_ok "$1: peak RSS ${rss} KiB < 100 MiB"
		fi
	elif [ "${CI:-}" = true ]; then
		not_ok "$1: peak RSS (/usr/bin/time is missing)"
	else
		ok "$1: peak RSS # SKIP /usr/bin/time is missing"
	fi
	if [ "$secs" -lt $MAX_SECONDS ]; then
		ok "$1: done in ${secs} s"
	else
		not_ok "$1: done in ${secs} s (limit $MAX_SECONDS s)"
	fi
}

# expect DESCRIPTION OUTCOME FILE [CONFIG-LINES]
expect() {
	run "$3" "${4:-}"
	is "$1: exit 0, $2" "$rc $(outcome)" "0 $2"
}

# one_line_each DESCRIPTION N: stderr of the last run holds exactly N
# log lines, each starting with the program name, no ESC, no CR.
one_line_each() {
	is "$1: $2 log line(s)" "$(wc -l <"$WORK/err" | tr -d ' ')" "$2"
	is "$1: every line starts with the program name" \
		"$(grep -vc '^dmarc-rua: ' "$WORK/err")" 0
	is "$1: no raw ESC or CR byte" \
		"$(tr -dc '\033\015' <"$WORK/err" | wc -c | tr -d ' ')" 0
}

# xml_with HEAD-SED: the basic report with a sed script applied.
xml_with() {
	sed "$1" "$R/rfc7489-basic.xml"
}

# --- archives nested 10 deep: gzip in zip in gzip ... -------------------------
cp "$R/rfc7489-basic.xml" "$WORK/n0"
mkdir "$WORK/zipdir"
for i in 1 2 3 4 5 6 7 8 9 10; do
	if [ $((i % 2)) -eq 1 ]; then
		gzip -n -c "$WORK/n$((i - 1))" >"$WORK/n$i"
	else
		cp "$WORK/n$((i - 1))" "$WORK/zipdir/member$i"
		(cd "$WORK/zipdir" && zip -q -X "../n$i" "member$i")
		mv "$WORK/n$i.zip" "$WORK/n$i"
	fi
done
expect "archives nested 10 deep (default max_nesting 4)" "quarantined too-large" "$WORK/n10"
bounded "archives nested 10 deep"
expect "archives nested 10 deep, max_nesting = 12: the report inside" "stored 1" "$WORK/n10" "max_nesting = 12"

# --- XML nested 10,000 deep ---------------------------------------------------------
awk 'BEGIN { printf "<feedback>"; for (i = 0; i < 10000; i++) printf "<a>";
	for (i = 0; i < 10000; i++) printf "</a>"; print "</feedback>" }' >"$WORK/deep.xml"
expect "XML nested 10,000 deep" "quarantined bad-xml" "$WORK/deep.xml"
bounded "XML nested 10,000 deep"
expect "XML nested 10,000 deep, max_xml_depth = 10000" "quarantined bad-xml" \
	"$WORK/deep.xml" "max_xml_depth = 10000"
bounded "XML nested 10,000 deep, max_xml_depth = 10000"

# --- 100 MB in one text node, one attribute, one extension ------------------------
# Generated through gzip: the files are a few hundred KiB.  The second
# run of each lifts max_ratio so that the bytes reach the XML parser.
# hundred_mb PREFIX SUFFIX: PREFIX, 100 MB of "x", SUFFIX, gzipped.
hundred_mb() {
	{
		sed -n '1,3p' "$R/rfc7489-basic.xml"
		printf '%s' "$1"
		head -c 100000000 /dev/zero | tr '\0' x
		printf '%s\n' "$2"
		sed -n '5,$p' "$R/rfc7489-basic.xml"
	} | gzip -1 -n
}
hundred_mb '<org_name>' '</org_name>' >"$WORK/text.gz"
hundred_mb '<org_name a="' '">Org</org_name>' >"$WORK/attribute.gz"
for conf in "" "max_ratio = 1000000"; do
	for f in text attribute; do
		run "$WORK/$f.gz" "$conf"
		o=$(outcome)
		case "$rc $o" in
		"0 quarantined too-large" | "0 quarantined bad-xml")
			ok "100 MB $f${conf:+ ($conf)}: exit 0, $o" ;;
		*)
			not_ok "100 MB $f${conf:+ ($conf)}: exit 0, too-large or bad-xml"
			echo "#   got: $rc $o" ;;
		esac
		bounded "100 MB $f${conf:+ ($conf)}"
	done
done
# An <extension> (kept raw, up to max_field_size) of 30 MB in small
# elements: no single node is huge, so only our own limit stands
# between it and memory.  The ratio stays under the default 1:1000.
{
	sed '$d' "$R/rfc7489-basic.xml"
	printf '<extension>\n'
	awk 'BEGIN { for (i = 0; i < 500000; i++)
		printf "<x n=\"%d\">yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy</x>\n", i }'
	printf '</extension>\n</feedback>\n'
} | gzip -1 -n >"$WORK/ext.gz"
run "$WORK/ext.gz"
o=$(outcome)
case "$rc $o" in
"0 stored 1" | "0 quarantined too-large")
	ok "30 MB <extension>: exit 0, $o" ;;
*)
	not_ok "30 MB <extension>: exit 0, stored without it or too-large"
	echo "#   got: $rc $o" ;;
esac
bounded "30 MB <extension>"
# The same inside a <record>: an unknown element kept raw.
{
	sed -n '1,/<\/row>/p' "$R/rfc7489-basic.xml"
	printf '<vendor_data>\n'
	awk 'BEGIN { for (i = 0; i < 500000; i++)
		printf "<x n=\"%d\">yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy</x>\n", i }'
	printf '</vendor_data>\n'
	sed '1,/<\/row>/d' "$R/rfc7489-basic.xml"
} | gzip -1 -n >"$WORK/recext.gz"
run "$WORK/recext.gz"
o=$(outcome)
case "$rc $o" in
"0 stored 1" | "0 quarantined too-large")
	ok "30 MB unknown element in a record: exit 0, $o" ;;
*)
	not_ok "30 MB unknown element in a record: exit 0, stored without it or too-large"
	echo "#   got: $rc $o" ;;
esac
bounded "30 MB unknown element in a record"

# --- counts at the int64 edge, negative counts -------------------------------------
xml_with 's#<count>12</count>#<count>9223372036854775807</count>#' >"$WORK/max.xml"
expect "count 2^63-1" "stored 1" "$WORK/max.xml"
for c in 9223372036854775808 18446744073709551616 -9223372036854775808 -0 +5 0x10; do
	xml_with "s#<count>12</count>#<count>$c</count>#" >"$WORK/count.xml"
	expect "count '$c'" "quarantined bad-data" "$WORK/count.xml"
done
awk '/<record>/ { r = 1 } r { rec = rec $0 "\n" } !r { print } /<\/record>/ { r = 0; printf "%s%s", rec, rec; rec = "" }' \
	"$WORK/max.xml" >"$WORK/sum.xml"
expect "two counts of 2^63-1: the total overflows int64" "quarantined bad-data" "$WORK/sum.xml"
check "the reason says the total overflows" sh -c "grep -q 'overflow' '$WORK/err'"
# Stored, such counts must still render: one report of 2^63-1 messages
# on one day, then a second one (the customer's total is over int64).
new_customer huge dmarc@huge.test acme.test
"$DR_BIN" ingest --customer huge --file "$WORK/max.xml" >/dev/null 2>&1
timeout 10 "$DR_BIN" render --date 2026-03-05 --customer huge --output "$WORK/huge" \
	>"$WORK/out" 2>&1
is "render of one day with 2^63-1 messages: exit 0 within 10 s" "$?" 0
xml_with 's#<count>12</count>#<count>9223372036854775807</count>#; s/classic-1/classic-2/' >"$WORK/max2.xml"
"$DR_BIN" ingest --customer huge --file "$WORK/max2.xml" >/dev/null 2>&1
timeout 10 "$DR_BIN" render --date 2026-03-05 --customer huge --output "$WORK/huge" \
	>"$WORK/out" 2>&1
is "render of two such reports (total over int64): exit 0 within 10 s" "$?" 0
outcome >/dev/null

# --- odd date ranges ------------------------------------------------------------------------
xml_with 's#<begin>1772323200#<begin>1772409599#; s#<end>1772409599#<end>1772323200#' >"$WORK/after.xml"
run "$WORK/after.xml"
is "begin after end: exit 0, stored with a note" \
	"$rc $(sql "SELECT date_begin, date_end, array_to_string(notes, ';') FROM report")" \
	"0 1772409599|1772323200|date_range begin 1772409599 is after end 1772323200"
outcome >/dev/null
xml_with 's#<begin>1772323200#<begin>253402214400#; s#<end>1772409599#<end>253402300799#' >"$WORK/y9999.xml"
run "$WORK/y9999.xml"
is "year 9999: exit 0, stored as sent" \
	"$rc $(sql "SELECT date_begin, date_end, to_char(to_timestamp(date_end) AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM report")" \
	"0 253402214400|253402300799|9999-12-31"
outcome >/dev/null
xml_with 's#<begin>1772323200#<begin>-62135596800#; s#<end>1772409599#<end>9223372036854775807#' >"$WORK/edges.xml"
run "$WORK/edges.xml"
o=$(outcome)
case "$rc $o" in
"0 stored 1" | "0 quarantined bad-data") ok "year 1 to the end of int64: exit 0, $o" ;;
*) not_ok "year 1 to the end of int64: exit 0, stored or bad-data"; echo "#   got: $rc $o" ;;
esac

# --- NUL bytes and invalid UTF-8 in every string field ------------------------------
# variant N ENCODING BYTES: the all-fields report with BYTES (a sed
# replacement, \xHH escapes) in the N-th field and ENCODING declared.
fields=$(grep -c '~' "$ALL")
variant() {
	awk -v n="$1" '{ out = ""; while ((i = index($0, "~")) > 0) { k++;
		out = out substr($0, 1, i - 1) (k == n ? "@BAD@" : "");
		$0 = substr($0, i + 1) } print out $0 }' "$ALL" |
		sed "1s/encoding=\"ENC\"/encoding=\"$2\"/; s/@BAD@/$3/"
}
field_name() {
	grep '~' "$ALL" | sed -n "${1}p" | sed 's/^ *<\([a-z_]*\)>.*/\1/'
}
variant 0 UTF-8 '' >"$WORK/clean.xml"
expect "all-fields report, clean" "stored 1" "$WORK/clean.xml"
# every_field DESCRIPTION ENCODING BYTES REASON: each variant quarantined
# with REASON.  The -v log line tells each outcome (it is written after
# the commit); the tables are checked once at the end.
every_field() {
	bad=
	n=1
	while [ $n -le "$fields" ]; do
		variant $n "$2" "$3" >"$WORK/field.xml"
		"$DR_BIN" ingest -v --customer acme --file "$WORK/field.xml" \
			>"$WORK/out" 2>"$WORK/err"
		o="$? $(sed -n 's/.*status=\([a-z]*\)\( reason=\([a-z-]*\)\)\{0,1\}.*/\1 \3/p' "$WORK/err")"
		[ "$o" = "0 quarantined $4" ] || bad="$bad $(field_name $n)=($o)"
		n=$((n + 1))
	done
	is "$1 in each of the $fields string fields: exit 0, quarantined $4" "$bad" ""
	is "$1: $fields quarantine entries, no report" "$(outcome)" \
		"quarantined $(printf "$4,%.0s" $(seq 1 "$fields") | sed 's/,$//')"
}
every_field "NUL byte (ISO-8859-1 document)" ISO-8859-1 'a\x00b' bad-xml
every_field "byte 0xff (UTF-8 document)" UTF-8 'a\xffb' bad-xml
# Other bad sequences in one report-level and one record-level field.
for f in org_name header_from; do
	n=$(grep -n '~' "$ALL" | grep -n "<$f>" | cut -d: -f1)
	for b in 'a\x00b windows-1252' 'a\&#0;b UTF-8' 'a\x80b UTF-8' \
		'a\xc0\x80b UTF-8' 'a\xed\xa0\x80b UTF-8' 'a\xe2\x82b UTF-8'; do
		variant "$n" "${b#* }" "${b% *}" >"$WORK/field.xml"
		expect "<$f> with ${b% *} (${b#* } document)" "quarantined bad-xml" "$WORK/field.xml"
	done
done
# High bytes are characters in the single-byte encodings: stored,
# converted to UTF-8 (0x9b is the C1 CSI in ISO-8859-1).
variant 0 ISO-8859-1 '' | sed 's/>Org</>Org\xe9\x9b\x85</' >"$WORK/latin1.xml"
run "$WORK/latin1.xml"
is "ISO-8859-1 org_name with e-acute, CSI, NEL: stored as UTF-8" \
	"$rc $(sql "SELECT encode(convert_to(org_name, 'UTF8'), 'hex') FROM report")" \
	"0 4f7267c3a9c29bc285"
one_line_each "ISO-8859-1 org_name with CSI and NEL" 1
outcome >/dev/null
variant 0 windows-1252 '' | sed 's/>Org</>Org\x80\x9b</' >"$WORK/cp1252.xml"
run "$WORK/cp1252.xml"
is "windows-1252 org_name with euro sign and single guillemet: stored as UTF-8" \
	"$rc $(sql "SELECT org_name FROM report")" "0 Org€›"
outcome >/dev/null

# --- NUL bytes and invalid UTF-8 in MIME headers and file names -------------------------
gzip -n -c "$R/rfc7489-basic.xml" >"$WORK/r.gz"
make_mail "$WORK/r.gz" dmarc@acme.test >"$WORK/plain.eml"
# mime_case DESCRIPTION SED [INGEST-ARGS...]: the plain mail with SED
# applied, ingested; exit 0 and stored or quarantined, nothing else.
mime_case() {
	_d=$1
	_s=$2
	shift 2
	sed "$_s" "$WORK/plain.eml" >"$WORK/m.eml"
	"$DR_BIN" ingest "$@" <"$WORK/m.eml" >"$WORK/out" 2>"$WORK/err"
	rc=$?
	o=$(outcome)
	case "$rc $o" in
	"0 stored 1" | "0 quarantined "*) ok "$_d: exit 0, $o" ;;
	*) not_ok "$_d: exit 0, stored or quarantined"
		echo "#   got: $rc $o $(head -c 200 "$WORK/out")" ;;
	esac
}
for b in '\x00' '\xff\xfe' '\xc0\x80' '\x1b[31m'; do
	mime_case "subject with $b" "s/^Subject: .*/Subject: Report $b Domain/" --recipient dmarc@acme.test
	mime_case "From: with $b" "s/^From: .*/From: \"Recv$b\" <no$b@receiver.test>/" --recipient dmarc@acme.test
	mime_case "Message-ID with $b" "s/^Message-ID: <\(.*\)>/Message-ID: <a$b\1>/" --recipient dmarc@acme.test
	mime_case "file name with $b" "s/filename=\"report.xml.gz\"/filename=\"r$b.xml.gz\"/" --recipient dmarc@acme.test
	mime_case "Content-Type parameter with $b" "s#^Content-Type: application/gzip#Content-Type: application/gzip; name=\"r$b\"#" --recipient dmarc@acme.test
	mime_case "To: with $b, no --recipient" "s/^To: .*/To: dmarc$b@acme.test/"
	mime_case "X-Original-To with $b, no --recipient" "1i X-Original-To: dmarc$b@acme.test"
done
printf 'ADDR=dmarc\377@acme.test\nQ=Q\377\033[31m\nS=s\377@x.test\n' >"$WORK/args"
addr=$(sed -n 's/^ADDR=//p' "$WORK/args")
qid=$(sed -n 's/^Q=//p' "$WORK/args")
snd=$(sed -n 's/^S=//p' "$WORK/args")
mime_case "--recipient with byte 0xff" "" --recipient "$addr"
mime_case "--queue-id with bytes 0xff and ESC" "" --recipient dmarc@acme.test --queue-id "$qid"
mime_case "--sender with byte 0xff" "" --recipient dmarc@acme.test --sender "$snd"
# SMTPUTF8: Postfix passes UTF-8 addresses as they are, whatever the locale.
mime_case "--sender josé@receiver.test (UTF-8)" "" --recipient dmarc@acme.test --sender 'josé@receiver.test'
mime_case "--recipient dmarc.zoë@acme.test (UTF-8, nobody's)" "" --recipient 'dmarc.zoë@acme.test'
mime_case "--queue-id with UTF-8" "" --recipient dmarc@acme.test --queue-id 'Qé1'

# --- log injection: CR/LF and terminal escapes stay inside one line ---------------------
# Three reports in one mail, each with a hostile org_name; -v writes the
# syslog lines to stderr as well.
xml_with 's/classic-1/inj-1/; s/Classic Receiver/Evil\&#13;\&#10;Mar  1 00:00:00 mx postfix: status=stored\&#10;/' |
	gzip -n >"$WORK/inj1.gz"
xml_with 's/classic-1/inj-2/; s/Classic Receiver/\&#155;31m\&#133;\&#x2028;\&#x2029;\&#x7f;red/' |
	gzip -n >"$WORK/inj2.gz"
xml_with 's/classic-1/inj-3/; s/UTF-8/ISO-8859-1/; s/Classic Receiver/\x9b2J\x85\x8d\rcr/' |
	gzip -n >"$WORK/inj3.gz"
{
	printf 'From: r@receiver.test\nTo: dmarc@acme.test\nSubject: x\n'
	printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b1"\n\n'
	for f in inj1 inj2 inj3; do
		printf -- '--b1\nContent-Type: application/gzip\n'
		printf 'Content-Transfer-Encoding: base64\n\n'
		base64 -w 76 <"$WORK/$f.gz"
	done
	printf -- '--b1--\n'
} >"$WORK/inj.eml"
run "$WORK/inj.eml"
is "hostile org_names: exit 0, three reports stored" "$rc $(sql "SELECT count(*) FROM report")" "0 3"
one_line_each "hostile org_names" 3
check "the CR/LF of org_name are escaped in the line" grep -q 'org="Evil\\x0d\\x0aMar' "$WORK/err"
outcome >/dev/null
# XML 1.1 allows C0 controls as character references: ESC reaches
# org_name if the parser accepts the document.
printf '<?xml version="1.1"?>\n' >"$WORK/x11.xml"
xml_with '1d; s/classic-1/inj-11/; s/Classic Receiver/\&#27;[2J\&#27;]0;title\&#7;\&#8;/' >>"$WORK/x11.xml"
run "$WORK/x11.xml"
o=$(outcome)
case "$rc $o" in
"0 stored 1" | "0 quarantined bad-xml") ok "XML 1.1 ESC in org_name: exit 0, $o" ;;
*) not_ok "XML 1.1 ESC in org_name: exit 0, stored or bad-xml"; echo "#   got: $rc $o" ;;
esac
one_line_each "XML 1.1 ESC in org_name" 1
# Quarantine lines carry reporter- and MTA-supplied text too: a queue
# id, a recipient and a file name (RFC 2231) with CR, LF and ESC.
{
	printf 'From: r@receiver.test\nTo: dmarc@acme.test\nSubject: x\n'
	printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b1"\n\n'
	printf -- '--b1\nContent-Type: application/octet-stream\n'
	printf "Content-Disposition: attachment; filename*=utf-8''a%%0d%%0aMar%%201%%1b%%5b31m.bin\n\n"
	printf 'just bytes\n--b1--\n'
} >"$WORK/fn.eml"
"$DR_BIN" ingest -v --recipient dmarc@acme.test --queue-id "$(printf 'Q1\r\nMar  1 fake: \033[31m')" \
	<"$WORK/fn.eml" >"$WORK/out" 2>"$WORK/err"
is "file name with CR/LF/ESC: exit 0, not-a-report" "$? $(outcome)" "0 quarantined not-a-report"
one_line_each "file name and queue id with CR/LF/ESC" 1
"$DR_BIN" ingest -v --recipient "$(printf 'x\r\n\033[2J@nobody.test')" <"$WORK/plain.eml" \
	>"$WORK/out" 2>"$WORK/err"
is "recipient with CR/LF/ESC: exit 0, unknown-recipient" "$? $(outcome)" "0 quarantined unknown-recipient"
one_line_each "recipient with CR/LF/ESC" 1

# --- a report about another customer's domain ---------------------------------------
xml_with 's/classic-1/stolen-report-77/' | gzip -n >"$WORK/foreign.gz"
make_mail "$WORK/foreign.gz" dmarc@evil.test >"$WORK/foreign.eml"
ingest_mail "$WORK/foreign.eml" dmarc@evil.test
is "acme.test report delivered to evil's mailbox: exit 0, stored for evil, flagged foreign" \
	"$rc $(sql "SELECT c.slug, r.foreign_domain FROM report r JOIN customer c ON c.id = r.customer_id WHERE report_id = 'stolen-report-77'")" \
	"0 evil|t"
is "acme has no copy of it" \
	"$(sql "SELECT count(*) FROM report r JOIN customer c ON c.id = r.customer_id WHERE c.slug = 'acme'")" 0
"$DR_BIN" render --date 2026-03-05 --output "$WORK/sites" >/dev/null 2>&1
is "render: exit 0" "$?" 0
is "acme's site never shows it" "$(grep -rl 'stolen-report-77' "$WORK/sites/acme" 2>/dev/null | wc -l | tr -d ' ')" 0
check "evil's site shows it (apart)" grep -rq 'stolen-report-77' "$WORK/sites/evil"
# foreign_for TO DOMAIN: foreign_domain of a report about DOMAIN sent to TO.
foreign_for() {
	xml_with "s/acme.test/$2/g; s/classic-1/ff-$2/" | gzip -n >"$WORK/ff.gz"
	make_mail "$WORK/ff.gz" "$1" >"$WORK/ff.eml"
	ingest_mail "$WORK/ff.eml" "$1"
	echo "$rc $(sql "SELECT foreign_domain FROM report WHERE report_id = 'ff-$2'")"
}
is "notacme.test is foreign to acme (suffix on a label boundary)" "$(foreign_for dmarc@acme.test notacme.test)" "0 t"
is "acme.test.evil.test is foreign to acme" "$(foreign_for dmarc@acme.test acme.test.evil.test)" "0 t"
is "MAIL.ACME.TEST. is acme's own" "$(foreign_for dmarc@acme.test MAIL.ACME.TEST.)" "0 f"
is "cme.test (a shorter name) is foreign to acme" "$(foreign_for dmarc@acme.test cme.test)" "0 t"
"$DR_BIN" customer add multi --name Multi --address dmarc@multi.test \
	--domain one.test --domain two.test >/dev/null
"$DR_BIN" customer add bare --name Bare --address dmarc@bare.test >/dev/null
is "the second of two domains is the customer's own" "$(foreign_for dmarc@multi.test x.two.test)" "0 f"
is "a customer without domains: nothing is foreign" "$(foreign_for dmarc@bare.test elsewhere.test)" "0 f"
xml_with 's/acme.test/three.test/g; s/classic-1/ff-bare-file/' | gzip -n >"$WORK/ff.xml.gz"
"$DR_BIN" ingest --file "$WORK/ff.xml.gz" --customer multi >/dev/null
is "a bare file with --customer: flagged from that customer's domains" \
	"$?:$(sql "SELECT foreign_domain FROM report WHERE report_id = 'ff-bare-file'")" "0:t"
"$DR_BIN" customer domain add multi three.test >/dev/null
xml_with 's/acme.test/three.test/g; s/classic-1/ff-bare-file-2/' | gzip -n >"$WORK/ff.xml.gz"
"$DR_BIN" ingest --file "$WORK/ff.xml.gz" --customer multi >/dev/null
is "  ... and after the domain was added, not flagged" \
	"$?:$(sql "SELECT foreign_domain FROM report WHERE report_id = 'ff-bare-file-2'")" "0:f"

# --- zlib by two bytes: text beside a report is skipped, a cut report is not --------
# two_parts TO REPORT.gz PART2 NAME2: a mail with a gzip report and another part.
two_parts() {
	printf 'From: r@receiver.test\nTo: %s\nMIME-Version: 1.0\n' "$1"
	printf 'Content-Type: multipart/mixed; boundary="b1"\n\n'
	printf -- '--b1\nContent-Type: application/gzip\n'
	printf 'Content-Transfer-Encoding: base64\n\n'
	base64 -w 76 <"$2"
	printf -- '--b1\nContent-Type: application/octet-stream\n'
	printf 'Content-Disposition: attachment; filename="%s"\n' "$4"
	printf 'Content-Transfer-Encoding: base64\n\n'
	base64 -w 76 <"$3"
	printf -- '--b1--\n'
}
"$GEN" --layout bare --container gzip --domain acme.test --report-id zl-good \
	--seed 71 >"$WORK/zl-good.gz"
"$GEN" --layout bare --container zlib --domain acme.test --report-id zl-cut \
	--seed 72 | head -c 40 >"$WORK/zl-cut.z"
printf 'x^ hello, see the report attached\n' >"$WORK/zl-text.txt"
two_parts dmarc@acme.test "$WORK/zl-good.gz" "$WORK/zl-text.txt" notes.txt \
	>"$WORK/zl1.eml"
ingest_mail "$WORK/zl1.eml" dmarc@acme.test
is "a text part that starts like zlib (\"x^\") beside a report: stored" \
	"$rc:$(sql "SELECT count(*) FROM report WHERE report_id = 'zl-good'")" "0:1"
sql "DELETE FROM report WHERE report_id = 'zl-good'" >/dev/null
two_parts dmarc@acme.test "$WORK/zl-good.gz" "$WORK/zl-cut.z" cut.xml.z \
	>"$WORK/zl2.eml"
ingest_mail "$WORK/zl2.eml" dmarc@acme.test
is "a zlib report cut in its first block beside a good one: nothing stored, quarantined bad-archive" \
	"$rc:$(sql "SELECT count(*) FROM report WHERE report_id = 'zl-good'"):$(sql "SELECT reason FROM quarantine ORDER BY id DESC LIMIT 1")" \
	"0:0:bad-archive"

done_testing
