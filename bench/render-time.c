/*
 * render-time - times the render's queries (bench/render-run).
 *
 *   render-time [-v] WINDOW_START [SLUG...]
 *
 * For each customer (every one when no SLUG is given), in its own
 * snapshot as the render does it: dr_store_view_begin(),
 * dr_store_view_site() for the window starting at WINDOW_START (seconds
 * since the epoch, 00:00 UTC) and dr_store_view_report_rows() with 1000
 * rows for every report of the window, then dr_store_rollback().
 * Prints one line per customer (-v: the whole site, as text) and the
 * total wall time in seconds on the last line.  The database comes from
 * the libpq environment.  Exit status 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "store.h"
#include "store_view.h"
#include "view.h"

#define ROWS	1000

static void
print_counts(const char *what, const struct dr_view_counts *c)
{
	printf("  %s: messages=%" G_GINT64_FORMAT " pass=%" G_GINT64_FORMAT
	    " spf=%" G_GINT64_FORMAT " dkim=%" G_GINT64_FORMAT
	    " both=%" G_GINT64_FORMAT " none=%" G_GINT64_FORMAT
	    " quarantine=%" G_GINT64_FORMAT " reject=%" G_GINT64_FORMAT
	    " dpass=%" G_GINT64_FORMAT " other=%" G_GINT64_FORMAT "\n", what,
	    c->messages, c->dmarc_pass, c->spf_aligned, c->dkim_aligned,
	    c->both_aligned, c->disp_none, c->disp_quarantine, c->disp_reject,
	    c->disp_pass, c->disp_other);
}

/* The site as text, one fact per line, for eyes and diffs. */
static void
dump(const struct dr_site *site)
{
	static const char *const cls[] = { "OK", "PARTLY", "FAILING" };
	guint i, j;

	printf("site %s (%s) window %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT
	    "\n", site->slug, site->name, site->window_start,
	    site->window_end);
	for (i = 0; i < site->addresses->len; i++)
		printf("  address %s\n", (char *)site->addresses->pdata[i]);
	for (i = 0; i < site->domains->len; i++)
		printf("  domain %s\n", (char *)site->domains->pdata[i]);
	print_counts("totals", &site->totals);
	printf("  reports=%" G_GINT64_FORMAT " reporters=%" G_GINT64_FORMAT
	    "\n", site->reports, site->reporters);
	for (i = 0; i < DR_WINDOW_DAYS; i++)
		printf("  day %" G_GINT64_FORMAT " pass=%" G_GINT64_FORMAT
		    " fail=%" G_GINT64_FORMAT "\n", site->days[i].day,
		    site->days[i].pass, site->days[i].fail);
	for (i = 0; i < site->policies->len; i++) {
		const struct dr_view_policy *p = site->policies->pdata[i];

		printf("  policy %s p=%s sp=%s np=%s adkim=%s aspf=%s pct=%s"
		    " fo=%s t=%s reports=%" G_GINT64_FORMAT " by [%s]%s\n",
		    p->domain, p->p, p->sp, p->np, p->adkim, p->aspf, p->pct,
		    p->fo, p->testing, p->reports, p->reporters,
		    p->disagreement ? " DISAGREEMENT" : "");
	}
	for (i = 0; i < site->sources->len; i++) {
		const struct dr_view_source *src = site->sources->pdata[i];
		char *what = g_strdup_printf("source %s %s %s failing=%"
		    G_GINT64_FORMAT " dkim=[%s] spf=[%s] env=[%s]",
		    src->source_ip ? src->source_ip : "(none)",
		    src->header_from, cls[src->cls], src->failing, src->dkim,
		    src->spf, src->envelope_from);

		print_counts(what, &src->c);
		g_free(what);
	}
	printf("  sources omitted=%" G_GINT64_FORMAT " messages=%"
	    G_GINT64_FORMAT "\n", site->sources_omitted,
	    site->sources_omitted_messages);
	for (i = 0; i < site->reporter_list->len; i++) {
		const struct dr_view_reporter *r =
		    site->reporter_list->pdata[i];

		printf("  reporter %s <%s> reports=%" G_GINT64_FORMAT
		    " messages=%" G_GINT64_FORMAT " last_end=%"
		    G_GINT64_FORMAT "\n", r->org_name, r->email, r->reports,
		    r->messages, r->last_end);
	}
	for (i = 0; i < site->report_list->len; i++) {
		const struct dr_view_report *r = site->report_list->pdata[i];

		printf("  report %" G_GINT64_FORMAT " %s %s %s %"
		    G_GINT64_FORMAT "..%" G_GINT64_FORMAT, r->id, r->org_name,
		    r->report_id, r->domain, r->begin, r->end);
		printf(" records=%" G_GINT64_FORMAT " messages=%"
		    G_GINT64_FORMAT " window=%" G_GINT64_FORMAT
		    " foreign=%d received=%s errors=[%s] rows=%u omitted=%"
		    G_GINT64_FORMAT "\n", r->records, r->messages,
		    r->window_messages, r->foreign, r->received, r->errors,
		    r->rows->len, r->rows_omitted);
		for (j = 0; j < r->notes->len; j++)
			printf("    note %s\n", (char *)r->notes->pdata[j]);
		for (j = 0; j < r->rows->len && j < 3; j++) {
			const struct dr_view_record *rec = r->rows->pdata[j];

			printf("    row %s count=%" G_GINT64_FORMAT " %s/%s/%s"
			    " reasons=[%s] hf=%s ef=%s et=%s dkim=[%s]"
			    " spf=[%s]\n", rec->source_ip ? rec->source_ip :
			    rec->source_ip_raw, rec->count, rec->disposition,
			    rec->dkim_eval, rec->spf_eval, rec->reasons,
			    rec->header_from, rec->envelope_from,
			    rec->envelope_to, rec->dkim, rec->spf);
		}
	}
	for (i = 0; i < site->quarantined->len; i++) {
		const struct dr_view_quarantined *q =
		    site->quarantined->pdata[i];

		printf("  quarantined %" G_GINT64_FORMAT " %s %s %s\n", q->id,
		    q->received, q->reason, q->detail);
	}
}

