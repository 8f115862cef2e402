/*
 * cli_quarantine.c - "dmarc-rua quarantine list|show|replay|drop": the
 * mail that could not be stored, kept whole with the reason.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "error.h"
#include "log.h"
#include "module.h"

static const char quarantine_help[] =
	"Commands:\n"
	"  list [--reason REASON] [--customer SLUG]\n"
	"  show ID [--raw]     details, or the raw message on stdout\n"
	"  replay ID...|--all  ingest again (after adding a customer or "
	"fixing a bug);\n"
	"                      an entry that now stores is removed\n"
	"  drop ID...          delete entries\n"
	"\n"
	"Reasons: not-a-report, bad-xml, bad-data, bad-archive, too-large,\n"
	"unknown-recipient.  A mail quarantined again (for the same recipient)\n"
	"is the same entry: TIMES counts its deliveries, RECEIVED is the last.\n";

static gboolean
parse_id(const char *s, gint64 *id, GError **error)
{
	guint64 v;

	if (!g_ascii_string_to_unsigned(s, 10, 1, G_MAXINT64, &v, NULL)) {
		g_set_error(error, DR_ERROR, DR_ERROR_USAGE,
		    "'%s' is not a quarantine id", s);
		return FALSE;
	}
	*id = (gint64)v;
	return TRUE;
}

static gboolean
list(struct dr_store *store, const char *reason, const char *customer,
    GError **error)
{
	GPtrArray *all = dr_store_quarantine_list(store, reason, customer,
	    error);
	guint i;

	if (all == NULL)
		return FALSE;
	printf("%-6s %-19s %-5s %-17s %-12s %-9s %s\n", "ID",
	    "RECEIVED (UTC)", "TIMES", "REASON", "CUSTOMER", "SIZE", "DETAIL");
	for (i = 0; i < all->len; i++) {
		const struct dr_quarantined *q = all->pdata[i];
		char *detail = dr_log_clean(q->detail, 60);

		printf("%-6" G_GINT64_FORMAT " %-19s %-5u %-17s %-12s %-9"
		    G_GINT64_FORMAT " %s\n", q->id, q->received, q->deliveries,
		    q->reason, q->customer ? q->customer : "-", q->size,
		    detail);
		g_free(detail);
	}
	g_ptr_array_unref(all);
	return TRUE;
}

static void
field(const char *label, const char *value)
{
	char *clean = dr_log_clean(value, 300);

	printf("%-11s %s\n", label, clean);
	g_free(clean);
}

static gboolean
show(struct dr_store *store, gint64 id, gboolean raw, GError **error)
{
	struct dr_quarantined *q = dr_store_quarantine_get(store, id, error);
	gsize len;
	const guint8 *data;

	if (q == NULL)
		return FALSE;
	data = g_bytes_get_data(q->raw, &len);
	if (raw) {
		if (fwrite(data, 1, len, stdout) != len)
			g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL,
			    "writing stdout failed");
	} else {
		printf("id          %" G_GINT64_FORMAT "\n", q->id);
		field("received", q->received);
		if (q->deliveries > 1)
			printf("%-11s %u times, the first %s\n", "delivered",
			    q->deliveries, q->first_received);
		field("reason", q->reason);
		printf("%-11s %s\n", "detail", q->detail);
		field("customer", q->customer);
		field("recipient", q->recipient);
		field("queue id", q->queue_id);
		field("sender", q->sender);
		field("message-id", q->message_id);
		printf("size        %" G_GINT64_FORMAT " bytes%s\n", q->size,
		    q->truncated ? " (only the first part is kept)" : "");
		printf("\n'dmarc-rua quarantine show %" G_GINT64_FORMAT
		    " --raw' writes the message.\n", q->id);
	}
	dr_quarantined_free(q);
	return error == NULL || *error == NULL;
}

/* Runs one entry through ingest again; prints what became of it. */
static gboolean
replay_one(struct dr_store *store, const struct dr_conf *conf, gint64 id,
    guint *failed, GError **error)
{
	const struct dr_ingest_api *ingest;
	struct dr_quarantined *q;
	struct dr_delivery dlv = { 0 };
	struct dr_ingest_opts opts = { 0 };
	struct dr_ingest_result res = { 0 };
	gsize len;
	const guint8 *data;
	gboolean ok;

	ingest = dr_module_ingest(dr_conf_module_dir(conf), error);
	if (ingest == NULL)
		return FALSE;
	q = dr_store_quarantine_get(store, id, error);
	if (q == NULL)
		return FALSE;
	dlv.recipient = q->recipient;
	dlv.queue_id = q->queue_id;
	dlv.sender = q->sender;
	opts.limits = &conf->limits;
	opts.delivery = &dlv;
	opts.replay = id;
	data = g_bytes_get_data(q->raw, &len);
	ok = ingest->message(store, data, len, (gsize)q->size, &opts, &res,
	    error);
	if (ok) {
		if (res.status == DR_INGEST_QUARANTINED) {
			printf("%" G_GINT64_FORMAT ": still quarantined: %s: "
			    "%s\n", id, res.reason, res.detail);
			(*failed)++;
		} else
			printf("%" G_GINT64_FORMAT ": stored %u report%s, %u "
			    "duplicate%s; entry removed\n", id, res.stored,
			    res.stored == 1 ? "" : "s", res.duplicates,
			    res.duplicates == 1 ? "" : "s");
	}
	ingest->result_clear(&res);
	dr_quarantined_free(q);
	return ok;
}

