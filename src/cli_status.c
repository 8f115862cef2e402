/*
 * cli_status.c - "dmarc-rua status": one screen for the postmaster.
 *
 * Whether the database answers and its schema is current, when a report
 * was last stored, the customers with the reports stored for each in the
 * last 24 hours and their quarantined mail, the quarantine by reason,
 * and the time and outcome of the last render, from the file
 * <output_dir>/.last-render that "dmarc-rua render" writes when it ends
 * (key=value lines: finished, date, customers, failed, failed_slugs).
 *
 * Exit status: 0 when the database is reachable and no migration is
 * pending, 1 otherwise (a failed render is shown, not counted: render's
 * own exit status and cron mail report it).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "error.h"
#include "log.h"
#include "store_admin.h"

#define DR_LAST_RENDER		".last-render"
#define DR_MAX_LAST_RENDER	(64 * 1024)	/* bytes of it read */

/* "5 minutes ago": the age of t, in its largest sensible unit. */
static char *
age(gint64 t, gint64 now)
{
	gint64 d = now - t;

	/* The server's clock may be a little ahead of ours. */
	if (d < -300)
		return g_strdup("in the future");
	d = MAX(d, 0);
	if (d < 120)
		return g_strdup_printf("%" G_GINT64_FORMAT " seconds ago", d);
	if (d < 120 * 60)
		return g_strdup_printf("%" G_GINT64_FORMAT " minutes ago",
		    d / 60);
	if (d < 48 * 3600)
		return g_strdup_printf("%" G_GINT64_FORMAT " hours ago",
		    d / 3600);
	return g_strdup_printf("%" G_GINT64_FORMAT " days ago", d / 86400);
}

/* "2026-03-01 13:00:04 UTC (5 hours ago)", or "never" for 0. */
static char *
when(gint64 t, gint64 now)
{
	GDateTime *dt;
	char *s, *a, *out;

	if (t == 0)
		return g_strdup("never");
	dt = g_date_time_new_from_unix_utc(t);
	if (dt == NULL)
		return g_strdup_printf("%" G_GINT64_FORMAT, t);
	s = g_date_time_format(dt, "%Y-%m-%d %H:%M:%S UTC");
	a = age(t, now);
	out = g_strdup_printf("%s (%s)", s, a);
	g_free(a);
	g_free(s);
	g_date_time_unref(dt);
	return out;
}

static void
line(const char *label, const char *value)
{
	printf("%-13s%s\n", label, value);
}

/* The value of key in the key=value lines of text (transfer full). */
static char *
value_of(char **lines, const char *key)
{
	gsize n = strlen(key);
	char **l;

	for (l = lines; *l != NULL; l++)
		if (strncmp(*l, key, n) == 0 && (*l)[n] == '=')
			return dr_log_clean(g_strstrip(*l + n + 1), 200);
	return NULL;
}