static gboolean
one(struct dr_store *store, const char *slug, gint64 start, gboolean verbose,
    GError **error)
{
	struct dr_site *site;
	guint i;
	gboolean ok = TRUE;

	if (!dr_store_view_begin(store, error))
		return FALSE;
	site = dr_store_view_site(store, slug, start, error);
	if (site == NULL) {
		dr_store_rollback(store);
		return FALSE;
	}
	for (i = 0; ok && i < site->report_list->len; i++)
		ok = dr_store_view_report_rows(store,
		    site->report_list->pdata[i], ROWS, error);
	dr_store_rollback(store);
	if (ok) {
		if (verbose)
			dump(site);
		else
			printf("%s: %" G_GINT64_FORMAT " messages, %"
			    G_GINT64_FORMAT " reports, %u sources (+%"
			    G_GINT64_FORMAT ")\n", slug,
			    site->totals.messages, site->reports,
			    site->sources->len, site->sources_omitted);
	}
	dr_site_free(site);
	return ok;
}

int
main(int argc, char **argv)
{
	GError *error = NULL;
	struct dr_store *store;
	GPtrArray *slugs;
	gboolean verbose = FALSE, ok = TRUE;
	gint64 start, t0;
	int i, first = 1;

	if (argc > 1 && g_strcmp0(argv[1], "-v") == 0) {
		verbose = TRUE;
		first = 2;
	}
	if (argc <= first || !g_ascii_string_to_signed(argv[first], 10, 0,
	    G_MAXINT64, &start, NULL)) {
		fprintf(stderr, "usage: render-time [-v] WINDOW_START"
		    " [SLUG...]\n");
		return 1;
	}
	store = dr_store_open(NULL, &error);
	if (store == NULL) {
		fprintf(stderr, "render-time: %s\n", error->message);
		g_error_free(error);
		return 1;
	}
	t0 = g_get_monotonic_time();
	if (argc > first + 1) {
		slugs = g_ptr_array_new_with_free_func(g_free);
		for (i = first + 1; i < argc; i++)
			g_ptr_array_add(slugs, g_strdup(argv[i]));
	} else
		slugs = dr_store_view_slugs(store, &error);
	for (i = 0; slugs != NULL && ok && i < (int)slugs->len; i++)
		ok = one(store, slugs->pdata[i], start, verbose, &error);
	if (slugs == NULL || !ok) {
		fprintf(stderr, "render-time: %s\n", error->message);
		g_error_free(error);
		ok = FALSE;
	} else
		printf("wall %.3f s\n",
		    (g_get_monotonic_time() - t0) / 1e6);
	if (slugs != NULL)
		g_ptr_array_unref(slugs);
	dr_store_close(store);
	return ok ? 0 : 1;
}
