/*
 * test-pages.c - a customer's site from a hand-built struct dr_site.
 *
 * Golden files: a fixed site (two policy domains whose receivers
 * disagree, sources of every class, three reports, one of them about a
 * foreign domain and with notes, records with several DKIM results,
 * quarantined mails), the empty site and an archive page are rendered
 * with the real templates and compared byte for byte with
 * tests/golden/.  After a deliberate change to pages.c or the
 * templates, rewrite the goldens and review the diff:
 *
 *	DR_UPDATE_GOLDEN=1 make check TESTS=tests/test-pages
 *
 * Hostile strings: every report-supplied field (and the customer name)
 * in turn holds markup, quotes, a javascript: URL and invalid UTF-8; no
 * page may carry any of it unescaped inside a tag, and every page must
 * stay valid UTF-8.  Every page links only to relative URLs, has no
 * table without rows and no rate of nothing shown as "0%", and, when
 * xmllint is installed, parses without errors (its HTML 4 parser's
 * complaints about HTML5 and SVG element names aside).
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "error.h"
#include "pages.h"
#include "tpl.h"
#include "view.h"

gboolean dr_pages_write_archive(struct dr_tpl *tpl, const char *path,
	    const char *slug, const char *name, const char *const *dates,
	    GError **error);

#define GOLDEN_DIR	SRCDIR "/tests/golden"
#define TEMPLATES	SRCDIR "/templates"
#define STYLE_CSS	TEMPLATES "/style.css"
#define GENERATED	"2026-12-05"
#define DAY		86400

static const char *const hostile[] = {
	"<script>alert(1)</script>",
	"\"'><img src=x onerror=alert(1)>",
	"javascript:alert(1)",
	"bad \xff\xfe\xc3 utf-8 \xed\xa0\x80",
};

/* What each hostile string must look like on a page, escaped. */
static const char *const hostile_escaped[] = {
	"&lt;script&gt;alert(1)&lt;/script&gt;",
	"&quot;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;",
	"javascript:alert(1)",
	"bad \xef\xbf\xbd",
};

/* ---- building and freeing a site by hand ---- */

static gint64
utc(int year, int month, int day, int hour)
{
	GDateTime *dt = g_date_time_new_utc(year, month, day, hour, 0, 0);
	gint64 t = g_date_time_to_unix(dt);

	g_date_time_unref(dt);
	return t;
}

/* An empty site of customer acme for the week of 28 Nov 2026. */
static struct dr_site *
site_new(void)
{
	struct dr_site *site = dr_site_new();
	int i;

	site->slug = g_strdup("acme");
	site->name = g_strdup("Acme Example Ltd");
	g_ptr_array_add(site->addresses,
	    g_strdup("dmarc.acme@reports.example.net"));
	g_ptr_array_add(site->addresses,
	    g_strdup("dmarc-acme@reports.example.net"));
	g_ptr_array_add(site->domains, g_strdup("acme.example"));
	g_ptr_array_add(site->domains, g_strdup("acme-mail.example"));
	site->window_start = utc(2026, 11, 28, 0);
	site->window_end = site->window_start + DR_WINDOW_DAYS * DAY;
	for (i = 0; i < DR_WINDOW_DAYS; i++)
		site->days[i].day = site->window_start + i * DAY;
	return site;
}

static void
add_policy(struct dr_site *site, const char *domain, const char *p,
    const char *sp, const char *adkim, const char *aspf, const char *pct,
    const char *testing, gint64 reports, const char *reporters,
    gboolean disagreement)
{
	struct dr_view_policy *pol = g_new0(struct dr_view_policy, 1);

	pol->domain = g_strdup(domain);
	pol->p = g_strdup(p);
	pol->sp = g_strdup(sp);
	pol->adkim = g_strdup(adkim);
	pol->aspf = g_strdup(aspf);
	pol->pct = g_strdup(pct);
	pol->testing = g_strdup(testing);
	pol->reports = reports;
	pol->reporters = g_strdup(reporters);
	pol->disagreement = disagreement;
	g_ptr_array_add(site->policies, pol);
}

