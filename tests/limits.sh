#!/bin/sh
# limits.sh - every limit of DESIGN section 9, set in the configuration
# file, and the hostile inputs they stop: each ends quarantined with its
# reason, exit 0, nothing stored.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
setup_db
R=$FIXTURES/reports
new_customer acme dmarc@acme.test acme.test

# expect DESCRIPTION REASON FILE [CONFIG-LINES]: ingest FILE (a bare
# report or a mail) with [limits] CONFIG-LINES; checks exit 0 and the
# quarantine reason, then empties the quarantine.
expect() {
	printf '[limits]\n%s\n' "${4:-}" >"$WORK/limits.conf"
	"$DR_BIN" --config "$WORK/limits.conf" ingest --recipient dmarc@acme.test \
		--customer acme --file "$3" >"$WORK/out" 2>&1
	is "$1: exit 0" "$?" 0
	is "$1: quarantined as $2" "$(sql "SELECT string_agg(reason, ',') FROM quarantine")" "$2"
	is "$1: nothing stored" "$(sql "SELECT count(*) FROM report")" 0
	sql "DELETE FROM quarantine" >/dev/null
}

# --- message size: the first bytes are kept, and the size is recorded ------
gzip -n -c "$R/rfc7489-basic.xml" >"$WORK/r.gz"
make_mail "$R/rfc9990-full.xml" dmarc@acme.test >"$WORK/big.eml"
printf '[limits]\nmax_message_size = 2048\n' >"$WORK/small.conf"
"$DR_BIN" --config "$WORK/small.conf" ingest --recipient dmarc@acme.test <"$WORK/big.eml" >/dev/null 2>&1
is "oversized message: exit 0" "$?" 0
is "oversized message: quarantined too-large, first 2048 bytes kept, size recorded" \
	"$(sql "SELECT reason, octet_length(raw), size, truncated FROM quarantine")" \
	"too-large|2048|$(wc -c <"$WORK/big.eml" | tr -d ' ')|t"
sql "DELETE FROM quarantine" >/dev/null

# --- too many MIME parts ---------------------------------------------------------
{
	printf 'To: dmarc@acme.test\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n'
	for i in 1 2 3 4 5; do printf -- '--b\nContent-Type: text/plain\n\npart %s\n' $i; done
	printf -- '--b--\n'
} >"$WORK/parts.eml"
expect "more MIME parts than max_payloads" too-large "$WORK/parts.eml" "max_payloads = 4"
# Empty parts are not leaves, but GMime would build each one (the fuzzer
# found 1 MB of them costing 300 MB): boundary lines are capped first.
{
	printf 'To: dmarc@acme.test\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n'
	i=0
	while [ $i -lt 5000 ]; do printf -- '--b\n\n'; i=$((i + 1)); done
	printf -- '--b--\n'
} >"$WORK/empty-parts.eml"
expect "thousands of empty MIME parts" too-large "$WORK/empty-parts.eml"
{
	printf 'To: dmarc@acme.test\n'
	i=0
	while [ $i -lt 5000 ]; do printf 'X-Junk: a\n'; i=$((i + 1)); done
	printf '\nbody\n'
} >"$WORK/many-fields.eml"
expect "thousands of header fields" too-large "$WORK/many-fields.eml"

# --- zip bomb: one huge member, and thousands of members -----------------------
# Plain deflate tops out near 1:1030, so the ratio tests set 1:100.
{ printf '<feedback>'; yes '<a/>' | head -c 30000000; printf '</feedback>'; } >"$WORK/huge.xml"
(cd "$WORK" && zip -q -9 bomb.zip huge.xml)
expect "zip bomb (one member, ratio over max_ratio)" too-large "$WORK/bomb.zip" "max_ratio = 100"
expect "zip bomb (absolute size over max_unpacked_size)" too-large "$WORK/bomb.zip" \
	"max_ratio = 1000000
