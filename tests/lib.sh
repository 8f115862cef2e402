# lib.sh - shared by the end-to-end tests (sourced, POSIX sh).
#
# Gives each test script its own database in the PostgreSQL that PGHOST
# etc. point at (tests/run-with-pg starts one), migrated with the built
# binary, and small TAP helpers.  Without a database the script is
# skipped, except under CI (CI=true), where that is a failure: a test
# that cannot run must not look like a pass.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${DR_BIN:=$top_builddir/src/dmarc-rua}"
: "${DR_SCHEMA_DIR:=$top_srcdir/schema}"
DMARC_RUA_SCHEMA_DIR=$DR_SCHEMA_DIR
: "${DMARC_RUA_TEMPLATE_DIR:=$top_srcdir/templates}"
: "${DMARC_RUA_MODULE_DIR:=$top_builddir/src}"
export DMARC_RUA_SCHEMA_DIR DMARC_RUA_TEMPLATE_DIR DMARC_RUA_MODULE_DIR
CORPUS=${DR_CORPUS:-$top_srcdir/../shared/corpus}
FIXTURES=$top_srcdir/tests/fixtures
GEN=$top_builddir/tests/gen-report

tap_n=0
tap_failed=0

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}

not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
}

# check DESCRIPTION COMMAND...: passes when COMMAND exits 0.
check() {
	desc=$1
	shift
	if "$@" >"$WORK/check.out" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc"
		sed 's/^/# /' "$WORK/check.out" | head -n 20
	fi
}

# is DESCRIPTION GOT EXPECTED
is() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   got:      '$2'"
		echo "#   expected: '$3'"
	fi
}

# own_cluster "$@": for a test that stops or kills PostgreSQL: runs the
# script again under tests/run-with-pg, on a cluster of its own.
own_cluster() {
	[ -z "${DR_OWN_PG:-}" ] || return 0
	command -v psql >/dev/null 2>&1 || skip_all "psql not installed"
	DR_OWN_PG=1 exec "$top_srcdir/tests/run-with-pg" sh "$0" "$@"
}

bail() {
	echo "Bail out! $*"
	exit 1
}

skip_all() {
	if [ "${CI:-}" = true ]; then
		bail "$* (not allowed under CI)"
	fi
	echo "1..0 # SKIP $*"
	exit 0
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

sql() {
	psql -X -q -A -t -v ON_ERROR_STOP=1 -c "$1"
}

# dr ARGS...: the binary under test.
dr() {
	"$DR_BIN" "$@"
}

# ingest_mail FILE RECIPIENT [ARGS...]: pipes FILE in as the MTA would;
# sets $rc and $out (stdout).
ingest_mail() {
	_f=$1
	_r=$2
	shift 2
	out=$("$DR_BIN" ingest --recipient "$_r" "$@" <"$_f" 2>"$WORK/stderr")
	rc=$?
}

# new_customer SLUG ADDRESS [DOMAIN]
new_customer() {
	if [ -n "${3:-}" ]; then
		"$DR_BIN" customer add "$1" --name "Customer $1" --address "$2" \
			--domain "$3" >/dev/null
	else
		"$DR_BIN" customer add "$1" --name "Customer $1" --address "$2" \
			>/dev/null
	fi
}

setup_db() {
	command -v psql >/dev/null 2>&1 || skip_all "psql not installed"
	[ -n "${PGHOST:-}" ] || skip_all "no PostgreSQL (run under tests/run-with-pg)"
	psql -X -q -c 'SELECT 1' postgres >/dev/null 2>&1 ||
		skip_all "PostgreSQL at $PGHOST not reachable"
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/dr-test.XXXXXX")
	# The tests never read the system's configuration file.
	DMARC_RUA_CONFIG=$WORK/dmarc-rua.conf
	: >"$DMARC_RUA_CONFIG"
	export DMARC_RUA_CONFIG
	db=dr_$(basename "$0" .sh | tr -c 'a-z0-9\n' '_')_$$
	PGDATABASE=postgres sql "CREATE DATABASE $db" >/dev/null ||
		bail "cannot create database $db"
	PGDATABASE=$db
	export PGDATABASE
	trap 'teardown_db' EXIT
	"$DR_BIN" db migrate >/dev/null || bail "db migrate failed"
}

teardown_db() {
	status=$?
	cd /
	if [ -z "${DR_KEEP:-}" ]; then
		PGDATABASE=postgres sql "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
			>/dev/null 2>&1 || true
		rm -rf "$WORK"
	fi
	exit $status
}

# make_mail FILE TO [FILENAME]: a report mail with FILE (any bytes) as a
# base64 application/gzip attachment, on stdout.
make_mail() {
	printf 'From: "Receiver" <noreply@receiver.test>\n'
	printf 'To: %s\n' "$2"
	printf 'Subject: Report Domain: acme.test Submitter: receiver.test Report-ID: <x>\n'
	printf 'Message-ID: <%s@receiver.test>\n' "$(basename "$1")"
	printf 'MIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary="b1"\n\n'
	printf -- '--b1\nContent-Type: text/plain\n\nThis is a DMARC report.\n\n'
	printf -- '--b1\nContent-Type: application/gzip\n'
	printf 'Content-Disposition: attachment; filename="%s"\n' "${3:-report.xml.gz}"
	printf 'Content-Transfer-Encoding: base64\n\n'
	base64 -w 76 <"$1"
	printf -- '--b1--\n'
}

# fixture_report [KEY=VALUE]...: tests/fixtures/reports/rfc7489-basic.xml
# (one record) on stdout, with what is given in place of its values:
# id, org, begin, end (default begin + 86399), ip, count, dkim, spf and
# disposition (its policy_evaluated verdicts), domain (every acme.test).
fixture_report() {
	_id=classic-1 _org="Classic Receiver" _begin=1772323200 _end=
	_ip=198.51.100.7 _count=12 _dkim=pass _spf=pass _disp=none
	_domain=acme.test
	for _kv; do
		case $_kv in
		id=*) _id=${_kv#id=} ;;
		org=*) _org=${_kv#org=} ;;
		begin=*) _begin=${_kv#begin=} ;;
		end=*) _end=${_kv#end=} ;;
		ip=*) _ip=${_kv#ip=} ;;
		count=*) _count=${_kv#count=} ;;
		dkim=*) _dkim=${_kv#dkim=} ;;
		spf=*) _spf=${_kv#spf=} ;;
		disposition=*) _disp=${_kv#disposition=} ;;
		domain=*) _domain=${_kv#domain=} ;;
		*) bail "fixture_report: unknown $_kv" ;;
		esac
	done
	sed -e "s/classic-1/$_id/" -e "s/Classic Receiver/$_org/" \
		-e "s/1772323200/$_begin/" \
		-e "s/1772409599/${_end:-$((_begin + 86399))}/" \
		-e "s/198.51.100.7/$_ip/" -e "s|<count>12<|<count>$_count<|" \
		-e "s|<dkim>pass</dkim>|<dkim>$_dkim</dkim>|" \
		-e "s|<spf>pass</spf>|<spf>$_spf</spf>|" \
		-e "s|<disposition>none<|<disposition>$_disp<|" \
		-e "s/acme.test/$_domain/g" "$FIXTURES/reports/rfc7489-basic.xml"
}

# gz FILE: gzip-compressed copy of FILE on stdout.
gz() {
	gzip -9 -n -c <"$1"
}
