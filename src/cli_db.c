/*
 * cli_db.c - "dmarc-rua db init|migrate|status|prune".
 *
 * prune is the retention job, meant for cron: it deletes reports whose
 * period ended more than [retention] report_days ago (default 400) and
 * quarantine entries received more than [retention] quarantine_days ago
 * (default 30); --older-than DAYS sets both.  The two keys are read here
 * from the configuration file dr_conf_load() read (cli.conf.path), with
 * the same rules as its own keys: only prune uses them.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "error.h"
#include "log.h"
#include "store_admin.h"

#define DR_DEFAULT_REPORT_DAYS		400
#define DR_DEFAULT_QUARANTINE_DAYS	30
#define DR_MAX_RETENTION_DAYS		100000

static const char db_help[] =
	"Commands:\n"
	"  init      create the schema in an empty database (same as migrate)\n"
	"  migrate   apply every pending migration; safe to run again\n"
	"  status    print the schema version; exit 1 when migrations are "
	"pending\n"
	"  prune     delete reports whose period ended more than [retention]\n"
	"            report_days (400) days ago and quarantine entries older "
	"than\n"
	"            [retention] quarantine_days (30); --older-than sets "
	"both.\n"
	"            In small batches: safe from cron while mail comes in.\n";

static gboolean
parse_days(const char *s, const char *what, guint *out, GError **error)
{
	guint64 v;

	if (!g_ascii_string_to_unsigned(s, 10, 1, DR_MAX_RETENTION_DAYS, &v,
	    NULL)) {
		g_set_error(error, DR_ERROR, DR_ERROR_USAGE,
		    "%s: '%s' is not a number of days from 1 to %d", what, s,
		    DR_MAX_RETENTION_DAYS);
		return FALSE;
	}
	*out = (guint)v;
	return TRUE;
}

/* [retention] from the configuration file; the defaults without one. */
static gboolean
retention_days(const struct dr_conf *conf, guint *report_days,
    guint *quarantine_days, GError **error)
{
	static const char *const keys[] = { "report_days",
	    "quarantine_days" };
	guint *out[] = { report_days, quarantine_days };
	GKeyFile *kf;
	GError *e = NULL;
	gboolean ok = TRUE;
	gsize i;

	*report_days = DR_DEFAULT_REPORT_DAYS;
	*quarantine_days = DR_DEFAULT_QUARANTINE_DAYS;
	if (conf->path == NULL)
		return TRUE;
	kf = g_key_file_new();
	if (!g_key_file_load_from_file(kf, conf->path, G_KEY_FILE_NONE, &e)) {
		g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL, "%s: %s",
		    conf->path, e->message);
		g_error_free(e);
		g_key_file_free(kf);
		return FALSE;
	}
	for (i = 0; ok && i < G_N_ELEMENTS(keys); i++) {
		char *v = g_key_file_get_value(kf, "retention", keys[i],
		    NULL);
		char *what;

		if (v == NULL)
			continue;
		what = g_strdup_printf("%s: [retention] %s", conf->path,
		    keys[i]);
		ok = parse_days(g_strstrip(v), what, out[i], error);
		/* A bad file is no usage error: exit 1, as conf.c has it. */
		if (!ok)
			(*error)->code = DR_ERROR_TEMPFAIL;
		g_free(what);
		g_free(v);
	}
	g_key_file_free(kf);
	return ok;
}

static void
print_pruned(const struct dr_prune_counts *n, gboolean dry_run)
{
	printf("%s %" G_GINT64_FORMAT " report%s (%" G_GINT64_FORMAT
	    " record%s), %" G_GINT64_FORMAT " quarantine entr%s\n",
	    dry_run ? "would remove" : "removed", n->reports,
	    n->reports == 1 ? "" : "s", n->records, n->records == 1 ? "" : "s",
	    n->quarantined, n->quarantined == 1 ? "y" : "ies");
}

