/*
 * test-model.c - the small shared pieces: the model's constructors and
 * limits, the error domain, log-line cleaning, and the configuration
 * file.
 */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "error.h"
#include "log.h"
#include "model.h"

static void
test_report_notes(void)
{
	struct dr_report *rep = dr_report_new();
	int i;

	for (i = 0; i < 100; i++)
		dr_report_add_note(rep, "note %d", i);
	/* A hostile report cannot grow the notes without bound. */
	g_assert_cmpuint(rep->notes->len, ==, 32);
	g_assert_cmpstr(rep->notes->pdata[0], ==, "note 0");
	dr_report_free(rep);
	dr_report_free(NULL);
}

static void
test_record_clear(void)
{
	struct dr_record rec;
	struct dr_dkim_result d = { g_strdup("a.test"), NULL,
	    g_strdup("pass"), NULL };

	dr_record_init(&rec);
	rec.source_ip = g_strdup("192.0.2.1");
	g_array_append_val(rec.dkim, d);
	dr_record_clear(&rec);
	g_assert_null(rec.source_ip);
	g_assert_null(rec.dkim);
}

static void
test_limits(void)
{
	struct dr_limits lim;
	GError *error = NULL;

	memset(&lim, 0xff, sizeof(lim));
	dr_limits_init(&lim);
	g_assert_cmpuint(lim.max_message_bytes, ==, 64u * 1024 * 1024);
	g_assert_cmpuint(lim.max_payloads, ==, 32);
	g_assert_cmpuint(lim.max_zip_members, ==, 256);
	g_assert_cmpuint(lim.max_unpacked_bytes, ==, 256ull * 1024 * 1024);
	g_assert_cmpuint(lim.max_ratio, ==, 1000);
	g_assert_cmpuint(lim.max_xml_depth, ==, 64);
	g_assert_cmpint(lim.max_records, ==, 10000000);
	g_assert_cmpuint(lim.time_budget, ==, 240);
	/* No deadline until ingest sets one. */
	g_assert_true(dr_limits_check_deadline(&lim, &error));
	lim.deadline = g_get_monotonic_time() - 1;
	g_assert_false(dr_limits_check_deadline(&lim, &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_TEMPFAIL);
	g_error_free(error);
}

static const struct {
	int code;
	const char *reason;
	gboolean tempfail;
} reason_cases[] = {
	{ DR_ERROR_TEMPFAIL, "tempfail", TRUE },
	{ DR_ERROR_NOT_A_REPORT, "not-a-report", FALSE },
	{ DR_ERROR_BAD_XML, "bad-xml", FALSE },
	{ DR_ERROR_BAD_DATA, "bad-data", FALSE },
	{ DR_ERROR_BAD_ARCHIVE, "bad-archive", FALSE },
	{ DR_ERROR_TOO_LARGE, "too-large", FALSE },
	{ DR_ERROR_UNKNOWN_RECIPIENT, "unknown-recipient", FALSE },
};

static void
test_error_reasons(void)
{
	gsize i;
	GError *other;

	for (i = 0; i < G_N_ELEMENTS(reason_cases); i++) {
		GError *e = g_error_new_literal(DR_ERROR, reason_cases[i].code,
		    "x");

		g_assert_cmpstr(dr_error_reason(reason_cases[i].code), ==,
		    reason_cases[i].reason);
		g_assert_cmpint(dr_error_is_tempfail(e), ==,
		    reason_cases[i].tempfail);
		g_error_free(e);
	}
	/* An error from elsewhere is not understood: the MTA retries. */
	other = g_error_new_literal(G_FILE_ERROR, G_FILE_ERROR_IO, "io");
	g_assert_true(dr_error_is_tempfail(other));
	g_error_free(other);
	g_assert_true(dr_error_is_tempfail(NULL));
}

static const struct {
	const char *in;
	gsize max;
	const char *out;
} clean_cases[] = {
	{ "google.com", 80, "google.com" },
	{ "Yahoo! Inc.", 80, "Yahoo! Inc." },
	{ "a\r\nb", 80, "a\\x0d\\x0ab" },
	{ "\x1b[31mred", 80, "\\x1b[31mred" },
	{ "q\"uote\\", 80, "q\\x22uote\\x5c" },
	{ "caf\xc3\xa9", 80, "caf\\xc3\\xa9" },
	{ "abcdef", 3, "abc..." },
	{ "", 80, "" },
	{ NULL, 80, "-" },
};

static void
test_log_clean(void)
{
	gsize i;

	for (i = 0; i < G_N_ELEMENTS(clean_cases); i++) {
		char *out = dr_log_clean(clean_cases[i].in,
		    clean_cases[i].max);

		g_assert_cmpstr(out, ==, clean_cases[i].out);
		g_free(out);
	}
}

static void
test_log_kv(void)
{
	GString *line = g_string_new("Q1:");

	dr_log_kv(line, "org", "google.com");
	dr_log_kv(line, "name", "Yahoo! Inc.");
	dr_log_kv(line, "empty", "");
	dr_log_kv(line, "evil", "x\" y=z");
	g_assert_cmpstr(line->str, ==, "Q1: org=google.com "
	    "name=\"Yahoo! Inc.\" empty=\"\" evil=\"x\\x22 y=z\"");
	g_string_free(line, TRUE);
}

static char *
write_conf(const char *text)
{
	GError *error = NULL;
	char *path = NULL;
	int fd = g_file_open_tmp("dr-conf-XXXXXX", &path, &error);

	g_assert_no_error(error);
	g_assert_cmpint(write(fd, text, strlen(text)), ==, (int)strlen(text));
	close(fd);
	return path;
}

static void
test_conf_values(void)
{
	struct dr_conf conf;
	GError *error = NULL;
	char *path = write_conf("[database]\nconninfo = dbname=dmarc\n"
	    "[paths]\nschema_dir = /opt/schema\n"
	    "[limits]\nmax_records = 5\ntime_budget = 30\n"
	    "max_message_size = 4096\nmax_unpacked_size = 1048576\n");

	g_assert_true(dr_conf_load(&conf, path, &error));
	g_assert_no_error(error);
	g_assert_cmpstr(conf.conninfo, ==, "dbname=dmarc");
	g_assert_cmpint(conf.limits.max_records, ==, 5);
	g_assert_cmpuint(conf.limits.time_budget, ==, 30);
	g_assert_cmpuint(conf.limits.max_message_bytes, ==, 4096);
	g_assert_cmpuint(conf.limits.max_unpacked_bytes, ==, 1048576);
	g_assert_cmpuint(conf.limits.max_ratio, ==, 1000);
	g_unsetenv("DMARC_RUA_SCHEMA_DIR");
	g_assert_cmpstr(dr_conf_schema_dir(&conf), ==, "/opt/schema");
	dr_conf_clear(&conf);
	g_unlink(path);
	g_free(path);
}

static const char *const bad_confs[] = {
	"[limits]\nmax_records = lots\n",
	"[limits]\nmax_records = -1\n",
	"[limits]\nmax_ratio = 1\n",
	"[limits]\ntime_budget = 99999999999999999999\n",
	"not a key file\n",
};

static void
test_conf_invalid(void)
{
	gsize i;

	for (i = 0; i < G_N_ELEMENTS(bad_confs); i++) {
		struct dr_conf conf;
		GError *error = NULL;
		char *path = write_conf(bad_confs[i]);

		g_assert_false(dr_conf_load(&conf, path, &error));
		/* ingest defers on a broken configuration. */
		g_assert_error(error, DR_ERROR, DR_ERROR_TEMPFAIL);
		g_error_free(error);
		dr_conf_clear(&conf);
		g_unlink(path);
		g_free(path);
	}
}

static void
test_conf_missing(void)
{
	struct dr_conf conf;
	GError *error = NULL;

	g_assert_false(dr_conf_load(&conf, "/nonexistent/dmarc-rua.conf",
	    &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_TEMPFAIL);
	g_error_free(error);
	dr_conf_clear(&conf);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/model/report/notes", test_report_notes);
	g_test_add_func("/model/record/clear", test_record_clear);
	g_test_add_func("/model/limits", test_limits);
	g_test_add_func("/model/error/reasons", test_error_reasons);
	g_test_add_func("/log/clean", test_log_clean);
	g_test_add_func("/log/kv", test_log_kv);
	g_test_add_func("/conf/values", test_conf_values);
	g_test_add_func("/conf/invalid", test_conf_invalid);
	g_test_add_func("/conf/missing", test_conf_missing);
	return g_test_run();
}
