/*
 * cli_render.c - "dmarc-rua render": each customer's static site.
 *
 * Rendering on day D covers the seven full UTC days before D.  Per
 * customer the output directory holds:
 *
 *	<slug>/<D>/		the site rendered on day D (dated, kept
 *				keep_days, then removed)
 *	<slug>/index.html	the overview of the latest dated site, a
 *				stable address (a <base> points into it)
 *	<slug>/archive.html	every dated site
 *
 * A site is written into a temporary directory beside its final place
 * and renamed into place only when complete, so a reader never sees a
 * half-written site and a failed render leaves the previous one as it
 * was.  Each customer is read in one database snapshot.  Silent on
 * success (cron mails any output); one line per failure on stderr.
 * <output>/.last-render records when it finished and what failed.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "cli.h"
#include "error.h"
#include "module.h"
#include "store_view.h"

/* Records shown on a report's detail page; the rest are counted. */
#define DR_MAX_DETAIL_ROWS	1000

struct render {
	struct dr_cli *cli;
	const struct dr_render_api *api;	/* render.so */
	const char *output;
	const char *template_dir;
	char	*css;
	char	 date[11];		/* "YYYY-MM-DD" of D */
	gint64	 window_start;		/* D - 7 days, 00:00 UTC */
	guint	 keep_days;		/* dated sites kept before the newest */
	GMutex	 lock;
	guint	 failed;
	GString	*failed_slugs;		/* "a,b" */
};

/* Parses "YYYY-MM-DD" strictly; NULL means today (UTC). */
static GDateTime *
parse_date(const char *s, GError **error)
{
	guint64 y, m, d;
	char **f;
	GDateTime *dt = NULL;

	if (s == NULL) {
		GDateTime *now = g_date_time_new_now_utc();

		dt = g_date_time_new_utc(g_date_time_get_year(now),
		    g_date_time_get_month(now),
		    g_date_time_get_day_of_month(now), 0, 0, 0);
		g_date_time_unref(now);
		return dt;
	}
	f = g_strsplit(s, "-", -1);
	if (strlen(s) == 10 && g_strv_length(f) == 3 &&
	    g_ascii_string_to_unsigned(f[0], 10, 1970, 9998, &y, NULL) &&
	    g_ascii_string_to_unsigned(f[1], 10, 1, 12, &m, NULL) &&
	    g_ascii_string_to_unsigned(f[2], 10, 1, 31, &d, NULL) &&
	    g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
		dt = g_date_time_new_utc((int)y, (int)m, (int)d, 0, 0, 0);
	g_strfreev(f);
	if (dt == NULL)
		g_set_error(error, DR_ERROR, DR_ERROR_USAGE,
		    "invalid date '%s': expected YYYY-MM-DD", s);
	return dt;
}

/* A directory name that is a date: only those are ours to prune. */
static gboolean
is_date_name(const char *name, GDate *date)
{
	int y, m, d;
	char extra;

	if (strlen(name) != 10 || sscanf(name, "%4d-%2d-%2d%c", &y, &m, &d,
	    &extra) != 3 || !g_date_valid_dmy(d, m, y))
		return FALSE;
	if (date != NULL)
		g_date_set_dmy(date, (GDateDay)d, (GDateMonth)m,
		    (GDateYear)y);
	return TRUE;
}

/* rm -rf that never follows a symbolic link out of the tree. */
static void
remove_tree(const char *path)
{
	GStatBuf st;
	GDir *dir;
	const char *name;

	if (g_lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode) && (dir = g_dir_open(path, 0, NULL))) {
		while ((name = g_dir_read_name(dir)) != NULL) {
			char *child = g_build_filename(path, name, NULL);

			remove_tree(child);
			g_free(child);
		}
		g_dir_close(dir);
		g_rmdir(path);
	} else
		g_unlink(path);
}

static gboolean
load_rows(struct dr_view_report *rep, gpointer user, GError **error)
{
	return dr_store_view_report_rows(user, rep, DR_MAX_DETAIL_ROWS,
	    error);
}

static gboolean
set_errno_error(GError **error, const char *what, const char *path)
{
	int saved = errno;

	g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL, "%s %s: %s", what,
	    path, g_strerror(saved));
	return FALSE;
}