static gboolean
prune(struct dr_cli *cli, struct dr_store *store, const char *older_than,
    gboolean dry_run, GError **error)
{
	struct dr_prune_counts n;
	guint report_days, quarantine_days;
	gboolean ok;

	if (older_than != NULL) {
		if (!parse_days(older_than, "--older-than", &report_days,
		    error))
			return FALSE;
		quarantine_days = report_days;
	} else if (!retention_days(&cli->conf, &report_days,
	    &quarantine_days, error))
		return FALSE;
	ok = dr_store_prune(store, report_days, quarantine_days, dry_run, &n,
	    error);
	/* Also after a failure: what was deleted stays deleted. */
	print_pruned(&n, dry_run);
	if (!dry_run)
		dr_log(LOG_INFO, "prune: status=%s reports=%" G_GINT64_FORMAT
		    " records=%" G_GINT64_FORMAT " quarantined=%"
		    G_GINT64_FORMAT " report_days=%u quarantine_days=%u",
		    ok ? "done" : "failed", n.reports, n.records,
		    n.quarantined, report_days, quarantine_days);
	return ok;
}

int
dr_cmd_db(int argc, char **argv)
{
	struct dr_cli cli = { 0 };
	struct dr_store *store = NULL;
	GPtrArray *pending = NULL;
	GError *error = NULL;
	char *older_than = NULL;
	gboolean dry_run = FALSE;
	const char *dir;
	int status = DR_EXIT_OK, current, applied;
	guint i;
	const GOptionEntry entries[] = {
		{ "older-than", 0, 0, G_OPTION_ARG_STRING, &older_than,
		  "prune: reports and quarantine entries older than DAYS "
		  "(default: [retention] report_days 400, quarantine_days 30)",
		  "DAYS" },
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
		  "prune: only count what would be removed", NULL },
		{ NULL }
	};

	if (!dr_cli_parse(&cli, "init|migrate|status|prune", "Create, "
	    "upgrade, check or prune the database.", db_help, entries, &argc,
	    &argv, &error))
		goto fail;
	if (argc != 2 || (strcmp(argv[1], "init") != 0 &&
	    strcmp(argv[1], "migrate") != 0 &&
	    strcmp(argv[1], "status") != 0 &&
	    strcmp(argv[1], "prune") != 0)) {
		g_set_error(&error, DR_ERROR, DR_ERROR_USAGE,
		    "usage: dmarc-rua db init|migrate|status|prune");
		goto fail;
	}
	if (strcmp(argv[1], "prune") != 0 && (older_than != NULL || dry_run)) {
		g_set_error(&error, DR_ERROR, DR_ERROR_USAGE,
		    "--older-than and --dry-run go with 'db prune' only");
		goto fail;
	}
	dir = dr_conf_schema_dir(&cli.conf);
	store = dr_cli_store(&cli, &error);
	if (store == NULL)
		goto fail;
	if (strcmp(argv[1], "prune") == 0) {
		if (!prune(&cli, store, older_than, dry_run, &error))
			goto fail;
	} else if (strcmp(argv[1], "status") == 0) {
		if (!dr_store_schema_status(store, dir, &current, &pending,
		    &error))
			goto fail;
		printf("schema version: %d\n", current);
		if (pending->len == 0)
			printf("up to date (%s)\n", dir);
		else {
			printf("%u migration%s pending (run 'dmarc-rua db "
			    "migrate'):\n", pending->len,
			    pending->len == 1 ? "" : "s");
			for (i = 0; i < pending->len; i++)
				printf("  %s\n", (char *)pending->pdata[i]);
			status = DR_EXIT_FAIL;
		}
	} else {
		if (!dr_store_migrate(store, dir, &applied, &error))
			goto fail;
		if (!dr_store_schema_status(store, dir, &current, &pending,
		    &error))
			goto fail;
		if (applied == 0)
			printf("schema version %d: up to date\n", current);
		else
			printf("applied %d migration%s: schema version %d\n",
			    applied, applied == 1 ? "" : "s", current);
	}
	goto out;
fail:
	status = dr_cli_fail(error);
out:
	if (pending)
		g_ptr_array_unref(pending);
	dr_store_close(store);
	g_free(older_than);
	dr_cli_clear(&cli);
	return status;
}
