/*
 * store_admin.c - retention and the status overview (see store_admin.h).
 *
 * Pruning walks the customers one by one so that every batch finds its
 * reports through the report_customer_window index (customer_id, the
 * later of the two dates) instead of scanning the whole table again per
 * batch.  Each
 * batch is one DELETE statement, and so one short transaction; the rows
 * are picked FOR UPDATE SKIP LOCKED, so a concurrent ingest or a second
 * prune never waits on us, nor we on them.  A batch that deletes nothing
 * ends the loop.
 */
#include "config.h"

#include <string.h>

#include <libpq-fe.h>

#include "error.h"
#include "store_admin.h"
#include "store_view.h"

#define DR_DAY	86400

#define query		dr_store_query
#define col_str		dr_store_col_str
#define col_int		dr_store_col_int64

/* --- prune ---------------------------------------------------------------- */

/*
 * A report whose period ended before the cut p (a parameter), by the
 * later of its dates as the report_customer_window index has it.
 */
#define SQL_OLD_REPORT(p)	"greatest(date_begin, date_end) < " p

static gboolean
prune_reports(struct dr_store *s, gint64 cut, gboolean dry_run,
    struct dr_prune_counts *out, GError **error)
{
	char cutbuf[32], limit[32], cid[32];
	const char *v[3] = { cid, cutbuf, limit };
	PGresult *ids, *res;
	gint64 n;
	int i;

	g_snprintf(cutbuf, sizeof(cutbuf), "%" G_GINT64_FORMAT, cut);
	g_snprintf(limit, sizeof(limit), "%d", DR_PRUNE_REPORT_BATCH);
	if (dry_run) {
		res = query(s, "prune", "SELECT count(*),"
		    " coalesce(sum(record_count), 0) FROM report"
		    " WHERE " SQL_OLD_REPORT("$1"), 1, &v[1], error);
		if (res == NULL)
			return FALSE;
		out->reports = col_int(res, 0, 0);
		out->records = col_int(res, 0, 1);
		PQclear(res);
		return TRUE;
	}
	ids = query(s, "prune", "SELECT id FROM customer ORDER BY id", 0,
	    NULL, error);
	if (ids == NULL)
		return FALSE;
	for (i = 0; i < PQntuples(ids); i++) {
		g_strlcpy(cid, PQgetvalue(ids, i, 0), sizeof(cid));
		do {
			res = query(s, "prune", "WITH gone AS ("
			    "DELETE FROM report WHERE id IN ("
			    "SELECT id FROM report WHERE customer_id = $1"
			    " AND " SQL_OLD_REPORT("$2") " LIMIT $3"
			    " FOR UPDATE SKIP LOCKED)"
			    " RETURNING record_count)"
			    " SELECT count(*), coalesce(sum(record_count), 0)"
			    " FROM gone", 3, v, error);
			if (res == NULL) {
				PQclear(ids);
				return FALSE;
			}
			n = col_int(res, 0, 0);
			out->reports += n;
			out->records += col_int(res, 0, 1);
			PQclear(res);
		} while (n > 0);
	}
	PQclear(ids);
	return TRUE;
}

static gboolean
prune_quarantine(struct dr_store *s, gint64 cut, gboolean dry_run,
    struct dr_prune_counts *out, GError **error)
{
	char cutbuf[32], limit[32];
	const char *v[2] = { cutbuf, limit };
	PGresult *res;
	gint64 n;

	g_snprintf(cutbuf, sizeof(cutbuf), "%" G_GINT64_FORMAT, cut);
	g_snprintf(limit, sizeof(limit), "%d", DR_PRUNE_QUARANTINE_BATCH);
	if (dry_run) {
		res = query(s, "prune", "SELECT count(*) FROM quarantine"
		    " WHERE received_at < to_timestamp($1)", 1, v, error);
		if (res == NULL)
			return FALSE;
		out->quarantined = col_int(res, 0, 0);
		PQclear(res);
		return TRUE;
	}
	do {
		res = query(s, "prune", "WITH gone AS ("
		    "DELETE FROM quarantine WHERE id IN ("
		    "SELECT id FROM quarantine"
		    " WHERE received_at < to_timestamp($1) LIMIT $2"
		    " FOR UPDATE SKIP LOCKED) RETURNING 1)"
		    " SELECT count(*) FROM gone", 2, v, error);
		if (res == NULL)
			return FALSE;
		n = col_int(res, 0, 0);
		out->quarantined += n;
		PQclear(res);
	} while (n > 0);
	return TRUE;
}

