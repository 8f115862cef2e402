/*
 * cli.h - the subcommands of dmarc-rua and what they share: the common
 * options (--config, --db, -v), configuration loading, and turning a
 * GError into a message and an exit status.
 *
 * Exit status of the operator commands: 0 success, 1 failure, 2 usage.
 * ingest has its own contract with the MTA: 0 or 75, nothing else.
 */
#ifndef DR_CLI_H
#define DR_CLI_H

#include <glib.h>

#include "conf.h"
#include "store.h"

#define DR_EXIT_OK		0
#define DR_EXIT_FAIL		1
#define DR_EXIT_USAGE		2
#define DR_EXIT_TEMPFAIL	75	/* EX_TEMPFAIL */

struct dr_cli {
	char	*config_path;
	char	*db;
	gboolean verbose;
	struct dr_conf conf;
};

/*
 * Parses argv (argv[0] is the subcommand) with entries plus the common
 * options, then loads the configuration.  On --help prints and exits 0.
 */
gboolean dr_cli_parse(struct dr_cli *cli, const char *params,
	    const char *summary, const char *description,
	    const GOptionEntry *entries, int *argc, char ***argv,
	    GError **error);
/* Connects with --db, else the config file, else the libpq environment. */
struct dr_store *dr_cli_store(struct dr_cli *cli, GError **error);
/* Prints "dmarc-rua: message" on stderr; returns the exit status. */
int	dr_cli_fail(GError *error);
void	dr_cli_clear(struct dr_cli *cli);

int	dr_cmd_ingest(int argc, char **argv);
int	dr_cmd_customer(int argc, char **argv);
int	dr_cmd_quarantine(int argc, char **argv);
int	dr_cmd_db(int argc, char **argv);
int	dr_cmd_render(int argc, char **argv);
int	dr_cmd_import(int argc, char **argv);
int	dr_cmd_status(int argc, char **argv);

#endif /* DR_CLI_H */