static void
add_source(struct dr_site *site, const char *ip, const char *from,
    gint64 messages, gint64 spf, gint64 dkim, const char *dkim_list,
    const char *spf_list, const char *envelope_from)
{
	struct dr_view_source *src = g_new0(struct dr_view_source, 1);
	gint64 both = MIN(spf, dkim), pass = spf + dkim - both;

	src->source_ip = g_strdup(ip);
	src->header_from = g_strdup(from);
	src->c.messages = messages;
	src->c.spf_aligned = spf;
	src->c.dkim_aligned = dkim;
	src->c.both_aligned = both;
	src->c.dmarc_pass = pass;
	src->c.disp_none = messages;
	src->failing = messages - pass;
	src->cls = both * 2 >= messages ? DR_CLASS_OK :
	    pass * 2 >= messages ? DR_CLASS_PARTLY : DR_CLASS_FAILING;
	src->dkim = g_strdup(dkim_list);
	src->spf = g_strdup(spf_list);
	src->envelope_from = g_strdup(envelope_from);
	g_ptr_array_add(site->sources, src);
}

static void
add_reporter(struct dr_site *site, const char *org, const char *email,
    gint64 reports, gint64 messages, gint64 last_end)
{
	struct dr_view_reporter *r = g_new0(struct dr_view_reporter, 1);

	r->org_name = g_strdup(org);
	r->email = g_strdup(email);
	r->reports = reports;
	r->messages = messages;
	r->last_end = last_end;
	g_ptr_array_add(site->reporter_list, r);
}

static struct dr_view_report *
add_report(struct dr_site *site, gint64 id, const char *org,
    const char *report_id, const char *domain, gint64 begin, gint64 messages,
    gint64 records)
{
	struct dr_view_report *rep = g_new0(struct dr_view_report, 1);

	rep->id = id;
	rep->org_name = g_strdup(org);
	rep->email = g_strdup("noreply-dmarc@example.org");
	rep->report_id = g_strdup(report_id);
	rep->domain = g_strdup(domain);
	rep->begin = begin;
	rep->end = begin + DAY;
	rep->p = g_strdup("reject");
	rep->adkim = g_strdup("r");
	rep->aspf = g_strdup("s");
	rep->pct = g_strdup("100");
	rep->version = g_strdup("1.0");
	rep->records = records;
	rep->messages = messages;
	rep->window_messages = messages;
	rep->notes = g_ptr_array_new_with_free_func(g_free);
	rep->received = g_strdup("2026-11-30 06:12 UTC");
	g_ptr_array_add(site->report_list, rep);
	return rep;
}

static void
add_quarantined(struct dr_site *site, gint64 id, const char *received,
    const char *reason, const char *detail)
{
	struct dr_view_quarantined *q = g_new0(struct dr_view_quarantined, 1);

	q->id = id;
	q->received = g_strdup(received);
	q->reason = g_strdup(reason);
	q->detail = g_strdup(detail);
	g_ptr_array_add(site->quarantined, q);
}

static struct dr_view_record *
add_record(struct dr_view_report *rep, const char *ip, gint64 count,
    const char *disposition, const char *dkim_eval, const char *spf_eval,
    const char *dkim, const char *spf)
{
	struct dr_view_record *rec = g_new0(struct dr_view_record, 1);

	rec->source_ip = g_strdup(ip);
	rec->count = count;
	rec->disposition = g_strdup(disposition);
	rec->dkim_eval = g_strdup(dkim_eval);
	rec->spf_eval = g_strdup(spf_eval);
	rec->header_from = g_strdup(rep->domain);
	rec->envelope_from = g_strdup(rep->domain);
	rec->dkim = g_strdup(dkim);
	rec->spf = g_strdup(spf);
	g_ptr_array_add(rep->rows, rec);
	return rec;
}

/* The rows callback: loads fixed records, the way the store would. */
static gboolean
load_rows(struct dr_view_report *rep, gpointer user, GError **error)
{
	struct dr_view_record *rec;
	guint *calls = user;

	(void)error;
	(*calls)++;
	rep->rows = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)dr_view_record_free);
	switch (rep->id) {
	case 101:
		add_record(rep, "192.0.2.10", 1200, "none", "pass", "pass",
		    "acme.example (s2026) pass, esp.example (k1) pass",
		    "acme.example (mfrom) pass");
		rec = add_record(rep, "198.51.100.7", 96, "reject", "fail",
		    "fail", "other.example (x) fail, acme.example (s2026) "
		    "neutral", "other.example (mfrom) softfail");
		rec->reasons = g_strdup("local_policy: spam");
		rec->envelope_to = g_strdup("user@example.org");
		rep->rows_omitted = 3;
		break;
	case 102:
		add_record(rep, "2001:db8::25", 40, "quarantine", "fail",
		    "pass", NULL, "acme-mail.example (mfrom) pass");
		break;
	default:
		rec = add_record(rep, NULL, 2, "none", "fail", "fail",
		    "other.example (sel) permerror", NULL);
		rec->source_ip_raw = g_strdup("unknown");
		break;
	}
	return TRUE;
}

