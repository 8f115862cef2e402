/*
 * ingest.c - the ingest pipeline (see ingest.h).
 *
 * Decisions made here, and why:
 *  - A message whose first bytes are a container or XML is a bare report
 *    (--file, or a report piped without a mail header); anything else is
 *    parsed as a mail.
 *  - Every MIME leaf is unpacked; XML whose root is not <feedback> (HTML
 *    parts, say) is skipped.  Any other failure in any leaf quarantines
 *    the whole message: nothing is half-stored.
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
#include "mime.h"
#include "unpack.h"
#include "xml.h"

#define DR_INGEST_ATTEMPTS	5
/* Length of a quarantine detail; the raw message holds the rest. */
#define DR_MAX_DETAIL		1000

struct ingest {
	struct dr_store *store;
	const struct dr_ingest_opts *opts;
	struct dr_delivery dlv;
	gint64	 customer;		/* 0 until looked up */
	GError	*no_customer;		/* why there is none (not temporary) */
	gboolean begun;			/* transaction open */
	const char *payload_name;
	guint	 reports;		/* headers seen */
	guint	 stored;
	guint	 duplicates;
	guint	 skipped;		/* XML streams that were not reports */
	GPtrArray *log;			/* lines to write after the commit */
};

void
dr_ingest_result_clear(struct dr_ingest_result *res)
{
	g_free(res->reason);
	g_free(res->detail);
	memset(res, 0, sizeof(*res));
}

static const char *
queue_id(const struct ingest *in)
{
	return in->dlv.queue_id ? in->dlv.queue_id : "NOQUEUE";
}

static char *
report_line(const struct ingest *in, const struct dr_report *rep,
    const char *status)
{
	GString *line = g_string_new(NULL);
	char *qid = dr_log_clean(queue_id(in), 40);

	g_string_append_printf(line, "%s: status=%s", qid, status);
	dr_log_kv(line, "org", rep->org_name);
	dr_log_kv(line, "report_id", rep->report_id);
	dr_log_kv(line, "domain", rep->domain);
	g_string_append_printf(line, " begin=%" G_GINT64_FORMAT " end=%"
	    G_GINT64_FORMAT " records=%" G_GINT64_FORMAT " messages=%"
	    G_GINT64_FORMAT, rep->begin, rep->end, rep->record_count,
	    rep->message_count);
	g_free(qid);
	return g_string_free(line, FALSE);
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
	    in->opts->source_name ? in->opts->source_name : in->payload_name);
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
		g_ptr_array_add(in->log, report_line(in, rep, "duplicate"));
		return TRUE;
	}
	in->stored++;
	g_ptr_array_add(in->log, report_line(in, rep, "stored"));
	return TRUE;
}

static const struct dr_xml_callbacks callbacks = {
	.header = on_header,
	.record = on_record,
	.end = on_end,
};

static gssize
stream_read(gpointer src, char *buf, gsize len, GError **error)
{
	return dr_stream_read(src, buf, len, error);
}

/* One XML stream found by unpack: a report, or something to skip. */
static gboolean
on_stream(struct dr_stream *stream, const char *name, gpointer user,
    GError **error)
{
	struct ingest *in = user;
	GError *e = NULL;

	if (dr_xml_parse(stream_read, stream, name, in->opts->limits,
	    &callbacks, in, &e))
		return TRUE;
	if (g_error_matches(e, DR_ERROR, DR_ERROR_NOT_A_REPORT)) {
		in->skipped++;
		g_error_free(e);
		return TRUE;
	}
	g_propagate_error(error, g_steal_pointer(&e));
	return FALSE;
}

static gboolean
walk_payload(struct ingest *in, const guint8 *data, gsize len,
    const char *name, GError **error)
{
	in->payload_name = name;
	if (!dr_limits_check_deadline(in->opts->limits, error))
		return FALSE;
	return dr_unpack(data, len, name, in->opts->limits, on_stream, in,
	    NULL, error);
}

/* Describes the leaves of a message that held no report. */
static char *
describe_payloads(const GPtrArray *payloads, guint skipped)
{
	GString *s = g_string_new(NULL);
	guint i;

	g_string_append_printf(s, "no DMARC aggregate report found in %u "
	    "MIME part%s", payloads->len, payloads->len == 1 ? "" : "s");
	for (i = 0; i < payloads->len && i < 8; i++) {
		const struct dr_payload *p = payloads->pdata[i];
		char *ct = dr_log_clean(p->content_type, 60);
		char *fn = dr_log_clean(p->filename, 60);

		g_string_append_printf(s, "%s %s (%s, %zu bytes)",
		    i == 0 ? ":" : ",", ct, fn, g_bytes_get_size(p->data));
		g_free(ct);
		g_free(fn);
	}
	if (skipped > 0)
		g_string_append_printf(s, "; %u XML document%s with another "
		    "root element", skipped, skipped == 1 ? "" : "s");
	return g_string_free(s, FALSE);
}

/* The recipient per DESIGN section 7. */
static const char *
pick_recipient(const struct dr_delivery *cli, const struct dr_mime_info *mi)
{
	if (cli != NULL && cli->recipient != NULL && *cli->recipient)
		return cli->recipient;
	if (mi->x_original_to != NULL && *mi->x_original_to)
		return mi->x_original_to;
	if (mi->delivered_to != NULL && *mi->delivered_to)
		return mi->delivered_to;
	return mi->to;
}