gboolean
dr_store_prune(struct dr_store *s, guint report_days, guint quarantine_days,
    gboolean dry_run, struct dr_prune_counts *out, GError **error)
{
	PGresult *res;
	gint64 now;

	memset(out, 0, sizeof(*out));
	res = query(s, "prune", "SELECT extract(epoch FROM now())::bigint", 0,
	    NULL, error);
	if (res == NULL)
		return FALSE;
	now = col_int(res, 0, 0);
	PQclear(res);
	return prune_reports(s, now - (gint64)report_days * DR_DAY, dry_run,
	    out, error) && prune_quarantine(s, now -
	    (gint64)quarantine_days * DR_DAY, dry_run, out, error);
}

/* --- status --------------------------------------------------------------- */

static void
customer_free(gpointer p)
{
	struct dr_status_customer *c = p;

	g_free(c->slug);
	g_free(c);
}

static void
reason_free(gpointer p)
{
	struct dr_status_reason *r = p;

	g_free(r->reason);
	g_free(r);
}

void
dr_status_clear(struct dr_status *st)
{
	g_free(st->database);
	g_free(st->server_version);
	if (st->customers)
		g_ptr_array_unref(st->customers);
	if (st->reasons)
		g_ptr_array_unref(st->reasons);
	memset(st, 0, sizeof(*st));
}

static gboolean
status_queries(struct dr_store *s, struct dr_status *st, GError **error)
{
	PGresult *res;
	int i;

	/*
	 * The newest rows by id (the primary key): report has no index on
	 * received_at, and ids grow with time.
	 */
	res = query(s, "status", "SELECT current_database(),"
	    " current_setting('server_version'),"
	    " (SELECT floor(extract(epoch FROM received_at))::bigint"
	    "  FROM report ORDER BY id DESC LIMIT 1),"
	    " (SELECT floor(extract(epoch FROM received_at))::bigint"
	    "  FROM quarantine ORDER BY id DESC LIMIT 1)", 0, NULL, error);
	if (res == NULL)
		return FALSE;
	st->database = col_str(res, 0, 0);
	st->server_version = col_str(res, 0, 1);
	st->last_report = col_int(res, 0, 2);
	st->last_quarantined = col_int(res, 0, 3);
	PQclear(res);

	res = query(s, "status", "SELECT c.slug, coalesce(r.n, 0),"
	    " coalesce(q.n, 0) FROM customer c"
	    " LEFT JOIN (SELECT customer_id, count(*) AS n FROM report"
	    "  WHERE received_at > now() - interval '24 hours'"
	    "  GROUP BY customer_id) r ON r.customer_id = c.id"
	    " LEFT JOIN (SELECT customer_id, count(*) AS n FROM quarantine"
	    "  GROUP BY customer_id) q ON q.customer_id = c.id"
	    " ORDER BY c.slug", 0, NULL, error);
	if (res == NULL)
		return FALSE;
	for (i = 0; i < PQntuples(res); i++) {
		struct dr_status_customer *c = g_new0(
		    struct dr_status_customer, 1);

		c->slug = col_str(res, i, 0);
		c->reports_24h = col_int(res, i, 1);
		c->quarantined = col_int(res, i, 2);
		g_ptr_array_add(st->customers, c);
	}
	PQclear(res);

	res = query(s, "status", "SELECT reason, count(*), count(*) FILTER"
	    " (WHERE received_at > now() - interval '24 hours')"
	    " FROM quarantine GROUP BY reason ORDER BY reason", 0, NULL,
	    error);
	if (res == NULL)
		return FALSE;
	for (i = 0; i < PQntuples(res); i++) {
		struct dr_status_reason *r = g_new0(struct dr_status_reason,
		    1);

		r->reason = col_str(res, i, 0);
		r->all = col_int(res, i, 1);
		r->last_24h = col_int(res, i, 2);
		st->quarantined += r->all;
		st->quarantined_24h += r->last_24h;
		g_ptr_array_add(st->reasons, r);
	}
	PQclear(res);
	return TRUE;
}

gboolean
dr_store_status(struct dr_store *s, struct dr_status *st, GError **error)
{
	PGresult *res;
	gboolean ok;

	memset(st, 0, sizeof(*st));
	st->customers = g_ptr_array_new_with_free_func(customer_free);
	st->reasons = g_ptr_array_new_with_free_func(reason_free);
	/* Every count from the same snapshot. */
	res = query(s, "status", "BEGIN ISOLATION LEVEL REPEATABLE READ,"
	    " READ ONLY", 0, NULL, error);
	if (res == NULL) {
		dr_status_clear(st);
		return FALSE;
	}
	PQclear(res);
	ok = status_queries(s, st, error);
	dr_store_rollback(s);
	if (!ok)
		dr_status_clear(st);
	return ok;
}
