/*
 * test-mime.c - unit tests of the mime module (src/mime.c).
 *
 * The hand-written mails in tests/fixtures/mime/ are each parsed three
 * ways: as written (LF), with CRLF line ends, and behind an mbox "From "
 * line; every variant must give the same leaves.  Limits, the header
 * fields of struct dr_mime_info and input that is no message at all are
 * tested with mails built here.  Finally every .eml file of the shared
 * corpus must parse.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "error.h"
#include "mime.h"
#include "testutil.h"

#define FIXTURES	SRCDIR "/tests/fixtures/mime/"

#define MBOX_FROM	"From sender@example Sat Jan  1 00:00:00 2026\n"

/* SHA-256 of the gzip and zip bodies the fixtures carry in base64. */
#define GZ_SHA256 \
	"62673c0c44dd282000ee6190559b6c8f11657a46a170fcd44fd93f06a0e2cec8"
#define ZIP_SHA256 \
	"34c1a35500d8045cc9dc8a434fe679b4bd4069d485c598a7deae16f843da444a"
#define ZIP_NAME	"example.net!example.com!1767225600!1767311999.zip"
#define GZ_NAME		"example.net!example.com!1767225600!1767311999.xml.gz"

#define QP_XML \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<feedback><report_metadata><org_name>Exampl\xc3\xa9 Mail</org_name>" \
	"<extra_contact_info>https://example.net/dmarc</extra_contact_info>" \
	"</report_metadata></feedback>"

struct leaf {
	const char	*content_type;
	const char	*filename;	/* NULL: none expected */
	const char	*text;		/* decoded, LF line ends; or NULL */
	const char	*sha256;	/* of the decoded bytes, or NULL */
};

struct fixture {
	const char	*name;		/* file in FIXTURES, without .eml */
	guint		 n;
	struct leaf	 leaves[3];
};

static const struct fixture fixtures[] = {
	{ "single-zip", 1, {
		{ "application/zip", ZIP_NAME, NULL, ZIP_SHA256 },
	} },
	{ "mixed-gzip", 2, {
		{ "text/plain", NULL,
		    "This is an aggregate report from example.net.\n", NULL },
		{ "application/gzip", GZ_NAME, NULL, GZ_SHA256 },
	} },
	{ "octet-stream", 1, {
		{ "application/octet-stream", "report.zip", NULL, ZIP_SHA256 },
	} },
	{ "rfc2231-filename", 1, {
		{ "application/x-gzip", "r\xc3\xa9port.xml.gz", NULL,
		    GZ_SHA256 },
	} },
	{ "rfc2047-filename", 1, {
		{ "application/x-gzip", "r\xc3\xa9port.xml.gz", NULL,
		    GZ_SHA256 },
	} },
	{ "qp-xml", 1, {
		{ "text/xml", "report.xml", QP_XML, NULL },
	} },
	{ "forwarded", 3, {
		{ "text/plain", NULL, "Forwarding the report below.\n", NULL },
		{ "text/plain", NULL, "The report is attached.", NULL },
		{ "application/gzip", "inner.xml.gz", NULL, GZ_SHA256 },
	} },
	{ "forwarded-base64", 1, {
		{ "application/gzip", "encoded.xml.gz", NULL, GZ_SHA256 },
	} },
	{ "alternative", 3, {
		{ "text/plain", NULL, "Plain text body.", NULL },
		{ "text/html", NULL,
		    "<html><body><p>HTML body.</p></body></html>", NULL },
		{ "application/x-zip-compressed", "report.zip", NULL,
		    ZIP_SHA256 },
	} },
};

enum variant {
	AS_WRITTEN,
	CRLF,
	MBOX,
	N_VARIANTS
};

struct fixture_run {
	const struct fixture	*fx;
	enum variant		 variant;
};

static struct fixture_run runs[G_N_ELEMENTS(fixtures) * N_VARIANTS];

static char *
lf_to_crlf(const char *s, gsize len, gsize *outlen)
{
	GString *out = g_string_sized_new(len + len / 16);
	gsize i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\n')
			g_string_append_c(out, '\r');
		g_string_append_c(out, s[i]);
	}
	*outlen = out->len;
	return g_string_free(out, FALSE);
}

