/*
 * fuzz_message.c - fuzz target: the whole path from message to model,
 * without the database.
 *
 * The input is what the MTA pipes to "dmarc-rua ingest".  It goes
 * through the walk that dr_ingest_message() uses (src/walk.c): sniff the
 * first bytes, a bare report to unpack as it is, anything else through
 * mime first, every payload through unpack, every stream through the XML
 * parser.  Where ingest.c's callbacks call the store, the ones here check
 * the values it would store; the delivery, the quarantine detail and the
 * log lines come from the functions ingest.c uses, so nothing here is a
 * copy to keep in step.  Only the order of the quarantine decisions is
 * ingest.c's, minus the size cut (an input here is never cut) and the
 * customer lookup.
 *
 * Checked: the walk never asks the MTA to retry (no database, no clock
 * here, so a temporary error would be a bug that defers a mail forever);
 * every reason is one the quarantine knows; every stored string and the
 * quarantine detail are UTF-8; every log line is one printable line.
 */
#include "config.h"

#include "error.h"
#include "fuzz.h"
#include "walk.h"

const char fuzz_target[] = "message";

struct check {
	const struct dr_walk *walk;
	const struct dr_delivery *dlv;
	guint	 reports;	/* headers seen */
	guint	 stored;	/* ends seen */
	gint64	 records;	/* of the current report */
};

static struct dr_limits lim;

static gboolean
on_header(const struct dr_report *rep, gpointer user, GError **error)
{
	struct check *c = user;

	(void)error;
	c->reports++;
	c->records = 0;
	/* What dr_store_report_begin() copies into the report row. */
	fuzz_touch_report(rep);
	FUZZ_CHECK(c->walk->payload_name != NULL);
	fuzz_touch_str(c->walk->payload_name);
	return TRUE;
}

static gboolean
on_record(const struct dr_report *rep, const struct dr_record *rec,
    gpointer user, GError **error)
{
	struct check *c = user;

	(void)error;
	c->records++;
	FUZZ_CHECK(rep->record_count == c->records);
	fuzz_touch_record(rec);
	return TRUE;
}

static gboolean
on_end(const struct dr_report *rep, gpointer user, GError **error)
{
	struct check *c = user;
	char *line;

	(void)error;
	FUZZ_CHECK(rep->record_count == c->records);
	fuzz_touch_report(rep);
	c->stored++;
	line = dr_walk_report_line(c->dlv->queue_id, rep, "stored");
	fuzz_check_log_line(line);
	g_free(line);
	return TRUE;
}

static const struct dr_xml_callbacks callbacks = {
	.header = on_header,
	.record = on_record,
	.end = on_end,
};

/*
 * ingest.c's quarantine(), minus the store: the detail as it would be
 * stored, and the log line.
 */
static void
quarantine(const struct dr_delivery *dlv, const char *reason,
    const char *detail)
{
	char *clean, *line;

	FUZZ_CHECK(strcmp(reason, "not-a-report") == 0 ||
	    strcmp(reason, "bad-xml") == 0 ||
	    strcmp(reason, "bad-data") == 0 ||
	    strcmp(reason, "bad-archive") == 0 ||
	    strcmp(reason, "too-large") == 0);
	FUZZ_CHECK(detail != NULL);
	clean = dr_walk_detail(detail);
	FUZZ_CHECK(g_utf8_validate(clean, -1, NULL));
	line = dr_walk_quarantine_line(dlv->queue_id, reason, 1,
	    dlv->recipient, clean);
	fuzz_check_log_line(line);
	g_free(line);
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
	struct dr_walk w;
	struct dr_delivery dlv;
	struct check c = { &w, &dlv, 0, 0, 0 };
	GError *e = NULL, *me = NULL;
	gboolean parsed;
	char *d;

	parsed = dr_walk_open(&w, msg, len, "stdin", &lim, &me);
	FUZZ_CHECK(parsed == (me == NULL));
	FUZZ_CHECK(parsed == (w.kind != DR_KIND_UNKNOWN ||
	    w.payloads != NULL));
	dr_walk_delivery(&w, NULL, &dlv);
	/* What the report rows and the quarantine entry would hold. */
	fuzz_touch_str(dlv.recipient);
	fuzz_touch_str(dlv.sender);
	fuzz_touch_str(dlv.message_id);

	if (w.kind == DR_KIND_EMPTY) {
		quarantine(&dlv, "not-a-report", "empty message");
		goto out;
	}
	if (me != NULL) {
		quarantine(&dlv, dr_error_reason(me->code), me->message);
		goto out;
	}
	if (!dr_walk_reports(&w, &callbacks, &c, &e)) {
		FUZZ_CHECK(e != NULL);
		/* Without database and clock nothing may defer the mail. */
		FUZZ_CHECK(!dr_error_is_tempfail(e));
		quarantine(&dlv, dr_error_reason(e->code), e->message);
		goto out;
	}
	FUZZ_CHECK(e == NULL);
	FUZZ_CHECK(c.stored == c.reports);
	if (c.reports == 0) {
		d = dr_walk_no_report(&w);
		quarantine(&dlv, "not-a-report", d);
		g_free(d);
	}
out:
	g_clear_error(&e);
	g_clear_error(&me);
	dr_walk_clear(&w);
	dr_delivery_clear(&dlv);
	return 0;
}
