#!/bin/sh
# roles.sh - the database roles of schema/003_roles.sql, end to end.
#
# Login roles in each group run the real commands: ingest stores and
# quarantines but can change nothing else, render reads and writes
# nothing, admin runs the operator commands.  The test cluster trusts
# every local connection, so PGUSER chooses the role.  Roles belong to
# the cluster: this script's own ones carry its pid and are dropped at
# the end.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
setup_db
R=$FIXTURES/reports
D=2026-03-05			# the window holds 2026-03-01, the fixtures' day

ING=dr_ingest_$$
REN=dr_render_$$
ADM=dr_admin_$$
NOB=dr_nobody_$$
OWN=dr_owner_$$
PLAIN=dr_plain_$$

drop_roles() {
	_st=$?
	for _d in ${db}_own ${db}_plain; do
		PGDATABASE=postgres sql "DROP DATABASE IF EXISTS $_d WITH (FORCE)" \
			>/dev/null 2>&1
	done
	for _r in $ING $REN $ADM $NOB $OWN $PLAIN; do
		PGDATABASE=postgres sql "DROP ROLE IF EXISTS $_r" >/dev/null 2>&1
	done
	return $_st
}
trap 'drop_roles; teardown_db' EXIT

# as ROLE COMMAND...: the command with ROLE as the database user.
as() {
	_u=$1
	shift
	env PGUSER="$_u" "$@"
}

sql_as() {
	PGUSER=$1 psql -X -q -A -t -v ON_ERROR_STOP=1 -c "$2"
}

# refused DESCRIPTION ROLE SQL: passes when the server refuses SQL for
# lack of a privilege (not for any other error).
refused() {
	if sql_as "$2" "$3" >"$WORK/refused.out" 2>&1; then
		not_ok "$1"
		echo "#   succeeded: $3"
	elif grep -q 'permission denied\|must be owner' "$WORK/refused.out"; then
		ok "$1"
	else
		not_ok "$1"
		sed 's/^/# /' "$WORK/refused.out" | head -n 5
	fi
}

# --- the migration --------------------------------------------------------
is "three NOLOGIN group roles" "$(sql "SELECT string_agg(rolname || ':' || rolcanlogin, ' ' ORDER BY rolname) FROM pg_roles WHERE rolname IN ('dmarc_rua_admin', 'dmarc_rua_ingest', 'dmarc_rua_render')")" \
	"dmarc_rua_admin:false dmarc_rua_ingest:false dmarc_rua_render:false"
is "dmarc_rua_admin owns every table" "$(sql "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tableowner <> 'dmarc_rua_admin'")" 0
is "nobody but the admin may create in the schema" "$(sql "SELECT string_agg(r.rolname, ' ' ORDER BY r.rolname) FROM pg_roles r WHERE has_schema_privilege(r.oid, current_schema(), 'CREATE') AND NOT r.rolsuper AND r.rolname NOT LIKE 'pg\_%'")" \
	"dmarc_rua_admin"
is "PUBLIC may not run dr_spread" "$(sql "SELECT count(*) FROM pg_proc, aclexplode(proacl) a WHERE proname = 'dr_spread' AND a.grantee = 0")" 0

sql "CREATE ROLE $ING LOGIN IN ROLE dmarc_rua_ingest;
	CREATE ROLE $REN LOGIN IN ROLE dmarc_rua_render;
	CREATE ROLE $ADM LOGIN IN ROLE dmarc_rua_admin;
	CREATE ROLE $NOB LOGIN;
	CREATE ROLE $OWN LOGIN CREATEROLE;
	CREATE ROLE $PLAIN LOGIN" >/dev/null || bail "cannot create login roles"

