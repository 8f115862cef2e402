#!/bin/sh
# customer.sh - the operator commands: customer, db, quarantine.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
setup_db
R=$FIXTURES/reports

check "db migrate again: nothing to do" sh -c "'$DR_BIN' db migrate | grep -q 'up to date'"
latest=$(ls "$DR_SCHEMA_DIR" | grep -c '^[0-9].*\.sql$')
check "db status: up to date, exit 0" sh -c "'$DR_BIN' db status | grep -q 'schema version: $latest'"
check "db init on a migrated database is harmless" "$DR_BIN" db init

check "customer add with mailboxes and domains" "$DR_BIN" customer add acme \
	--name "ACME Corp" --address DMARC@Acme.Test --address rua@acme.test \
	--domain acme.test --domain ACME.example.
is "mailboxes stored in lower case" "$(sql "SELECT string_agg(address, ' ' ORDER BY address) FROM customer_address")" "dmarc@acme.test rua@acme.test"
is "domains stored in lower case, without the dot" "$(sql "SELECT string_agg(domain, ' ' ORDER BY domain) FROM customer_domain")" "acme.example acme.test"
"$DR_BIN" customer add acme --name again >/dev/null 2>"$WORK/err"
is "customer add twice: exit 1" "$?" 1
check "customer add twice: says so" grep -q 'exists already' "$WORK/err"
"$DR_BIN" customer add 'Bad Slug' --name x >/dev/null 2>"$WORK/err"
is "invalid slug: exit 2" "$?" 2
"$DR_BIN" customer add other --name Other --address dmarc@acme.test >/dev/null 2>"$WORK/err"
is "a mailbox belongs to one customer only: exit 1" "$?" 1
check "  ... and says whose it is" grep -q 'belongs to customer acme' "$WORK/err"
is "  ... and nothing of 'other' was created" "$(sql "SELECT count(*) FROM customer WHERE slug = 'other'")" 0
"$DR_BIN" customer add other --name Other >/dev/null
check "address add" "$DR_BIN" customer address add other rua@other.test
check "domain add" "$DR_BIN" customer domain add other other.test
check "domain remove" "$DR_BIN" customer domain remove other other.test
"$DR_BIN" customer domain remove other nowhere.test 2>/dev/null
is "domain remove of an absent domain: exit 1" "$?" 1
check "customer list" sh -c "'$DR_BIN' customer list | grep -q '^acme .*ACME Corp'"
check "customer show" sh -c "'$DR_BIN' customer show acme | grep -q 'mailboxes  dmarc@acme.test, rua@acme.test'"
"$DR_BIN" customer show nobody >/dev/null 2>&1
is "customer show of an unknown slug: exit 1" "$?" 1

gzip -n -c "$R/rfc7489-basic.xml" >"$WORK/r.xml.gz"
"$DR_BIN" ingest --file "$WORK/r.xml.gz" --customer acme >/dev/null
"$DR_BIN" customer remove acme 2>"$WORK/err"
is "customer remove refuses while reports exist" "$?" 1
check "  ... and says --purge" grep -q -- '--purge' "$WORK/err"
check "customer remove --purge" "$DR_BIN" customer remove acme --purge
is "  ... removes reports, records and mailboxes" "$(sql "SELECT (SELECT count(*) FROM report) + (SELECT count(*) FROM record) + (SELECT count(*) FROM customer_address WHERE address LIKE '%acme%')")" 0
check "customer remove of an empty customer" "$DR_BIN" customer remove other

# quarantine drop and a replay that fails again
printf 'To: x@y.test\nSubject: hi\n\nhello\n' | "$DR_BIN" ingest --recipient nobody@y.test >/dev/null
id=$(sql "SELECT id FROM quarantine")
"$DR_BIN" quarantine replay "$id" >"$WORK/out"
is "replay that fails again: exit 1" "$?" 1
check "  ... says why" grep -q 'still quarantined: unknown-recipient' "$WORK/out"
is "  ... and keeps the entry" "$(sql "SELECT count(*) FROM quarantine")" 1
sql "UPDATE quarantine SET recipient = 'rua@later.test'" >/dev/null
"$DR_BIN" customer add later --name Later --address rua@later.test --domain later.test >/dev/null
"$DR_BIN" quarantine replay "$id" >"$WORK/out"
is "replay that fails for another reason: exit 1" "$?" 1
is "  ... records the new reason and the customer now known" "$(sql "SELECT q.reason, c.slug FROM quarantine q JOIN customer c ON c.id = q.customer_id")" "not-a-report|later"
check "quarantine show" sh -c "'$DR_BIN' quarantine show $id | grep -q 'reason      not-a-report'"
check "quarantine drop" "$DR_BIN" quarantine drop "$id"
is "  ... removes it" "$(sql "SELECT count(*) FROM quarantine")" 0
"$DR_BIN" quarantine drop 999999 2>/dev/null
is "quarantine drop of an unknown id: exit 1" "$?" 1
"$DR_BIN" quarantine frobnicate 2>/dev/null
is "unknown quarantine verb: exit 2" "$?" 2

check "--help of every command" sh -c "'$DR_BIN' --help && '$DR_BIN' ingest --help && '$DR_BIN' customer --help && '$DR_BIN' quarantine --help && '$DR_BIN' db --help"
check "--version" sh -c "'$DR_BIN' --version | grep -q '^dmarc-rua [0-9]'"
"$DR_BIN" frobnicate 2>/dev/null
is "unknown command: exit 2" "$?" 2

done_testing