/*
 * Moves the finished site tmp to cdir/date, replacing a site rendered
 * earlier the same day (renamed aside first, removed after).
 */
static gboolean
publish(const char *cdir, const char *date, const char *tmp, GError **error)
{
	char *final = g_build_filename(cdir, date, NULL);
	char *old = NULL;
	gboolean ok = FALSE;

	if (g_file_test(final, G_FILE_TEST_EXISTS)) {
		char *name = g_strdup_printf(".old-%s-XXXXXX", date);

		old = g_build_filename(cdir, name, NULL);
		g_free(name);
		if (g_mkdtemp(old) == NULL || g_rmdir(old) != 0 ||
		    g_rename(final, old) != 0) {
			set_errno_error(error, "cannot move aside", final);
			goto out;
		}
	}
	if (g_rename(tmp, final) != 0) {
		set_errno_error(error, "cannot rename into place", final);
		if (old != NULL)
			g_rename(old, final);
		goto out;
	}
	ok = TRUE;
out:
	if (ok && old != NULL)
		remove_tree(old);
	g_free(final);
	g_free(old);
	return ok;
}

static char *
replace_all(const char *s, const char *from, const char *to)
{
	char **parts = g_strsplit(s, from, -1);
	char *out = g_strjoinv(to, parts);

	g_strfreev(parts);
	return out;
}

/*
 * <slug>/index.html: the dated overview with a <base> into its
 * directory, so that its relative links keep working from one level up.
 */
static gboolean
write_index(const char *cdir, const char *date, GError **error)
{
	char *src = g_build_filename(cdir, date, "index.html", NULL);
	char *dst = g_build_filename(cdir, "index.html", NULL);
	char *html = NULL, *head, *out, *fixed;
	gboolean ok = FALSE;

	if (!g_file_get_contents(src, &html, NULL, error))
		goto done;
	head = strstr(html, "<head>");
	if (head == NULL) {
		g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL,
		    "%s has no <head>", src);
		goto done;
	}
	head += strlen("<head>");
	out = g_strdup_printf("%.*s\n<base href=\"%s/\">%s",
	    (int)(head - html), html, date, head);
	/* Under the <base>, "#x" would point into the dated page. */
	fixed = replace_all(out, "href=\"#", "href=\"../index.html#");
	ok = g_file_set_contents(dst, fixed, -1, error);
	g_free(fixed);
	g_free(out);
done:
	dr_error_retag(error, DR_ERROR_TEMPFAIL);
	g_free(html);
	g_free(src);
	g_free(dst);
	return ok;
}

/* A dated site: a directory named YYYY-MM-DD. */
static gboolean
is_dated_site(const char *cdir, const char *name)
{
	char *p;
	gboolean yes;

	if (!is_date_name(name, NULL))
		return FALSE;
	p = g_build_filename(cdir, name, NULL);
	yes = g_file_test(p, G_FILE_TEST_IS_DIR);
	g_free(p);
	return yes;
}

/*
 * Prunes dated sites older than keep_days before the newest one, writes
 * archive.html, and points index.html at the newest site (which is not
 * the one just rendered when an earlier --date was asked for).
 */
static gboolean
write_archive(struct render *r, struct dr_tpl *tpl, const char *cdir,
    const char *slug, const char *name, GError **error)
{
	GPtrArray *dates = dr_dir_list(cdir, is_dated_site, error);
	char *path;
	gboolean ok;
	GDate d, oldest;
	guint i;

	if (dates == NULL)
		return FALSE;
	/* Newest first. */
	for (i = 0; i < dates->len / 2; i++) {
		gpointer t = dates->pdata[i];

		dates->pdata[i] = dates->pdata[dates->len - 1 - i];
		dates->pdata[dates->len - 1 - i] = t;
	}
	/* The site just published is there, so dates is not empty. */
	is_date_name(dates->pdata[0], &oldest);
	g_date_subtract_days(&oldest, r->keep_days);
	for (i = dates->len; i > 0; i--) {
		is_date_name(dates->pdata[i - 1], &d);
		if (g_date_compare(&d, &oldest) >= 0)
			break;
		path = g_build_filename(cdir, dates->pdata[i - 1], NULL);
		remove_tree(path);
		g_free(path);
		g_ptr_array_remove_index(dates, i - 1);
	}
	ok = write_index(cdir, dates->pdata[0], error);
	g_ptr_array_add(dates, NULL);
	path = g_build_filename(cdir, "archive.html", NULL);
	ok = ok && r->api->write_archive(tpl, path, slug, name,
	    (const char *const *)dates->pdata, error);
	g_free(path);
	g_ptr_array_unref(dates);
	return ok;
}

