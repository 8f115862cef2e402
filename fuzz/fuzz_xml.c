/*
 * fuzz_xml.c - fuzz target: report bytes -> dr_xml_parse().
 *
 * The input is one XML document.  The callbacks read every field of the
 * report and of each record, and check what xml.h promises: header once,
 * before any record and with its required values; records numbered in
 * order with totals that add up; end once; strings in UTF-8; an error
 * from the documented set, or a read or callback error passed through
 * unchanged; what is kept as raw XML (<extension>, unknown children of
 * <record>) parses again as well-formed XML.  The records also go
 * through dr_domain_aligned(), as the pages do, so domain.c sees
 * reporter-supplied names too.
 *
 * A hash of the input decides, reproducibly, whether the read function
 * fails at some offset or a callback fails at some call, so that the
 * error paths are fuzzed with the same corpus as the good ones.
 */
#include "config.h"

#include <arpa/inet.h>

#include <libxml/parser.h>

#include "domain.h"
#include "error.h"
#include "fuzz.h"
#include "xml.h"

#define INJECTED	"fuzz: injected failure"

const char fuzz_target[] = "xml";

struct src {
	const uint8_t	*data;
	size_t		 size;
	size_t		 pos;
	size_t		 fail_at;	/* SIZE_MAX: never */
	gboolean	 failed;
};

struct state {
	const struct dr_limits *lim;
	guint		 headers;
	guint		 ends;
	gint64		 records;
	gint64		 messages;
	guint		 calls;
	guint		 fail_call;	/* G_MAXUINT: never */
	gboolean	 failed;
};

static struct dr_limits lim;

static gssize
mem_read(gpointer p, char *buf, gsize len, GError **error)
{
	struct src *s = p;
	size_t n;

	if (s->pos >= s->fail_at) {
		s->failed = TRUE;
		g_set_error_literal(error, DR_ERROR, DR_ERROR_TEMPFAIL,
		    INJECTED);
		return -1;
	}
	n = MIN(len, s->size - s->pos);
	n = MIN(n, s->fail_at - s->pos);
	memcpy(buf, s->data + s->pos, n);
	s->pos += n;
	return (gssize)n;
}

/* The injected callback failure, when this is the chosen call. */
static gboolean
maybe_fail(struct state *st, GError **error)
{
	if (st->calls++ != st->fail_call)
		return TRUE;
	st->failed = TRUE;
	g_set_error_literal(error, DR_ERROR, DR_ERROR_TEMPFAIL, INJECTED);
	return FALSE;
}

