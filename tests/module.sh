#!/bin/sh
# module.sh - ingest.so and render.so (src/module.c): the program maps
# neither GMime nor libxml2 nor ctemplate itself, finds its modules in
# DMARC_RUA_MODULE_DIR or [paths] module_dir, and when a module cannot be
# loaded says why; ingest then defers (75) so the MTA keeps the mail.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
setup_db
R=$FIXTURES/reports
MODS=$DMARC_RUA_MODULE_DIR
RUA=dmarc.acme@rua.test
new_customer acme $RUA acme.test

gz "$R/rfc7489-basic.xml" >"$WORK/basic.xml.gz"
make_mail "$WORK/basic.xml.gz" $RUA >"$WORK/basic.eml"

# The real binary (DR_BIN may be a wrapper such as valgrind-wrap).
bin=${DR_REAL_BIN:-$DR_BIN}
needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
	tr '\n' ' ')
case $needed in
*gmime*|*xml2*|*ctemplate*|*stdc++*|*zip*)
	not_ok "the program needs only GLib and libpq: $needed" ;;
*)	ok "the program needs only GLib and libpq" ;;
esac
for m in ingest render; do
	check "$m.so is a shared object" sh -c \
		"readelf -h '$MODS/$m.so' | grep -q 'DYN'"
done

# --- no module: ingest defers, and the mail is not lost ---------------------
mkdir "$WORK/none"
out=$(DMARC_RUA_MODULE_DIR=$WORK/none "$DR_BIN" ingest --recipient $RUA \
	--queue-id 1NOMOD <"$WORK/basic.eml" 2>"$WORK/stderr")
rc=$?
is "missing ingest.so: exit 75" "$rc" 75
case $out in
"4.3.0 cannot load the ingest module: $WORK/none/ingest.so: "*)
	ok "missing ingest.so: one 4.3.0 line naming the file" ;;
*)	not_ok "missing ingest.so: one 4.3.0 line naming the file"
	echo "#   got: '$out'" ;;
esac
is "missing ingest.so: nothing stored or quarantined" \
	"$(sql "SELECT (SELECT count(*) FROM report) + (SELECT count(*) FROM quarantine)")" 0
ingest_mail "$WORK/basic.eml" $RUA
is "the same mail once the module is there: stored" \
	"$rc:$(sql "SELECT count(*) FROM report")" "0:1"

# --- a file that is not the module, and a module of another build -----------
mkdir "$WORK/wrong" "$WORK/other"
cp "$MODS/render.so" "$WORK/wrong/ingest.so"
out=$(DMARC_RUA_MODULE_DIR=$WORK/wrong "$DR_BIN" ingest --recipient $RUA \
	<"$WORK/basic.eml" 2>/dev/null)
is "render.so as ingest.so: exit 75" "$?" 75
case $out in
*"not a dmarc-rua module (no dr_ingest_api)") ok "render.so as ingest.so: says so" ;;
*)	not_ok "render.so as ingest.so: says so"; echo "#   got: '$out'" ;;
esac
version=$("$DR_BIN" --version | sed 's/^dmarc-rua //')
# Same length, so the shared object stays intact: only its ABI differs.
other=$(printf '%s' "$version" | tr '0-9' '9-90-8')
perl -pe "s|\\Q$version/\\E|$other/|g" "$MODS/ingest.so" \
	>"$WORK/other/ingest.so"
out=$(DMARC_RUA_MODULE_DIR=$WORK/other "$DR_BIN" ingest --recipient $RUA \
	<"$WORK/basic.eml" 2>/dev/null)
is "a module of another version: exit 75" "$?" 75
case $out in
*"built for dmarc-rua $other/"*"(reinstall)") ok "a module of another version: refused, says why" ;;
*)	not_ok "a module of another version: refused, says why"
	echo "#   got: '$out'" ;;
esac