static gboolean
render_customer(struct render *r, const char *slug, GError **error)
{
	struct dr_store *store = NULL;
	struct dr_tpl *tpl = NULL;
	struct dr_site *site = NULL;
	char *cdir = g_build_filename(r->output, slug, NULL);
	char *tmp = NULL, *name;
	gboolean ok = FALSE;

	tpl = r->api->tpl_new(r->template_dir, error);
	if (tpl == NULL)
		goto out;
	store = dr_cli_store(r->cli, error);
	if (store == NULL || !dr_store_view_begin(store, error))
		goto out;
	/* An unknown customer gets no directory. */
	site = dr_store_view_site(store, slug, r->window_start, error);
	if (site == NULL)
		goto out;
	if (g_mkdir_with_parents(cdir, 0755) != 0) {
		set_errno_error(error, "cannot create", cdir);
		goto out;
	}
	name = g_strdup_printf(".new-%s-XXXXXX", r->date);
	tmp = g_build_filename(cdir, name, NULL);
	g_free(name);
	if (g_mkdtemp_full(tmp, 0755) == NULL) {
		set_errno_error(error, "cannot create", tmp);
		g_clear_pointer(&tmp, g_free);
		goto out;
	}
	ok = r->api->write(site, tpl, r->css, tmp, r->date, load_rows, store,
	    error);
	dr_store_rollback(store);
	ok = ok && publish(cdir, r->date, tmp, error) &&
	    write_archive(r, tpl, cdir, slug, site->name, error);
out:
	if (tmp != NULL)
		remove_tree(tmp);
	if (site != NULL)
		dr_site_free(site);
	dr_store_close(store);
	r->api->tpl_free(tpl);
	g_free(tmp);
	g_free(cdir);
	return ok;
}

/*
 * <output>/.last-render: when the last render finished and how it went,
 * for "dmarc-rua status" (render itself never writes to the database).
 */
static gboolean
write_last_render(struct render *r, guint customers, GError **error)
{
	GDateTime *now = g_date_time_new_now_utc();
	char *when = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
	char *path = g_build_filename(r->output, ".last-render", NULL);
	char *text = g_strdup_printf("finished=%s\ndate=%s\ncustomers=%u\n"
	    "failed=%u\nfailed_slugs=%s\n", when, r->date, customers,
	    r->failed, r->failed_slugs->str);
	gboolean ok = g_file_set_contents(path, text, -1, error);

	dr_error_retag(error, DR_ERROR_TEMPFAIL);
	g_free(text);
	g_free(path);
	g_free(when);
	g_date_time_unref(now);
	return ok;
}

static void
render_task(gpointer data, gpointer user)
{
	struct render *r = user;
	const char *slug = data;
	GError *error = NULL;

	if (render_customer(r, slug, &error))
		return;
	g_strdelimit(error->message, "\r\n\t", ' ');
	g_mutex_lock(&r->lock);
	fprintf(stderr, "dmarc-rua: render %s: %s\n", slug, error->message);
	r->failed++;
	g_string_append_printf(r->failed_slugs, "%s%s",
	    r->failed_slugs->len > 0 ? "," : "", slug);
	g_mutex_unlock(&r->lock);
	g_error_free(error);
}