/* The fixed site of the golden files. */
static struct dr_site *
golden_site(void)
{
	static const gint64 pass[] = { 420, 515, 380, 0, 610, 702, 233 };
	static const gint64 fail[] = { 12, 48, 5, 0, 96, 7, 1 };
	struct dr_site *site = site_new();
	struct dr_view_report *rep;
	struct dr_view_counts *c = &site->totals;
	int i;

	for (i = 0; i < DR_WINDOW_DAYS; i++) {
		site->days[i].pass = pass[i];
		site->days[i].fail = fail[i];
		c->messages += pass[i] + fail[i];
		c->dmarc_pass += pass[i];
	}
	c->spf_aligned = 2650;
	c->dkim_aligned = 2731;
	c->both_aligned = 2521;
	c->disp_none = 2804;
	c->disp_quarantine = 40;
	c->disp_reject = 96;
	c->disp_pass = 87;
	c->disp_other = 2;
	site->reports = 3;
	site->reporters = 3;
	add_policy(site, "acme-mail.example", "quarantine", NULL, "r", "r",
	    "100", NULL, 1, "Microsoft Corporation", FALSE);
	add_policy(site, "acme.example", "reject", "quarantine", "r", "s",
	    "100", "n", 1, "google.com", TRUE);
	add_policy(site, "acme.example", "none", NULL, NULL, NULL, NULL, NULL,
	    1, "Mail.Ru", TRUE);
	add_source(site, "198.51.100.7", "acme.example", 96, 0, 0,
	    "other.example (x)", "other.example", "other.example");
	add_source(site, "203.0.113.9", "acme.example", 50, 0, 10,
	    "acme.example (old)", "mailer.example", "bounce.mailer.example");
	add_source(site, "2001:db8::25", "acme-mail.example", 40, 40, 0,
	    NULL, "acme-mail.example", "acme-mail.example");
	add_source(site, "192.0.2.10", "acme.example", 2600, 2600, 2600,
	    "acme.example (s2026), esp.example (k1)", "acme.example",
	    "acme.example");
	add_source(site, NULL, "acme.example", 2, 0, 0, NULL, NULL, NULL);
	site->sources_omitted = 4;
	site->sources_omitted_messages = 1234567;
	add_reporter(site, "google.com", "noreply-dmarc-support@google.com",
	    1, 2896, utc(2026, 11, 30, 0));
	add_reporter(site, "Microsoft Corporation",
	    "dmarcreport@microsoft.com", 1, 40, utc(2026, 12, 2, 0));
	add_reporter(site, "Mail.Ru", "dmarc_support@corp.mail.ru", 1, 2,
	    utc(2026, 12, 4, 0));
	rep = add_report(site, 103, "Mail.Ru", "mailru-1701651200",
	    "other.example", utc(2026, 12, 3, 0), 2, 1);
	rep->foreign = TRUE;
	rep->xml_namespace = g_strdup("urn:ietf:params:xml:ns:dmarc-2.0");
	rep->generator = g_strdup("Mail.Ru DMARC 3.1");
	rep->discovery_method = g_strdup("treewalk");
	rep->testing = g_strdup("n");
	g_ptr_array_add(rep->notes,
	    g_strdup("record 1: source IP \"unknown\" is not an IP address"));
	g_ptr_array_add(rep->notes,
	    g_strdup("declared encoding windows-1252 converted"));
	rep = add_report(site, 102, "Microsoft Corporation",
	    "8c1b5bd5f0f14f3e9f2b1c3e1e2a9b77", "acme-mail.example",
	    utc(2026, 12, 1, 0), 40, 1);
	g_free(rep->p);
	rep->p = g_strdup("quarantine");
	rep = add_report(site, 101, "google.com", "13827485946312765109",
	    "acme.example", utc(2026, 11, 29, 0), 2896, 5);
	rep->window_messages = 2896;
	rep->extra_contact_info = g_strdup("https://support.google.com/a/"
	    "answer/2466580");
	add_quarantined(site, 7, "2026-12-03 11:02 UTC", "bad-xml",
	    "line 3: opening and ending tag mismatch: feedback and record");
	add_quarantined(site, 6, "2026-12-01 08:40 UTC", "not-a-report",
	    "no report found in 2 MIME parts");
	add_quarantined(site, 5, "2026-11-29 23:59 UTC", "too-large",
	    "decompressed size over 268435456 bytes");
	add_quarantined(site, 4, "2026-11-28 00:01 UTC", "odd-reason", NULL);
	return site;
}

/* ---- rendering and checking ---- */