max_unpacked_size = 1048576"
mkdir "$WORK/many"
for i in $(seq 1 300); do printf '<x/>' >"$WORK/many/m$i.xml"; done
(cd "$WORK/many" && zip -q ../many.zip ./*.xml)
expect "zip with more members than max_zip_members (default 256)" too-large "$WORK/many.zip"

# --- gzip bomb: ratio, and absolute size --------------------------------------------
gzip -9 -n -c "$WORK/huge.xml" >"$WORK/bomb.gz"
expect "gzip bomb (ratio over max_ratio)" too-large "$WORK/bomb.gz" "max_ratio = 100"
expect "gzip bomb (absolute size over max_unpacked_size)" too-large "$WORK/bomb.gz" \
	"max_ratio = 1000000
max_unpacked_size = 1048576"
# A zip inside compressed data is read into memory; zips nested so are
# each under the cap, but together over it (the message size): a mail
# of 1 KB that would hold 600 KB of buffers at once.
mkdir "$WORK/zz"
cp "$R/rfc7489-basic.xml" "$WORK/zz/report.xml"
head -c 300000 /dev/zero >"$WORK/zz/pad.bin"
(cd "$WORK/zz" && zip -q -0 inner.zip report.xml pad.bin && zip -q -0 outer.zip inner.zip)
gzip -9 -n -c "$WORK/zz/outer.zip" >"$WORK/zz.zip.gz"
printf '[limits]\nmax_message_size = 400000\n' >"$WORK/zz.conf"
"$DR_BIN" --config "$WORK/zz.conf" ingest --recipient dmarc@acme.test \
	--customer acme --file "$WORK/zz.zip.gz" >/dev/null 2>&1
is "zips in gzip holding more than max_message_size together: exit 0" "$?" 0
is "zips in gzip: quarantined too-large, the detail names the limit" \
	"$(sql "SELECT reason, detail LIKE '%message size limit%' FROM quarantine")" "too-large|t"
is "zips in gzip: nothing stored" "$(sql "SELECT count(*) FROM report")" 0
sql "DELETE FROM quarantine" >/dev/null
cp "$WORK/r.gz" "$WORK/nest0"
for i in 1 2 3 4 5 6; do gzip -n -c "$WORK/nest$((i - 1))" >"$WORK/nest$i"; done
expect "gzip nested deeper than max_nesting" too-large "$WORK/nest6" "max_nesting = 4"

# --- XML depth, entities, records, field size ---------------------------------------
{ printf '<feedback>'; for i in $(seq 1 100); do printf '<a>'; done; for i in $(seq 1 100); do printf '</a>'; done; printf '</feedback>'; } >"$WORK/deep.xml"
expect "XML nested deeper than max_xml_depth (64)" bad-xml "$WORK/deep.xml"
cat >"$WORK/xxe.xml" <<'XML'
<?xml version="1.0"?>
<!DOCTYPE feedback [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<feedback><report_metadata><org_name>&xxe;</org_name></report_metadata></feedback>
XML
expect "external entity (XXE, file)" bad-xml "$WORK/xxe.xml"
sed 's#file:///etc/passwd#http://127.0.0.1:9/x#' "$WORK/xxe.xml" >"$WORK/xxe-net.xml"
expect "external entity (XXE, network)" bad-xml "$WORK/xxe-net.xml"
cat >"$WORK/laughs.xml" <<'XML'
<?xml version="1.0"?>
<!DOCTYPE feedback [
<!ENTITY a "lollollollollollollollollollol">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
]>
<feedback><report_metadata><org_name>&g;</org_name></report_metadata></feedback>
XML
expect "entity expansion (billion laughs)" bad-xml "$WORK/laughs.xml"
awk '/<record>/ { r = 1 } r { rec = rec $0 "\n" } !r { print } /<\/record>/ { r = 0; printf "%s%s%s", rec, rec, rec; rec = "" }' \
	"$R/rfc7489-basic.xml" >"$WORK/three.xml"
expect "more records than max_records" too-large "$WORK/three.xml" "max_records = 2"
sed "s/Classic Receiver/$(head -c 2000 /dev/zero | tr '\0' x)/" "$R/rfc7489-basic.xml" >"$WORK/long.xml"
expect "a value longer than max_field_size" too-large "$WORK/long.xml" "max_field_size = 1024"

# --- bad values --------------------------------------------------------------------------------
for c in -1 abc 1.5 99999999999999999999 ''; do
	sed "s#<count>12</count>#<count>$c</count>#" "$R/rfc7489-basic.xml" >"$WORK/count.xml"
	expect "count '$c'" bad-data "$WORK/count.xml"
done

# --- a configuration that cannot be read defers --------------------------------------
printf '[limits]\nmax_records = lots\n' >"$WORK/broken.conf"
out=$("$DR_BIN" --config "$WORK/broken.conf" ingest --recipient dmarc@acme.test <"$WORK/big.eml" 2>/dev/null)
is "invalid configuration: exit 75" "$?" 75
check "invalid configuration: one 4.3.0 line naming the key" sh -c "printf '%s\n' '$out' | grep -q '^4.3.0 .*max_records'"
out=$("$DR_BIN" --config "$WORK/absent.conf" ingest --recipient dmarc@acme.test <"$WORK/big.eml" 2>/dev/null)
is "missing configuration file named on the command line: exit 75" "$?" 75

done_testing
