#!/bin/sh
# corpus.sh - every file of the real-world corpus (../shared/corpus)
# through the built binary into a real PostgreSQL, with its outcome
# checked: mails on stdin as the MTA delivers them, bare report files
# with --file.
#
# Expected outcomes: a file the manifest counts (record_rows, and
# total_message_count) must be stored with exactly those totals; a file
# the manifest calls unparseable must be quarantined.  Exceptions, and
# the reason every quarantined file must get, are in
# tests/corpus-expect.tsv with a word on why.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
[ -f "$CORPUS/MANIFEST.tsv" ] || skip_all "corpus not found at $CORPUS"
setup_db
EXPECT=$top_srcdir/tests/corpus-expect.tsv

n=0
tail -n +2 "$CORPUS/MANIFEST.tsv" | cut -f1,7,8,9 >"$WORK/manifest"
while IFS="$(printf '\t')" read -r file ids rows total; do
	n=$((n + 1))
	slug=c$n
	addr=dmarc.$slug@corpus.test
	new_customer "$slug" "$addr"
	path=$CORPUS/$file
	case $file in
	*.eml) "$DR_BIN" ingest --recipient "$addr" --queue-id "Q$n" <"$path" \
		>"$WORK/out" 2>"$WORK/err" ;;
	*) "$DR_BIN" ingest --file "$path" --customer "$slug" --queue-id "Q$n" \
		</dev/null >"$WORK/out" 2>"$WORK/err" ;;
	esac
	rc=$?
	is "$file: exit 0" "$rc" 0
	[ -s "$WORK/out" ] && echo "#   stdout: $(head -c 200 "$WORK/out")"

	exp=$(awk -F'\t' -v f="$file" '$1 == f { print $2 "\t" $3 "\t" $4 "\t" $5 }' "$EXPECT")
	outcome=$(printf '%s' "$exp" | cut -f1)
	if [ -z "$outcome" ]; then
		if [ "$rows" = unparseable ]; then
			outcome=missing
		else
			outcome=stored
		fi
	fi
	got=$(sql "SELECT (SELECT count(*) FROM report r JOIN customer c ON c.id = r.customer_id WHERE c.slug = '$slug') || ' ' ||
		(SELECT coalesce(sum(record_count), 0) || ' ' || coalesce(sum(message_count), 0) FROM report r JOIN customer c ON c.id = r.customer_id WHERE c.slug = '$slug') || ' ' ||
		(SELECT coalesce(string_agg(reason, ','), '-') FROM quarantine q JOIN customer c ON c.id = q.customer_id WHERE c.slug = '$slug')")
	case $outcome in
	stored)
		reports=$(printf '%s\n' "$ids" | tr '|' '\n' | wc -l | tr -d ' ')
		is "$file: stored $reports report(s), $rows records, $total messages" \
			"$got" "$reports $rows $total -"
		;;
	stored-counts)
		# stored, with the totals given in the expectations file
		is "$file: stored ($(printf '%s' "$exp" | cut -f3))" \
			"$got" "$(printf '%s' "$exp" | cut -f2)"
		;;
	quarantined)
		reason=$(printf '%s' "$exp" | cut -f2)
		is "$file: quarantined as $reason ($(printf '%s' "$exp" | cut -f3))" \
			"$got" "0 0 0 $reason"
		;;
	*)
		not_ok "$file: unparseable in the manifest but no expected outcome in corpus-expect.tsv (got: $got)"
		;;
	esac
done <"$WORK/manifest"

is "every corpus file was tried" "$n" "$(tail -n +2 "$CORPUS/MANIFEST.tsv" | wc -l | tr -d ' ')"

# The same file twice: the second delivery is a duplicate.
f=$CORPUS/freitag__yahoo.eml
"$DR_BIN" ingest --recipient dmarc.c1@corpus.test <"$f" >/dev/null 2>&1
before=$(sql "SELECT count(*) FROM report")
"$DR_BIN" ingest --recipient dmarc.c1@corpus.test <"$f" >/dev/null 2>&1
is "a corpus mail delivered twice is stored once" "$(sql "SELECT count(*) FROM report")" "$before"

done_testing