/* The fixture file name, with the variant applied. */
static char *
load_fixture(const char *name, enum variant variant, gsize *len)
{
	GError *error = NULL;
	char *path, *text, *out;
	gsize n;

	path = g_strconcat(FIXTURES, name, ".eml", NULL);
	g_file_get_contents(path, &text, &n, &error);
	g_assert_no_error(error);
	g_free(path);
	switch (variant) {
	case CRLF:
		out = lf_to_crlf(text, n, len);
		g_free(text);
		return out;
	case MBOX:
		out = g_strconcat(MBOX_FROM, text, NULL);
		*len = strlen(MBOX_FROM) + n;
		g_free(text);
		return out;
	default:
		*len = n;
		return text;
	}
}

static GPtrArray *
parse(const char *msg, gsize len, guint max_payloads,
    struct dr_mime_info *info, GError **error)
{
	struct dr_limits lim;

	dr_limits_init(&lim);
	lim.max_payloads = max_payloads;
	return dr_mime_payloads(msg, len, &lim, info, error);
}

static void
check_leaf(const struct leaf *want, const struct dr_payload *got,
    enum variant variant)
{
	const char *data;
	char *sum, *text;
	gsize len, tlen;

	g_assert_cmpstr(got->content_type, ==, want->content_type);
	g_assert_cmpstr(got->filename, ==, want->filename);
	data = g_bytes_get_data(got->data, &len);
	if (want->text != NULL) {
		if (variant == CRLF)
			text = lf_to_crlf(want->text, strlen(want->text),
			    &tlen);
		else {
			text = g_strdup(want->text);
			tlen = strlen(text);
		}
		g_assert_cmpmem(data, len, text, tlen);
		g_free(text);
	} else {
		sum = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256,
		    got->data);
		g_assert_cmpstr(sum, ==, want->sha256);
		g_free(sum);
	}
}

static void
test_fixture(gconstpointer data)
{
	const struct fixture_run *run = data;
	const struct fixture *fx = run->fx;
	GError *error = NULL;
	GPtrArray *pl;
	char *msg;
	gsize len;
	guint i;

	msg = load_fixture(fx->name, run->variant, &len);
	pl = parse(msg, len, DR_DEFAULT_MAX_PAYLOADS, NULL, &error);
	g_assert_no_error(error);
	g_assert_nonnull(pl);
	g_assert_cmpuint(pl->len, ==, fx->n);
	for (i = 0; i < fx->n; i++)
		check_leaf(&fx->leaves[i], g_ptr_array_index(pl, i),
		    run->variant);
	g_ptr_array_unref(pl);
	g_free(msg);
}

/*
 * The message is parsed in place, not copied: it must come back
 * unchanged, and the leaves must not point into it (they outlive it).
 */
