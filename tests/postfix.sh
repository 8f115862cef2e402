#!/bin/sh
# postfix.sh - a real Postfix delivers report mail to dmarc-rua ingest.
#
# A Postfix instance of its own (its own configuration directory, queue
# and data directory, no network listener: mail comes in through
# sendmail(1)) is configured with the examples of share/examples: the
# pipe(8) entry of postfix-master.cf, the settings of postfix-main.cf and
# the map of postfix-transport, for the domain reports.test.  Then:
#
# - report mails submitted with sendmail are stored, and mail for an
#   unknown mailbox is quarantined, not bounced;
# - with PostgreSQL stopped a report mail stays in Postfix's queue,
#   deferred with ingest's "4.3.0" reason;
# - with PostgreSQL back, "postqueue -f" delivers it, and it is stored
#   exactly once.
#
# The machine's own Postfix (/etc/postfix, /var/spool/postfix) is never
# touched.  Needs Postfix and root (Postfix starts as root and drops
# privileges); skipped without them, except under CI.  It stops and starts
# PostgreSQL, so it runs on a cluster of its own.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
[ -x /usr/sbin/postfix ] && [ -x /usr/sbin/sendmail ] ||
	skip_all "Postfix not installed (apt-get install postfix)"
[ "$(id -u)" = 0 ] || skip_all "Postfix needs root"
own_cluster "$@"
setup_db
EX=$top_srcdir/share/examples
R=$FIXTURES/reports
# The pipe(8) user: any unprivileged account can connect, because the
# test cluster trusts every local connection and the role is in the
# conninfo.
PIPE_USER=nobody
PF=$WORK/postfix
CFG=$PF/etc
# The example's command, run from here and with this test's database.
DRX="$PF/bin/dmarc-rua -c $PF/dmarc-rua.conf"
RUA=dmarc.acme@reports.test
WAIT=30
new_customer acme $RUA acme.test

# WORK is private to root; the pipe user needs to reach its binary and
# configuration.  The binary is copied there, because the build tree's
# own directories may not be open to that user.
chmod 755 "$WORK"
mkdir -p "$CFG" "$PF/bin"
cp "$DR_BIN" "$PF/bin/dmarc-rua"
cp "$DMARC_RUA_MODULE_DIR/ingest.so" "$PF/bin/"
printf '[database]\nconninfo = host=%s port=%s user=%s dbname=%s\n[paths]\nmodule_dir = %s\n' \
	"$PGHOST" "$PGPORT" "$PGUSER" "$PGDATABASE" "$PF/bin" \
	>"$PF/dmarc-rua.conf"
chmod 644 "$PF/dmarc-rua.conf"

# --- the instance, configured with the examples -----------------------------
cat >"$CFG/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $PF/spool
data_directory = $PF/data
maillog_file = $PF/maillog
maillog_file_prefixes = $PF
myhostname = mx.reports.test
mydomain = reports.test
myorigin = \$myhostname
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
alias_maps =
alias_database =
biff = no
# Nothing leaves this instance, bounces included.
default_transport = discard:test instance
relay_transport = discard:test instance
EOF
sed -e "s|hash:/etc/postfix/transport|hash:$CFG/transport|" \
	-e 's|reports\.example\.net|reports.test|' \
	"$EX/postfix-main.cf" >>"$CFG/main.cf"

# The services this instance needs, none chrooted, no listener; then the
# example's entry with this test's user, binary and configuration file.
cat >"$CFG/master.cf" <<'EOF'
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
sed -e "s|user=dmarc-rua|user=$PIPE_USER|" \
	-e "s|argv=/usr/bin/dmarc-rua |argv=$DRX |" \
	"$EX/postfix-master.cf" >>"$CFG/master.cf"
sed 's|reports\.example\.net|reports.test|' "$EX/postfix-transport" \
	>"$CFG/transport"

check "the example transport is in master.cf" \
	grep -q "^  flags=X user=$PIPE_USER argv=$DRX ingest " "$CFG/master.cf"
check "postmap of the example transport map" \
	postmap -c "$CFG" "hash:$CFG/transport"
is "the example transport map routes the domain" \
	"$(postmap -c "$CFG" -q reports.test "hash:$CFG/transport")" \
	"dmarc-rua:"
postconf -c "$CFG" -n >/dev/null 2>"$WORK/postconf.err"
is "postconf: the example settings give no warning" \
	"$(cat "$WORK/postconf.err")" ""
is "postconf: the recipient limit" \
	"$(postconf -c "$CFG" -h dmarc-rua_destination_recipient_limit)" 1
is "postconf: the time limit" \
	"$(postconf -c "$CFG" -h dmarc-rua_time_limit)" 300s

stop_postfix() {
	postfix -c "$CFG" stop >/dev/null 2>&1
	_i=0
	while postfix -c "$CFG" status >/dev/null 2>&1 && [ $_i -lt 20 ]; do
		sleep 0.5
		_i=$((_i + 1))
	done
}
cleanup() {
	_st=$?
	stop_postfix
	[ "$_st" = 0 ] ||
		sed 's/^/# maillog: /' "$PF/maillog" 2>/dev/null | tail -n 20
	(exit "$_st")
	teardown_db
}
trap cleanup EXIT

