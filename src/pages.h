/*
 * pages.h - one customer's static site from its struct dr_site.
 *
 * Writes into dir (which must exist and be empty): index.html (overview,
 * with the daily chart as inline SVG), sources.html, reporters.html,
 * reports.html, quality.html, report/<id>.html per report, and
 * style.css.  No JavaScript, no external URL.  Words on the pages are for
 * a customer who is not an email expert.
 */
#ifndef DR_PAGES_H
#define DR_PAGES_H

#include <glib.h>

#include "tpl.h"
#include "view.h"

/*
 * Called before a report's detail page is written, to load its rows
 * (rep->rows); FALSE with error stops the site.
 */
typedef gboolean (*dr_pages_rows_fn)(struct dr_view_report *rep,
	    gpointer user, GError **error);

/*
 * generated: when the site was rendered (shown in the footer), the
 * render date as "YYYY-MM-DD".  style_css: path of the CSS file to copy.
 */
gboolean dr_pages_write(const struct dr_site *site, struct dr_tpl *tpl,
	    const char *style_css, const char *dir, const char *generated,
	    dr_pages_rows_fn rows, gpointer user, GError **error);

/*
 * Writes the archive page of a customer (its dated sites, newest first)
 * to path.  dates: NULL-terminated "YYYY-MM-DD" names of the dated
 * directories beside it.
 */
gboolean dr_pages_write_archive(struct dr_tpl *tpl, const char *path,
	    const char *slug, const char *name, const char *const *dates,
	    GError **error);

#endif /* DR_PAGES_H */