/* Parses and stores inside one transaction. */
static gboolean
store_reports(struct ingest *in, const guint8 *msg, gsize len,
    const GPtrArray *payloads, GError **error)
{
	guint i;

	if (payloads == NULL) {
		if (!walk_payload(in, msg, len, in->opts->source_name ?
		    in->opts->source_name : "stdin", error))
			goto fail;
	} else {
		for (i = 0; i < payloads->len; i++) {
			const struct dr_payload *p = payloads->pdata[i];
			char *name = p->filename ? g_strdup(p->filename) :
			    g_strdup_printf("part%u", i + 1);
			gboolean ok;

			ok = walk_payload(in, g_bytes_get_data(p->data, NULL),
			    g_bytes_get_size(p->data), name, error);
			g_free(name);
			if (!ok)
				goto fail;
		}
	}
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
	in->reports = in->stored = in->duplicates = in->skipped = 0;
	g_ptr_array_set_size(in->log, 0);
}

static gboolean
quarantine(struct ingest *in, const guint8 *msg, gsize len, gsize total,
    const char *reason, const char *detail, struct dr_ingest_result *res,
    GError **error)
{
	GError *e = NULL;
	char *clean, *qid, *line;
	GString *log;

	/* Mail for nobody known is that first, whatever else is wrong. */
	if (!need_customer(in, &e)) {
		if (dr_error_is_tempfail(e)) {
			g_propagate_error(error, e);
			return FALSE;
		}
		reason = "unknown-recipient";
		detail = e->message;
	}
	clean = g_utf8_make_valid(detail, -1);
	g_clear_error(&e);
	if (g_utf8_strlen(clean, -1) > DR_MAX_DETAIL)
		*g_utf8_offset_to_pointer(clean, DR_MAX_DETAIL) = '\0';
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

	log = g_string_new(NULL);
	qid = dr_log_clean(queue_id(in), 40);
	g_string_append_printf(log, "%s: status=quarantined reason=%s "
	    "id=%" G_GINT64_FORMAT, qid, reason, res->quarantine_id);
	dr_log_kv(log, "recipient", in->dlv.recipient);
	line = dr_log_clean(clean, 200);
	g_string_append_printf(log, " detail=\"%s\"", line);
	dr_log(LOG_NOTICE, "%s", log->str);
	g_free(line);
	g_free(qid);
	g_string_free(log, TRUE);
	return TRUE;
}

gboolean
dr_ingest_message(struct dr_store *s, const guint8 *msg, gsize len,
    gsize total, const struct dr_ingest_opts *opts,
    struct dr_ingest_result *res, GError **error)
{
	const struct dr_delivery *cli = opts->delivery;
	struct dr_mime_info mi = { 0 };
	struct ingest in = { 0 };
	GPtrArray *payloads = NULL;
	GError *e = NULL, *me = NULL;
	enum dr_kind kind;
	gboolean ok = FALSE;
	guint attempt, i;

	memset(res, 0, sizeof(*res));
	in.store = s;
	in.opts = opts;
	in.log = g_ptr_array_new_with_free_func(g_free);
	if (cli != NULL) {
		in.dlv.queue_id = g_strdup(cli->queue_id);
		in.dlv.sender = g_strdup(cli->sender);
		in.dlv.recipient = g_strdup(cli->recipient);
	}

	kind = dr_unpack_sniff(msg, len);
	if (kind == DR_KIND_UNKNOWN) {
		payloads = dr_mime_payloads((const char *)msg, len,
		    opts->limits, &mi, &me);
		g_free(in.dlv.recipient);
		in.dlv.recipient = g_strdup(pick_recipient(cli, &mi));
		in.dlv.message_id = g_strdup(mi.message_id);
		/* Without --sender: the envelope sender, else From:. */
		if (in.dlv.sender == NULL)
			in.dlv.sender = g_strdup(mi.return_path != NULL ?
			    mi.return_path : mi.from);
	}

	if (total > len) {
		char *d = g_strdup_printf("message of %zu bytes is over the "
		    "limit of %zu bytes; the first %zu bytes are kept", total,
		    opts->limits->max_message_bytes, len);

		ok = quarantine(&in, msg, len, total, "too-large", d, res,
		    error);
		g_free(d);
		goto out;
	}
	if (kind == DR_KIND_EMPTY) {
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
		if (store_reports(&in, msg, len, payloads, &e))
			break;
		if (!dr_error_is_tempfail(e) || !dr_store_should_retry(s) ||
		    attempt == DR_INGEST_ATTEMPTS)
			break;
		{
			char *why = dr_log_clean(e->message, 200);

			dr_log(LOG_INFO, "%s: status=retrying reason=\"%s\"",
			    queue_id(&in), why);
			g_free(why);
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
		char *d = payloads ? describe_payloads(payloads, in.skipped) :
		    g_strdup(kind == DR_KIND_UNKNOWN ?
		    "not a mail and not a report file" :
		    in.skipped > 0 ? "XML with another root element than "
		    "<feedback>" : "no DMARC aggregate report inside");

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
	if (payloads)
		g_ptr_array_unref(payloads);
	dr_mime_info_clear(&mi);
	dr_delivery_clear(&in.dlv);
	g_ptr_array_unref(in.log);
	return ok;
}
