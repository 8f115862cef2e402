/*
 * store_view.h - the queries behind the rendered sites (part of the store
 * module: store_view.c is the second and last file that includes
 * libpq-fe.h).
 *
 * All aggregation happens in SQL, inside one read-only REPEATABLE READ
 * transaction per customer, so every page of a site shows one consistent
 * snapshot.  A report's counts are spread over the UTC days its interval
 * covers, in proportion, by the SQL function dr_spread() (schema/
 * 002_render.sql), with largest-remainder rounding that keeps each
 * record's total exact; only the share on the window's days counts.
 */
#ifndef DR_STORE_VIEW_H
#define DR_STORE_VIEW_H

#include <glib.h>

#include "store.h"
#include "view.h"

/* Every customer slug, in order (transfer full: char *). */
GPtrArray *dr_store_view_slugs(struct dr_store *s, GError **error);

/*
 * Starts the snapshot: BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY.
 * End it with dr_store_rollback().
 */
gboolean dr_store_view_begin(struct dr_store *s, GError **error);

/*
 * The site of customer slug for the window [window_start, window_start +
 * 7 days) (transfer full: dr_site_free).  DR_ERROR_NOT_FOUND for an
 * unknown slug.  Report rows are not loaded.
 */
struct dr_site *dr_store_view_site(struct dr_store *s, const char *slug,
	    gint64 window_start, GError **error);

/*
 * Loads the records of rep into rep->rows, largest count first, at most
 * max_rows; rep->rows_omitted counts the rest.
 */
gboolean dr_store_view_report_rows(struct dr_store *s,
	    struct dr_view_report *rep, guint max_rows, GError **error);

/*
 * The connection of s (transfer none), for store_view.c only: store.c
 * owns struct dr_store and defines this.  struct pg_conn is libpq's
 * PGconn.
 */
struct pg_conn;
struct pg_conn *dr_store_conn(struct dr_store *s);

/*
 * What the three files of the store module share (store.c has them):
 * a parameterised statement whose failure is DR_ERROR_TEMPFAIL
 * "database (what): SQLSTATE x message" in one line, the same error
 * for a failed result, and column readers (NULL gives NULL or 0; counts
 * beyond int64 saturate).
 */
struct pg_result;
struct pg_result *dr_store_query(struct dr_store *s, const char *what,
	    const char *sql, int n, const char *const *v, GError **error);
void	dr_store_result_error(struct dr_store *s, const char *what,
	    const struct pg_result *res, GError **error);
char	*dr_store_col_str(const struct pg_result *res, int row, int col);
gint64	 dr_store_col_int64(const struct pg_result *res, int row, int col);

#endif /* DR_STORE_VIEW_H */