int
dr_cmd_quarantine(int argc, char **argv)
{
	struct dr_cli cli = { 0 };
	struct dr_store *store = NULL;
	GError *error = NULL;
	char *reason = NULL, *customer = NULL;
	gboolean raw = FALSE, all = FALSE;
	guint failed = 0;
	gint64 id;
	const char *verb;
	int i, status = DR_EXIT_OK;
	const GOptionEntry entries[] = {
		{ "reason", 0, 0, G_OPTION_ARG_STRING, &reason,
		  "Only entries with this reason (list, replay --all)",
		  "REASON" },
		{ "customer", 0, 0, G_OPTION_ARG_STRING, &customer,
		  "Only entries of this customer (list, replay --all)",
		  "SLUG" },
		{ "raw", 0, 0, G_OPTION_ARG_NONE, &raw,
		  "Write the raw message (show)", NULL },
		{ "all", 0, 0, G_OPTION_ARG_NONE, &all,
		  "Every matching entry (replay)", NULL },
		{ NULL }
	};

	if (!dr_cli_parse(&cli, "list|show|replay|drop [ID...]",
	    "Look at, replay or delete quarantined mail.", quarantine_help,
	    entries, &argc, &argv, &error))
		goto fail;
	verb = argc > 1 ? argv[1] : "";
	if (!((strcmp(verb, "list") == 0 && argc == 2) ||
	    (strcmp(verb, "show") == 0 && argc == 3) ||
	    (strcmp(verb, "replay") == 0 && (argc > 2 || all)) ||
	    (strcmp(verb, "drop") == 0 && argc > 2))) {
		g_set_error(&error, DR_ERROR, DR_ERROR_USAGE,
		    "usage: dmarc-rua quarantine list|show ID|replay ID...|"
		    "drop ID... (see --help)");
		goto fail;
	}
	for (i = 2; i < argc; i++)
		if (!parse_id(argv[i], &id, &error))
			goto fail;
	store = dr_cli_store(&cli, &error);
	if (store == NULL)
		goto fail;
	if (strcmp(verb, "list") == 0) {
		if (!list(store, reason, customer, &error))
			goto fail;
	} else if (strcmp(verb, "show") == 0) {
		parse_id(argv[2], &id, NULL);
		if (!show(store, id, raw, &error))
			goto fail;
	} else if (strcmp(verb, "drop") == 0) {
		for (i = 2; i < argc; i++) {
			parse_id(argv[i], &id, NULL);
			if (!dr_store_quarantine_drop(store, id, &error))
				goto fail;
		}
	} else {
		GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
		guint j;

		if (all) {
			GPtrArray *l = dr_store_quarantine_list(store, reason,
			    customer, &error);

			if (l == NULL) {
				g_ptr_array_unref(ids);
				goto fail;
			}
			for (j = l->len; j > 0; j--) {
				struct dr_quarantined *q = l->pdata[j - 1];

				g_ptr_array_add(ids, g_memdup2(&q->id,
				    sizeof(q->id)));
			}
			g_ptr_array_unref(l);
		}
		for (i = 2; i < argc; i++) {
			parse_id(argv[i], &id, NULL);
			g_ptr_array_add(ids, g_memdup2(&id, sizeof(id)));
		}
		for (j = 0; j < ids->len; j++)
			if (!replay_one(store, &cli.conf,
			    *(gint64 *)ids->pdata[j], &failed, &error))
				break;
		g_ptr_array_unref(ids);
		if (error != NULL)
			goto fail;
		if (failed > 0)
			status = DR_EXIT_FAIL;
	}
	goto out;
fail:
	status = dr_cli_fail(error);
out:
	dr_store_close(store);
	g_free(reason);
	g_free(customer);
	dr_cli_clear(&cli);
	return status;
}
