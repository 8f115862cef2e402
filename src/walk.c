/*
 * walk.c - one message from bytes to reports (see walk.h).
 *
 * Decisions made here, and why:
 *  - Every MIME leaf is unpacked, and XML whose root is not <feedback>
 *    (HTML parts, say) is skipped: reporters label their attachments
 *    every which way.  Any other failure in any leaf ends the walk, and
 *    ingest quarantines the whole message: nothing is half-stored.
 *  - The time budget is checked before each payload too, not only while
 *    reading: a mail of many small parts then cannot outlast it.
 *  - Nothing here touches the database, so that the fuzz target links
 *    this file as it is and walks what ingest walks.
 */
#include "config.h"

#include <string.h>

#include "error.h"
#include "log.h"
#include "walk.h"

/* Length of a quarantine detail; the raw message holds the rest. */
#define DR_MAX_DETAIL		1000

struct run {
	struct dr_walk *w;
	const struct dr_xml_callbacks *cb;
	gpointer user;
};

gboolean
dr_walk_open(struct dr_walk *w, const guint8 *msg, gsize len,
    const char *name, const struct dr_limits *lim, GError **error)
{
	memset(w, 0, sizeof(*w));
	w->msg = msg;
	w->len = len;
	w->name = name;
	w->limits = lim;
	w->kind = dr_unpack_sniff(msg, len);
	if (w->kind != DR_KIND_UNKNOWN)
		return TRUE;
	w->payloads = dr_mime_payloads((const char *)msg, len, lim, &w->info,
	    error);
	return w->payloads != NULL;
}

void
dr_walk_clear(struct dr_walk *w)
{
	if (w->payloads)
		g_ptr_array_unref(w->payloads);
	dr_mime_info_clear(&w->info);
	memset(w, 0, sizeof(*w));
}

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
	struct run *r = user;
	GError *e = NULL;

	if (dr_xml_parse(stream_read, stream, name, r->w->limits, r->cb,
	    r->user, &e))
		return TRUE;
	if (g_error_matches(e, DR_ERROR, DR_ERROR_NOT_A_REPORT)) {
		r->w->skipped++;
		g_error_free(e);
		return TRUE;
	}
	g_propagate_error(error, g_steal_pointer(&e));
	return FALSE;
}

static gboolean
walk_payload(struct run *r, const guint8 *data, gsize len, const char *name,
    GError **error)
{
	r->w->payload_name = name;
	if (!dr_limits_check_deadline(r->w->limits, error))
		return FALSE;
	return dr_unpack(data, len, name, r->w->limits, on_stream, r, NULL,
	    error);
}

gboolean
dr_walk_reports(struct dr_walk *w, const struct dr_xml_callbacks *cb,
    gpointer user, GError **error)
{
	struct run r = { w, cb, user };
	gboolean ok = TRUE;
	guint i;

	w->skipped = 0;
	if (w->payloads == NULL) {
		ok = walk_payload(&r, w->msg, w->len, w->name, error);
	} else {
		for (i = 0; ok && i < w->payloads->len; i++) {
			const struct dr_payload *p = w->payloads->pdata[i];
			char *name = p->filename ? g_strdup(p->filename) :
			    g_strdup_printf("part%u", i + 1);

			ok = walk_payload(&r, g_bytes_get_data(p->data, NULL),
			    g_bytes_get_size(p->data), name, error);
			g_free(name);
		}
	}
	w->payload_name = NULL;
	return ok;
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

void
dr_walk_delivery(const struct dr_walk *w, const struct dr_delivery *cli,
    struct dr_delivery *dlv)
{
	memset(dlv, 0, sizeof(*dlv));
	if (cli != NULL) {
		dlv->queue_id = g_strdup(cli->queue_id);
		dlv->sender = g_strdup(cli->sender);
		dlv->recipient = g_strdup(cli->recipient);
	}
	if (w->kind != DR_KIND_UNKNOWN)
		return;
	g_free(dlv->recipient);
	dlv->recipient = g_strdup(pick_recipient(cli, &w->info));
	dlv->message_id = g_strdup(w->info.message_id);
	if (dlv->sender == NULL)
		dlv->sender = g_strdup(w->info.return_path != NULL ?
		    w->info.return_path : w->info.from);
}

/* Names the leaves of a mail, so that the operator sees what came. */
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

char *
dr_walk_no_report(const struct dr_walk *w)
{
	if (w->payloads != NULL)
		return describe_payloads(w->payloads, w->skipped);
	return g_strdup(w->kind == DR_KIND_UNKNOWN ?
	    "not a mail and not a report file" :
	    w->skipped > 0 ? "XML with another root element than "
	    "<feedback>" : "no DMARC aggregate report inside");
}

char *
dr_walk_detail(const char *detail)
{
	char *clean = g_utf8_make_valid(detail, -1);

	if (g_utf8_strlen(clean, -1) > DR_MAX_DETAIL)
		*g_utf8_offset_to_pointer(clean, DR_MAX_DETAIL) = '\0';
	return clean;
}

/* "QUEUEID: status=STATUS", the start of every line of ingest. */
static GString *
line_new(const char *queue_id, const char *status)
{
	GString *line = g_string_new(NULL);
	char *qid = dr_log_clean(queue_id ? queue_id : "NOQUEUE", 40);

	g_string_append_printf(line, "%s: status=%s", qid, status);
	g_free(qid);
	return line;
}

char *
dr_walk_report_line(const char *queue_id, const struct dr_report *rep,
    const char *status)
{
	GString *line = line_new(queue_id, status);

	dr_log_kv(line, "org", rep->org_name);
	dr_log_kv(line, "report_id", rep->report_id);
	dr_log_kv(line, "domain", rep->domain);
	g_string_append_printf(line, " begin=%" G_GINT64_FORMAT " end=%"
	    G_GINT64_FORMAT " records=%" G_GINT64_FORMAT " messages=%"
	    G_GINT64_FORMAT, rep->begin, rep->end, rep->record_count,
	    rep->message_count);
	return g_string_free(line, FALSE);
}

char *
dr_walk_quarantine_line(const char *queue_id, const char *reason,
    gint64 id, const char *recipient, const char *detail)
{
	GString *line = line_new(queue_id, "quarantined");
	char *d = dr_log_clean(detail, 200);

	g_string_append_printf(line, " reason=%s id=%" G_GINT64_FORMAT,
	    reason, id);
	dr_log_kv(line, "recipient", recipient);
	g_string_append_printf(line, " detail=\"%s\"", d);
	g_free(d);
	return g_string_free(line, FALSE);
}

char *
dr_walk_retry_line(const char *queue_id, const char *why)
{
	GString *line = line_new(queue_id, "retrying");
	char *w = dr_log_clean(why, 200);

	g_string_append_printf(line, " reason=\"%s\"", w);
	g_free(w);
	return g_string_free(line, FALSE);
}