/* Raw XML that xml.c kept must be well-formed (namespaces aside). */
static void
check_raw(const char *raw)
{
	char *wrapped;
	xmlDocPtr doc;

	if (raw == NULL)
		return;
	wrapped = g_strconcat("<r>", raw, "</r>", NULL);
	doc = xmlReadMemory(wrapped, (int)strlen(wrapped), "raw.xml", "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	FUZZ_CHECK(doc != NULL);
	xmlFreeDoc(doc);
	g_free(wrapped);
}

static gboolean
on_header(const struct dr_report *rep, gpointer user, GError **error)
{
	struct state *st = user;

	FUZZ_CHECK(st->headers == 0 && st->ends == 0 && st->records == 0);
	st->headers++;
	fuzz_touch_report(rep);
	FUZZ_CHECK(rep->report_id != NULL && *rep->report_id != '\0');
	FUZZ_CHECK(rep->domain != NULL && *rep->domain != '\0');
	FUZZ_CHECK(rep->org_name != NULL);
	FUZZ_CHECK(rep->has_begin && rep->has_end);
	FUZZ_CHECK(rep->record_count == 0 && rep->message_count == 0);
	return maybe_fail(st, error);
}

static gboolean
valid_ip(const char *s)
{
	guint8 addr[16];

	return inet_pton(AF_INET, s, addr) == 1 ||
	    inet_pton(AF_INET6, s, addr) == 1;
}

static gboolean
on_record(const struct dr_report *rep, const struct dr_record *rec,
    gpointer user, GError **error)
{
	struct state *st = user;
	guint i;

	FUZZ_CHECK(st->headers == 1 && st->ends == 0);
	fuzz_touch_report(rep);
	fuzz_touch_record(rec);
	st->records++;
	st->messages += rec->count;
	FUZZ_CHECK(st->records <= st->lim->max_records);
	FUZZ_CHECK(rep->record_count == st->records);
	FUZZ_CHECK(rep->message_count == st->messages);
	FUZZ_CHECK(rec->source_ip == NULL || valid_ip(rec->source_ip));
	FUZZ_CHECK(rec->source_ip == NULL || rec->source_ip_raw == NULL);
	check_raw(rec->extensions);

	(void)dr_domain_aligned(rec->header_from, rep->domain, TRUE);
	(void)dr_domain_aligned(rec->header_from, rep->domain, FALSE);
	for (i = 0; i < rec->dkim->len; i++)
		(void)dr_domain_aligned(g_array_index(rec->dkim,
		    struct dr_dkim_result, i).domain, rec->header_from, FALSE);
	for (i = 0; i < rec->spf->len; i++)
		(void)dr_domain_aligned(g_array_index(rec->spf,
		    struct dr_spf_result, i).domain, rec->header_from, FALSE);
	return maybe_fail(st, error);
}

static gboolean
on_end(const struct dr_report *rep, gpointer user, GError **error)
{
	struct state *st = user;

	FUZZ_CHECK(st->headers == 1 && st->ends == 0);
	st->ends++;
	fuzz_touch_report(rep);
	FUZZ_CHECK(rep->record_count == st->records);
	FUZZ_CHECK(rep->message_count == st->messages);
	check_raw(rep->extensions);
	return maybe_fail(st, error);
}

static const struct dr_xml_callbacks callbacks = {
	.header = on_header,
	.record = on_record,
	.end = on_end,
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_glib_init();
	dr_xml_init();
	fuzz_limits(&lim);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct src src = { data, size, 0, SIZE_MAX, FALSE };
	struct state st = { &lim, 0, 0, 0, 0, 0, G_MAXUINT, FALSE };
	guint32 h = fuzz_hash(data, size);
	GError *error = NULL;
	gboolean ok;

	/* One input in eight fails a read, one in eight a callback. */
	if (h % 8 == 0)
		src.fail_at = (h >> 8) % (size + 1);
	else if (h % 8 == 1)
		st.fail_call = (h >> 8) % 4;

	ok = dr_xml_parse(mem_read, &src, "fuzz.xml", &lim, &callbacks, &st,
	    &error);
	if (ok) {
		FUZZ_CHECK(error == NULL);
		FUZZ_CHECK(st.headers == 1 && st.ends == 1);
		/* A read error is never swallowed: no truncated report. */
		FUZZ_CHECK(!src.failed && !st.failed);
		return 0;
	}
	FUZZ_CHECK(error != NULL && error->domain == DR_ERROR);
	FUZZ_CHECK(error->message != NULL);
	/* A callback's error comes back as it was given. */
	if (st.failed)
		FUZZ_CHECK(strcmp(error->message, INJECTED) == 0);
	switch (error->code) {
	case DR_ERROR_TEMPFAIL:
		/* No clock here: only an injected failure can defer. */
		FUZZ_CHECK(src.failed || st.failed);
		FUZZ_CHECK(strcmp(error->message, INJECTED) == 0);
		break;
	case DR_ERROR_NOT_A_REPORT:
	case DR_ERROR_BAD_XML:
	case DR_ERROR_BAD_DATA:
	case DR_ERROR_TOO_LARGE:
		break;
	default:
		FUZZ_CHECK(!"error code outside xml.h's contract");
	}
	g_error_free(error);
	return 0;
}