# Another database of the same cluster: the roles exist already.
PGDATABASE=postgres sql "CREATE DATABASE ${db}_own OWNER $OWN" >/dev/null
out=$(PGDATABASE=${db}_own as "$OWN" "$DR_BIN" db migrate 2>&1)
is "migrate as a CREATEROLE database owner, the roles existing: exit 0" "$?" 0
is "  ... which made it a member of dmarc_rua_admin" "$(sql "SELECT pg_has_role('$OWN', 'dmarc_rua_admin', 'MEMBER')")" t
PGDATABASE=postgres sql "CREATE DATABASE ${db}_plain OWNER $PLAIN" >/dev/null
out=$(PGDATABASE=${db}_plain as "$PLAIN" "$DR_BIN" db migrate 2>&1)
rc=$?
check "migrate as a role that cannot become dmarc_rua_admin fails" test "$rc" -ne 0
check "  ... and says what to grant" sh -c "echo '$out' | grep -q 'GRANT dmarc_rua_admin TO $PLAIN'"
sql "GRANT dmarc_rua_admin TO $PLAIN" >/dev/null
check "  ... and succeeds once the superuser has granted it" \
	env PGDATABASE=${db}_plain PGUSER=$PLAIN "$DR_BIN" db migrate

# --- admin: the operator commands -------------------------------------------
check "admin: db migrate is up to date" sh -c "PGUSER=$ADM '$DR_BIN' db migrate | grep -q 'up to date'"
check "admin: customer add" as "$ADM" "$DR_BIN" customer add acme \
	--name ACME --address dmarc@acme.test --domain acme.test
check "admin: address add" as "$ADM" "$DR_BIN" customer address add acme rua@acme.test
check "admin: domain add" as "$ADM" "$DR_BIN" customer domain add acme acme.example

# --- ingest ----------------------------------------------------------------
gzip -n -c "$R/rfc7489-basic.xml" >"$WORK/basic.xml.gz"
make_mail "$WORK/basic.xml.gz" dmarc@acme.test >"$WORK/basic.eml"
out=$(as "$ING" "$DR_BIN" ingest --recipient dmarc@acme.test <"$WORK/basic.eml" 2>"$WORK/err")
is "ingest: a report mail, exit 0" "$?" 0
is "  ... stored with its totals" "$(sql "SELECT record_count, message_count FROM report WHERE report_id = 'classic-1'")" "1|12"
out=$(as "$ING" "$DR_BIN" ingest --recipient dmarc@acme.test <"$WORK/basic.eml" 2>"$WORK/err")
is "ingest: the same mail again, exit 0" "$?" 0
is "  ... still one copy" "$(sql "SELECT count(*) FROM report WHERE report_id = 'classic-1'")" 1

# Over 64 KiB of records: the report row goes in first, the records
# stream, and the totals are set at the end (the UPDATE path).
"$GEN" --records 2000 --seed 7 --to dmarc@acme.test --domain acme.test \
	--report-id big >"$WORK/big.eml"
totals=$("$GEN" --records 2000 --seed 7 --to dmarc@acme.test \
	--domain acme.test --report-id big --print-totals)
as "$ING" "$DR_BIN" ingest --recipient dmarc@acme.test <"$WORK/big.eml" >/dev/null 2>&1
is "ingest: a streamed report, exit 0" "$?" 0
is "  ... its totals set after its records" "$(sql "SELECT 'records=' || record_count || ' messages=' || message_count FROM report WHERE report_id = 'big'")" "$totals"
is "  ... every record stored" "$(sql "SELECT count(*) FROM record r JOIN report p ON p.id = r.report WHERE p.report_id = 'big'")" 2000

printf 'To: dmarc@acme.test\nSubject: hello\n\nnot a report\n' >"$WORK/hello.eml"
as "$ING" "$DR_BIN" ingest --recipient dmarc@acme.test <"$WORK/hello.eml" >/dev/null 2>&1
is "ingest: a mail without a report, exit 0" "$?" 0
is "  ... quarantined" "$(sql "SELECT reason FROM quarantine WHERE recipient = 'dmarc@acme.test'")" not-a-report
as "$ING" "$DR_BIN" ingest --recipient dmarc@acme.test <"$WORK/hello.eml" >/dev/null 2>&1
is "ingest: the same mail again, exit 0, counted on its entry" \
	"$?:$(sql "SELECT count(*), sum(deliveries) FROM quarantine WHERE recipient = 'dmarc@acme.test'")" "0:1|2"