# A module that never finishes loading (a FIFO stands for a dead network
# file system) while ingest fails early: the alarm still ends it, with one
# line, before an MTA's time limit would.
mkdir "$WORK/hang"
mkfifo "$WORK/hang/ingest.so"
out=$(DMARC_RUA_MODULE_DIR=$WORK/hang timeout 60 "$DR_BIN" ingest \
	--time-budget 1 --file "$WORK/no-such-file" 2>/dev/null)
is "a hanging module load after an early failure: exit 75, not killed" "$?" 75
is "  ... one 4.3.0 line" "$out" "4.3.0 $WORK/no-such-file: No such file or directory"

# --- the other commands -------------------------------------------------------
out=$(DMARC_RUA_MODULE_DIR=$WORK/none "$DR_BIN" customer list 2>&1)
is "customer list needs no module" "$?" 0
DMARC_RUA_MODULE_DIR=$WORK/none "$DR_BIN" render --output "$WORK/sites" \
	>"$WORK/out" 2>&1
is "render without render.so: exit 1" "$?" 1
check "render without render.so: says which module" \
	grep -q "^dmarc-rua: cannot load the render module: $WORK/none/render.so: " \
	"$WORK/out"
check "render without render.so: no site written" test ! -e "$WORK/sites/acme"

printf 'not a report\n' | "$DR_BIN" ingest --recipient $RUA >/dev/null
id=$(sql "SELECT id FROM quarantine")
DMARC_RUA_MODULE_DIR=$WORK/none "$DR_BIN" quarantine replay "$id" \
	>"$WORK/out" 2>&1
is "replay without ingest.so: exit 1" "$?" 1
is "replay without ingest.so: the entry is kept" \
	"$(sql "SELECT count(*) FROM quarantine")" 1
DMARC_RUA_MODULE_DIR=$WORK/none "$DR_BIN" import "$WORK/basic.eml" \
	>"$WORK/out" 2>&1
is "import without ingest.so: exit 1" "$?" 1
check "import without ingest.so: says why" \
	grep -q "cannot load the ingest module" "$WORK/out"

# --- [paths] module_dir, with no variable set ----------------------------------
gz "$R/rfc9990-full.xml" >"$WORK/bis.xml.gz"
make_mail "$WORK/bis.xml.gz" $RUA >"$WORK/bis.eml"
printf '[paths]\nmodule_dir = %s\n' "$MODS" >"$WORK/paths.conf"
out=$(env -u DMARC_RUA_MODULE_DIR "$DR_BIN" -c "$WORK/paths.conf" ingest \
	--recipient $RUA <"$WORK/bis.eml")
is "[paths] module_dir: stored" "$?:$out:$(sql "SELECT count(*) FROM report")" "0::2"
printf '[paths]\nmodule_dir =\n' >"$WORK/empty.conf"
out=$(env -u DMARC_RUA_MODULE_DIR LD_LIBRARY_PATH="$MODS" "$DR_BIN" \
	-c "$WORK/empty.conf" ingest --recipient $RUA <"$WORK/bis.eml")
rc=$?
if [ -n "${DR_PKGLIBDIR:-}" ] && [ ! -e "$DR_PKGLIBDIR/ingest.so" ]; then
	is "[paths] module_dir empty: the built-in directory, not the library path" \
		"$rc:$out" "75:4.3.0 cannot load the ingest module: $DR_PKGLIBDIR/ingest.so: cannot open shared object file: No such file or directory"
else
	ok "[paths] module_dir empty: not checked, a module is installed in ${DR_PKGLIBDIR:-the built-in directory}"
fi
printf '[paths]\nmodule_dir = %s\n' "$WORK/none" >"$WORK/none.conf"
out=$(env -u DMARC_RUA_MODULE_DIR "$DR_BIN" -c "$WORK/none.conf" ingest \
	--recipient $RUA <"$WORK/bis.eml")
is "[paths] module_dir without the module: exit 75" "$?" 75

done_testing