# The queue and data directories: Postfix creates what is inside them.
mkdir -p "$PF/spool" "$PF/data"
chown "$(postconf -c "$CFG" -h mail_owner)" "$PF/data"
postfix -c "$CFG" start >"$WORK/start.log" 2>&1
rc=$?
is "postfix start" "$rc" 0
if [ "$rc" != 0 ]; then
	sed 's/^/# /' "$WORK/start.log"
	bail "Postfix did not start"
fi

# submit FILE TO: hands a mail to this instance, as a local program would.
submit() {
	sendmail -C "$CFG" -f reporter@receiver.test "$2" <"$1"
}

# wait_for DESCRIPTION EXPECTED COMMAND: runs COMMAND until it prints
# EXPECTED, at most WAIT seconds.
wait_for() {
	_desc=$1
	_want=$2
	shift 2
	_i=0
	while _got=$("$@" 2>/dev/null); [ "$_got" != "$_want" ] &&
		[ $_i -lt $((WAIT * 4)) ]; do
		sleep 0.25
		_i=$((_i + 1))
	done
	is "$_desc" "$_got" "$_want"
}

# queue_json: this instance's queue, one JSON object per mail.
queue_json() {
	postqueue -c "$CFG" -j
}

# queue_names: the queue each mail is in (active, deferred, ...).
queue_names() {
	queue_json | sed -n 's/.*"queue_name": *"\([a-z]*\)".*/\1/p'
}

# logged PATTERN: how many maillog lines of the dmarc-rua transport match.
logged() {
	grep -c "relay=dmarc-rua, .*$1" "$PF/maillog"
}

# mail_for REPORT_ID TO: a gzipped report mail with that report id.
mail_for() {
	sed "s/classic-1/$1/" "$R/rfc7489-basic.xml" | gzip -n >"$WORK/$1.gz"
	make_mail "$WORK/$1.gz" "$2" >"$WORK/$1.eml"
}

# --- delivered and stored ---------------------------------------------------
mail_for pf-first $RUA
check "sendmail accepts a report mail" submit "$WORK/pf-first.eml" $RUA
check "sendmail accepts a sample mail" \
	submit "$top_srcdir/share/samples/02-outlook-gzip.eml" $RUA
wait_for "both mails are stored" 2 sql "SELECT count(*) FROM report"
is "  ... for the customer of the mailbox" \
	"$(sql "SELECT count(*) FROM report JOIN customer c
		ON c.id = customer_id WHERE c.slug = 'acme'")" 2
wait_for "  ... and Postfix's queue is empty" "" queue_json
qid=$(sed -n 's/.*cleanup.*: \([0-9A-Za-z]*\): message-id=<pf-first\..*/\1/p' \
	"$PF/maillog")
is "  ... with the recipient, Postfix's queue id and the sender" \
	"$(sql "SELECT concat_ws(' ', recipient, queue_id, sender)
		FROM report WHERE report_id = 'pf-first'")" \
	"$RUA ${qid:-no-queue-id-in-the-log} reporter@receiver.test"
is "  ... Postfix logged both as delivered by the dmarc-rua transport" \
	"$(logged 'dsn=2\.0\.0, status=sent (delivered via dmarc-rua ')" 2

check "sendmail accepts mail for an unknown mailbox" \
	submit "$WORK/pf-first.eml" nobody@reports.test
wait_for "mail for an unknown mailbox is quarantined" unknown-recipient \
	sql "SELECT reason FROM quarantine"
is "  ... and not bounced" "$(logged 'status=bounced')" 0

# --- PostgreSQL stopped: deferred, still queued -----------------------------
"$DR_PGCTL" stop -m fast >/dev/null
mail_for pf-deferred $RUA
check "sendmail accepts a report mail while PostgreSQL is down" \
	submit "$WORK/pf-deferred.eml" $RUA
wait_for "the mail stays in the deferred queue" deferred queue_names
check "  ... with ingest's 4.3.0 reason" sh -c "postqueue -c '$CFG' -j |
	grep -q '\"delay_reason\": *\"[^\"]*cannot connect to the database'"
is "  ... logged with dsn=4.3.0 and status=deferred" \
	"$(logged 'dsn=4\.3\.0, status=deferred (cannot connect')" 1
check "  ... and mailq shows it" \
	sh -c "postqueue -c '$CFG' -p | grep -q '$RUA'"
is "nothing bounced" "$(logged 'status=bounced')" 0

# --- PostgreSQL back: flushed, stored exactly once --------------------------
"$DR_PGCTL" start >/dev/null
is "still not stored before the queue is flushed" \
	"$(sql "SELECT count(*) FROM report WHERE report_id = 'pf-deferred'")" 0
check "postqueue -f" postqueue -c "$CFG" -f
wait_for "after the flush the deferred mail is stored" 1 \
	sql "SELECT count(*) FROM report WHERE report_id = 'pf-deferred'"
wait_for "  ... and Postfix's queue is empty" "" queue_json
is "  ... exactly once, and nothing else came in" \
	"$(sql "SELECT (SELECT count(*) FROM report) || ':' ||
		(SELECT count(*) FROM quarantine)")" "3:1"

done_testing