sed 's/classic-1/classic-later/' "$R/rfc7489-basic.xml" | gzip -n >"$WORK/later.xml.gz"
make_mail "$WORK/later.xml.gz" dmarc@later.test >"$WORK/later.eml"
as "$ING" "$DR_BIN" ingest --recipient dmarc@later.test <"$WORK/later.eml" >/dev/null 2>&1
is "ingest: mail for an unknown mailbox, exit 0" "$?" 0
is "  ... quarantined" "$(sql "SELECT reason FROM quarantine WHERE recipient = 'dmarc@later.test'")" unknown-recipient
sed 's/classic-1/classic-file/' "$R/rfc7489-basic.xml" >"$WORK/file.xml"
check "ingest --file --customer" as "$ING" "$DR_BIN" ingest --file "$WORK/file.xml" --customer acme
is "  ... stored" "$(sql "SELECT count(*) FROM report WHERE report_id = 'classic-file'")" 1

before=$(sql "SELECT sum(record_count) || '/' || sum(message_count) || '/' || count(*) FROM report")
sql_as "$ING" "UPDATE report SET record_count = 0, message_count = 0" >/dev/null 2>&1
is "ingest: totals of reports stored earlier stay as they are" "$(sql "SELECT sum(record_count) || '/' || sum(message_count) || '/' || count(*) FROM report")" "$before"
refused "ingest: cannot delete a report" "$ING" "DELETE FROM report"
refused "ingest: cannot delete records" "$ING" "DELETE FROM record"
refused "ingest: cannot move a report to another customer" "$ING" "UPDATE report SET customer_id = customer_id"
refused "ingest: cannot change a record" "$ING" "UPDATE record SET count = 0"
refused "ingest: cannot read a report's contents" "$ING" "SELECT email FROM report"
refused "ingest: cannot read records" "$ING" "SELECT count FROM record"
refused "ingest: cannot read a quarantined mail" "$ING" "SELECT raw FROM quarantine"
refused "ingest: cannot read a quarantine detail" "$ING" "SELECT detail FROM quarantine"
refused "ingest: cannot change a quarantine entry" "$ING" "UPDATE quarantine SET reason = 'x'"
refused "ingest: cannot delete a quarantine entry" "$ING" "DELETE FROM quarantine"
refused "ingest: cannot add a mailbox" "$ING" "INSERT INTO customer_address (address, customer_id) SELECT 'x@evil.test', id FROM customer LIMIT 1"
refused "ingest: cannot add a domain" "$ING" "INSERT INTO customer_domain (customer_id, domain) SELECT id, 'evil.test' FROM customer LIMIT 1"
refused "ingest: cannot change a customer" "$ING" "UPDATE customer SET name = 'x'"
refused "ingest: cannot delete a customer" "$ING" "DELETE FROM customer"
refused "ingest: cannot truncate" "$ING" "TRUNCATE report CASCADE"
refused "ingest: cannot drop a table" "$ING" "DROP TABLE quarantine"
refused "ingest: cannot switch off row security" "$ING" "ALTER TABLE report DISABLE ROW LEVEL SECURITY"
refused "ingest: cannot create in the schema" "$ING" "CREATE TABLE evil (i int)"
refused "ingest: cannot rewrite the migrations" "$ING" "DELETE FROM schema_migration"
as "$ING" "$DR_BIN" customer add evil --name Evil >/dev/null 2>&1
check "ingest: customer add fails" test "$?" -ne 0
id=$(sql "SELECT id FROM quarantine WHERE reason = 'not-a-report'")
as "$ING" "$DR_BIN" quarantine drop "$id" >/dev/null 2>&1
check "ingest: quarantine drop fails" test "$?" -ne 0
is "  ... the entry is still there" "$(sql "SELECT count(*) FROM quarantine WHERE id = $id")" 1

