/*
 * fuzz_message.c - fuzz target: the whole path from message to model,
 * without the database.
 *
 * The input is what the MTA pipes to "dmarc-rua ingest".  It is walked
 * the way dr_ingest_message() in src/ingest.c walks it: sniff the first
 * bytes; a bare report goes to unpack as it is, anything else through
 * mime first; every payload through unpack, every stream through the
 * XML parser, where a document with another root is skipped; the first
 * other failure ends the walk and the message would be quarantined.
 * Where ingest.c calls the store, this file checks the values it would
 * store and builds the log lines and quarantine detail it would write.
 * Keep it in step with ingest.c.
 *
 * Checked: the walk never asks the MTA to retry (no database, no clock
 * here, so a temporary error would be a bug that defers a mail forever);
 * every reason is one the quarantine knows; every stored string and the
 * quarantine detail are UTF-8; every log line is one printable line.
 */
#include "config.h"

#include "error.h"
#include "fuzz.h"
#include "log.h"
#include "mime.h"
#include "unpack.h"
#include "xml.h"

/* As in ingest.c. */
#define DR_MAX_DETAIL		1000

const char fuzz_target[] = "message";

struct ingest {
	const struct dr_limits *lim;
	const char	*recipient;
	const char	*payload_name;
	guint		 reports;	/* headers seen */
	guint		 stored;	/* ends seen */
	guint		 skipped;
	gint64		 records;	/* of the current report */
};

static struct dr_limits lim;

/* ingest.c's report_line(), minus the queue id from the command line. */
static void
log_report(const struct dr_report *rep, const char *status)
{
	GString *line = g_string_new(NULL);

	g_string_append_printf(line, "NOQUEUE: status=%s", status);
	dr_log_kv(line, "org", rep->org_name);
	dr_log_kv(line, "report_id", rep->report_id);
	dr_log_kv(line, "domain", rep->domain);
	g_string_append_printf(line, " begin=%" G_GINT64_FORMAT " end=%"
	    G_GINT64_FORMAT " records=%" G_GINT64_FORMAT " messages=%"
	    G_GINT64_FORMAT, rep->begin, rep->end, rep->record_count,
	    rep->message_count);
	fuzz_check_log_line(line->str);
	g_string_free(line, TRUE);
}

static gboolean
on_header(const struct dr_report *rep, gpointer user, GError **error)
{
	struct ingest *in = user;

	(void)error;
	in->reports++;
	in->records = 0;
	/* What dr_store_report_begin() copies into the report row. */
	fuzz_touch_report(rep);
	fuzz_touch_str(in->payload_name);
	return TRUE;
}

static gboolean
on_record(const struct dr_report *rep, const struct dr_record *rec,
    gpointer user, GError **error)
{
	struct ingest *in = user;

	(void)error;
	in->records++;
	FUZZ_CHECK(rep->record_count == in->records);
	fuzz_touch_record(rec);
	return TRUE;
}

