/*
 * ingest.c - the ingest pipeline (see ingest.h).
 *
 * Decisions made here, and why:
 *  - The walk of the message (bare report or mail, which leaves, which
 *    documents are skipped) is walk.c's, shared with the fuzz target;
 *    this file adds the store.  Any failure of the walk quarantines the
 *    whole message: nothing is half-stored.
 *  - The customer is looked up when the first report header has been
 *    parsed (or the message is to be quarantined): by then the connection
 *    started in the background usually stands.  Mail for an unknown
 *    mailbox is quarantined as it is, whatever else is wrong with it, and
 *    can be replayed later.
 *  - The transaction begins with the first report, so a message without
 *    one costs no statement.
 *  - Serialization failures and deadlocks are retried here a few times,
 *    from the message in memory, before the MTA is asked to retry.
 *  - Log lines are written after the commit, so they say what is stored.
 */
#include "config.h"

#include <string.h>

#include "error.h"
#include "ingest.h"
#include "log.h"
#include "walk.h"

#define DR_INGEST_ATTEMPTS	5

struct ingest {
	struct dr_store *store;
	const struct dr_ingest_opts *opts;
	struct dr_walk walk;
	struct dr_delivery dlv;
	gint64	 customer;		/* 0 until looked up */
	GError	*no_customer;		/* why there is none (not temporary) */
	gboolean begun;			/* transaction open */
	guint	 reports;		/* headers seen */
	guint	 stored;
	guint	 duplicates;
	GPtrArray *log;			/* lines to write after the commit */
};

void
dr_ingest_result_clear(struct dr_ingest_result *res)
{
	g_free(res->reason);
	g_free(res->detail);
	memset(res, 0, sizeof(*res));
}

static gboolean
find_customer(struct ingest *in, GError **error)
{
	struct dr_customer *c;

	if (in->opts->customer != NULL) {
		c = dr_store_customer_get(in->store, in->opts->customer,
		    error);
		if (c == NULL)
			return FALSE;
		in->customer = c->id;
		dr_customer_free(c);
		return TRUE;
	}
	if (in->dlv.recipient == NULL) {
		g_set_error_literal(error, DR_ERROR, DR_ERROR_NOT_FOUND,
		    "no recipient: neither --recipient nor X-Original-To, "
		    "Delivered-To or To");
		return FALSE;
	}
	return dr_store_customer_for_address(in->store, in->dlv.recipient,
	    &in->customer, error);
}

/*
 * The customer, looked up once.  FALSE with DR_ERROR_NOT_FOUND when the
 * mailbox is nobody's, or with a temporary failure.
 */
static gboolean
need_customer(struct ingest *in, GError **error)
{
	GError *e = NULL;

	if (in->customer > 0)
		return TRUE;
	if (in->no_customer == NULL) {
		if (find_customer(in, &e))
			return TRUE;
		if (dr_error_is_tempfail(e)) {
			g_propagate_error(error, e);
			return FALSE;
		}
		in->no_customer = e;
	}
	g_propagate_error(error, g_error_copy(in->no_customer));
	return FALSE;
}

static gboolean
on_header(const struct dr_report *rep, gpointer user, GError **error)
{
	struct ingest *in = user;

	in->reports++;
	if (!need_customer(in, error))
		return FALSE;
	if (!in->begun) {
		if (!dr_store_begin(in->store, error))
			return FALSE;
		in->begun = TRUE;
	}
	dr_store_report_begin(in->store, in->customer, rep, &in->dlv,
	    in->opts->source_name ? in->opts->source_name :
	    in->walk.payload_name);
	return TRUE;
}

static gboolean
on_record(const struct dr_report *rep, const struct dr_record *rec,
    gpointer user, GError **error)
{
	struct ingest *in = user;

	(void)rep;
	return dr_store_record(in->store, rec, error);
}

static gboolean
on_end(const struct dr_report *rep, gpointer user, GError **error)
{
	struct ingest *in = user;
	gboolean duplicate;

	if (!dr_store_report_end(in->store, rep, &duplicate, error))
		return FALSE;
	if (duplicate) {
		in->duplicates++;
		g_ptr_array_add(in->log, dr_walk_report_line(in->dlv.queue_id,
		    rep, "duplicate"));
		return TRUE;
	}
	in->stored++;
	g_ptr_array_add(in->log, dr_walk_report_line(in->dlv.queue_id, rep,
	    "stored"));
	return TRUE;
}

static const struct dr_xml_callbacks callbacks = {
	.header = on_header,
	.record = on_record,
	.end = on_end,
};

/* Parses and stores inside one transaction. */
static gboolean
store_reports(struct ingest *in, GError **error)
{
	if (!dr_walk_reports(&in->walk, &callbacks, in, error))
		goto fail;
	if (!in->begun)
		return TRUE;
	if (in->opts->replay != 0 && !dr_store_quarantine_drop(in->store,
	    in->opts->replay, error))
		goto fail;
	if (!dr_store_commit(in->store, error))
		goto fail;
	in->begun = FALSE;
	return TRUE;
fail:
	if (in->begun)
		dr_store_rollback(in->store);
	in->begun = FALSE;
	return FALSE;
}

