/*
 * cli_customer.c - "dmarc-rua customer ...": who owns which rua mailbox
 * and which domains.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "error.h"

static const char customer_help[] =
	"Commands:\n"
	"  add SLUG --name NAME [--address MAILBOX]... [--domain DOMAIN]...\n"
	"  list\n"
	"  show SLUG\n"
	"  remove SLUG [--purge]\n"
	"  address add|remove SLUG MAILBOX\n"
	"  domain add|remove SLUG DOMAIN\n"
	"\n"
	"SLUG names the customer in commands and in the web site's paths:\n"
	"a-z, 0-9, '-' and '_'.  A MAILBOX is a rua address whose reports\n"
	"belong to the customer; a DOMAIN is one the customer owns (reports\n"
	"about other domains are stored but flagged).\n";

static void
print_list(const char *label, const GPtrArray *a)
{
	guint i;

	printf("%-10s", label);
	if (a->len == 0)
		printf(" (none)");
	for (i = 0; i < a->len; i++)
		printf("%s%s", i == 0 ? " " : ", ", (char *)a->pdata[i]);
	printf("\n");
}

static gboolean
show(struct dr_store *store, const char *slug, GError **error)
{
	struct dr_customer *c = dr_store_customer_get(store, slug, error);

	if (c == NULL)
		return FALSE;
	printf("slug       %s\nname       %s\ncreated    %s UTC\n", c->slug,
	    c->name, c->created);
	print_list("mailboxes", c->addresses);
	print_list("domains", c->domains);
	printf("reports    %" G_GINT64_FORMAT "\nquarantine %"
	    G_GINT64_FORMAT "\n", c->reports, c->quarantined);
	dr_customer_free(c);
	return TRUE;
}

static gboolean
list(struct dr_store *store, GError **error)
{
	GPtrArray *all = dr_store_customer_list(store, error);
	guint i;

	if (all == NULL)
		return FALSE;
	printf("%-20s %-9s %-7s %-9s %-10s %s\n", "SLUG", "MAILBOXES",
	    "DOMAINS", "REPORTS", "QUARANTINE", "NAME");
	for (i = 0; i < all->len; i++) {
		const struct dr_customer *c = all->pdata[i];

		printf("%-20s %-9u %-7u %-9" G_GINT64_FORMAT " %-10"
		    G_GINT64_FORMAT " %s\n", c->slug, c->addresses->len,
		    c->domains->len, c->reports, c->quarantined, c->name);
	}
	g_ptr_array_unref(all);
	return TRUE;
}

static gboolean
add(struct dr_store *store, const char *slug, const char *name,
    char **addresses, char **domains, GError **error)
{
	int i;

	if (name == NULL || *name == '\0') {
		g_set_error(error, DR_ERROR, DR_ERROR_USAGE,
		    "customer add needs --name");
		return FALSE;
	}
	if (!dr_store_begin(store, error))
		return FALSE;
	if (!dr_store_customer_add(store, slug, name, error))
		goto fail;
	for (i = 0; addresses && addresses[i]; i++)
		if (!dr_store_address_add(store, slug, addresses[i], error))
			goto fail;
	for (i = 0; domains && domains[i]; i++)
		if (!dr_store_domain_add(store, slug, domains[i], error))
			goto fail;
	return dr_store_commit(store, error);
fail:
	dr_store_rollback(store);
	return FALSE;
}

/* "address add|remove SLUG X" and "domain add|remove SLUG X". */
static gboolean
edit(struct dr_store *store, gboolean domain, int argc, char **argv,
    GError **error)
{
	gboolean adding;

	if (argc != 5 || (strcmp(argv[2], "add") != 0 &&
	    strcmp(argv[2], "remove") != 0)) {
		g_set_error(error, DR_ERROR, DR_ERROR_USAGE,
		    "usage: dmarc-rua customer %s add|remove SLUG %s", argv[1],
		    domain ? "DOMAIN" : "MAILBOX");
		return FALSE;
	}
	adding = strcmp(argv[2], "add") == 0;
	if (domain)
		return adding ?
		    dr_store_domain_add(store, argv[3], argv[4], error) :
		    dr_store_domain_remove(store, argv[3], argv[4], error);
	return adding ? dr_store_address_add(store, argv[3], argv[4], error) :
	    dr_store_address_remove(store, argv[3], argv[4], error);
}

int
dr_cmd_customer(int argc, char **argv)
{
	struct dr_cli cli = { 0 };
	struct dr_store *store = NULL;
	GError *error = NULL;
	char *name = NULL, **addresses = NULL, **domains = NULL;
	gboolean purge = FALSE, ok = FALSE;
	const char *verb;
	const GOptionEntry entries[] = {
		{ "name", 'n', 0, G_OPTION_ARG_STRING, &name,
		  "The customer's name, as shown on its pages (add)", "NAME" },
		{ "address", 'a', 0, G_OPTION_ARG_STRING_ARRAY, &addresses,
		  "A rua mailbox of the customer (add; repeatable)",
		  "MAILBOX" },
		{ "domain", 'd', 0, G_OPTION_ARG_STRING_ARRAY, &domains,
		  "A domain the customer owns (add; repeatable)", "DOMAIN" },
		{ "purge", 0, 0, G_OPTION_ARG_NONE, &purge,
		  "Also delete the customer's reports and quarantined mail "
		  "(remove)", NULL },
		{ NULL }
	};

	if (!dr_cli_parse(&cli, "add|list|show|remove|address|domain ...",
	    "Manage customers, their rua mailboxes and their domains.",
	    customer_help, entries, &argc, &argv, &error))
		goto fail;
	verb = argc > 1 ? argv[1] : "";
	if (!((strcmp(verb, "list") == 0 && argc == 2) ||
	    ((strcmp(verb, "add") == 0 || strcmp(verb, "show") == 0 ||
	    strcmp(verb, "remove") == 0) && argc == 3) ||
	    strcmp(verb, "address") == 0 || strcmp(verb, "domain") == 0)) {
		g_set_error(&error, DR_ERROR, DR_ERROR_USAGE,
		    "usage: dmarc-rua customer add|list|show|remove|address|"
		    "domain ... (see --help)");
		goto fail;
	}
	store = dr_cli_store(&cli, &error);
	if (store == NULL)
		goto fail;
	if (strcmp(verb, "list") == 0)
		ok = list(store, &error);
	else if (strcmp(verb, "show") == 0)
		ok = show(store, argv[2], &error);
	else if (strcmp(verb, "add") == 0)
		ok = add(store, argv[2], name, addresses, domains, &error);
	else if (strcmp(verb, "remove") == 0)
		ok = dr_store_customer_remove(store, argv[2], purge, &error);
	else
		ok = edit(store, strcmp(verb, "domain") == 0, argc, argv,
		    &error);
	if (ok)
		goto out;
fail:
	dr_store_close(store);
	store = NULL;
	g_free(name);
	g_strfreev(addresses);
	g_strfreev(domains);
	dr_cli_clear(&cli);
	return dr_cli_fail(error);
out:
	dr_store_close(store);
	g_free(name);
	g_strfreev(addresses);
	g_strfreev(domains);
	dr_cli_clear(&cli);
	return DR_EXIT_OK;
}