int
dr_cmd_render(int argc, char **argv)
{
	struct dr_cli cli = { 0 };
	struct render r = { 0 };
	struct dr_store *store = NULL;
	GPtrArray *slugs = NULL;
	GDateTime *day = NULL;
	GThreadPool *pool;
	GError *error = NULL;
	char *date = NULL, *customer = NULL, *output = NULL, *s;
	int jobs = -1, status = DR_EXIT_OK;
	guint i;
	const GOptionEntry entries[] = {
		{ "date", 'D', 0, G_OPTION_ARG_STRING, &date,
		  "Render as on this day: the window is the seven UTC days "
		  "before it (default: today)", "YYYY-MM-DD" },
		{ "customer", 'C', 0, G_OPTION_ARG_STRING, &customer,
		  "Only this customer (default: every customer)", "SLUG" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
		  "Where the sites go (default: [render] output_dir, "
		  DR_CONF_DEFAULT_OUTPUT_DIR ")", "DIR" },
		{ "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs,
		  "Render this many customers at once (default: [render] "
		  "jobs, else the number of processors)", "N" },
		{ NULL }
	};

	g_mutex_init(&r.lock);
	r.failed_slugs = g_string_new(NULL);
	if (!dr_cli_parse(&cli, "", "Write each customer's static site for "
	    "the seven days before the render date.",
	    "Silent on success; one line on stderr per customer that failed "
	    "(exit 1).\nA failed render leaves the previous site as it was.",
	    entries, &argc, &argv, &error))
		goto fail;
	if (argc > 1) {
		g_set_error(&error, DR_ERROR, DR_ERROR_USAGE,
		    "unexpected argument '%s'", argv[1]);
		goto fail;
	}
	if (jobs != -1 && (jobs < 1 || jobs > DR_MAX_JOBS)) {
		g_set_error(&error, DR_ERROR, DR_ERROR_USAGE,
		    "--jobs must be between 1 and %d", DR_MAX_JOBS);
		goto fail;
	}
	day = parse_date(date, &error);
	if (day == NULL)
		goto fail;
	s = g_date_time_format(day, "%Y-%m-%d");
	g_strlcpy(r.date, s, sizeof(r.date));
	g_free(s);
	r.window_start = g_date_time_to_unix(day) -
	    (gint64)DR_WINDOW_DAYS * 86400;
	r.keep_days = cli.conf.keep_days;
	r.cli = &cli;
	r.output = output ? output : cli.conf.output_dir ?
	    cli.conf.output_dir : DR_CONF_DEFAULT_OUTPUT_DIR;
	r.template_dir = dr_conf_template_dir(&cli.conf);
	r.css = g_build_filename(r.template_dir, "style.css", NULL);
	r.api = dr_module_render(dr_conf_module_dir(&cli.conf), &error);
	if (r.api == NULL)
		goto fail;

	if (customer != NULL) {
		if (strchr(customer, '/') != NULL || customer[0] == '.' ||
		    customer[0] == '\0') {
			g_set_error(&error, DR_ERROR, DR_ERROR_USAGE,
			    "invalid customer slug '%s'", customer);
			goto fail;
		}
		slugs = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(slugs, g_strdup(customer));
	} else {
		store = dr_cli_store(&cli, &error);
		if (store == NULL)
			goto fail;
		slugs = dr_store_view_slugs(store, &error);
		if (slugs == NULL)
			goto fail;
	}
	if (g_mkdir_with_parents(r.output, 0755) != 0) {
		set_errno_error(&error, "cannot create", r.output);
		goto fail;
	}

	pool = g_thread_pool_new(render_task, &r,
	    jobs != -1 ? jobs : (int)cli.conf.jobs, TRUE, NULL);
	for (i = 0; i < slugs->len; i++)
		g_thread_pool_push(pool, slugs->pdata[i], NULL);
	g_thread_pool_free(pool, FALSE, TRUE);
	if (!write_last_render(&r, slugs->len, &error))
		goto fail;
	if (r.failed > 0)
		status = DR_EXIT_FAIL;
	goto out;
fail:
	status = dr_cli_fail(error);
out:
	if (slugs)
		g_ptr_array_unref(slugs);
	if (day)
		g_date_time_unref(day);
	dr_store_close(store);
	g_mutex_clear(&r.lock);
	g_string_free(r.failed_slugs, TRUE);
	g_free(r.css);
	g_free(date);
	g_free(customer);
	g_free(output);
	dr_cli_clear(&cli);
	return status;
}