# --- render ----------------------------------------------------------------
out=$(as "$REN" "$DR_BIN" render --date $D --output "$WORK/sites" 2>&1)
is "render: exit 0" "$?" 0
is "  ... silent" "$out" ""
check "  ... acme's site written" test -s "$WORK/sites/acme/$D/index.html"
check "  ... with its reports" grep -q 'classic-file' "$WORK/sites/acme/$D/reports.html"
out=$(as "$REN" "$DR_BIN" status --output "$WORK/sites" 2>&1)
is "render role: status, exit 0" "$?" 0
check "  ... sees the schema current" sh -c "echo '$out' | grep -q 'version [0-9]*, up to date'"
sed 's/classic-1/classic-render/' "$R/rfc7489-basic.xml" | gzip -n >"$WORK/r.xml.gz"
make_mail "$WORK/r.xml.gz" dmarc@acme.test >"$WORK/r.eml"
out=$(as "$REN" "$DR_BIN" ingest --recipient dmarc@acme.test <"$WORK/r.eml" 2>/dev/null)
is "render role: ingest defers (75), the MTA keeps the mail" "$?" 75
check "  ... and says why on stdout" sh -c "echo '$out' | grep -q '^4\.3\.0 '"
is "  ... nothing stored" "$(sql "SELECT count(*) FROM report WHERE report_id = 'classic-render'")" 0
refused "render: cannot add a report" "$REN" "INSERT INTO report (customer_id, org_name, report_id, policy_domain, date_begin, date_end) SELECT id, 'x', 'x', 'x', 0, 0 FROM customer LIMIT 1"
refused "render: cannot change a report" "$REN" "UPDATE report SET message_count = 0"
refused "render: cannot delete records" "$REN" "DELETE FROM record"
refused "render: cannot add a customer" "$REN" "INSERT INTO customer (slug, name) VALUES ('evil', 'Evil')"
refused "render: cannot add a mailbox" "$REN" "INSERT INTO customer_address (address, customer_id) SELECT 'x@evil.test', id FROM customer LIMIT 1"
refused "render: cannot quarantine" "$REN" "INSERT INTO quarantine (reason, detail, size, raw) VALUES ('x', 'x', 0, '')"
refused "render: cannot read a quarantined mail" "$REN" "SELECT raw FROM quarantine"
refused "render: cannot delete a quarantine entry" "$REN" "DELETE FROM quarantine"
refused "render: cannot truncate" "$REN" "TRUNCATE record"
refused "render: cannot create in the schema" "$REN" "CREATE TABLE evil (i int)"
refused "render: cannot take a sequence number" "$REN" "SELECT nextval('report_id_seq')"

# --- a login role in no group ----------------------------------------------
refused "no group: cannot read customers" "$NOB" "SELECT slug FROM customer"
refused "no group: cannot read reports" "$NOB" "SELECT org_name FROM report"
as "$NOB" "$DR_BIN" ingest --recipient dmarc@acme.test <"$WORK/r.eml" >/dev/null 2>&1
is "no group: ingest defers (75)" "$?" 75

# --- admin again: quarantine and removal --------------------------------------
is "admin: row security hides no report from the owner's members" "$(sql_as "$ADM" "SELECT count(*) FROM report")" "$(sql "SELECT count(*) FROM report")"
check "admin: quarantine list" sh -c "PGUSER=$ADM '$DR_BIN' quarantine list | grep -q unknown-recipient"
qid=$(sql "SELECT id FROM quarantine WHERE reason = 'unknown-recipient'")
check "admin: quarantine show" sh -c "PGUSER=$ADM '$DR_BIN' quarantine show $qid | grep -q 'unknown-recipient'"
as "$ADM" "$DR_BIN" customer add later --name Later --address dmarc@later.test \
	--domain acme.test >/dev/null
check "admin: quarantine replay" as "$ADM" "$DR_BIN" quarantine replay "$qid"
is "  ... stored for the new customer" "$(sql "SELECT c.slug FROM report r JOIN customer c ON c.id = r.customer_id WHERE r.report_id = 'classic-later'")" later
check "admin: quarantine drop" as "$ADM" "$DR_BIN" quarantine drop "$id"
is "  ... the quarantine is empty" "$(sql "SELECT count(*) FROM quarantine")" 0
check "admin: customer remove --purge" as "$ADM" "$DR_BIN" customer remove acme --purge
is "  ... its reports and records are gone" "$(sql "SELECT (SELECT count(*) FROM report r JOIN customer c ON c.id = r.customer_id WHERE c.slug = 'acme') + (SELECT count(*) FROM customer WHERE slug = 'acme')")" 0

done_testing
