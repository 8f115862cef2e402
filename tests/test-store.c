/*
 * test-store.c - the store module against a real PostgreSQL.
 *
 * Run under tests/run-with-pg, which starts a throwaway cluster and sets
 * PGHOST.  The program creates its own database dr_test_store_<pid>,
 * migrates it with SRCDIR/schema, runs every test on one connection and
 * drops the database at the end.  Rows the store API does not give back
 * are read with psql as JSON (row_to_json), an unambiguous text form that
 * is compared with JSON built here from the values that went in.
 *
 * Without PGHOST every test is skipped; with CI=true that is a failure.
 * Each test uses its own customers, so tests do not depend on each other.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "error.h"
#include "model.h"
#include "store.h"

#define SCHEMA_DIR	SRCDIR "/schema"
#define YEAR_9999	G_GINT64_CONSTANT(253402300799)

static struct {
	struct dr_store *s;
	char	*dbname;
	char	*setup_error;	/* why the database could not be prepared */
	int	 first_applied;	/* migrations applied on the fresh database */
} db;

/* The connection, or NULL after the test was skipped (or failed in CI). */
static struct dr_store *
need_db(void)
{
	if (db.s != NULL)
		return db.s;
	if (db.setup_error != NULL) {
		g_test_message("database setup failed: %s", db.setup_error);
		g_test_fail();
	} else if (g_strcmp0(g_getenv("CI"), "true") == 0) {
		g_test_message("PGHOST is not set and CI=true: run under "
		    "tests/run-with-pg");
		g_test_fail();
	} else
		g_test_skip("PGHOST is not set: run under tests/run-with-pg");
	return NULL;
}

/* Runs one SQL command with psql; *out (may be NULL) gets its output. */
static gboolean
run_psql(const char *dbname, const char *sql, char **out, GError **error)
{
	const char *argv[] = { "psql", "-X", "-q", "-A", "-t", "-v",
	    "ON_ERROR_STOP=1", "-d", dbname, "-c", sql, NULL };
	char *stdout_buf = NULL, *stderr_buf = NULL;
	int status;
	gsize n;

	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH,
	    NULL, NULL, &stdout_buf, &stderr_buf, &status, error))
		return FALSE;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL,
		    "psql failed on \"%s\": %s", sql, stderr_buf);
		g_free(stdout_buf);
		g_free(stderr_buf);
		return FALSE;
	}
	g_free(stderr_buf);
	/* -A -t: one line per row; drop only the final newline. */
	n = strlen(stdout_buf);
	if (n > 0 && stdout_buf[n - 1] == '\n')
		stdout_buf[n - 1] = '\0';
	if (out != NULL)
		*out = stdout_buf;
	else
		g_free(stdout_buf);
	return TRUE;
}

