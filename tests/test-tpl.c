/*
 * test-tpl.c - the C face of ctemplate: values, sections, HTML escaping,
 * UTF-8 repair, and the refusal of missing, unparseable or unescaped
 * templates.  Each test writes its own templates into a temporary
 * directory; the last one loads the real ones from SRCDIR/templates.
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "error.h"
#include "tpl.h"

#define PRAGMA	"{{%AUTOESCAPE context=\"HTML\"}}"

struct fixture {
	char		*dir;
	struct dr_tpl	*tpl;
	struct dr_tpl_dict *dict;
	GString		*out;
};

static void
fx_setup(struct fixture *fx, gconstpointer data)
{
	GError *error = NULL;

	(void)data;
	fx->dir = g_dir_make_tmp("test-tpl-XXXXXX", &error);
	g_assert_no_error(error);
	fx->tpl = dr_tpl_new(fx->dir, &error);
	g_assert_no_error(error);
	g_assert_nonnull(fx->tpl);
	fx->dict = dr_tpl_dict_new();
	fx->out = g_string_new(NULL);
}

static void
fx_teardown(struct fixture *fx, gconstpointer data)
{
	GDir *dir;
	const char *name;

	(void)data;
	dr_tpl_dict_free(fx->dict);
	dr_tpl_free(fx->tpl);
	g_string_free(fx->out, TRUE);
	dir = g_dir_open(fx->dir, 0, NULL);
	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		char *path = g_build_filename(fx->dir, name, NULL);

		g_unlink(path);
		g_free(path);
	}
	if (dir != NULL)
		g_dir_close(dir);
	g_rmdir(fx->dir);
	g_free(fx->dir);
}

static void
put(struct fixture *fx, const char *name, const char *text)
{
	GError *error = NULL;
	char *path = g_build_filename(fx->dir, name, NULL);

	g_file_set_contents(path, text, -1, &error);
	g_assert_no_error(error);
	g_free(path);
}

/* Expands name and returns the output (owned by fx). */
static const char *
expand(struct fixture *fx, const char *name)
{
	GError *error = NULL;

	g_string_truncate(fx->out, 0);
	g_assert_true(dr_tpl_expand(fx->tpl, name, fx->dict, fx->out,
	    &error));
	g_assert_no_error(error);
	return fx->out->str;
}

