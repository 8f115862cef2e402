#!/bin/sh
# install.sh - "make install" as a packager and a postmaster see it.
#
# 1. make install DESTDIR=... from the configured build tree: every file
#    lands where the configured directories say, the unit file has its
#    paths filled in, a second install keeps an edited configuration file,
#    and make uninstall removes everything but that edited file.
# 2. The installed program works without the source tree: the distributed
#    files are configured with --prefix in a temporary directory and
#    installed there, the copy of the sources and the build are deleted,
#    and the installed binary, with no DMARC_RUA_* variable set, migrates
#    a database (schema from its pkgdatadir), reads its sysconfdir
#    configuration, ingests a sample mail and renders a site (templates
#    from its pkgdatadir, output under its localstatedir).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

# The outer make's flags (jobserver, TESTS=...) mean nothing to these.
unset MAKEFLAGS MFLAGS MAKELEVEL
setup_db

# install_dirs BUILDDIR: the configured installation directories,
# expanded by make itself (the Makefile has them in terms of ${prefix}).
install_dirs() {
	printf 'dr-dirs:\n\t@echo "%s|%s"\n' \
		'$(bindir)|$(pkgdatadir)|$(sysconfdir)' \
		'$(mandir)|$(systemdsystemunitdir)|$(pkglibdir)' |
		make -s -C "$1" -f Makefile -f - dr-dirs
}

# --- 1. make install DESTDIR -----------------------------------------------
D=$WORK/destdir
IFS='|' read -r bindir pkgdatadir sysconfdir mandir unitdir pkglibdir <<EOF
$(install_dirs "$top_builddir")
EOF
[ -n "$bindir" ] && [ -n "$pkglibdir" ] ||
	bail "cannot read the installation directories"

make -s -C "$top_builddir" install DESTDIR="$D" >"$WORK/install.log" 2>&1
rc=$?
is "make install DESTDIR: exit 0" "$rc" 0
[ "$rc" = 0 ] || sed 's/^/# /' "$WORK/install.log" | tail -n 20

check "the program in bindir" test -x "$D$bindir/dmarc-rua"
for m in ingest render; do
	check "the $m module in pkglibdir" test -s "$D$pkglibdir/$m.so"
done
check "the program itself maps neither GMime nor libxml2 nor ctemplate" \
	sh -c "! readelf -d '$D$bindir/dmarc-rua' |
	    grep -E 'NEEDED.*(gmime|xml2|ctemplate|stdc)'"
