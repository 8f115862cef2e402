#!/bin/sh
# render.sh - dmarc-rua render end to end: reports piped in, sites out.
# The layout, the stable index and archive, isolation between customers,
# hostile strings, the empty site, atomicity of a failed render, and the
# removal of old dated sites.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
setup_db
R=$FIXTURES/reports
OUT=$WORK/sites
D=2026-03-05			# window: 2026-02-26 .. 2026-03-04
DAY=1772323200			# 2026-03-01 00:00 UTC, inside the window

# report SLUG ID ORG BEGIN IP [DOMAIN]: a one-record report for SLUG.
report() {
	fixture_report id="$2" org="$3" begin="$4" ip="$5" \
		domain="${6:-acme.test}" >"$WORK/r.xml"
	"$DR_BIN" ingest --file "$WORK/r.xml" --customer "$1" >/dev/null 2>&1 ||
		echo "# ingest of $2 failed"
}

new_customer acme dmarc@acme.test acme.test
new_customer beta dmarc@beta.test beta.test
new_customer empty dmarc@empty.test empty.test
report acme acme-r1 "Acme Reporter" $DAY 198.51.100.7
report acme acme-r2 "Second Org" $((DAY + 86400)) 198.51.100.8
report acme acme-foreign "Acme Reporter" $DAY 198.51.100.9 elsewhere.test
report acme acme-old "Old Org" $((DAY - 30 * 86400)) 198.51.100.10
report beta beta-secret-report "Beta Only Reporter" $DAY 203.0.113.77 beta.test
# Hostile strings, escaped on the pages (they are well-formed XML here).
sed -e 's/classic-1/hostile-\&lt;script\&gt;alert(1)\&lt;\/script\&gt;/' \
	-e 's/Classic Receiver/\&lt;script\&gt;alert(2)\&lt;\/script\&gt;\&quot;\&apos;\&gt;\&lt;img src=x onerror=alert(3)\&gt;/' \
	-e 's/<header_from>acme.test/<header_from>javascript:alert(4)/' \
	"$R/rfc7489-basic.xml" >"$WORK/h.xml"
"$DR_BIN" ingest --file "$WORK/h.xml" --customer acme >/dev/null 2>&1

out=$("$DR_BIN" render --date $D --output "$OUT" 2>&1)
is "render: exit 0" "$?" 0
is "render: silent on success" "$out" ""
S=$OUT/acme/$D
for f in index.html sources.html reporters.html reports.html quality.html style.css; do
	check "acme: $f written" test -s "$S/$f"
done
id=$(sql "SELECT id FROM report WHERE report_id = 'acme-r1'")
check "acme: a detail page per report" test -s "$S/report/$id.html"
check "acme: stable index.html points into the dated site" grep -q "<base href=\"$D/\">" "$OUT/acme/index.html"
check "acme: archive.html lists the dated site" grep -q "$D" "$OUT/acme/archive.html"
check "acme: the reports in the window are listed" grep -q 'acme-r2' "$S/reports.html"
check "acme: a report before the window is not" sh -c "! grep -rq 'acme-old' '$S'"
check "acme: the report about a foreign domain is on the data-quality page" grep -q 'elsewhere.test' "$S/quality.html"
check "the last render is recorded for dmarc-rua status" grep -qx "date=$D" "$OUT/.last-render"
check "  ... with what failed" grep -qx "failed=0" "$OUT/.last-render"
check "no temporary directories left behind" sh -c "! ls -A '$OUT/acme' | grep -q '^[.]'"

# --- isolation: nothing of beta in acme's site, and the other way round ----
for s in beta-secret-report "Beta Only Reporter" 203.0.113.77 beta.test dmarc@beta.test; do
	check "isolation: '$s' nowhere in acme's output" sh -c "! grep -rqF '$s' '$OUT/acme'"
