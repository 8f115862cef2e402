/*
 * main.c - dmarc-rua: dispatch to a subcommand, and what they share.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "error.h"
#include "log.h"
#include "module.h"

static const struct {
	const char *name;
	int (*run)(int, char **);
	const char *what;
} commands[] = {
	{ "ingest", dr_cmd_ingest, "store one report mail read from stdin" },
	{ "customer", dr_cmd_customer, "add, list, show, remove customers" },
	{ "quarantine", dr_cmd_quarantine,
	  "list, show, replay, drop quarantined mail" },
	{ "render", dr_cmd_render,
	  "write each customer's static site for the last seven days" },
	{ "import", dr_cmd_import,
	  "store the reports in mail files, Maildirs and mbox files" },
	{ "status", dr_cmd_status,
	  "database, customers, quarantine and the last render at a glance" },
	{ "db", dr_cmd_db, "create, upgrade or prune the database" },
};

static void
usage(FILE *f)
{
	gsize i;

	fprintf(f, "Usage: dmarc-rua [--config FILE] [--db CONNINFO] [-v] "
	    "COMMAND [OPTION...]\n\nCommands:\n");
	for (i = 0; i < G_N_ELEMENTS(commands); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].what);
	fprintf(f, "\n'dmarc-rua COMMAND --help' describes each command.\n"
	    "See dmarc-rua(8).\n");
}

gboolean
dr_cli_parse(struct dr_cli *cli, const char *params, const char *summary,
    const char *description, const GOptionEntry *entries, int *argc,
    char ***argv, GError **error)
{
	const GOptionEntry common[] = {
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &cli->config_path,
		  "Configuration file (default " DR_CONF_DEFAULT_PATH ")",
		  "FILE" },
		{ "db", 0, 0, G_OPTION_ARG_STRING, &cli->db,
		  "libpq connection string (default: config file, then the "
		  "PG* environment)", "CONNINFO" },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &cli->verbose,
		  "Also write log lines to stderr", NULL },
		{ NULL }
	};
	GOptionContext *ctx;
	GOptionGroup *group;
	char *prgname;
	gboolean ok;

	/* --help says "dmarc-rua ingest", not just "ingest". */
	prgname = g_strconcat("dmarc-rua ", (*argv)[0], NULL);
	g_set_prgname(prgname);
	g_free(prgname);
	ctx = g_option_context_new(params);
	g_option_context_set_summary(ctx, summary);
	if (description != NULL)
		g_option_context_set_description(ctx, description);
	if (entries != NULL)
		g_option_context_add_main_entries(ctx, entries, NULL);
	group = g_option_group_new("common", "Common options:",
	    "Show common options", NULL, NULL);
	g_option_group_add_entries(group, common);
	g_option_context_add_group(ctx, group);
	ok = g_option_context_parse_strv(ctx, argv, error);
	*argc = (int)g_strv_length(*argv);
	g_option_context_free(ctx);
	if (!ok) {
		dr_error_retag(error, DR_ERROR_USAGE);
		return FALSE;
	}
	dr_log_open("dmarc-rua", cli->verbose);
	return dr_conf_load(&cli->conf, cli->config_path, error);
}

struct dr_store *
dr_cli_store(struct dr_cli *cli, GError **error)
{
	return dr_store_open(cli->db ? cli->db : cli->conf.conninfo, error);
}

int
dr_cli_fail(GError *error)
{
	int status = DR_EXIT_FAIL;

	if (error->domain == DR_ERROR && error->code == DR_ERROR_USAGE)
		status = DR_EXIT_USAGE;
	fprintf(stderr, "dmarc-rua: %s\n", error->message);
	g_error_free(error);
	return status;
}

void
dr_cli_clear(struct dr_cli *cli)
{
	g_free(cli->config_path);
	g_free(cli->db);
	dr_conf_clear(&cli->conf);
}

int
main(int argc, char **argv)
{
	gsize i;
	int status, cmd;

	signal(SIGPIPE, SIG_IGN);
	/*
	 * Arguments are UTF-8, whatever the locale: the MTA runs us in the C
	 * locale, where GLib would refuse every non-ASCII option value.
	 * (ingest takes its MTA arguments as bytes; see cli_ingest.c.)
	 */
	g_setenv("CHARSET", "UTF-8", TRUE);
	/* The first argument that is not an option names the command. */
	for (cmd = 1; cmd < argc && argv[cmd][0] == '-'; cmd++) {
		if (strcmp(argv[cmd], "--version") == 0) {
			printf("dmarc-rua %s\n", PACKAGE_VERSION);
			return DR_EXIT_OK;
		}
		if (strcmp(argv[cmd], "--help") == 0 ||
		    strcmp(argv[cmd], "-h") == 0) {
			usage(stdout);
			return DR_EXIT_OK;
		}
		/* Options with a separate value. */
		if ((strcmp(argv[cmd], "--config") == 0 ||
		    strcmp(argv[cmd], "-c") == 0 ||
		    strcmp(argv[cmd], "--db") == 0) && cmd + 1 < argc)
			cmd++;
	}
	if (cmd >= argc) {
		usage(stderr);
		return DR_EXIT_USAGE;
	}
	for (i = 0; i < G_N_ELEMENTS(commands); i++)
		if (strcmp(argv[cmd], commands[i].name) == 0)
			break;
	if (i == G_N_ELEMENTS(commands)) {
		fprintf(stderr, "dmarc-rua: unknown command '%s'\n",
		    argv[cmd]);
		usage(stderr);
		/* The MTA must never see anything but 0 or 75. */
		return DR_EXIT_USAGE;
	}
	/* argv for the command: its name, the global options, the rest. */
	{
		/* A strv of its own: option parsing frees what it consumes. */
		char **args = g_new0(char *, argc + 1);
		int n = 0, j;

		args[n++] = g_strdup(argv[cmd]);
		for (j = 1; j < cmd; j++)
			args[n++] = g_strdup(argv[j]);
		for (j = cmd + 1; j < argc; j++)
			args[n++] = g_strdup(argv[j]);
		status = commands[i].run(n, args);
		dr_module_shutdown();
		g_strfreev(args);
	}
	return status;
}
