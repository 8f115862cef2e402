/*
 * cli_db.c - "dmarc-rua db init|migrate|status".
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "error.h"

static const char db_help[] =
	"Commands:\n"
	"  init      create the schema in an empty database (same as migrate)\n"
	"  migrate   apply every pending migration; safe to run again\n"
	"  status    print the schema version; exit 1 when migrations are "
	"pending\n";

int
dr_cmd_db(int argc, char **argv)
{
	struct dr_cli cli = { 0 };
	struct dr_store *store = NULL;
	GPtrArray *pending = NULL;
	GError *error = NULL;
	const char *dir;
	int status = DR_EXIT_OK, current, applied;
	guint i;

	if (!dr_cli_parse(&cli, "init|migrate|status", "Create, upgrade or "
	    "check the database schema.", db_help, NULL, &argc, &argv,
	    &error))
		goto fail;
	if (argc != 2 || (strcmp(argv[1], "init") != 0 &&
	    strcmp(argv[1], "migrate") != 0 &&
	    strcmp(argv[1], "status") != 0)) {
		g_set_error(&error, DR_ERROR, DR_ERROR_USAGE,
		    "usage: dmarc-rua db init|migrate|status");
		goto fail;
	}
	dir = dr_conf_schema_dir(&cli.conf);
	store = dr_cli_store(&cli, &error);
	if (store == NULL)
		goto fail;
	if (strcmp(argv[1], "status") == 0) {
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
	dr_cli_clear(&cli);
	return status;
}