done
for s in acme-r1 "Acme Reporter" 198.51.100.7 acme.test; do
	check "isolation: '$s' nowhere in beta's output" sh -c "! grep -rqF '$s' '$OUT/beta'"
done

# --- hostile strings -----------------------------------------------------------
check "hostile: no <script> from report data" sh -c "! grep -rq '<script' '$OUT/acme'"
check "hostile: no <img from report data" sh -c "! grep -rq '<img' '$OUT/acme'"
check "hostile: no javascript: link" sh -c "! grep -rqi 'href=\"javascript:' '$OUT/acme'"
check "hostile: the org name is shown escaped" grep -rqF '&lt;script&gt;alert(2)' "$S/reporters.html"
check "no external URL in any page" sh -c "! grep -rEq '(src|href)=\"(https?:)?//' '$OUT'"

# --- a customer without data ---------------------------------------------------------
check "empty customer: says no reports were received" grep -qi 'no reports received' "$OUT/empty/$D/index.html"
check "empty customer: lists its mailbox" grep -q 'dmarc@empty.test' "$OUT/empty/$D/index.html"

# --- a failed render leaves the previous site byte-identical ------------------------
cp -r "$OUT/acme" "$WORK/before"
mkdir "$WORK/tpl"
cp "$top_srcdir"/templates/* "$WORK/tpl/"
echo 'no autoescape pragma: refused' >"$WORK/tpl/report.tpl"
out=$(DMARC_RUA_TEMPLATE_DIR=$WORK/tpl "$DR_BIN" render --date $D --customer acme --output "$OUT" 2>&1)
is "failed render: exit 1" "$?" 1
is "failed render: one line on stderr" "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 1
check "failed render: the line names the customer" sh -c "printf '%s\n' '$out' | grep -q '^dmarc-rua: render acme: '"
check "failed render: previous site byte-identical" diff -r "$WORK/before" "$OUT/acme"
check "failed render: recorded in .last-render" grep -qx "failed_slugs=acme" "$OUT/.last-render"

# --- re-render, later days, pruning ---------------------------------------------------------
check "render again the same day" "$DR_BIN" render --date $D --customer acme --output "$OUT"
printf '[render]\nkeep_days = 2\n' >"$WORK/keep.conf"
"$DR_BIN" --config "$WORK/keep.conf" render --date 2026-03-06 --customer acme --output "$OUT"
"$DR_BIN" --config "$WORK/keep.conf" render --date 2026-03-08 --customer acme --output "$OUT"
is "dated sites older than keep_days are removed" "$(ls "$OUT/acme" | tr '\n' ' ')" "2026-03-06 2026-03-08 archive.html index.html "
check "index.html follows the latest site" grep -q '<base href="2026-03-08/">' "$OUT/acme/index.html"

"$DR_BIN" --config "$WORK/keep.conf" render --date 2026-03-07 --customer acme --output "$OUT"
check "rendering an earlier day keeps index.html on the newest site" grep -q '<base href="2026-03-08/">' "$OUT/acme/index.html"
is "  ... and prunes relative to the newest site" "$(ls "$OUT/acme" | tr '\n' ' ')" "2026-03-06 2026-03-07 2026-03-08 archive.html index.html "

"$DR_BIN" render --date $D --customer nobody --output "$OUT" 2>"$WORK/err"
is "unknown customer: exit 1" "$?" 1
check "unknown customer: no directory made for it" test ! -e "$OUT/nobody"
"$DR_BIN" render --date $D --customer ../escape --output "$OUT" 2>/dev/null
is "a slug with a slash: exit 2, nothing made outside the output" "$?:$(test -e "$WORK/escape" && echo made)" "2:"
"$DR_BIN" render --date $D --jobs 0 --output "$OUT" 2>/dev/null
is "--jobs 0: exit 2" "$?" 2
"$DR_BIN" render --date 2026-02-30 --output "$OUT" 2>/dev/null
is "invalid date: exit 2" "$?" 2

done_testing