static void
rm_rf(const char *path)
{
	GDir *dir;
	const char *name;

	if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
		dir = g_dir_open(path, 0, NULL);
		while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
			char *sub = g_build_filename(path, name, NULL);

			rm_rf(sub);
			g_free(sub);
		}
		if (dir != NULL)
			g_dir_close(dir);
		g_rmdir(path);
	} else
		g_unlink(path);
}

/* Relative paths of the files under dir, sorted (transfer full). */
static void
list_files(const char *dir, const char *prefix, GPtrArray *out)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	g_assert_nonnull(d);
	while ((name = g_dir_read_name(d)) != NULL) {
		char *path = g_build_filename(dir, name, NULL);
		char *rel = *prefix != '\0' ?
		    g_strdup_printf("%s/%s", prefix, name) : g_strdup(name);

		if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
			list_files(path, rel, out);
			g_free(rel);
		} else
			g_ptr_array_add(out, rel);
		g_free(path);
	}
	g_dir_close(d);
}

static gint
cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static GPtrArray *
files_of(const char *dir)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	list_files(dir, "", out);
	g_ptr_array_sort(out, cmp_str);
	return out;
}

/* Renders site into a new temporary directory (transfer full: path). */
static char *
render(const struct dr_site *site)
{
	GError *error = NULL;
	struct dr_tpl *tpl;
	char *dir;
	guint calls = 0;

	dir = g_dir_make_tmp("test-pages-XXXXXX", &error);
	g_assert_no_error(error);
	tpl = dr_tpl_new(TEMPLATES, &error);
	g_assert_no_error(error);
	g_assert_true(dr_pages_write(site, tpl, STYLE_CSS, dir, GENERATED,
	    load_rows, &calls, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(calls, ==, site->report_list->len);
	dr_tpl_free(tpl);
	return dir;
}

static char *
slurp(const char *path)
{
	GError *error = NULL;
	char *text;

	g_file_get_contents(path, &text, NULL, &error);
	g_assert_no_error(error);
	return text;
}

/*
 * Nothing from data inside a tag: tags hold only template text and our
 * own numbers, so a tag mentioning the payloads was injected.
 */
static void
check_tags(const char *file, const char *html)
{
	const char *p = html, *end;

	while ((p = strchr(p, '<')) != NULL) {
		char *tag;

		end = strchr(p, '>');
		g_assert_nonnull(end);
		tag = g_ascii_strdown(p, end - p + 1);
		if (strstr(tag, "onerror") != NULL ||
		    strstr(tag, "javascript:") != NULL ||
		    g_str_has_prefix(tag, "<script") ||
		    g_str_has_prefix(tag, "<img") ||
		    strstr(tag, "alert(") != NULL)
			g_error("%s: injected tag %s", file, tag);
		g_free(tag);
		p = end + 1;
	}
}

/* Every href and src is relative: no scheme, no network path. */
static void
check_links(const char *file, const char *html)
{
	static const char *const attrs[] = { "href=\"", "src=\"" };
	gsize i;

	for (i = 0; i < G_N_ELEMENTS(attrs); i++) {
		const char *p = html;

		while ((p = strstr(p, attrs[i])) != NULL) {
			const char *v = p + strlen(attrs[i]);
			const char *q = strchr(v, '"');
			char *url;

			g_assert_nonnull(q);
			url = g_strndup(v, q - v);
			if (strstr(url, "//") != NULL ||
			    strchr(url, ':') != NULL || *url == '/')
				g_error("%s: link %s is not relative", file,
				    url);
			g_free(url);
			p = q;
		}
	}
}

/* xmllint --html: only errors other than unknown (HTML5, SVG) tags. */
static void
check_xmllint(const char *path)
{
	const char *argv[] = { "xmllint", "--html", "--noout", path, NULL };
	GError *error = NULL;
	char *err = NULL, **lines;
	char *prog = g_find_program_in_path("xmllint");
	gsize i;

	if (prog == NULL)
		return;
	g_free(prog);
	g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH |
	    G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, NULL, &error);
	g_assert_no_error(error);
	lines = g_strsplit(err, "\n", -1);
	for (i = 0; lines[i] != NULL; i++) {
		const char *e = strstr(lines[i], "HTML parser error : ");

		if (e == NULL)
			continue;
		e += strlen("HTML parser error : ");
		if (g_str_has_prefix(e, "Tag ") &&
		    g_str_has_suffix(e, " invalid"))
			continue;
		g_error("xmllint %s: %s", path, e);
	}
	g_strfreev(lines);
	g_free(err);
}

/* A table is shown only with rows: never its headings alone. */
static void
check_tables(const char *file, const char *html)
{
	const char *p = html, *head, *end, *row;

	while ((p = strstr(p, "<table")) != NULL) {
		end = strstr(p, "</table>");
		g_assert_nonnull(end);
		head = strstr(p, "</thead>");
		row = head != NULL ? strstr(head, "<tr") : NULL;
		if (head == NULL || head > end || row == NULL || row > end)
			g_error("%s: a table without rows", file);
		p = end;
	}
}

/* The checks every page passes, whatever the data. */
static void
check_page(const char *path, const char *html)
{
	g_assert_true(g_utf8_validate(html, -1, NULL));
	g_assert_true(g_str_has_prefix(html, "<!DOCTYPE html>\n"
	    "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"));
	g_assert_nonnull(strstr(html, "<title>"));
	g_assert_nonnull(strstr(html, "name=\"viewport\""));
	/* A rate of nothing is an em dash, a rate "0.0%". */
	if (strstr(html, ">0%") != NULL)
		g_error("%s: a rate shown as 0%%", path);
	check_tags(path, html);
	check_links(path, html);
	check_tables(path, html);
	check_xmllint(path);
}

/* Checks every page under dir; returns them concatenated. */
static GString *
check_site(const char *dir)
{
	GPtrArray *files = files_of(dir);
	GString *all = g_string_new(NULL);
	guint i;

	for (i = 0; i < files->len; i++) {
		const char *rel = files->pdata[i];
		char *path = g_build_filename(dir, rel, NULL);
		char *text = slurp(path);

		if (g_str_has_suffix(rel, ".html"))
			check_page(path, text);
		g_string_append(all, text);
		g_free(text);
		g_free(path);
	}
	g_ptr_array_unref(files);
	return all;
}

/* Compares (or with DR_UPDATE_GOLDEN=1 rewrites) golden/sub with dir. */
static void
compare_golden(const char *dir, const char *sub)
{
	gboolean update = g_strcmp0(g_getenv("DR_UPDATE_GOLDEN"), "1") == 0;
	char *gdir = g_build_filename(GOLDEN_DIR, sub, NULL);
	GPtrArray *files = files_of(dir), *golden;
	GError *error = NULL;
	guint i;

	for (i = 0; i < files->len; i++) {
		const char *rel = files->pdata[i];
		char *path = g_build_filename(dir, rel, NULL);
		char *gpath = g_build_filename(gdir, rel, NULL);
		char *got = slurp(path), *want;

		if (strcmp(rel, "style.css") == 0) {
			want = slurp(STYLE_CSS);
			g_assert_cmpstr(got, ==, want);
		} else if (update) {
			char *parent = g_path_get_dirname(gpath);

			g_assert_cmpint(g_mkdir_with_parents(parent, 0755), ==,
			    0);
			g_free(parent);
			g_file_set_contents(gpath, got, -1, &error);
			g_assert_no_error(error);
			want = NULL;
		} else {
			want = slurp(gpath);
			if (strcmp(got, want) != 0)
				g_error("%s differs from %s; if intended, run "
				    "DR_UPDATE_GOLDEN=1 make check "
				    "TESTS=tests/test-pages", path, gpath);
		}
		g_free(want);
		g_free(got);
		g_free(gpath);
		g_free(path);
	}
	/* No golden file left without its page. */
	golden = files_of(gdir);
	for (i = 0; i < golden->len; i++) {
		gboolean found = FALSE;
		guint j;

		for (j = 0; j < files->len && !found; j++)
			found = strcmp(golden->pdata[i], files->pdata[j]) == 0;
		if (!found)
			g_error("golden %s/%s: no such page rendered", gdir,
			    (char *)golden->pdata[i]);
	}
	g_ptr_array_unref(golden);
	g_ptr_array_unref(files);
	g_free(gdir);
}

/* ---- tests ---- */

static void
test_golden_site(void)
{
	struct dr_site *site = golden_site();
	char *dir = render(site);
	GString *all = check_site(dir);

	compare_golden(dir, "site");
	/* The figures the overview promises, spot-checked. */
	g_assert_nonnull(strstr(all->str, "28 Nov - 4 Dec 2026"));
	g_assert_nonnull(strstr(all->str, "3,029"));
	g_assert_nonnull(strstr(all->str, "<svg"));
	g_assert_nonnull(strstr(all->str, "Receivers disagree"));
	g_assert_nonnull(strstr(all->str,
	    "4 more sources with 1,234,567 messages not shown."));
	g_assert_nonnull(strstr(all->str, "3 more records not shown."));
	g_assert_nonnull(strstr(all->str, "href=\"report/101.html\""));
	/* 1 Dec had no mail: its pass rate is a dash, not 0%. */
	g_assert_nonnull(strstr(all->str, "<time datetime=\"2026-12-01\">"
	    "Tue 1<span class=\"month\"> Dec</span></time></th>"
	    "<td class=\"num\">0</td><td class=\"num\">0</td>"
	    "<td class=\"num\">\xe2\x80\x94</td>"));
	g_string_free(all, TRUE);
	rm_rf(dir);
	g_free(dir);
	dr_site_free(site);
}

/* Reads dir/file (transfer full). */
static char *
slurp_in(const char *dir, const char *file)
{
	char *path = g_build_filename(dir, file, NULL);
	char *text = slurp(path);

	g_free(path);
	return text;
}

/*
 * Without unreadable mails or foreign reports, the quality page says so
 * in words and shows no table; a source without messages has no rates.
 */
static void
test_no_rows(void)
{
	struct dr_site *site = golden_site();
	struct dr_view_source *src;
	char *dir, *quality, *sources;
	guint i;

	g_ptr_array_set_size(site->quarantined, 0);
	for (i = 0; i < site->report_list->len; i++)
		((struct dr_view_report *)
		    site->report_list->pdata[i])->foreign = FALSE;
	src = site->sources->pdata[4];
	memset(&src->c, 0, sizeof(src->c));
	src->failing = 0;
	dir = render(site);
	g_string_free(check_site(dir), TRUE);
	quality = slurp_in(dir, "quality.html");
	g_assert_null(strstr(quality, "<table"));
	g_assert_nonnull(strstr(quality, "None: every mail to your report "
	    "address could be read."));
	sources = slurp_in(dir, "sources.html");
	g_assert_nonnull(strstr(sources, "<td class=\"num\">0<span "
	    "class=\"pct\">\xe2\x80\x94</span></td>"));
	g_free(sources);
	g_free(quality);
	rm_rf(dir);
	g_free(dir);
	dr_site_free(site);
}

/*
 * Large counts: the chart's labels stay short enough for their slots
 * ("1.2M", "500k"), the table beside it keeps the exact figures.
 */
static void
test_chart_labels(void)
{
	struct dr_site *site = golden_site();
	char *dir, *index;

	site->days[2].pass = 1234000;
	site->days[2].fail = 567;
	site->days[4].pass = 12345;
	dir = render(site);
	index = slurp_in(dir, "index.html");
	g_assert_nonnull(strstr(index, ">1.2M</text>"));
	g_assert_nonnull(strstr(index, ">12.4k</text>"));
	g_assert_nonnull(strstr(index, ">500k</text>"));
	g_assert_nonnull(strstr(index, ">1.5M</text>"));
	g_assert_nonnull(strstr(index, ">2M</text>"));
	g_assert_nonnull(strstr(index, ">1,234,000</td>"));
	/* An SVG text is never a full seven-digit figure. */
	g_assert_null(strstr(index, ",234,567</text>"));
	g_free(index);
	rm_rf(dir);
	g_free(dir);
	dr_site_free(site);
}

static void
test_empty_site(void)
{
	struct dr_site *site = site_new();
	char *dir = render(site);
	GString *all = check_site(dir);
	char *index, *path = g_build_filename(dir, "index.html", NULL);

	compare_golden(dir, "empty");
	index = slurp(path);
	g_assert_nonnull(strstr(index, "No reports received in this window"));
	g_assert_nonnull(strstr(index, "dmarc.acme@reports.example.net"));
	g_assert_nonnull(strstr(index, "dmarc-acme@reports.example.net"));
	g_assert_nonnull(strstr(index, "acme.example"));
	g_assert_nonnull(strstr(index, "acme-mail.example"));
	g_free(index);
	g_free(path);
	g_string_free(all, TRUE);
	rm_rf(dir);
	g_free(dir);
	dr_site_free(site);
}

static void
test_archive(void)
{
	static const char *const dates[] = {
		"2026-12-05", "2026-12-04", "2026-01-03", NULL,
	};
	static const char *const bad[] = { "2026-12-05\"><x", NULL };
	GError *error = NULL;
	struct dr_tpl *tpl = dr_tpl_new(TEMPLATES, &error);
	char *dir = g_dir_make_tmp("test-pages-XXXXXX", &error);
	char *path = g_build_filename(dir, "archive.html", NULL);
	char *html;

	g_assert_no_error(error);
	g_assert_true(dr_pages_write_archive(tpl, path, "acme",
	    "Acme <Example>", dates, &error));
	g_assert_no_error(error);
	html = slurp(path);
	check_page(path, html);
	g_assert_nonnull(strstr(html, "href=\"2026-12-04/index.html\""));
	g_assert_nonnull(strstr(html, "27 Dec 2025 - 2 Jan 2026"));
	g_assert_nonnull(strstr(html, "Acme &lt;Example&gt;"));
	g_free(html);
	compare_golden(dir, "archive");
	g_assert_false(dr_pages_write_archive(tpl, path, "acme", NULL, bad,
	    &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_TEMPFAIL);
	g_clear_error(&error);
	rm_rf(dir);
	g_free(dir);
	g_free(path);
	dr_tpl_free(tpl);
}

static void
test_failures(void)
{
	struct dr_site *site = site_new();
	GError *error = NULL;
	struct dr_tpl *tpl = dr_tpl_new(TEMPLATES, &error);
	char *dir = g_dir_make_tmp("test-pages-XXXXXX", &error);
	char *missing = g_build_filename(dir, "absent", NULL);

	g_assert_no_error(error);
	/* The directory must exist. */
	g_assert_false(dr_pages_write(site, tpl, STYLE_CSS, missing,
	    GENERATED, NULL, NULL, &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_TEMPFAIL);
	g_clear_error(&error);
	/* The style sheet must be readable. */
	g_assert_false(dr_pages_write(site, tpl, missing, dir, GENERATED,
	    NULL, NULL, &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_TEMPFAIL);
	g_clear_error(&error);
	g_free(missing);
	rm_rf(dir);
	g_free(dir);
	dr_tpl_free(tpl);
	dr_site_free(site);
}

static gboolean
fail_rows(struct dr_view_report *rep, gpointer user, GError **error)
{
	(void)rep;
	(void)user;
	g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL, "database gone");
	return FALSE;
}

static void
test_rows_error(void)
{
	struct dr_site *site = golden_site();
	GError *error = NULL;
	struct dr_tpl *tpl = dr_tpl_new(TEMPLATES, &error);
	char *dir = g_dir_make_tmp("test-pages-XXXXXX", &error);

	g_assert_no_error(error);
	g_assert_false(dr_pages_write(site, tpl, STYLE_CSS, dir, GENERATED,
	    fail_rows, NULL, &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_TEMPFAIL);
	g_assert_cmpstr(error->message, ==, "database gone");
	g_clear_error(&error);
	rm_rf(dir);
	g_free(dir);
	dr_tpl_free(tpl);
	dr_site_free(site);
}

/* ---- hostile strings, one test per field ---- */

static void
replace(char **field, const char *value)
{
	g_free(*field);
	*field = g_strdup(value);
}

static struct dr_view_report *
report_nth(struct dr_site *site, guint i)
{
	return site->report_list->pdata[i];
}

static void
poison_org(struct dr_site *site, const char *v)
{
	replace(&report_nth(site, 0)->org_name, v);
	replace(&((struct dr_view_reporter *)
	    site->reporter_list->pdata[0])->org_name, v);
	replace(&((struct dr_view_policy *)
	    site->policies->pdata[0])->reporters, v);
}

static void
poison_report_id(struct dr_site *site, const char *v)
{
	replace(&report_nth(site, 0)->report_id, v);
	replace(&report_nth(site, 2)->report_id, v);
}

static void
poison_policy_domain(struct dr_site *site, const char *v)
{
	replace(&((struct dr_view_policy *)
	    site->policies->pdata[1])->domain, v);
	replace(&((struct dr_view_policy *)
	    site->policies->pdata[1])->p, v);
	replace(&report_nth(site, 0)->domain, v);
	replace(&report_nth(site, 1)->domain, v);
}

static void
poison_header_from(struct dr_site *site, const char *v)
{
	replace(&((struct dr_view_source *)
	    site->sources->pdata[0])->header_from, v);
}

static void
poison_dkim(struct dr_site *site, const char *v)
{
	char *list = g_strdup_printf("acme.example (%s)", v);

	replace(&((struct dr_view_source *)site->sources->pdata[1])->dkim,
	    list);
	g_free(list);
}

static void
poison_envelope_from(struct dr_site *site, const char *v)
{
	replace(&((struct dr_view_source *)
	    site->sources->pdata[2])->envelope_from, v);
	replace(&((struct dr_view_source *)site->sources->pdata[2])->spf, v);
}

static void
poison_notes(struct dr_site *site, const char *v)
{
	g_ptr_array_add(report_nth(site, 0)->notes, g_strdup(v));
	g_ptr_array_add(report_nth(site, 2)->notes, g_strdup(v));
}

static void
poison_quarantine(struct dr_site *site, const char *v)
{
	replace(&((struct dr_view_quarantined *)
	    site->quarantined->pdata[0])->detail, v);
	replace(&((struct dr_view_quarantined *)
	    site->quarantined->pdata[1])->reason, v);
}

static void
poison_customer(struct dr_site *site, const char *v)
{
	replace(&site->name, v);
	g_ptr_array_add(site->domains, g_strdup(v));
}

static void
poison_report_meta(struct dr_site *site, const char *v)
{
	struct dr_view_report *rep = report_nth(site, 1);

	replace(&rep->email, v);
	replace(&rep->extra_contact_info, v);
	replace(&rep->generator, v);
	replace(&rep->errors, v);
	replace(&rep->sp, v);
	replace(&rep->adkim, v);
}

/*
 * Row fields (DKIM human_result/result lists, source_ip_raw, reasons)
 * come through the rows callback: user holds the value.
 */
static gboolean
poison_rows(struct dr_view_report *rep, gpointer user, GError **error)
{
	const char *v = user;
	struct dr_view_record *rec;
	char *list;

	(void)error;
	rep->rows = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)dr_view_record_free);
	list = g_strdup_printf("acme.example (s1) %s, acme.example (%s) "
	    "pass", v, v);
	rec = add_record(rep, NULL, 1, v, v, "pass", list, v);
	g_free(list);
	rec->source_ip_raw = g_strdup(v);
	rec->reasons = g_strdup(v);
	rec->envelope_to = g_strdup(v);
	replace(&rec->header_from, v);
	return TRUE;
}

struct hostile_case {
	const char *path;
	void (*poison)(struct dr_site *site, const char *v);
};

static const struct hostile_case hostile_cases[] = {
	{ "/pages/hostile/org_name", poison_org },
	{ "/pages/hostile/report_id", poison_report_id },
	{ "/pages/hostile/policy-domain", poison_policy_domain },
	{ "/pages/hostile/header_from", poison_header_from },
	{ "/pages/hostile/dkim-selector", poison_dkim },
	{ "/pages/hostile/envelope_from", poison_envelope_from },
	{ "/pages/hostile/notes", poison_notes },
	{ "/pages/hostile/quarantine-detail", poison_quarantine },
	{ "/pages/hostile/customer-name", poison_customer },
	{ "/pages/hostile/report-metadata", poison_report_meta },
	{ "/pages/hostile/rows", NULL },
};

static void
test_hostile(gconstpointer data)
{
	const struct hostile_case *hc = data;
	gsize i;

	for (i = 0; i < G_N_ELEMENTS(hostile); i++) {
		struct dr_site *site = golden_site();
		GError *error = NULL;
		struct dr_tpl *tpl;
		GString *all;
		guint calls = 0;
		char *dir;

		if (hc->poison != NULL)
			hc->poison(site, hostile[i]);
		dir = g_dir_make_tmp("test-pages-XXXXXX", &error);
		g_assert_no_error(error);
		tpl = dr_tpl_new(TEMPLATES, &error);
		g_assert_no_error(error);
		g_assert_true(dr_pages_write(site, tpl, STYLE_CSS, dir,
		    GENERATED, hc->poison != NULL ? load_rows : poison_rows,
		    hc->poison != NULL ? (gpointer)&calls :
		    (gpointer)hostile[i], &error));
		g_assert_no_error(error);
		all = check_site(dir);
		/* The field is on a page, escaped. */
		if (strstr(all->str, hostile_escaped[i]) == NULL)
			g_error("%s: \"%s\" not shown as \"%s\"", hc->path,
			    hostile[i], hostile_escaped[i]);
		g_string_free(all, TRUE);
		dr_tpl_free(tpl);
		rm_rf(dir);
		g_free(dir);
		dr_site_free(site);
	}
}

int
main(int argc, char **argv)
{
	gsize i;

	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/pages/golden/site", test_golden_site);
	g_test_add_func("/pages/golden/empty", test_empty_site);
	g_test_add_func("/pages/golden/archive", test_archive);
	g_test_add_func("/pages/no-rows", test_no_rows);
	g_test_add_func("/pages/chart/labels", test_chart_labels);
	g_test_add_func("/pages/failure/paths", test_failures);
	g_test_add_func("/pages/failure/rows", test_rows_error);
	for (i = 0; i < G_N_ELEMENTS(hostile_cases); i++)
		g_test_add_data_func(hostile_cases[i].path, &hostile_cases[i],
		    test_hostile);
	return g_test_run();
}