static gboolean
on_end(const struct dr_report *rep, gpointer user, GError **error)
{
	struct ingest *in = user;

	(void)error;
	FUZZ_CHECK(rep->record_count == in->records);
	fuzz_touch_report(rep);
	in->stored++;
	log_report(rep, "stored");
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

static gboolean
on_stream(struct dr_stream *stream, const char *name, gpointer user,
    GError **error)
{
	struct ingest *in = user;
	GError *e = NULL;

	if (dr_xml_parse(stream_read, stream, name, in->lim, &callbacks, in,
	    &e))
		return TRUE;
	if (g_error_matches(e, DR_ERROR, DR_ERROR_NOT_A_REPORT)) {
		in->skipped++;
		g_error_free(e);
		return TRUE;
	}
	g_propagate_error(error, e);
	return FALSE;
}

static gboolean
walk_payload(struct ingest *in, const guint8 *data, gsize len,
    const char *name, GError **error)
{
	in->payload_name = name;
	if (!dr_limits_check_deadline(in->lim, error))
		return FALSE;
	return dr_unpack(data, len, name, in->lim, on_stream, in, NULL,
	    error);
}

/* ingest.c's describe_payloads(). */
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

/* ingest.c's pick_recipient(), with no --recipient. */
static const char *
pick_recipient(const struct dr_mime_info *mi)
{
	if (mi->x_original_to != NULL && *mi->x_original_to)
		return mi->x_original_to;
	if (mi->delivered_to != NULL && *mi->delivered_to)
		return mi->delivered_to;
	return mi->to;
}

/* ingest.c's store_reports(), without the transaction. */
static gboolean
store_reports(struct ingest *in, const guint8 *msg, gsize len,
    const GPtrArray *payloads, GError **error)
{
	guint i;

	if (payloads == NULL)
		return walk_payload(in, msg, len, "stdin", error);
	for (i = 0; i < payloads->len; i++) {
		const struct dr_payload *p = payloads->pdata[i];
		char *name = p->filename ? g_strdup(p->filename) :
		    g_strdup_printf("part%u", i + 1);
		gboolean ok;

		ok = walk_payload(in, g_bytes_get_data(p->data, NULL),
		    g_bytes_get_size(p->data), name, error);
		g_free(name);
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

/*
 * ingest.c's quarantine(), minus the store: the detail as it would be
 * stored, and the log line.
 */
static void
quarantine(const struct ingest *in, const char *reason, const char *detail)
{
	char *clean, *line;
	GString *log;

	FUZZ_CHECK(strcmp(reason, "not-a-report") == 0 ||
	    strcmp(reason, "bad-xml") == 0 ||
	    strcmp(reason, "bad-data") == 0 ||
	    strcmp(reason, "bad-archive") == 0 ||
	    strcmp(reason, "too-large") == 0);
	FUZZ_CHECK(detail != NULL);
	clean = g_utf8_make_valid(detail, -1);
	if (g_utf8_strlen(clean, -1) > DR_MAX_DETAIL)
		*g_utf8_offset_to_pointer(clean, DR_MAX_DETAIL) = '\0';
	FUZZ_CHECK(g_utf8_validate(clean, -1, NULL));

	log = g_string_new(NULL);
	g_string_append_printf(log, "NOQUEUE: status=quarantined reason=%s "
	    "id=1", reason);
	dr_log_kv(log, "recipient", in->recipient);
	line = dr_log_clean(clean, 200);
	g_string_append_printf(log, " detail=\"%s\"", line);
	fuzz_check_log_line(log->str);
	g_free(line);
	g_string_free(log, TRUE);
	g_free(clean);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_glib_init();
	dr_mime_init();
	dr_xml_init();
	fuzz_limits(&lim);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *msg, size_t len)
{
	struct dr_mime_info mi = { 0 };
	struct ingest in = { 0 };
	GPtrArray *payloads = NULL;
	GError *e = NULL, *me = NULL;
	enum dr_kind kind;
	char *d;

	in.lim = &lim;
	kind = dr_unpack_sniff(msg, len);
	if (kind == DR_KIND_UNKNOWN) {
		payloads = dr_mime_payloads((const char *)msg, len, &lim, &mi,
		    &me);
		in.recipient = pick_recipient(&mi);
		fuzz_touch_str(in.recipient);
		fuzz_touch_str(mi.message_id);
		fuzz_touch_str(mi.from);
		FUZZ_CHECK((payloads == NULL) != (me == NULL));
	}

	if (kind == DR_KIND_EMPTY) {
		quarantine(&in, "not-a-report", "empty message");
		goto out;
	}
	if (me != NULL) {
		quarantine(&in, dr_error_reason(me->code), me->message);
		goto out;
	}
	if (!store_reports(&in, msg, len, payloads, &e)) {
		FUZZ_CHECK(e != NULL);
		/* Without database and clock nothing may defer the mail. */
		FUZZ_CHECK(!dr_error_is_tempfail(e));
		quarantine(&in, dr_error_reason(e->code), e->message);
		goto out;
	}
	FUZZ_CHECK(e == NULL);
	FUZZ_CHECK(in.stored == in.reports);
	if (in.reports == 0) {
		d = payloads ? describe_payloads(payloads, in.skipped) :
		    g_strdup(kind == DR_KIND_UNKNOWN ?
		    "not a mail and not a report file" :
		    in.skipped > 0 ? "XML with another root element than "
		    "<feedback>" : "no DMARC aggregate report inside");
		quarantine(&in, "not-a-report", d);
		g_free(d);
	}
out:
	g_clear_error(&e);
	g_clear_error(&me);
	if (payloads)
		g_ptr_array_unref(payloads);
	dr_mime_info_clear(&mi);
	return 0;
}