static void
show_last_render(const char *output, gint64 now)
{
	char *path = g_build_filename(output, DR_LAST_RENDER, NULL);
	char *text = NULL, *finished, *date, *customers, *failed, *slugs;
	char *first, *out, *p;
	char **lines;
	GError *e = NULL;
	GDateTime *dt;
	gsize len;

	if (!g_file_get_contents(path, &text, &len, &e)) {
		if (g_error_matches(e, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			out = g_strdup_printf("never (no %s)", path);
		else
			out = g_strdup_printf("unknown: %s", e->message);
		line("last render", out);
		g_free(out);
		g_error_free(e);
		g_free(path);
		return;
	}
	if (len > DR_MAX_LAST_RENDER)
		text[DR_MAX_LAST_RENDER] = '\0';
	lines = g_strsplit(text, "\n", -1);
	finished = value_of(lines, "finished");
	date = value_of(lines, "date");
	customers = value_of(lines, "customers");
	failed = value_of(lines, "failed");
	slugs = value_of(lines, "failed_slugs");
	dt = finished ? g_date_time_new_from_iso8601(finished, NULL) : NULL;
	first = dt ? when(g_date_time_to_unix(dt), now) :
	    g_strdup(finished ? finished : "at an unknown time");
	out = g_strdup_printf("%s, render date %s", first, date ? date : "?");
	line("last render", out);
	g_free(out);
	if (failed == NULL || strcmp(failed, "0") == 0)
		out = g_strdup_printf("%s customer%s rendered, none failed",
		    customers ? customers : "?",
		    customers && strcmp(customers, "1") == 0 ? "" : "s");
	else {
		/* "a,b" reads better as "a, b". */
		GString *list = g_string_new(NULL);

		for (p = slugs ? slugs : ""; *p != '\0'; p++) {
			g_string_append_c(list, *p);
			if (*p == ',')
				g_string_append_c(list, ' ');
		}
		out = g_strdup_printf("FAILED for %s of %s customers%s%s",
		    failed, customers ? customers : "?",
		    list->len > 0 ? ": " : "", list->str);
		g_string_free(list, TRUE);
	}
	line("", out);
	g_free(out);
	if (dt)
		g_date_time_unref(dt);
	g_free(first);
	g_free(finished);
	g_free(date);
	g_free(customers);
	g_free(failed);
	g_free(slugs);
	g_strfreev(lines);
	g_free(text);
	g_free(path);
}

/* The schema line; FALSE when it is not current. */
static gboolean
show_schema(struct dr_store *store, const char *dir)
{
	GPtrArray *pending = NULL;
	GError *e = NULL;
	GString *s;
	int current;
	guint i;

	if (!dr_store_schema_status(store, dir, &current, &pending, &e)) {
		char *msg = g_strdup_printf("unknown: %s", e->message);

		line("schema", msg);
		g_free(msg);
		g_error_free(e);
		return FALSE;
	}
	s = g_string_new(NULL);
	g_string_append_printf(s, "version %d, ", current);
	if (pending->len == 0)
		g_string_append(s, "up to date");
	else {
		g_string_append_printf(s, "%u migration%s pending:",
		    pending->len, pending->len == 1 ? "" : "s");
		for (i = 0; i < pending->len; i++)
			g_string_append_printf(s, " %s",
			    (char *)pending->pdata[i]);
		g_string_append(s, " (run 'dmarc-rua db migrate')");
	}
	line("schema", s->str);
	g_string_free(s, TRUE);
	i = pending->len;
	g_ptr_array_unref(pending);
	return i == 0;
}

static void
show_tables(const struct dr_status *st, gint64 now)
{
	gint64 assigned = 0;
	char *s;
	guint i;

	s = when(st->last_report, now);
	line("last report", s);
	g_free(s);
	s = g_strdup_printf("%" G_GINT64_FORMAT " entr%s, %" G_GINT64_FORMAT
	    " in the last 24 hours", st->quarantined,
	    st->quarantined == 1 ? "y" : "ies", st->quarantined_24h);
	line("quarantine", s);
	g_free(s);
	s = g_strdup_printf("%u", st->customers->len);
	line("customers", s);
	g_free(s);

	if (st->customers->len > 0) {
		printf("\n%-28s %12s %12s\n", "CUSTOMER", "REPORTS 24H",
		    "QUARANTINED");
		for (i = 0; i < st->customers->len; i++) {
			const struct dr_status_customer *c =
			    st->customers->pdata[i];

			printf("%-28s %12" G_GINT64_FORMAT " %12"
			    G_GINT64_FORMAT "\n", c->slug, c->reports_24h,
			    c->quarantined);
			assigned += c->quarantined;
		}
		if (st->quarantined > assigned)
			printf("%-28s %12s %12" G_GINT64_FORMAT "\n",
			    "(no customer)", "-", st->quarantined - assigned);
	}
	if (st->reasons->len > 0) {
		printf("\n%-28s %12s %12s\n", "QUARANTINE REASON", "ALL",
		    "LAST 24H");
		for (i = 0; i < st->reasons->len; i++) {
			const struct dr_status_reason *r =
			    st->reasons->pdata[i];
			char *reason = dr_log_clean(r->reason, 28);

			printf("%-28s %12" G_GINT64_FORMAT " %12"
			    G_GINT64_FORMAT "\n", reason, r->all,
			    r->last_24h);
			g_free(reason);
		}
	}
}

int
dr_cmd_status(int argc, char **argv)
{
	struct dr_cli cli = { 0 };
	struct dr_status st = { 0 };
	struct dr_store *store = NULL;
	GError *error = NULL;
	char *output = NULL, *s, *db, *version;
	gboolean ok = FALSE;
	int status;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	const GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
		  "Where render writes the sites, for the time of the last "
		  "render (default: [render] output_dir, "
		  DR_CONF_DEFAULT_OUTPUT_DIR ")", "DIR" },
		{ NULL }
	};

	if (!dr_cli_parse(&cli, "", "Show the state of dmarc-rua: database, "
	    "customers, quarantine, last render.",
	    "Exit status: 0 when the database is reachable and its schema is "
	    "current, 1 otherwise.", entries, &argc, &argv, &error))
		goto fail;
	if (argc > 1) {
		g_set_error(&error, DR_ERROR, DR_ERROR_USAGE,
		    "unexpected argument '%s'", argv[1]);
		goto fail;
	}
	store = dr_cli_store(&cli, &error);
	if (store == NULL) {
		s = g_strdup_printf("unreachable: %s", error->message);
		g_strdelimit(s, "\r\n\t", ' ');
		line("database", s);
		g_free(s);
		g_clear_error(&error);
	} else if (!dr_store_status(store, &st, &error)) {
		s = g_strdup_printf("reachable, but: %s", error->message);
		line("database", s);
		g_free(s);
		g_clear_error(&error);
		show_schema(store, dr_conf_schema_dir(&cli.conf));
	} else {
		db = dr_log_clean(st.database, 63);
		version = dr_log_clean(st.server_version, 63);
		s = g_strdup_printf("%s on PostgreSQL %s: reachable", db,
		    version);
		line("database", s);
		g_free(s);
		g_free(db);
		g_free(version);
		ok = show_schema(store, dr_conf_schema_dir(&cli.conf));
	}
	show_last_render(output ? output : cli.conf.output_dir ?
	    cli.conf.output_dir : DR_CONF_DEFAULT_OUTPUT_DIR, now);
	if (st.customers != NULL)
		show_tables(&st, now);
	dr_status_clear(&st);
	status = ok ? DR_EXIT_OK : DR_EXIT_FAIL;
	goto out;
fail:
	status = dr_cli_fail(error);
out:
	dr_store_close(store);
	g_free(output);
	dr_cli_clear(&cli);
	return status;
}