static void
expand_fails(struct fixture *fx, const char *name)
{
	GError *error = NULL;

	g_assert_false(dr_tpl_expand(fx->tpl, name, fx->dict, fx->out,
	    &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_TEMPFAIL);
	g_error_free(error);
}

static void
test_set(struct fixture *fx, gconstpointer data)
{
	(void)data;
	put(fx, "t.tpl", PRAGMA "\n[{{A}}|{{B}}|{{N}}|{{M}}|{{P}}|{{Z}}]\n");
	dr_tpl_set(fx->dict, "A", "alpha");
	dr_tpl_set(fx->dict, "B", NULL);
	dr_tpl_set_int(fx->dict, "N", G_GINT64_CONSTANT(9007199254740993));
	dr_tpl_set_int(fx->dict, "M", -7);
	dr_tpl_set_printf(fx->dict, "P", "%s-%d", "x", 42);
	g_assert_cmpstr(expand(fx, "t.tpl"), ==,
	    "[alpha||9007199254740993|-7|x-42|]\n");
	/* Appends, and a second expansion uses the cached template. */
	g_assert_true(dr_tpl_expand(fx->tpl, "t.tpl", fx->dict, fx->out,
	    NULL));
	g_assert_cmpstr(fx->out->str, ==, "[alpha||9007199254740993|-7|x-42|]\n"
	    "[alpha||9007199254740993|-7|x-42|]\n");
}

static void
test_sections(struct fixture *fx, gconstpointer data)
{
	struct dr_tpl_dict *s;

	(void)data;
	put(fx, "t.tpl", PRAGMA "\n"
	    "{{#ROW}}[{{X}}{{#ROW_separator}},{{/ROW_separator}}{{/ROW}}\n"
	    "{{#SHOWN}}shown:{{V}}{{/SHOWN}}\n"
	    "{{#HIDDEN}}hidden{{/HIDDEN}}\n");
	s = dr_tpl_add_section(fx->dict, "ROW");
	dr_tpl_set(s, "X", "1>");
	s = dr_tpl_add_section(fx->dict, "ROW");
	dr_tpl_set(s, "X", "2>");
	dr_tpl_set(fx->dict, "V", "inherited");
	dr_tpl_show_section(fx->dict, "SHOWN");
	g_assert_cmpstr(expand(fx, "t.tpl"), ==,
	    "[1&gt;,[2&gt;\nshown:inherited\n\n");
}

static void
test_escape(struct fixture *fx, gconstpointer data)
{
	const char *out;

	(void)data;
	put(fx, "t.tpl", PRAGMA "\n<p title=\"{{V}}\">{{V}}</p>"
	    "<a href=\"{{V}}\">x</a><a href=\"r/{{V}}.html\">y</a>\n");
	dr_tpl_set(fx->dict, "V", "<script>&\"'");
	out = expand(fx, "t.tpl");
	g_assert_null(strstr(out, "<script"));
	g_assert_null(strstr(out, "\"'"));
	g_assert_nonnull(strstr(out, ">&lt;script&gt;&amp;&quot;&#39;</p>"));

	dr_tpl_set(fx->dict, "V", "javascript:alert(1)");
	out = expand(fx, "t.tpl");
	g_assert_null(strstr(out, "href=\"javascript:"));
}

static void
test_utf8(struct fixture *fx, gconstpointer data)
{
	const char *out;

	(void)data;
	put(fx, "t.tpl", PRAGMA "\n{{V}}|{{W}}|{{C}}\n");
	dr_tpl_set(fx->dict, "V", "caf\xc3\xa9 \xff\xfe end");
	dr_tpl_set(fx->dict, "W", "\xe2\x82");
	dr_tpl_set(fx->dict, "C", "a\001b\177c\td");
	out = expand(fx, "t.tpl");
	g_assert_true(g_utf8_validate(out, -1, NULL));
	g_assert_nonnull(strstr(out, "caf\xc3\xa9 "));
	g_assert_nonnull(strstr(out, " end|"));
	/* Controls become U+FFFD; ctemplate itself turns a tab into a space. */
	g_assert_nonnull(strstr(out,
	    "|a\xef\xbf\xbd" "b\xef\xbf\xbd" "c d\n"));
}

static void
test_missing(struct fixture *fx, gconstpointer data)
{
	(void)data;
	expand_fails(fx, "absent.tpl");
	expand_fails(fx, "");
	expand_fails(fx, "../etc.tpl");
	expand_fails(fx, NULL);
}

static void
test_no_pragma(struct fixture *fx, gconstpointer data)
{
	(void)data;
	put(fx, "plain.tpl", "<p>{{V}}</p>\n");
	put(fx, "late.tpl", "\n" PRAGMA "\n<p>{{V}}</p>\n");
	put(fx, "js.tpl", "{{%AUTOESCAPE context=\"JAVASCRIPT\"}}\n{{V}}\n");
	put(fx, "empty.tpl", "");
	dr_tpl_set(fx->dict, "V", "<script>");
	expand_fails(fx, "plain.tpl");
	expand_fails(fx, "late.tpl");
	expand_fails(fx, "js.tpl");
	expand_fails(fx, "empty.tpl");
	g_assert_cmpuint(fx->out->len, ==, 0);
}

static void
test_parse_error(struct fixture *fx, gconstpointer data)
{
	(void)data;
	put(fx, "open.tpl", PRAGMA "\n{{#S}}never closed\n");
	expand_fails(fx, "open.tpl");
	/* Still refused on the second try: nothing half-cached. */
	expand_fails(fx, "open.tpl");
}

static void
test_bad_dir(void)
{
	GError *error = NULL;

	g_assert_null(dr_tpl_new("/nonexistent/templates", &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_TEMPFAIL);
	g_error_free(error);
}

/* Two sets of templates with the same names do not share a cache. */
static void
test_private_cache(struct fixture *fx, gconstpointer data)
{
	struct fixture other;

	(void)data;
	fx_setup(&other, NULL);
	put(fx, "t.tpl", PRAGMA "one\n");
	put(&other, "t.tpl", PRAGMA "two\n");
	g_assert_cmpstr(expand(fx, "t.tpl"), ==, "one\n");
	g_assert_cmpstr(expand(&other, "t.tpl"), ==, "two\n");
	fx_teardown(&other, NULL);
}

/* The shipped templates all start with the pragma and parse. */
static void
test_real_templates(void)
{
	static const char *const names[] = {
		"overview.tpl", "sources.tpl", "reporters.tpl",
		"reports.tpl", "report.tpl", "quality.tpl", "archive.tpl",
		"empty.tpl",
	};
	GError *error = NULL;
	struct dr_tpl *tpl;
	struct dr_tpl_dict *d;
	GString *out = g_string_new(NULL);
	gsize i;

	tpl = dr_tpl_new(SRCDIR "/templates", &error);
	g_assert_no_error(error);
	d = dr_tpl_dict_new();
	for (i = 0; i < G_N_ELEMENTS(names); i++) {
		g_string_truncate(out, 0);
		g_assert_true(dr_tpl_expand(tpl, names[i], d, out, &error));
		g_assert_no_error(error);
		g_assert_true(g_str_has_prefix(out->str, "<!DOCTYPE html>\n"));
	}
	dr_tpl_dict_free(d);
	dr_tpl_free(tpl);
	g_string_free(out, TRUE);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
#define FX(path, fn) g_test_add(path, struct fixture, NULL, fx_setup, fn, \
	    fx_teardown)
	FX("/tpl/set", test_set);
	FX("/tpl/sections", test_sections);
	FX("/tpl/escape/html", test_escape);
	FX("/tpl/utf8/made-valid", test_utf8);
	FX("/tpl/missing", test_missing);
	FX("/tpl/no-pragma", test_no_pragma);
	FX("/tpl/parse-error", test_parse_error);
	FX("/tpl/private-cache", test_private_cache);
#undef FX
	g_test_add_func("/tpl/bad-dir", test_bad_dir);
	g_test_add_func("/tpl/real-templates", test_real_templates);
	return g_test_run();
}