for f in $(cd "$top_srcdir" && ls schema/*.sql templates/*); do
	check "$f in pkgdatadir, unchanged" \
		cmp -s "$top_srcdir/$f" "$D$pkgdatadir/$f"
done
check "dmarc-rua(8)" test -s "$D$mandir/man8/dmarc-rua.8"
check "dmarc-rua.conf(5)" test -s "$D$mandir/man5/dmarc-rua.conf.5"
conf=$D$sysconfdir/dmarc-rua/dmarc-rua.conf
service=$D$unitdir/dmarc-rua-render.service
check "the sample configuration in sysconfdir" \
	cmp -s "$top_srcdir/share/dmarc-rua.conf" "$conf"
cron=$D$sysconfdir/cron.d/dmarc-rua
check "the cron job in sysconfdir/cron.d" test -s "$cron"
check "the cron job runs the installed program" \
	grep -q " $bindir/dmarc-rua render" "$cron"
check "no @placeholder@ is left in the cron job" \
	sh -c "! grep -q '@[a-z]*@' '$cron'"
check "the cron job stands aside while the systemd timer is active" \
	grep -q "dmarc-rua	systemctl -q is-active dmarc-rua-render.timer 2>/dev/null || flock " "$cron"
check "the timer in the systemd unit directory" \
	cmp -s "$top_srcdir/cron/dmarc-rua-render.timer" \
	"$D$unitdir/dmarc-rua-render.timer"
check "the service in the systemd unit directory" test -s "$service"
check "the service runs the installed program" \
	grep -q "^ExecStart=.* $bindir/dmarc-rua render\$" "$service"
check "no @placeholder@ is left in the service" \
	sh -c "! grep -q '@[a-z]*@' '$service'"
check "the installed program runs from the DESTDIR tree" \
	"$D$bindir/dmarc-rua" --version

printf '\n[database]\nconninfo = dbname=edited-by-the-admin\n' >>"$conf"
cp "$conf" "$WORK/edited.conf"
sed -i 's/^0 13 /30 6 /' "$cron"
cp "$cron" "$WORK/edited.cron"
make -s -C "$top_builddir" install DESTDIR="$D" >"$WORK/install.log" 2>&1
is "make install again: exit 0" "$?" 0
check "make install again keeps the edited configuration" \
	cmp -s "$WORK/edited.conf" "$conf"
check "make install again keeps the edited cron job" \
	cmp -s "$WORK/edited.cron" "$cron"

make -s -C "$top_builddir" uninstall DESTDIR="$D" >"$WORK/uninstall.log" 2>&1
is "make uninstall: exit 0" "$?" 0
is "make uninstall leaves only the edited configuration and cron job" \
	"$(cd "$D" && find . -type f | sort)" \
	"$(printf '.%s\n.%s' "$sysconfdir/cron.d/dmarc-rua" \
	    "$sysconfdir/dmarc-rua/dmarc-rua.conf" | sort)"
rm "$cron"
make -s -C "$top_builddir" install DESTDIR="$D" >"$WORK/install.log" 2>&1
make -s -C "$top_builddir" uninstall DESTDIR="$D" >"$WORK/uninstall.log" 2>&1
check "an unedited cron job is uninstalled" test ! -e "$cron"

# --- 2. an installation under its own prefix, without the sources ----------
P=$WORK/prefix
make -s -C "$top_builddir" distdir distdir="$WORK/src" \
	>"$WORK/build.log" 2>&1 || bail "make distdir failed"
mkdir "$WORK/build"
# The unit directory under the prefix too: systemd's own is outside it.
(cd "$WORK/build" && "$WORK/src/configure" --prefix="$P" \
	--with-systemdsystemunitdir='${libdir}/systemd/system' \
	CFLAGS=-O0 CXXFLAGS=-O0 && make -j2 install) >>"$WORK/build.log" 2>&1
rc=$?
is "configure --prefix, make install: exit 0" "$rc" 0
[ "$rc" = 0 ] || sed 's/^/# /' "$WORK/build.log" | tail -n 20
rm -rf "$WORK/src" "$WORK/build"

# prefixed ARGS...: the installed program with nothing pointing elsewhere.
prefixed() {
	(cd "$WORK" && env -u DMARC_RUA_CONFIG -u DMARC_RUA_SCHEMA_DIR \
		-u DMARC_RUA_TEMPLATE_DIR -u DMARC_RUA_MODULE_DIR \
		"$P/bin/dmarc-rua" "$@")
}
# Its own database: the one setup_db migrated is already up to date.
db2=${PGDATABASE}_p
PGDATABASE=postgres sql "CREATE DATABASE $db2" >/dev/null ||
	bail "cannot create $db2"
sed -i "s/^#conninfo =.*/conninfo = dbname=$db2/" \
	"$P/etc/dmarc-rua/dmarc-rua.conf"
check "installed: the configuration names the database" \
	grep -qx "conninfo = dbname=$db2" "$P/etc/dmarc-rua/dmarc-rua.conf"
check "installed: db migrate with the installed schema" prefixed db migrate
is "installed: every migration applied" \
	"$(PGDATABASE=$db2 sql "SELECT count(*) FROM schema_migration")" \
	"$(ls "$top_srcdir"/schema/*.sql | wc -l | tr -d ' ')"
check "installed: customer add" prefixed customer add acme --name Acme \
	--address dmarc.acme@reports.example.net
out=$(prefixed ingest --recipient dmarc.acme@reports.example.net \
	<"$top_srcdir/share/samples/02-outlook-gzip.eml")
is "installed: ingest a sample mail" "$?:$out" "0:"
is "installed: the report is stored" \
	"$(PGDATABASE=$db2 sql "SELECT count(*) FROM report")" 1
check "installed: render with the installed templates, to its default" \
	prefixed render --date 2026-11-30
S=$P/var/lib/dmarc-rua/sites/acme/2026-11-30
check "installed: the site is under localstatedir" test -s "$S/index.html"
check "installed: with the installed style sheet" \
	cmp -s "$P/share/dmarc-rua/templates/style.css" "$S/style.css"
PGDATABASE=postgres sql "DROP DATABASE IF EXISTS $db2 WITH (FORCE)" \
	>/dev/null 2>&1

done_testing