static void
test_input_borrowed(gconstpointer data)
{
	const struct fixture_run *run = data;
	const struct fixture *fx = run->fx;
	GError *error = NULL;
	GPtrArray *pl;
	char *msg, *copy;
	gsize len;
	guint i;

	msg = load_fixture(fx->name, run->variant, &len);
	copy = g_memdup2(msg, len);
	pl = parse(msg, len, DR_DEFAULT_MAX_PAYLOADS, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpmem(msg, len, copy, len);
	memset(msg, 'x', len);
	g_free(msg);
	g_assert_cmpuint(pl->len, ==, fx->n);
	for (i = 0; i < fx->n; i++)
		check_leaf(&fx->leaves[i], g_ptr_array_index(pl, i),
		    run->variant);
	g_ptr_array_unref(pl);
	g_free(copy);
}

/* Magic bytes of the decoded attachments, spelled out once. */
static void
test_magic(void)
{
	static const guchar gz[] = { 0x1f, 0x8b };
	static const guchar zip[] = { 'P', 'K', 3, 4 };
	const struct dr_payload *p;
	GError *error = NULL;
	GPtrArray *pl;
	char *msg;
	gsize len;

	msg = load_fixture("mixed-gzip", AS_WRITTEN, &len);
	pl = parse(msg, len, DR_DEFAULT_MAX_PAYLOADS, NULL, &error);
	g_assert_no_error(error);
	p = g_ptr_array_index(pl, 1);
	g_assert_cmpmem(g_bytes_get_data(p->data, NULL), sizeof(gz),
	    gz, sizeof(gz));
	g_ptr_array_unref(pl);
	g_free(msg);

	msg = load_fixture("single-zip", AS_WRITTEN, &len);
	pl = parse(msg, len, DR_DEFAULT_MAX_PAYLOADS, NULL, &error);
	g_assert_no_error(error);
	p = g_ptr_array_index(pl, 0);
	g_assert_cmpmem(g_bytes_get_data(p->data, NULL), sizeof(zip),
	    zip, sizeof(zip));
	g_ptr_array_unref(pl);
	g_free(msg);
}

/* A message whose only body is plain text is one leaf, not zero. */
static void
test_single_text(void)
{
	static const char msg[] =
	    "From: a@example.net\nSubject: hi\n\nhello\n";
	const struct dr_payload *p;
	GError *error = NULL;
	GPtrArray *pl;

	pl = parse(msg, sizeof(msg) - 1, 1, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(pl->len, ==, 1);
	p = g_ptr_array_index(pl, 0);
	g_assert_cmpstr(p->content_type, ==, "text/plain");
	g_assert_null(p->filename);
	g_assert_cmpmem(g_bytes_get_data(p->data, NULL),
	    g_bytes_get_size(p->data), "hello\n", 6);
	g_ptr_array_unref(pl);
}

/* Empty leaves are skipped; a bad Content-Type case is lowered. */
static void
test_empty_leaf(void)
{
	static const char msg[] =
	    "Subject: empty parts\n"
	    "Content-Type: multipart/mixed; boundary=e\n\n"
	    "--e\nContent-Type: text/plain\n\n\n"
	    "--e\nContent-Type: application/octet-stream\n"
	    "Content-Transfer-Encoding: base64\n\n\n"
	    "--e\nContent-Type: Application/X-GZIP\n\nbody\n"
	    "--e--\n";
	const struct dr_payload *p;
	GError *error = NULL;
	GPtrArray *pl;

	pl = parse(msg, sizeof(msg) - 1, 3, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(pl->len, ==, 1);
	p = g_ptr_array_index(pl, 0);
	g_assert_cmpstr(p->content_type, ==, "application/x-gzip");
	g_ptr_array_unref(pl);
}

static void
test_too_many_parts(void)
{
	struct dr_mime_info info;
	GError *error = NULL;
	GPtrArray *pl;
	char *msg;
	gsize len;

	msg = load_fixture("alternative", AS_WRITTEN, &len);
	pl = parse(msg, len, 3, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(pl->len, ==, 3);
	g_ptr_array_unref(pl);

	pl = parse(msg, len, 2, &info, &error);
	g_assert_null(pl);
	g_assert_error(error, DR_ERROR, DR_ERROR_TOO_LARGE);
	g_assert_cmpstr(error->message, ==, "message has more than 2 parts");
	/* The header is still known, so the quarantine can name a mailbox. */
	g_assert_cmpstr(info.to, ==, "dmarc.acme@reports.example.org");
	dr_mime_info_clear(&info);
	g_clear_error(&error);
	g_free(msg);
}

/* A mail whose one leaf sits depth levels down. */
static char *
nested(guint depth, gboolean rfc822, gsize *len)
{
	GString *s = g_string_new("Subject: nested\nMIME-Version: 1.0\n");
	guint i;

	for (i = 0; i < depth; i++)
		if (rfc822)
			g_string_append(s, "Content-Type: message/rfc822\n\n"
			    "Subject: inner\n");
		else
			g_string_append_printf(s, "Content-Type: "
			    "multipart/mixed; boundary=b%u\n\n--b%u\n", i, i);
	g_string_append(s, "Content-Type: application/gzip\n\nleaf\n");
	for (i = depth; rfc822 == FALSE && i > 0; i--)
		g_string_append_printf(s, "--b%u--\n", i - 1);
	*len = s->len;
	return g_string_free(s, FALSE);
}

static void
test_nesting(gconstpointer data)
{
	gboolean rfc822 = GPOINTER_TO_INT(data);
	GError *error = NULL;
	GPtrArray *pl;
	char *msg;
	gsize len;

	msg = nested(20, rfc822, &len);
	pl = parse(msg, len, 1, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(pl->len, ==, 1);
	g_assert_cmpstr(((struct dr_payload *)g_ptr_array_index(pl, 0))->
	    content_type, ==, "application/gzip");
	g_ptr_array_unref(pl);
	g_free(msg);

	msg = nested(40, rfc822, &len);
	pl = parse(msg, len, 1, NULL, &error);
	g_assert_null(pl);
	g_assert_error(error, DR_ERROR, DR_ERROR_TOO_LARGE);
	g_clear_error(&error);
	g_free(msg);
}

struct not_message {
	const char	*path;
	const char	*msg;
	gsize		 len;
};

static const struct not_message not_messages[] = {
	{ "/mime/not-a-message/empty", "", 0 },
	{ "/mime/not-a-message/from-line-only",
	    "From sender@example Sat Jan  1 00:00:00 2026", 44 },
	{ "/mime/not-a-message/from-line-nothing-after", MBOX_FROM,
	    sizeof(MBOX_FROM) - 1 },
	{ "/mime/not-a-message/zip-bytes", "PK\3\4\24\0\0\0\10\0binary", 16 },
	{ "/mime/not-a-message/bare-xml",
	    "<?xml version=\"1.0\"?>\n<feedback/>\n", 34 },
};

static void
test_not_a_message(gconstpointer data)
{
	const struct not_message *c = data;
	struct dr_mime_info info;
	GError *error = NULL;
	GPtrArray *pl;

	pl = parse(c->msg, c->len, DR_DEFAULT_MAX_PAYLOADS, &info, &error);
	g_assert_null(pl);
	g_assert_error(error, DR_ERROR, DR_ERROR_NOT_A_REPORT);
	g_assert_null(info.to);
	g_assert_null(info.subject);
	g_clear_error(&error);
	dr_mime_info_clear(&info);
}

static void
test_info(gconstpointer data)
{
	enum variant variant = GPOINTER_TO_INT(data);
	struct dr_mime_info info;
	GError *error = NULL;
	GPtrArray *pl;
	char *msg;
	gsize len;

	msg = load_fixture("headers", variant, &len);
	pl = parse(msg, len, DR_DEFAULT_MAX_PAYLOADS, &info, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(pl->len, ==, 1);
	g_assert_cmpstr(info.x_original_to, ==,
	    "dmarc.acme@reports.example.org");
	g_assert_cmpstr(info.delivered_to, ==,
	    "dmarc.acme@reports.example.org");
	g_assert_cmpstr(info.to, ==, "dmarc.acme@reports.example.org");
	g_assert_cmpstr(info.return_path, ==, "bounce@example.net");
	g_assert_cmpstr(info.from, ==, "reports@example.net");
	g_assert_cmpstr(info.subject, ==,
	    "Rapport DMARC pour exampl\xc3\xa9.com");
	g_assert_cmpstr(info.message_id, ==,
	    "20260102100000.abc123@example.net");
	dr_mime_info_clear(&info);
	g_assert_null(info.to);
	g_ptr_array_unref(pl);
	g_free(msg);
}

/* Absent headers are NULL; a group's first member counts as To. */
static void
test_info_sparse(void)
{
	static const char msg[] =
	    "X-Original-To: <>\n"
	    "Return-Path: <>\n"
	    "To: reporters: <first@example.org>, second@example.org;\n"
	    "Subject: \xff raw 8-bit\n"
	    "\nbody\n";
	struct dr_mime_info info;
	GError *error = NULL;
	GPtrArray *pl;

	pl = parse(msg, sizeof(msg) - 1, 1, &info, &error);
	g_assert_no_error(error);
	g_assert_null(info.x_original_to);
	g_assert_null(info.delivered_to);
	g_assert_cmpstr(info.to, ==, "first@example.org");
	g_assert_null(info.return_path);
	g_assert_null(info.from);
	g_assert_null(info.message_id);
	g_assert_nonnull(info.subject);
	g_assert_true(g_utf8_validate(info.subject, -1, NULL));
	dr_mime_info_clear(&info);
	g_ptr_array_unref(pl);
}

static gboolean
starts_with(const struct dr_payload *p, const void *magic, gsize n)
{
	gsize len;
	const void *data = g_bytes_get_data(p->data, &len);

	return len >= n && memcmp(data, magic, n) == 0;
}

/* Does some payload of the corpus file name start with magic? */
static gboolean
corpus_has(GPtrArray *pl, const void *magic, gsize n)
{
	guint i;

	for (i = 0; i < pl->len; i++)
		if (starts_with(g_ptr_array_index(pl, i), magic, n))
			return TRUE;
	return FALSE;
}

static void
test_corpus(void)
{
	static const guchar gz[] = { 0x1f, 0x8b };
	static const char zip[] = "PK\3\4";
	GError *error = NULL;
	const char *name;
	char *corpus;
	GPtrArray *pl;
	GDir *dir;
	char *path, *msg;
	gsize len;
	guint seen = 0;

	corpus = dr_test_corpus();
	if (corpus == NULL)
		return;
	dir = g_dir_open(corpus, 0, &error);
	g_assert_no_error(error);
	while ((name = g_dir_read_name(dir)) != NULL) {
		if (!g_str_has_suffix(name, ".eml"))
			continue;
		g_test_message("corpus file %s", name);
		path = g_build_filename(corpus, name, NULL);
		g_file_get_contents(path, &msg, &len, &error);
		g_assert_no_error(error);
		pl = parse(msg, len, DR_DEFAULT_MAX_PAYLOADS, NULL, &error);
		g_assert_no_error(error);
		g_assert_nonnull(pl);
		if (strcmp(name, "woodyslum__rfc_6591_ARF_B1.eml") != 0)
			g_assert_cmpuint(pl->len, >=, 1);
		if (strcmp(name, "zewaren__report-with-gz.eml") == 0 ||
		    strcmp(name, "pkerrigan-rs__top-level.gz.eml") == 0)
			g_assert_true(corpus_has(pl, gz, sizeof(gz)));
		if (strcmp(name, "mox__google.eml") == 0) {
			g_assert_cmpuint(pl->len, ==, 1);
			g_assert_true(corpus_has(pl, zip, 4));
		}
		g_ptr_array_unref(pl);
		g_free(msg);
		g_free(path);
		seen++;
	}
	g_dir_close(dir);
	g_free(corpus);
	g_assert_cmpuint(seen, >, 0);
}

int
main(int argc, char **argv)
{
	static const char *const suffix[N_VARIANTS] = {
		"", "/crlf", "/mbox-from"
	};
	struct fixture_run *run;
	char *path;
	guint i, v, r;
	int rc;

	g_test_init(&argc, &argv, NULL);
	dr_mime_init();

	r = 0;
	for (i = 0; i < G_N_ELEMENTS(fixtures); i++)
		for (v = 0; v < N_VARIANTS; v++) {
			run = &runs[r++];
			run->fx = &fixtures[i];
			run->variant = v;
			path = g_strconcat("/mime/leaves/", fixtures[i].name,
			    suffix[v], NULL);
			g_test_add_data_func(path, run, test_fixture);
			g_free(path);
		}
	/* A forward in base64 is parsed a second time, from its leaf. */
	for (r = 0; r < G_N_ELEMENTS(runs); r++)
		if (strcmp(runs[r].fx->name, "forwarded-base64") == 0) {
			path = g_strconcat("/mime/leaves/input-borrowed",
			    suffix[runs[r].variant], NULL);
			g_test_add_data_func(path, &runs[r],
			    test_input_borrowed);
			g_free(path);
		}
	g_test_add_func("/mime/leaves/magic", test_magic);
	g_test_add_func("/mime/leaves/single-text-body", test_single_text);
	g_test_add_func("/mime/leaves/empty-skipped", test_empty_leaf);
	g_test_add_func("/mime/limits/too-many-parts", test_too_many_parts);
	g_test_add_data_func("/mime/limits/deep-multipart",
	    GINT_TO_POINTER(FALSE), test_nesting);
	g_test_add_data_func("/mime/limits/deep-rfc822",
	    GINT_TO_POINTER(TRUE), test_nesting);
	for (i = 0; i < G_N_ELEMENTS(not_messages); i++)
		g_test_add_data_func(not_messages[i].path, &not_messages[i],
		    test_not_a_message);
	for (v = 0; v < N_VARIANTS; v++) {
		path = g_strconcat("/mime/info/headers", suffix[v], NULL);
		g_test_add_data_func(path, GINT_TO_POINTER(v), test_info);
		g_free(path);
	}
	g_test_add_func("/mime/info/sparse", test_info_sparse);
	g_test_add_func("/mime/corpus", test_corpus);

	rc = g_test_run();
	dr_mime_shutdown();
	return rc;
}
