#!/bin/sh
# browser.sh - the rendered site in headless Chromium, from file://.
#
# Ingests a few reports (passing, partly and wholly failing, one about a
# foreign domain, one with hostile strings, long unbroken values), renders
# one date, and runs tests/browser/browser.mjs over the customer's site and
# over a customer without data: every page loads with no console error
# or warning and no network request, style.css applies, the pages are
# sane (title, h1, lang, alt, no script), links resolve, nothing scrolls
# sideways at phone width.  Screenshots of the overview at desktop and
# phone widths go to $DR_SCREENSHOTS (default tests/browser/screenshots
# in the build tree).
#
# Needs Chromium ($CHROMIUM, default /usr/bin/chromium), node, and
# playwright-core installed by `npm ci --prefix tests/browser` (or found
# in $DR_NODE_MODULES); skipped without them, except under CI.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

: "${CHROMIUM:=/usr/bin/chromium}"
: "${DR_NODE_MODULES:=$top_srcdir/tests/browser/node_modules}"
: "${DR_SCREENSHOTS:=$top_builddir/tests/browser/screenshots}"
: "${DMARC_RUA_TEMPLATE_DIR:=$top_srcdir/templates}"
export CHROMIUM DR_NODE_MODULES DR_SCREENSHOTS DMARC_RUA_TEMPLATE_DIR
[ -x "$CHROMIUM" ] || skip_all "no Chromium at $CHROMIUM"
command -v node >/dev/null 2>&1 || skip_all "node not installed"
[ -f "$DR_NODE_MODULES/playwright-core/package.json" ] || skip_all \
	"no playwright-core in $DR_NODE_MODULES (npm ci --prefix tests/browser)"
setup_db

R=$FIXTURES/reports
OUT=$WORK/sites
D=2026-03-05			# window: 2026-02-26 .. 2026-03-04
DAY=1772323200			# 2026-03-01 00:00 UTC, inside the window

# report ID ORG BEGIN IP COUNT DKIM SPF DISPOSITION [DOMAIN]: a one-record
# report for acme, its policy_evaluated verdicts as given.
report() {
	fixture_report id="$1" org="$2" begin="$3" ip="$4" count="$5" \
		dkim="$6" spf="$7" disposition="$8" domain="${9:-acme.test}" \
		>"$WORK/r.xml"
	"$DR_BIN" ingest --file "$WORK/r.xml" --customer acme >/dev/null 2>&1 ||
		echo "# ingest of $1 failed"
}

new_customer acme dmarc@acme.test acme.test
new_customer empty dmarc@empty.test empty.test
V6=2001:db8:ffff:ffff:ffff:ffff:ffff:ffff
report ok-1 "Acme Reporter" $DAY 198.51.100.7 1200 pass pass none
report ok-2 "Acme Reporter" $((DAY + 86400)) 198.51.100.7 900 pass pass none
report partly-1 "Second Org" $((DAY - 2 * 86400)) 198.51.100.8 40 \
	pass fail none
report failing-1 "Second Org" $((DAY - 3 * 86400)) 203.0.113.5 75 \
	fail fail quarantine
report failing-2 "Third Org" $((DAY + 2 * 86400)) $V6 9 fail fail reject
report foreign-1 "Acme Reporter" $DAY 198.51.100.9 3 pass pass none \
	elsewhere.test
# Real report ids and org names can be long and unbroken: they must not
# widen a phone's page.
report "long-$(printf 'x%.0s' $(seq 1 90))@reporter.example" \
	"Organisation-With-A-Very-Long-Name-Without-Spaces-Incorporated" \
	$DAY 192.0.2.200 5 fail pass none
"$DR_BIN" ingest --file "$R/rfc9990-full.xml" --customer acme >/dev/null 2>&1 ||
	echo "# ingest of rfc9990-full.xml failed"
# Markup in report strings (XML-escaped here, for sed): if it ever
# reached a page unescaped, the browser would run it (an alert, a request
# for "x" or for x.test) and the test fails.
h_id='hostile-\&lt;script\&gt;alert(1)\&lt;/script\&gt;'
h_org='\&lt;script\&gt;alert(2)\&lt;/script\&gt;\&quot;\&apos;\&gt;'
h_org="$h_org"'\&lt;img src=x onerror=alert(3)\&gt;'
h_from='\&lt;b style=\&quot;background:url(http://x.test/)\&quot;\&gt;'
sed -e "s|classic-1|$h_id|" -e "s|Classic Receiver|$h_org|" \
	-e "s|<header_from>acme.test|<header_from>$h_from|" \
	"$R/rfc7489-basic.xml" >"$WORK/h.xml"
"$DR_BIN" ingest --file "$WORK/h.xml" --customer acme >/dev/null 2>&1 ||
	echo "# ingest of the hostile report failed"

out=$("$DR_BIN" render --date $D --output "$OUT" 2>&1)
is "render: exit 0" "$?" 0
is "render: silent on success" "$out" ""
check "acme: a site was rendered" test -s "$OUT/acme/$D/index.html"
check "empty: a site was rendered" test -s "$OUT/empty/$D/index.html"

# The browser's lines, numbered here; "not ok" lines and the comments
# under them pass through.
if command -v timeout >/dev/null 2>&1; then
	limit="timeout 120"
else
	limit=
fi
$limit node "$top_srcdir/tests/browser/browser.mjs" \
	--site "$OUT/acme" --empty "$OUT/empty" >"$WORK/browser.tap" 2>&1
rc=$?
while IFS= read -r line; do
	case $line in
	"ok - "*)	ok "${line#ok - }" ;;
	"not ok - "*)	not_ok "${line#not ok - }" ;;
	1..*)		;;
	"#"*)		printf '%s\n' "$line" ;;
	*)		printf '# %s\n' "$line" ;;
	esac
done <"$WORK/browser.tap"
# 1: a check failed, already reported above; anything else is a crash.
case $rc in
0|1)	ok "browser.mjs ran to the end" ;;
*)	not_ok "browser.mjs ran to the end (exit $rc)" ;;
esac

done_testing