/* The output of a query on the test database; transfer full. */
static char *
query(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static char *
query(const char *fmt, ...)
{
	GError *error = NULL;
	va_list ap;
	char *sql, *out = NULL;

	va_start(ap, fmt);
	sql = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	run_psql(db.dbname, sql, &out, &error);
	g_assert_no_error(error);
	g_free(sql);
	return out;
}

static void
assert_query(const char *expect, const char *sql)
{
	char *out = query("%s", sql);

	g_assert_cmpstr(out, ==, expect);
	g_free(out);
}

static gint64
add_customer(struct dr_store *s, const char *slug)
{
	GError *error = NULL;
	struct dr_customer *c;
	gint64 id;

	dr_store_customer_add(s, slug, slug, &error);
	g_assert_no_error(error);
	c = dr_store_customer_get(s, slug, &error);
	g_assert_no_error(error);
	id = c->id;
	g_assert_cmpint(id, >, 0);
	dr_customer_free(c);
	return id;
}

static struct dr_report *
new_report(const char *org, const char *id, const char *domain,
    gint64 begin, gint64 end)
{
	struct dr_report *rep = dr_report_new();

	rep->org_name = g_strdup(org);
	rep->report_id = g_strdup(id);
	rep->domain = g_strdup(domain);
	rep->begin = begin;
	rep->end = end;
	rep->has_begin = rep->has_end = TRUE;
	return rep;
}

/* A plain record from source ip with count messages. */
static void
plain_record(struct dr_record *rec, const char *ip, gint64 count)
{
	dr_record_init(rec);
	rec->source_ip = g_strdup(ip);
	rec->source_ip_raw = g_strdup(ip);
	rec->count = count;
	rec->disposition = g_strdup("none");
	rec->header_from = g_strdup("example.com");
}

/*
 * Stores rep with n copies of rec (NULL: no records) in one transaction;
 * returns the duplicate flag.
 */
static gboolean
store_report(struct dr_store *s, gint64 cid, const struct dr_report *rep,
    const struct dr_record *rec, guint n)
{
	struct dr_delivery dlv = { NULL, NULL, NULL, NULL };
	GError *error = NULL;
	gboolean dup = FALSE;
	guint i;

	dr_store_begin(s, &error);
	g_assert_no_error(error);
	dr_store_report_begin(s, cid, rep, &dlv, "test");
	for (i = 0; i < n; i++) {
		dr_store_record(s, rec, &error);
		g_assert_no_error(error);
	}
	dr_store_report_end(s, rep, &dup, &error);
	g_assert_no_error(error);
	dr_store_commit(s, &error);
	g_assert_no_error(error);
	return dup;
}

/* --- JSON as PostgreSQL's row_to_json writes it ------------------------ */

static void
json_string(GString *j, const char *v)
{
	const char *p;

	if (v == NULL) {
		g_string_append(j, "null");
		return;
	}
	g_string_append_c(j, '"');
	for (p = v; *p; p++) {
		switch (*p) {
		case '\b':
			g_string_append(j, "\\b");
			break;
		case '\f':
			g_string_append(j, "\\f");
			break;
		case '\n':
			g_string_append(j, "\\n");
			break;
		case '\r':
			g_string_append(j, "\\r");
			break;
		case '\t':
			g_string_append(j, "\\t");
			break;
		case '"':
			g_string_append(j, "\\\"");
			break;
		case '\\':
			g_string_append(j, "\\\\");
			break;
		default:
			if ((guchar)*p < ' ')
				g_string_append_printf(j, "\\u%04x",
				    (guchar)*p);
			else
				g_string_append_c(j, *p);
		}
	}
	g_string_append_c(j, '"');
}

static void
json_key(GString *j, const char *key)
{
	g_string_append_printf(j, "%s\"%s\":", j->len > 1 ? "," : "", key);
}

static void
json_str(GString *j, const char *key, const char *v)
{
	json_key(j, key);
	json_string(j, v);
}

static void
json_int(GString *j, const char *key, gint64 v)
{
	json_key(j, key);
	g_string_append_printf(j, "%" G_GINT64_FORMAT, v);
}

static void
json_strv(GString *j, const char *key, const char *const *items, guint n)
{
	guint i;

	json_key(j, key);
	g_string_append_c(j, '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			g_string_append_c(j, ',');
		json_string(j, items[i]);
	}
	g_string_append_c(j, ']');
}

/* One string member (at offset) of every element of a GArray of structs. */
static void
json_member(GString *j, const char *key, const GArray *a, gsize offset)
{
	const char **items = g_new(const char *, a->len + 1);
	guint i;

	for (i = 0; i < a->len; i++)
		items[i] = G_STRUCT_MEMBER(const char *,
		    a->data + i * g_array_get_element_size((GArray *)a),
		    offset);
	json_strv(j, key, items, a->len);
	g_free(items);
}

#define REPORT_COLUMNS \
	"org_name, report_id, policy_domain, date_begin, date_end, email," \
	" extra_contact_info, errors, generator, xml_namespace, version," \
	" adkim, aspf, p, sp, np, pct, fo, testing, discovery_method," \
	" extensions, foreign_domain, notes, record_count, message_count," \
	" source_name, queue_id, recipient, sender, message_id"

static char *
report_json(const struct dr_report *rep, const struct dr_delivery *dlv,
    const char *source_name)
{
	GString *j = g_string_new("{");

	json_str(j, "org_name", rep->org_name);
	json_str(j, "report_id", rep->report_id);
	json_str(j, "policy_domain", rep->domain);
	json_int(j, "date_begin", rep->begin);
	json_int(j, "date_end", rep->end);
	json_str(j, "email", rep->email);
	json_str(j, "extra_contact_info", rep->extra_contact_info);
	json_strv(j, "errors", (const char *const *)rep->errors->pdata,
	    rep->errors->len);
	json_str(j, "generator", rep->generator);
	json_str(j, "xml_namespace", rep->xml_namespace);
	json_str(j, "version", rep->version);
	json_str(j, "adkim", rep->adkim);
	json_str(j, "aspf", rep->aspf);
	json_str(j, "p", rep->p);
	json_str(j, "sp", rep->sp);
	json_str(j, "np", rep->np);
	json_str(j, "pct", rep->pct);
	json_str(j, "fo", rep->fo);
	json_str(j, "testing", rep->testing);
	json_str(j, "discovery_method", rep->discovery_method);
	json_str(j, "extensions", rep->extensions);
	json_key(j, "foreign_domain");
	g_string_append(j, "false");
	json_strv(j, "notes", (const char *const *)rep->notes->pdata,
	    rep->notes->len);
	json_int(j, "record_count", rep->record_count);
	json_int(j, "message_count", rep->message_count);
	json_str(j, "source_name", source_name);
	json_str(j, "queue_id", dlv->queue_id);
	json_str(j, "recipient", dlv->recipient);
	json_str(j, "sender", dlv->sender);
	json_str(j, "message_id", dlv->message_id);
	g_string_append_c(j, '}');
	return g_string_free(j, FALSE);
}

#define RECORD_COLUMNS \
	"d.ordinal, host(d.source_ip) AS source_ip, d.source_ip_raw, d.count," \
	" d.disposition, d.dkim_eval, d.spf_eval, d.reason_type," \
	" d.reason_comment, d.envelope_to, d.envelope_from, d.header_from," \
	" d.dkim_domain, d.dkim_selector, d.dkim_result, d.dkim_human_result," \
	" d.spf_domain, d.spf_scope, d.spf_result, d.spf_human_result," \
	" d.extensions"

#define DKIM(m)	G_STRUCT_OFFSET(struct dr_dkim_result, m)
#define SPF(m)	G_STRUCT_OFFSET(struct dr_spf_result, m)
#define REASON(m) G_STRUCT_OFFSET(struct dr_reason, m)

static void
record_json(GString *out, const struct dr_record *rec, gint64 ordinal)
{
	GString *j = g_string_new("{");

	json_int(j, "ordinal", ordinal);
	json_str(j, "source_ip", rec->source_ip);
	json_str(j, "source_ip_raw", rec->source_ip_raw);
	json_int(j, "count", rec->count);
	json_str(j, "disposition", rec->disposition);
	json_str(j, "dkim_eval", rec->dkim_eval);
	json_str(j, "spf_eval", rec->spf_eval);
	json_member(j, "reason_type", rec->reasons, REASON(type));
	json_member(j, "reason_comment", rec->reasons, REASON(comment));
	json_str(j, "envelope_to", rec->envelope_to);
	json_str(j, "envelope_from", rec->envelope_from);
	json_str(j, "header_from", rec->header_from);
	json_member(j, "dkim_domain", rec->dkim, DKIM(domain));
	json_member(j, "dkim_selector", rec->dkim, DKIM(selector));
	json_member(j, "dkim_result", rec->dkim, DKIM(result));
	json_member(j, "dkim_human_result", rec->dkim, DKIM(human_result));
	json_member(j, "spf_domain", rec->spf, SPF(domain));
	json_member(j, "spf_scope", rec->spf, SPF(scope));
	json_member(j, "spf_result", rec->spf, SPF(result));
	json_member(j, "spf_human_result", rec->spf, SPF(human_result));
	json_str(j, "extensions", rec->extensions);
	g_string_append_c(j, '}');
	if (out->len > 0)
		g_string_append_c(out, '\n');
	g_string_append_len(out, j->str, j->len);
	g_string_free(j, TRUE);
}

/* --- tests ------------------------------------------------------------- */

static void
test_open_bad_conninfo(void)
{
	GError *error = NULL;
	struct dr_store *s;

	if (need_db() == NULL)
		return;
	s = dr_store_open("host=/nonexistent port=1", &error);
	g_assert_null(s);
	g_assert_error(error, DR_ERROR, DR_ERROR_TEMPFAIL);
	g_assert_nonnull(strstr(error->message, "/nonexistent"));
	g_error_free(error);
}

/* NULL or "": the libpq environment (PGHOST, PGDATABASE) decides. */
static void
test_open_environment(void)
{
	GError *error = NULL;
	struct dr_store *s;

	if (need_db() == NULL)
		return;
	s = dr_store_open(NULL, &error);
	g_assert_no_error(error);
	g_assert_nonnull(s);
	dr_store_close(s);
	s = dr_store_open("", &error);
	g_assert_no_error(error);
	g_assert_nonnull(s);
	dr_store_close(s);
}

/*
 * dr_store_start: the connection is finished by the first call that
 * needs it; with a connect_timeout it is made at once.  Both work.
 */
static void
test_start(void)
{
	GError *error = NULL;
	struct dr_store *s;
	char *conninfo[2];
	gint64 id = 0;
	guint i;

	if (need_db() == NULL)
		return;
	conninfo[0] = g_strdup(db.dbname);
	conninfo[1] = g_strdup_printf("dbname=%s connect_timeout=10",
	    db.dbname);
	for (i = 0; i < G_N_ELEMENTS(conninfo); i++) {
		g_test_message("conninfo '%s'", conninfo[i]);
		s = dr_store_start(conninfo[i]);
		g_assert_nonnull(s);
		g_assert_false(dr_store_customer_for_address(s,
		    "nobody@start.example", &id, &error));
		g_assert_error(error, DR_ERROR, DR_ERROR_NOT_FOUND);
		g_clear_error(&error);
		g_assert_true(dr_store_begin(s, &error));
		g_assert_no_error(error);
		g_assert_true(dr_store_commit(s, &error));
		g_assert_no_error(error);
		dr_store_close(s);
		/* Closed before it was ever used. */
		dr_store_close(dr_store_start(conninfo[i]));
		g_free(conninfo[i]);
	}
}

/*
 * A server that cannot be reached: the first call says so, as
 * dr_store_open() would, and so does every later one.
 */
static void
test_start_unreachable(void)
{
	static const char *const conninfo[] = {
		"host=/nonexistent port=1",
		"host=/nonexistent port=1 connect_timeout=10",
	};
	struct dr_delivery dlv = { NULL, NULL, NULL, NULL };
	GError *error = NULL;
	struct dr_store *s;
	gint64 id = 0;
	guint i;

	if (need_db() == NULL)
		return;
	for (i = 0; i < G_N_ELEMENTS(conninfo); i++) {
		s = dr_store_start(conninfo[i]);
		g_assert_nonnull(s);
		g_assert_false(dr_store_customer_for_address(s,
		    "dmarc@start.example", &id, &error));
		g_assert_error(error, DR_ERROR, DR_ERROR_TEMPFAIL);
		g_assert_true(g_str_has_prefix(error->message,
		    "cannot connect to the database: "));
		g_assert_nonnull(strstr(error->message, "/nonexistent"));
		g_clear_error(&error);
		g_assert_false(dr_store_begin(s, &error));
		g_assert_error(error, DR_ERROR, DR_ERROR_TEMPFAIL);
		g_clear_error(&error);
		g_assert_false(dr_store_quarantine(s, 0, "unknown-recipient",
		    "test", &dlv, (const guint8 *)"x", 1, 1, NULL, &error));
		g_assert_error(error, DR_ERROR, DR_ERROR_TEMPFAIL);
		g_clear_error(&error);
		dr_store_rollback(s);
		dr_store_close(s);
	}
}

static gint
sort_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The NNN_*.sql files of schema/, sorted; *latest: the highest NNN. */
static GPtrArray *
schema_migrations(int *latest)
{
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(SCHEMA_DIR, 0, NULL);
	const char *name;

	g_assert_nonnull(d);
	while ((name = g_dir_read_name(d)) != NULL)
		if (g_ascii_isdigit(name[0]) && g_str_has_suffix(name, ".sql"))
			g_ptr_array_add(files, g_strdup(name));
	g_dir_close(d);
	g_ptr_array_sort(files, (GCompareFunc)sort_names);
	*latest = files->len > 0 ?
	    atoi(files->pdata[files->len - 1]) : 0;
	return files;
}

static void
test_migrate_idempotent(void)
{
	struct dr_store *s = need_db();
	GError *error = NULL;
	GPtrArray *pending = NULL;
	char *dir, *sql = NULL, *path;
	int applied = -1, current = -1, latest = 0;
	GPtrArray *expect;
	GString *rows;
	guint i;

	if (s == NULL)
		return;
	/* Every migration of schema/ went in when the database was made. */
	expect = schema_migrations(&latest);
	g_assert_cmpint(db.first_applied, ==, (int)expect->len);
	dr_store_migrate(s, SCHEMA_DIR, &applied, &error);
	g_assert_no_error(error);
	g_assert_cmpint(applied, ==, 0);
	rows = g_string_new(NULL);
	for (i = 0; i < expect->len; i++)
		g_string_append_printf(rows, "%s%d|%s", i > 0 ? "\n" : "",
		    atoi(expect->pdata[i]), (char *)expect->pdata[i]);
	assert_query(rows->str,
	    "SELECT version, name FROM schema_migration ORDER BY version");
	g_string_free(rows, TRUE);
	g_ptr_array_unref(expect);

	dr_store_schema_status(s, SCHEMA_DIR, &current, &pending, &error);
	g_assert_no_error(error);
	g_assert_cmpint(current, ==, latest);
	g_assert_cmpuint(pending->len, ==, 0);
	g_ptr_array_unref(pending);

	/* A newer migration shows as pending; status never applies it. */
	dir = g_dir_make_tmp("test-store-XXXXXX", &error);
	g_assert_no_error(error);
	g_file_get_contents(SCHEMA_DIR "/001_initial.sql", &sql, NULL, &error);
	g_assert_no_error(error);
	path = g_build_filename(dir, "001_initial.sql", NULL);
	g_file_set_contents(path, sql, -1, &error);
	g_assert_no_error(error);
	g_free(path);
	path = g_build_filename(dir, "099_x.sql", NULL);
	g_file_set_contents(path, "CREATE TABLE x (i int);\n", -1, &error);
	g_assert_no_error(error);
	g_free(path);

	dr_store_schema_status(s, dir, &current, &pending, &error);
	g_assert_no_error(error);
	g_assert_cmpint(current, ==, latest);
	g_assert_cmpuint(pending->len, ==, 1);
	g_assert_cmpstr(pending->pdata[0], ==, "099_x.sql");
	g_ptr_array_unref(pending);
	assert_query("f", "SELECT to_regclass('x') IS NOT NULL");
	path = g_build_filename(dir, "099_x.sql", NULL);
	g_unlink(path);
	g_free(path);

	/* A failing migration leaves nothing behind and is not recorded. */
	path = g_build_filename(dir, "099_bad.sql", NULL);
	g_file_set_contents(path, "CREATE TABLE y (i int);\n"
	    "SELECT * FROM no_such_table;\n", -1, &error);
	g_assert_no_error(error);
	applied = -1;
	g_assert_false(dr_store_migrate(s, dir, &applied, &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_TEMPFAIL);
	g_assert_nonnull(strstr(error->message, "099_bad.sql"));
	g_clear_error(&error);
	g_assert_cmpint(applied, ==, 0);
	assert_query("f", "SELECT to_regclass('y') IS NOT NULL");
	dr_store_schema_status(s, dir, &current, &pending, &error);
	g_assert_no_error(error);
	g_assert_cmpint(current, ==, latest);
	g_assert_cmpuint(pending->len, ==, 1);
	g_assert_cmpstr(pending->pdata[0], ==, "099_bad.sql");
	g_ptr_array_unref(pending);
	g_unlink(path);
	g_free(path);

	path = g_build_filename(dir, "001_initial.sql", NULL);
	g_unlink(path);
	g_free(path);
	g_rmdir(dir);
	g_free(dir);
	g_free(sql);
}

static const char *const bad_slugs[] = {
	"", "-x", "_x", "A", "Acme", "a b", "a.b", "a/b", "caf\xc3\xa9",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
};

static const char *const bad_addresses[] = {
	"", "nobody", "@example.net", "user@", "a b@example.net",
	"<a@example.net>", "a@example.net,b@example.net", "tab\t@example.net",
};

static const char *const bad_domains[] = {
	"", ".", "..", ".example.com", "a..example.com", "exa mple.com",
	"ex@mple.com", "example.com/x", "example.com..", "example.com...",
};

static void
test_customer(void)
{
	struct dr_store *s = need_db();
	GError *error = NULL;
	struct dr_customer *c;
	GPtrArray *list;
	gsize i;
	guint k;
	gboolean seen = FALSE;

	if (s == NULL)
		return;
	dr_store_customer_add(s, "acme", "Acme Inc. \"<b>\"", &error);
	g_assert_no_error(error);
	c = dr_store_customer_get(s, "acme", &error);
	g_assert_no_error(error);
	g_assert_cmpint(c->id, >, 0);
	g_assert_cmpstr(c->slug, ==, "acme");
	g_assert_cmpstr(c->name, ==, "Acme Inc. \"<b>\"");
	g_assert_cmpuint(strlen(c->created), ==, strlen("2025-01-01 00:00:00"));
	g_assert_cmpuint(c->addresses->len, ==, 0);
	g_assert_cmpuint(c->domains->len, ==, 0);
	g_assert_cmpint(c->reports, ==, 0);
	g_assert_cmpint(c->quarantined, ==, 0);
	dr_customer_free(c);

	/* Edge slugs that are valid. */
	dr_store_customer_add(s, "0-cust_a", "zero", &error);
	g_assert_no_error(error);
	dr_store_customer_add(s,
	    "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
	    "63 characters", &error);
	g_assert_no_error(error);

	list = dr_store_customer_list(s, &error);
	g_assert_no_error(error);
	for (k = 0; k < list->len; k++) {
		struct dr_customer *e = list->pdata[k];

		if (k > 0)
			g_assert_cmpstr(((struct dr_customer *)
			    list->pdata[k - 1])->slug, <, e->slug);
		if (strcmp(e->slug, "acme") == 0)
			seen = TRUE;
	}
	g_assert_true(seen);
	g_ptr_array_unref(list);

	dr_store_customer_add(s, "acme", "again", &error);
	g_assert_error(error, DR_ERROR, DR_ERROR_CONFLICT);
	g_clear_error(&error);

	for (i = 0; i < G_N_ELEMENTS(bad_slugs); i++) {
		g_test_message("slug '%s'", bad_slugs[i]);
		g_assert_false(dr_store_customer_add(s, bad_slugs[i], "x",
		    &error));
		g_assert_error(error, DR_ERROR, DR_ERROR_USAGE);
		g_clear_error(&error);
	}

	c = dr_store_customer_get(s, "no-such-customer", &error);
	g_assert_null(c);
	g_assert_error(error, DR_ERROR, DR_ERROR_NOT_FOUND);
	g_clear_error(&error);

	/* Addresses: stored in lower case, owned by one customer. */
	add_customer(s, "acme-other");
	dr_store_address_add(s, "acme", "DMARC.Acme@Reports.Example.NET",
	    &error);
	g_assert_no_error(error);
	dr_store_address_add(s, "acme", "dmarc.acme@reports.example.net",
	    &error);
	g_assert_no_error(error);
	dr_store_address_add(s, "acme", "second@reports.example.net", &error);
	g_assert_no_error(error);
	g_assert_false(dr_store_address_add(s, "acme-other",
	    "dmarc.ACME@reports.example.net", &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_CONFLICT);
	g_clear_error(&error);
	g_assert_false(dr_store_address_add(s, "no-such-customer",
	    "x@reports.example.net", &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_NOT_FOUND);
	g_clear_error(&error);
	for (i = 0; i < G_N_ELEMENTS(bad_addresses); i++) {
		g_test_message("address '%s'", bad_addresses[i]);
		g_assert_false(dr_store_address_add(s, "acme",
		    bad_addresses[i], &error));
		g_assert_error(error, DR_ERROR, DR_ERROR_USAGE);
		g_clear_error(&error);
	}
	c = dr_store_customer_get(s, "acme", &error);
	g_assert_no_error(error);
	g_assert_cmpuint(c->addresses->len, ==, 2);
	g_assert_cmpstr(c->addresses->pdata[0], ==,
	    "dmarc.acme@reports.example.net");
	g_assert_cmpstr(c->addresses->pdata[1], ==,
	    "second@reports.example.net");
	dr_customer_free(c);

	g_assert_false(dr_store_address_remove(s, "acme-other",
	    "second@reports.example.net", &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_NOT_FOUND);
	g_clear_error(&error);
	dr_store_address_remove(s, "acme", "SECOND@Reports.example.net",
	    &error);
	g_assert_no_error(error);
	g_assert_false(dr_store_address_remove(s, "acme",
	    "second@reports.example.net", &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_NOT_FOUND);
	g_clear_error(&error);

	/* Domains: lower case, no trailing dot. */
	dr_store_domain_add(s, "acme", " Example.COM. ", &error);
	g_assert_no_error(error);
	dr_store_domain_add(s, "acme", "example.com", &error);
	g_assert_no_error(error);
	dr_store_domain_add(s, "acme", "Mail.Example.ORG", &error);
	g_assert_no_error(error);
	g_assert_false(dr_store_domain_add(s, "no-such-customer",
	    "example.net", &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_NOT_FOUND);
	g_clear_error(&error);
	c = dr_store_customer_get(s, "acme", &error);
	g_assert_no_error(error);
	g_assert_cmpuint(c->domains->len, ==, 2);
	g_assert_cmpstr(c->domains->pdata[0], ==, "example.com");
	g_assert_cmpstr(c->domains->pdata[1], ==, "mail.example.org");
	dr_customer_free(c);
	dr_store_domain_remove(s, "acme", "MAIL.example.org.", &error);
	g_assert_no_error(error);
	g_assert_false(dr_store_domain_remove(s, "acme", "mail.example.org",
	    &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_NOT_FOUND);
	g_clear_error(&error);

	/* A customer without data goes without purge. */
	dr_store_customer_remove(s, "acme-other", FALSE, &error);
	g_assert_no_error(error);
	g_assert_false(dr_store_customer_remove(s, "acme-other", FALSE,
	    &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_NOT_FOUND);
	g_clear_error(&error);
}

/* Records a failure unless the call was refused with DR_ERROR_USAGE. */
static void
expect_usage(const char *call, const char *arg, gboolean ok, GError *error)
{
	if (ok || !g_error_matches(error, DR_ERROR, DR_ERROR_USAGE)) {
		g_test_message("%s('%s'): expected a usage error, got %s",
		    call, arg, ok ? "success" : error->message);
		g_test_fail();
	}
	g_clear_error(&error);
}

/*
 * Invalid domains are refused, never stored half-normalised.  Checked
 * without aborting so that every bad case is listed.
 */
static void
test_customer_domain_invalid(void)
{
	struct dr_store *s = need_db();
	GError *error = NULL;
	struct dr_customer *c;
	gboolean ok;
	gsize i;
	guint k;

	if (s == NULL)
		return;
	add_customer(s, "dom-invalid");
	for (i = 0; i < G_N_ELEMENTS(bad_domains); i++) {
		ok = dr_store_domain_add(s, "dom-invalid", bad_domains[i],
		    &error);
		expect_usage("dr_store_domain_add", bad_domains[i], ok, error);
		error = NULL;
		ok = dr_store_domain_remove(s, "dom-invalid", bad_domains[i],
		    &error);
		expect_usage("dr_store_domain_remove", bad_domains[i], ok,
		    error);
		error = NULL;
	}
	c = dr_store_customer_get(s, "dom-invalid", &error);
	g_assert_no_error(error);
	for (k = 0; k < c->domains->len; k++) {
		g_test_message("stored domain '%s'",
		    (char *)c->domains->pdata[k]);
		g_test_fail();
	}
	dr_customer_free(c);
}

static void
test_customer_remove_data(void)
{
	struct dr_store *s = need_db();
	struct dr_delivery dlv = { NULL, NULL, NULL, NULL };
	GError *error = NULL;
	struct dr_customer *c;
	struct dr_report *rep;
	struct dr_record rec;
	gint64 cid, qid = 0;
	char *count;

	if (s == NULL)
		return;
	cid = add_customer(s, "gone");
	dr_store_address_add(s, "gone", "dmarc.gone@reports.example.net",
	    &error);
	g_assert_no_error(error);
	rep = new_report("Reporter", "r1", "gone.example", 1000, 2000);
	plain_record(&rec, "192.0.2.7", 3);
	g_assert_false(store_report(s, cid, rep, &rec, 2));
	dr_store_quarantine(s, cid, "too-large", "test", &dlv,
	    (const guint8 *)"x", 1, 1, &qid, &error);
	g_assert_no_error(error);

	c = dr_store_customer_get(s, "gone", &error);
	g_assert_no_error(error);
	g_assert_cmpint(c->reports, ==, 1);
	g_assert_cmpint(c->quarantined, ==, 1);
	dr_customer_free(c);

	g_assert_false(dr_store_customer_remove(s, "gone", FALSE, &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_CONFLICT);
	g_clear_error(&error);
	c = dr_store_customer_get(s, "gone", &error);
	g_assert_no_error(error);
	dr_customer_free(c);

	dr_store_customer_remove(s, "gone", TRUE, &error);
	g_assert_no_error(error);
	c = dr_store_customer_get(s, "gone", &error);
	g_assert_null(c);
	g_assert_error(error, DR_ERROR, DR_ERROR_NOT_FOUND);
	g_clear_error(&error);
	count = query("SELECT (SELECT count(*) FROM report WHERE"
	    " customer_id = %" G_GINT64_FORMAT "), (SELECT count(*) FROM"
	    " record d JOIN report r ON r.id = d.report WHERE r.customer_id ="
	    " %" G_GINT64_FORMAT "), (SELECT count(*) FROM quarantine WHERE"
	    " id = %" G_GINT64_FORMAT "), (SELECT count(*) FROM"
	    " customer_address WHERE customer_id = %" G_GINT64_FORMAT ")",
	    cid, cid, qid, cid);
	g_assert_cmpstr(count, ==, "0|0|0|0");
	g_free(count);
	dr_record_clear(&rec);
	dr_report_free(rep);
}

static void
test_customer_for_address(void)
{
	static const struct {
		const char *addr;
		const char *owner;	/* slug, or NULL: nobody */
	} cases[] = {
		{ "dmarc.fa@reports.example.net", "fa" },
		{ "DMARC.FA@Reports.Example.NET", "fa" },
		{ "dmarc.fa+tag@reports.example.net", "fa" },
		{ "Dmarc.Fa+Tag+More@REPORTS.example.net", "fa" },
		{ "dmarc.fb+special@reports.example.net", "fb" },
		{ "DMARC.FB+Special@reports.example.net", "fb" },
		{ "dmarc.fb+other@reports.example.net", "fc" },
		{ "dmarc.fb@reports.example.net", "fc" },
		{ "dmarc.fd+other@reports.example.net", NULL },
		{ "dmarc.fd@reports.example.net", NULL },
		{ "dmarc.fa@reports.example.net.", NULL },
		{ "nobody@reports.example.net", NULL },
		{ "dmarc.fa@other.example.net", NULL },
		{ "dmarc.fa", NULL },
		{ "", NULL },
	};
	struct dr_store *s = need_db();
	GError *error = NULL;
	struct dr_customer *c;
	gint64 id;
	gsize i;

	if (s == NULL)
		return;
	add_customer(s, "fa");
	add_customer(s, "fb");
	add_customer(s, "fc");
	dr_store_address_add(s, "fa", "dmarc.fa@reports.example.net", &error);
	g_assert_no_error(error);
	dr_store_address_add(s, "fb", "dmarc.fb+special@reports.example.net",
	    &error);
	g_assert_no_error(error);
	/* The plain mailbox of fb's tagged one belongs to someone else. */
	dr_store_address_add(s, "fc", "dmarc.fb@reports.example.net", &error);
	g_assert_no_error(error);
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_test_message("address '%s'", cases[i].addr);
		id = -1;
		if (cases[i].owner == NULL) {
			g_assert_false(dr_store_customer_for_address(s,
			    cases[i].addr, &id, &error));
			g_assert_error(error, DR_ERROR, DR_ERROR_NOT_FOUND);
			g_clear_error(&error);
			continue;
		}
		dr_store_customer_for_address(s, cases[i].addr, &id, &error);
		g_assert_no_error(error);
		c = dr_store_customer_get(s, cases[i].owner, &error);
		g_assert_no_error(error);
		g_assert_cmpint(id, ==, c->id);
		dr_customer_free(c);
	}
}

static const char *const hostile[] = {
	"tab\there",
	"line\nbreak",
	"cr\rhere\r\n",
	"back\\slash\\",
	"quote\"d\"",
	"{brace}",
	"{\"a\",\"b\"}",
	"a,b",
	"NULL",
	"null",
	"\\N",
	"\\.",
	"",
	" padded ",
	"\xc3\x9c" "n\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9 \xe2\x9c\x93 "
	    "\xe6\x97\xa5\xe6\x9c\xac",
	"<script>alert(1)</script>",
	"ctl\x01\x1f\b\f\v\x7f",
	"'); DROP TABLE report; --",
};

static char *
next_hostile(guint *i)
{
	return g_strdup(hostile[(*i)++ % G_N_ELEMENTS(hostile)]);
}

static void
add_dkim(struct dr_record *rec, char *domain, char *selector, char *result,
    char *human)
{
	struct dr_dkim_result d = { domain, selector, result, human };

	g_array_append_val(rec->dkim, d);
}

static void
add_spf(struct dr_record *rec, char *domain, char *scope, char *result,
    char *human)
{
	struct dr_spf_result r = { domain, scope, result, human };

	g_array_append_val(rec->spf, r);
}

static void
add_reason(struct dr_record *rec, char *type, char *comment)
{
	struct dr_reason r = { type, comment };

	g_array_append_val(rec->reasons, r);
}

static void
test_report_roundtrip(void)
{
	struct dr_store *s = need_db();
	struct dr_delivery dlv;
	struct dr_record recs[3];
	struct dr_report *rep;
	GError *error = NULL;
	GString *expect;
	char *all, *id, *json, *got;
	const char *source_name = "report\t\\N\n.xml";
	gboolean dup = TRUE;
	gint64 cid;
	guint h = 0, i;

	if (s == NULL)
		return;
	cid = add_customer(s, "roundtrip");
	expect = g_string_new(NULL);
	for (i = 0; i < G_N_ELEMENTS(hostile); i++)
		g_string_append_printf(expect, "%s|", hostile[i]);
	all = g_string_free(expect, FALSE);
	id = g_strconcat("id:", all, NULL);

	rep = new_report(all, id, "example.com", -86400, YEAR_9999);
	rep->xml_namespace = g_strdup("urn:ietf:params:xml:ns:dmarc-2.0");
	rep->version = g_strdup("1.0");
	rep->email = next_hostile(&h);
	rep->extra_contact_info = next_hostile(&h);
	for (i = 0; i < G_N_ELEMENTS(hostile); i++)
		g_ptr_array_add(rep->errors, g_strdup(hostile[i]));
	rep->generator = next_hostile(&h);
	rep->adkim = g_strdup("r");
	rep->aspf = next_hostile(&h);
	rep->p = g_strdup("reject");
	rep->sp = g_strdup("");
	rep->np = next_hostile(&h);
	rep->pct = g_strdup("100");
	rep->fo = next_hostile(&h);
	rep->testing = g_strdup("n");
	rep->discovery_method = next_hostile(&h);
	rep->extensions = g_strconcat("<extension>", all, "</extension>",
	    NULL);
	for (i = 0; i < G_N_ELEMENTS(hostile); i++)
		dr_report_add_note(rep, "note %u: %s", i, hostile[i]);
	rep->record_count = 3;
	rep->message_count = 7;
	dlv.recipient = next_hostile(&h);
	dlv.queue_id = next_hostile(&h);
	dlv.sender = next_hostile(&h);
	dlv.message_id = next_hostile(&h);

	/* Everything filled, arrays with NULL elements. */
	dr_record_init(&recs[0]);
	recs[0].source_ip = g_strdup("192.0.2.1");
	recs[0].source_ip_raw = next_hostile(&h);
	recs[0].count = 7;
	recs[0].disposition = g_strdup("none");
	recs[0].dkim_eval = next_hostile(&h);
	recs[0].spf_eval = next_hostile(&h);
	add_reason(&recs[0], g_strdup("forwarded"), next_hostile(&h));
	add_reason(&recs[0], next_hostile(&h), NULL);
	add_reason(&recs[0], NULL, g_strdup(all));
	recs[0].envelope_to = next_hostile(&h);
	recs[0].envelope_from = g_strdup("");
	recs[0].header_from = g_strdup(all);
	add_dkim(&recs[0], g_strdup("example.com"), NULL, g_strdup("pass"),
	    g_strdup(all));
	add_dkim(&recs[0], next_hostile(&h), g_strdup("\\N"),
	    g_strdup("NULL"), NULL);
	add_dkim(&recs[0], next_hostile(&h), g_strdup(all), next_hostile(&h),
	    next_hostile(&h));
	add_dkim(&recs[0], NULL, g_strdup("NULL"), NULL, g_strdup(""));
	add_spf(&recs[0], g_strdup("example.com"), g_strdup("mfrom"),
	    g_strdup("pass"), g_strdup(all));
	add_spf(&recs[0], next_hostile(&h), NULL, next_hostile(&h), NULL);
	recs[0].extensions = g_strconcat("<x a=\"1\">\n\t", all, "</x>",
	    NULL);

	/* Nothing but an unparseable address. */
	dr_record_init(&recs[1]);
	recs[1].source_ip_raw = g_strdup(all);
	recs[1].count = 0;

	/* IPv6, the largest count, hostile strings everywhere else. */
	dr_record_init(&recs[2]);
	recs[2].source_ip = g_strdup("2001:db8::1");
	recs[2].count = G_MAXINT64;
	recs[2].disposition = next_hostile(&h);
	recs[2].envelope_to = next_hostile(&h);
	recs[2].envelope_from = next_hostile(&h);
	recs[2].header_from = next_hostile(&h);
	add_dkim(&recs[2], NULL, NULL, NULL, NULL);
	add_spf(&recs[2], NULL, NULL, NULL, NULL);
	add_reason(&recs[2], NULL, NULL);
	recs[2].extensions = g_strdup("");

	dr_store_begin(s, &error);
	g_assert_no_error(error);
	dr_store_report_begin(s, cid, rep, &dlv, source_name);
	for (i = 0; i < G_N_ELEMENTS(recs); i++) {
		dr_store_record(s, &recs[i], &error);
		g_assert_no_error(error);
	}
	dr_store_report_end(s, rep, &dup, &error);
	g_assert_no_error(error);
	g_assert_false(dup);
	dr_store_commit(s, &error);
	g_assert_no_error(error);

	json = report_json(rep, &dlv, source_name);
	got = query("SELECT row_to_json(r) FROM (SELECT " REPORT_COLUMNS
	    " FROM report WHERE customer_id = %" G_GINT64_FORMAT ") r", cid);
	g_assert_cmpstr(got, ==, json);
	g_free(got);
	g_free(json);

	expect = g_string_new(NULL);
	for (i = 0; i < G_N_ELEMENTS(recs); i++)
		record_json(expect, &recs[i], i);
	got = query("SELECT row_to_json(r) FROM (SELECT " RECORD_COLUMNS
	    " FROM record d JOIN report p ON p.id = d.report"
	    " WHERE p.customer_id = %" G_GINT64_FORMAT
	    " ORDER BY d.ordinal) r", cid);
	g_assert_cmpstr(got, ==, expect->str);
	g_free(got);
	g_string_free(expect, TRUE);

	/* Values went in as values: the report table is still there. */
	got = query("SELECT count(*) FROM report WHERE customer_id = %"
	    G_GINT64_FORMAT, cid);
	g_assert_cmpstr(got, ==, "1");
	g_free(got);

	for (i = 0; i < G_N_ELEMENTS(recs); i++)
		dr_record_clear(&recs[i]);
	dr_delivery_clear(&dlv);
	dr_report_free(rep);
	g_free(id);
	g_free(all);
}

static void
test_report_duplicate(void)
{
	struct dr_store *s = need_db();
	struct dr_report *rep;
	struct dr_record rec;
	char *out;
	gint64 cid;

	if (s == NULL)
		return;
	cid = add_customer(s, "dup");
	plain_record(&rec, "192.0.2.9", 2);
	rep = new_report("Reporter", "42", "dup.example", 86400, 172800);
	rep->record_count = 3;
	rep->message_count = 6;
	g_assert_false(store_report(s, cid, rep, &rec, 3));
	/* store_report commits: no COPY may be open after a duplicate. */
	g_assert_true(store_report(s, cid, rep, &rec, 3));
	rep->end++;
	g_assert_false(store_report(s, cid, rep, &rec, 3));
	g_assert_true(store_report(s, cid, rep, &rec, 3));
	/* The same key for another customer is another report. */
	g_assert_false(store_report(s, add_customer(s, "dup-other"), rep,
	    &rec, 1));

	out = query("SELECT date_end, record_count, message_count,"
	    " (SELECT count(*) FROM record d WHERE d.report = r.id)"
	    " FROM report r WHERE customer_id = %" G_GINT64_FORMAT
	    " ORDER BY date_end", cid);
	g_assert_cmpstr(out, ==, "172800|3|6|3\n172801|3|6|3");
	g_free(out);
	dr_record_clear(&rec);
	dr_report_free(rep);
}

/*
 * A report that fits in one batch (also one without records) goes in
 * whole at its end; a larger one goes in when the first batch is full
 * and streams from there.  Either way a second delivery is a duplicate
 * that adds nothing, and the rows carry their report's id.
 */
static void
test_report_batches(void)
{
	static const guint sizes[] = { 0, 1, 3000 };
	struct dr_store *s = need_db();
	struct dr_report *rep;
	struct dr_record rec;
	char id[16], expect[128], *out;
	gint64 cid;
	guint i, n;

	if (s == NULL)
		return;
	cid = add_customer(s, "batches");
	plain_record(&rec, "192.0.2.7", 2);
	for (i = 0; i < G_N_ELEMENTS(sizes); i++) {
		n = sizes[i];
		g_snprintf(id, sizeof(id), "b%u", n);
		rep = new_report("Reporter", id, "batches.example", 0, 86400);
		rep->record_count = n;
		rep->message_count = 2 * (gint64)n;
		g_ptr_array_add(rep->notes, g_strdup("a note"));
		g_assert_false(store_report(s, cid, rep, &rec, n));
		g_assert_true(store_report(s, cid, rep, &rec, n));
		out = query("SELECT r.record_count, r.message_count, r.notes,"
		    " count(d.report), coalesce(sum(d.count), 0),"
		    " count(DISTINCT d.ordinal), coalesce(max(d.ordinal), -1)"
		    " FROM report r LEFT JOIN record d ON d.report = r.id"
		    " WHERE r.customer_id = %" G_GINT64_FORMAT
		    " AND r.report_id = '%s'"
		    " GROUP BY r.id", cid, id);
		g_snprintf(expect, sizeof(expect),
		    "%u|%u|{\"a note\"}|%u|%u|%u|%d", n, 2 * n, n, 2 * n,
		    n, (int)n - 1);
		g_assert_cmpstr(out, ==, expect);
		g_free(out);
		dr_report_free(rep);
	}
	out = query("SELECT count(*) FROM record d JOIN report r"
	    " ON r.id = d.report WHERE r.customer_id = %" G_GINT64_FORMAT,
	    cid);
	g_assert_cmpstr(out, ==, "3001");
	g_free(out);
	dr_record_clear(&rec);
}

static void
test_report_foreign_domain(void)
{
	static const struct {
		const char *domain;
		gboolean foreign;
	} cases[] = {
		{ "example.com", FALSE },
		{ "EXAMPLE.Com", FALSE },
		{ "mail.example.com", FALSE },
		{ "a.b.example.com", FALSE },
		{ "badexample.com", TRUE },
		{ "example.com.evil.org", TRUE },
		{ "com", TRUE },
		{ "other.org", TRUE },
		{ "", TRUE },
	};
	struct dr_store *s = need_db();
	GError *error = NULL;
	GString *expect, *expect_none;
	struct dr_report *rep;
	gint64 cid, none;
	char *out;
	gsize i;

	if (s == NULL)
		return;
	cid = add_customer(s, "fd");
	none = add_customer(s, "fd-none");
	dr_store_domain_add(s, "fd", "Example.COM.", &error);
	g_assert_no_error(error);
	dr_store_domain_add(s, "fd", "unrelated.net", &error);
	g_assert_no_error(error);
	expect = g_string_new(NULL);
	expect_none = g_string_new(NULL);
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		rep = new_report("Reporter", "fd", cases[i].domain, 0,
		    (gint64)i);
		g_assert_false(store_report(s, cid, rep, NULL, 0));
		g_assert_false(store_report(s, none, rep, NULL, 0));
		dr_report_free(rep);
		g_string_append_printf(expect, "%s%s|%s", i > 0 ? "\n" : "",
		    cases[i].domain, cases[i].foreign ? "t" : "f");
		g_string_append_printf(expect_none, "%s%s|f", i > 0 ? "\n" :
		    "", cases[i].domain);
	}
	out = query("SELECT policy_domain, foreign_domain FROM report"
	    " WHERE customer_id = %" G_GINT64_FORMAT " ORDER BY date_end",
	    cid);
	g_assert_cmpstr(out, ==, expect->str);
	g_free(out);
	out = query("SELECT policy_domain, foreign_domain FROM report"
	    " WHERE customer_id = %" G_GINT64_FORMAT " ORDER BY date_end",
	    none);
	g_assert_cmpstr(out, ==, expect_none->str);
	g_free(out);
	g_string_free(expect, TRUE);
	g_string_free(expect_none, TRUE);
}

static void
test_report_rollback(void)
{
	struct dr_store *s = need_db();
	struct dr_delivery dlv = { NULL, NULL, NULL, NULL };
	GError *error = NULL;
	struct dr_report *rep;
	struct dr_record rec;
	gint64 cid;
	char *out;
	guint i;

	if (s == NULL)
		return;
	cid = add_customer(s, "rollback");
	plain_record(&rec, "198.51.100.1", 1);
	rep = new_report("Reporter", "rb", "rollback.example", 0, 86400);
	rep->record_count = 2000;
	rep->message_count = 2000;

	/* Enough records that some batches reach the server mid-COPY. */
	dr_store_begin(s, &error);
	g_assert_no_error(error);
	dr_store_report_begin(s, cid, rep, &dlv, NULL);
	for (i = 0; i < 2000; i++) {
		dr_store_record(s, &rec, &error);
		g_assert_no_error(error);
	}
	dr_store_rollback(s);
	out = query("SELECT count(*) FROM report WHERE customer_id = %"
	    G_GINT64_FORMAT, cid);
	g_assert_cmpstr(out, ==, "0");
	g_free(out);

	/* The connection is usable and the report is not a duplicate. */
	g_assert_false(store_report(s, cid, rep, &rec, 2000));
	out = query("SELECT count(*), sum(d.count), max(r.record_count)"
	    " FROM report r JOIN record d ON d.report = r.id"
	    " WHERE r.customer_id = %" G_GINT64_FORMAT, cid);
	g_assert_cmpstr(out, ==, "2000|2000|2000");
	g_free(out);
	dr_record_clear(&rec);
	dr_report_free(rep);
}

static void
test_report_many_records(void)
{
	const guint n = 100000;
	struct dr_store *s = need_db();
	struct dr_report *rep;
	struct dr_record rec;
	gint64 cid;
	char *out;

	if (s == NULL)
		return;
	cid = add_customer(s, "many");
	plain_record(&rec, "203.0.113.5", 3);
	add_dkim(&rec, g_strdup("example.com"), g_strdup("s1"),
	    g_strdup("pass"), NULL);
	add_spf(&rec, g_strdup("example.com"), g_strdup("mfrom"),
	    g_strdup("pass"), NULL);
	rep = new_report("Reporter", "many", "many.example", 0, 86400);
	rep->record_count = n;
	rep->message_count = 3 * (gint64)n;
	g_assert_false(store_report(s, cid, rep, &rec, n));
	out = query("SELECT count(*), sum(d.count), min(d.ordinal),"
	    " max(d.ordinal), count(DISTINCT d.ordinal), max(r.record_count),"
	    " max(r.message_count) FROM report r JOIN record d"
	    " ON d.report = r.id WHERE r.customer_id = %" G_GINT64_FORMAT,
	    cid);
	g_assert_cmpstr(out, ==, "100000|300000|0|99999|100000|100000|300000");
	g_free(out);
	dr_record_clear(&rec);
	dr_report_free(rep);
}

static gboolean
list_has(GPtrArray *list, gint64 id)
{
	guint i;

	for (i = 0; i < list->len; i++)
		if (((struct dr_quarantined *)list->pdata[i])->id == id)
			return TRUE;
	return FALSE;
}

static void
test_quarantine(void)
{
	struct dr_store *s = need_db();
	struct dr_delivery dlv = { NULL, NULL, NULL, NULL };
	struct dr_quarantined *q;
	GError *error = NULL;
	GPtrArray *list;
	guint8 raw[300];
	gint64 cid, a = 0, b = 0, c = 0;
	gsize i;

	if (s == NULL)
		return;
	cid = add_customer(s, "quar");
	/* Every byte value, NULs and invalid UTF-8 among them. */
	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (guint8)(255 - i % 256);
	raw[10] = 0xc3;
	raw[11] = 0x28;
	dlv.recipient = g_strdup("dmarc.quar@reports.example.net");
	dlv.queue_id = g_strdup("4XyZ1");
	dlv.sender = g_strdup("noreply@reporter.example");
	dlv.message_id = g_strdup("<m1\t@reporter.example>");

	dr_store_quarantine(s, cid, "bad-xml", "line 3: \"<\" \\N\n", &dlv,
	    raw, sizeof(raw), sizeof(raw), &a, &error);
	g_assert_no_error(error);
	dr_store_quarantine(s, cid, "too-large", "over 64 MiB", &dlv, raw, 10,
	    1000, &b, &error);
	g_assert_no_error(error);
	dr_store_quarantine(s, 0, "bad-xml", "no customer", &dlv, NULL, 0, 0,
	    &c, &error);
	g_assert_no_error(error);
	g_assert_cmpint(a, >, 0);
	g_assert_cmpint(b, >, a);
	g_assert_cmpint(c, >, b);

	q = dr_store_quarantine_get(s, a, &error);
	g_assert_no_error(error);
	g_assert_cmpint(q->id, ==, a);
	g_assert_nonnull(q->received);
	g_assert_cmpstr(q->customer, ==, "quar");
	g_assert_cmpstr(q->reason, ==, "bad-xml");
	g_assert_cmpstr(q->detail, ==, "line 3: \"<\" \\N\n");
	g_assert_cmpstr(q->recipient, ==, dlv.recipient);
	g_assert_cmpstr(q->queue_id, ==, dlv.queue_id);
	g_assert_cmpstr(q->sender, ==, dlv.sender);
	g_assert_cmpstr(q->message_id, ==, dlv.message_id);
	g_assert_cmpint(q->size, ==, sizeof(raw));
	g_assert_false(q->truncated);
	g_assert_nonnull(q->raw);
	g_assert_cmpmem(g_bytes_get_data(q->raw, NULL),
	    g_bytes_get_size(q->raw), raw, sizeof(raw));
	dr_quarantined_free(q);

	q = dr_store_quarantine_get(s, b, &error);
	g_assert_no_error(error);
	g_assert_cmpint(q->size, ==, 1000);
	g_assert_true(q->truncated);
	g_assert_cmpmem(g_bytes_get_data(q->raw, NULL),
	    g_bytes_get_size(q->raw), raw, 10);
	dr_quarantined_free(q);

	q = dr_store_quarantine_get(s, c, &error);
	g_assert_no_error(error);
	g_assert_null(q->customer);
	g_assert_cmpint(q->size, ==, 0);
	g_assert_false(q->truncated);
	g_assert_cmpuint(g_bytes_get_size(q->raw), ==, 0);
	dr_quarantined_free(q);

	/* Newest first; the list carries no raw bytes. */
	list = dr_store_quarantine_list(s, NULL, "quar", &error);
	g_assert_no_error(error);
	g_assert_cmpuint(list->len, ==, 2);
	g_assert_cmpint(((struct dr_quarantined *)list->pdata[0])->id, ==, b);
	g_assert_cmpint(((struct dr_quarantined *)list->pdata[1])->id, ==, a);
	g_assert_null(((struct dr_quarantined *)list->pdata[0])->raw);
	g_ptr_array_unref(list);

	list = dr_store_quarantine_list(s, "bad-xml", NULL, &error);
	g_assert_no_error(error);
	g_assert_true(list_has(list, a));
	g_assert_false(list_has(list, b));
	g_assert_true(list_has(list, c));
	for (i = 0; i < list->len; i++)
		g_assert_cmpstr(((struct dr_quarantined *)
		    list->pdata[i])->reason, ==, "bad-xml");
	g_ptr_array_unref(list);

	list = dr_store_quarantine_list(s, "bad-xml", "quar", &error);
	g_assert_no_error(error);
	g_assert_cmpuint(list->len, ==, 1);
	g_assert_cmpint(((struct dr_quarantined *)list->pdata[0])->id, ==, a);
	g_ptr_array_unref(list);

	list = dr_store_quarantine_list(s, NULL, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(list_has(list, a) && list_has(list, b) &&
	    list_has(list, c));
	g_ptr_array_unref(list);

	list = dr_store_quarantine_list(s, NULL, "no-such-customer", &error);
	g_assert_no_error(error);
	g_assert_cmpuint(list->len, ==, 0);
	g_ptr_array_unref(list);

	dr_store_quarantine_update(s, a, 0, "unknown-recipient", "still \t none",
	    &error);
	g_assert_no_error(error);
	q = dr_store_quarantine_get(s, a, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(q->reason, ==, "unknown-recipient");
	g_assert_cmpstr(q->detail, ==, "still \t none");
	g_assert_cmpmem(g_bytes_get_data(q->raw, NULL),
	    g_bytes_get_size(q->raw), raw, sizeof(raw));
	dr_quarantined_free(q);
	g_assert_false(dr_store_quarantine_update(s, c + 1000, 0, "x", "y",
	    &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_NOT_FOUND);
	g_clear_error(&error);

	dr_store_quarantine_drop(s, a, &error);
	g_assert_no_error(error);
	q = dr_store_quarantine_get(s, a, &error);
	g_assert_null(q);
	g_assert_error(error, DR_ERROR, DR_ERROR_NOT_FOUND);
	g_clear_error(&error);
	g_assert_false(dr_store_quarantine_drop(s, a, &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_NOT_FOUND);
	g_clear_error(&error);
	g_assert_false(dr_store_quarantine_drop(s, c + 1000, &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_NOT_FOUND);
	g_clear_error(&error);
	dr_delivery_clear(&dlv);
}

static void
test_error_sqlstate(void)
{
	static const struct {
		const char *ip;
		gint64 count;
	} cases[] = {
		{ "not-an-ip", 1 },		/* 22P02 invalid text */
		{ "192.0.2.300", 1 },
		{ "192.0.2.1", -1 },		/* 23514 check violation */
	};
	struct dr_store *s = need_db();
	struct dr_delivery dlv = { NULL, NULL, NULL, NULL };
	GError *error = NULL;
	struct dr_report *rep;
	struct dr_record rec;
	gboolean dup = TRUE;
	gint64 cid;
	char *out;
	gsize i;

	if (s == NULL)
		return;
	cid = add_customer(s, "sqlstate");
	rep = new_report("Reporter", "bad", "sqlstate.example", 0, 86400);
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_test_message("source_ip '%s' count %" G_GINT64_FORMAT,
		    cases[i].ip, cases[i].count);
		plain_record(&rec, cases[i].ip, cases[i].count);
		dr_store_begin(s, &error);
		g_assert_no_error(error);
		dr_store_report_begin(s, cid, rep, &dlv, NULL);
		dr_store_record(s, &rec, &error);
		g_assert_no_error(error);
		g_assert_false(dr_store_report_end(s, rep, &dup, &error));
		g_assert_error(error, DR_ERROR, DR_ERROR_BAD_DATA);
		g_assert_nonnull(strstr(error->message, "SQLSTATE 2"));
		g_assert_false(dr_store_should_retry(s));
		g_clear_error(&error);
		dr_store_rollback(s);
		dr_record_clear(&rec);
	}
	out = query("SELECT count(*) FROM report WHERE customer_id = %"
	    G_GINT64_FORMAT, cid);
	g_assert_cmpstr(out, ==, "0");
	g_free(out);

	/* The connection is still good for the next message. */
	plain_record(&rec, "192.0.2.1", 1);
	g_assert_false(store_report(s, cid, rep, &rec, 1));
	dr_record_clear(&rec);
	dr_report_free(rep);
}

/* --- the test database ------------------------------------------------- */

static void
setup_db(void)
{
	GError *error = NULL;
	char *sql;

	db.dbname = g_strdup_printf("dr_test_store_%ld", (long)getpid());
	sql = g_strdup_printf("CREATE DATABASE %s", db.dbname);
	if (!run_psql("postgres", sql, NULL, &error))
		goto fail;
	db.s = dr_store_open(db.dbname, &error);
	if (db.s == NULL)
		goto fail;
	if (!dr_store_migrate(db.s, SCHEMA_DIR, &db.first_applied, &error)) {
		dr_store_close(db.s);
		db.s = NULL;
		goto fail;
	}
	g_free(sql);
	return;
fail:
	db.setup_error = g_strdup(error->message);
	g_error_free(error);
	g_free(sql);
}

static void
teardown_db(void)
{
	GError *error = NULL;
	char *sql;

	dr_store_close(db.s);
	if (db.s != NULL) {
		sql = g_strdup_printf("DROP DATABASE %s WITH (FORCE)",
		    db.dbname);
		if (!run_psql("postgres", sql, NULL, &error)) {
			g_printerr("test-store: %s\n", error->message);
			g_error_free(error);
		}
		g_free(sql);
	}
	g_free(db.dbname);
	g_free(db.setup_error);
}

int
main(int argc, char **argv)
{
	int rc;

	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/store/open/bad-conninfo", test_open_bad_conninfo);
	g_test_add_func("/store/open/environment", test_open_environment);
	g_test_add_func("/store/start/connect", test_start);
	g_test_add_func("/store/start/unreachable", test_start_unreachable);
	g_test_add_func("/store/migrate/idempotent", test_migrate_idempotent);
	g_test_add_func("/store/customer/add-get-list-remove", test_customer);
	g_test_add_func("/store/customer/domain-invalid",
	    test_customer_domain_invalid);
	g_test_add_func("/store/customer/remove-with-data",
	    test_customer_remove_data);
	g_test_add_func("/store/customer/for-address",
	    test_customer_for_address);
	g_test_add_func("/store/report/roundtrip", test_report_roundtrip);
	g_test_add_func("/store/report/duplicate", test_report_duplicate);
	g_test_add_func("/store/report/batches", test_report_batches);
	g_test_add_func("/store/report/foreign-domain",
	    test_report_foreign_domain);
	g_test_add_func("/store/report/rollback", test_report_rollback);
	g_test_add_func("/store/report/many-records",
	    test_report_many_records);
	g_test_add_func("/store/quarantine/roundtrip", test_quarantine);
	g_test_add_func("/store/error/sqlstate", test_error_sqlstate);
	if (g_getenv("PGHOST") != NULL && *g_getenv("PGHOST") != '\0')
		setup_db();
	rc = g_test_run();
	teardown_db();
	return rc;
}