static void
reset_attempt(struct ingest *in)
{
	in->reports = in->stored = in->duplicates = 0;
	g_ptr_array_set_size(in->log, 0);
}

static gboolean
quarantine(struct ingest *in, const guint8 *msg, gsize len, gsize total,
    const char *reason, const char *detail, struct dr_ingest_result *res,
    GError **error)
{
	GError *e = NULL;
	char *clean, *line;

	/* Mail for nobody known is that first, whatever else is wrong. */
	if (!need_customer(in, &e)) {
		if (dr_error_is_tempfail(e)) {
			g_propagate_error(error, e);
			return FALSE;
		}
		reason = "unknown-recipient";
		detail = e->message;
	}
	clean = dr_walk_detail(detail);
	g_clear_error(&e);
	if (in->opts->replay != 0) {
		if (!dr_store_quarantine_update(in->store, in->opts->replay,
		    in->customer, reason, clean, error)) {
			g_free(clean);
			return FALSE;
		}
		res->quarantine_id = in->opts->replay;
	} else if (!dr_store_quarantine(in->store, in->customer, reason,
	    clean, &in->dlv, msg, len, total, &res->quarantine_id, error)) {
		g_free(clean);
		return FALSE;
	}
	res->status = DR_INGEST_QUARANTINED;
	res->reason = g_strdup(reason);
	res->detail = clean;

	line = dr_walk_quarantine_line(in->dlv.queue_id, reason,
	    res->quarantine_id, in->dlv.recipient, clean);
	dr_log(LOG_NOTICE, "%s", line);
	g_free(line);
	return TRUE;
}

gboolean
dr_ingest_message(struct dr_store *s, const guint8 *msg, gsize len,
    gsize total, const struct dr_ingest_opts *opts,
    struct dr_ingest_result *res, GError **error)
{
	struct ingest in = { 0 };
	GError *e = NULL, *me = NULL;
	gboolean ok = FALSE;
	guint attempt, i;

	memset(res, 0, sizeof(*res));
	in.store = s;
	in.opts = opts;
	in.log = g_ptr_array_new_with_free_func(g_free);
	/* A mail that does not parse is quarantined below, after the size. */
	dr_walk_open(&in.walk, msg, len, opts->source_name ?
	    opts->source_name : "stdin", opts->limits, &me);
	dr_walk_delivery(&in.walk, opts->delivery, &in.dlv);

	if (total > len) {
		char *d = g_strdup_printf("message of %zu bytes is over the "
		    "limit of %zu bytes; the first %zu bytes are kept", total,
		    opts->limits->max_message_bytes, len);

		ok = quarantine(&in, msg, len, total, "too-large", d, res,
		    error);
		g_free(d);
		goto out;
	}
	if (in.walk.kind == DR_KIND_EMPTY) {
		ok = quarantine(&in, msg, len, total, "not-a-report",
		    "empty message", res, error);
		goto out;
	}
	if (me != NULL) {
		/* From MIME parsing: not a message, or too many parts. */
		ok = quarantine(&in, msg, len, total,
		    dr_error_reason(me->code), me->message, res, error);
		goto out;
	}

	for (attempt = 1; attempt <= DR_INGEST_ATTEMPTS; attempt++) {
		reset_attempt(&in);
		if (store_reports(&in, &e))
			break;
		if (!dr_error_is_tempfail(e) || !dr_store_should_retry(s) ||
		    attempt == DR_INGEST_ATTEMPTS)
			break;
		{
			char *line = dr_walk_retry_line(in.dlv.queue_id,
			    e->message);

			dr_log(LOG_INFO, "%s", line);
			g_free(line);
		}
		g_clear_error(&e);
		g_usleep(g_random_int_range(10, 200) * 1000);
	}
	if (e != NULL) {
		if (dr_error_is_tempfail(e)) {
			g_propagate_error(error, g_steal_pointer(&e));
			goto out;
		}
		ok = quarantine(&in, msg, len, total, dr_error_reason(e->code),
		    e->message, res, error);
		goto out;
	}
	if (in.reports == 0) {
		char *d = dr_walk_no_report(&in.walk);

		ok = quarantine(&in, msg, len, total, "not-a-report", d, res,
		    error);
		g_free(d);
		goto out;
	}
	for (i = 0; i < in.log->len; i++)
		dr_log(LOG_INFO, "%s", (char *)in.log->pdata[i]);
	res->stored = in.stored;
	res->duplicates = in.duplicates;
	res->status = in.stored > 0 ? DR_INGEST_STORED : DR_INGEST_DUPLICATE;
	ok = TRUE;
out:
	g_clear_error(&e);
	g_clear_error(&me);
	g_clear_error(&in.no_customer);
	dr_walk_clear(&in.walk);
	dr_delivery_clear(&in.dlv);
	g_ptr_array_unref(in.log);
	return ok;
}
