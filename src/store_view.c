/*
 * store_view.c - the queries behind the rendered sites (see store_view.h).
 *
 * dr_store_view_site() fills a struct dr_site with a handful of
 * statements, each aggregating in SQL; C only copies rows into the
 * structure.  Every value travels as a parameter.
 *
 * A report "is in the window" when its period [begin, end) overlaps the
 * window's days (a zero-length period: when its instant does).  Records
 * of a report that lies within one UTC day are counted as they are, on
 * that day (the fast path: most reporters send one UTC day); the others
 * go through dr_spread() with the window as lo/hi.  The spread of a
 * record depends only on its count and the report's period, so records
 * are grouped by count before they are spread (days, report totals), or
 * the call sits in an aggregated LATERAL subquery that the planner
 * caches per count (Memoize, sources): a day-crossing report of 150,000
 * records costs a few thousand calls, not 150,000.
 *
 * Sources: the (source IP, header_from) pairs are ranked by messages
 * failing DMARC; only the first DR_VIEW_MAX_SOURCES get their full
 * counts and text lists, from a second pass that joins the window's
 * records to them (on the dr_source composite, so that a missing IP or
 * header_from still matches).
 */
#include "config.h"

#include <string.h>

#include <libpq-fe.h>

#include "error.h"
#include "store_view.h"

#define DR_DAY			86400
#define DR_VIEW_MAX_SOURCES	500	/* sources shown, one row each */
#define DR_VIEW_MAX_NAMES	10	/* reporters named per policy */
#define DR_VIEW_MAX_AUTH	10	/* DKIM or SPF items a source */
#define DR_VIEW_MAX_ENVELOPE	5	/* envelope_from items a source */
#define DR_VIEW_MAX_DETAIL	300	/* characters of a detail shown */

/* "2026-03-01 13:00 UTC" from a timestamptz column. */
#define SQL_RECEIVED(col) \
	"to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI \"UTC\"')"

/*
 * The reports of customer $1 in the window [$2, $3): a period [b, e)
 * that overlaps it, or a zero-length one inside it.  The first condition
 * is the report_customer_window index.
 */
#define SQL_IN_WINDOW \
	" p.customer_id = $1" \
	" AND greatest(p.date_begin, p.date_end) >= $2" \
	" AND least(p.date_begin, p.date_end) < $3" \
	" AND (greatest(p.date_begin, p.date_end) > $2" \
	"  OR p.date_begin = p.date_end)"

/* Report p lies within one UTC day: its records skip dr_spread(). */
#define SQL_ONE_DAY \
	"(p.date_begin = p.date_end" \
	" OR floor(least(p.date_begin, p.date_end) / 86400.0) =" \
	" floor((greatest(p.date_begin, p.date_end) - 1) / 86400.0))"

/* The share of record r of report p on the window days $2 .. $3. */
#define SQL_SHARE \
	" CROSS JOIN LATERAL (SELECT sum(x.share)::bigint AS n" \
	"  FROM dr_spread(r.count, p.date_begin, p.date_end, $2, $3) x) a"

/*
 * Messages of report p on the window's days; its records grouped by
 * count, which is all their shares depend on.
 */
#define SQL_WINDOW_MESSAGES \
	"CASE WHEN " SQL_ONE_DAY " THEN p.message_count" \
	" ELSE (SELECT coalesce(sum(g.m * x.share), 0)" \
	"  FROM (SELECT r.count, count(*)::numeric AS m FROM record r" \
	"  WHERE r.report = p.id GROUP BY r.count) g" \
	"  CROSS JOIN LATERAL dr_spread(g.count, p.date_begin, p.date_end," \
	"  $2, $3) x) END"

/*
 * Messages n of the reports $1 (an array of ids) per window day and
 * verdict: day, dkim_eval, spf_eval, disp, n.  Records are grouped
 * before they are spread: records of equal count in reports of equal
 * period have equal shares, so dr_spread() runs once per group.
 */
#define SQL_DAY_COUNTS \
	"SELECT p.day, r.dkim_eval, r.spf_eval, lower(r.disposition) AS disp," \
	"  sum(r.count) AS n" \
	" FROM (SELECT p.id, floor(least(p.date_begin, p.date_end)" \
	"  / 86400.0)::bigint * 86400 AS day FROM report p" \
	"  WHERE p.id = ANY ($1) AND " SQL_ONE_DAY " OFFSET 0) p" \
	" JOIN record r ON r.report = p.id GROUP BY 1, 2, 3, 4" \
	" UNION ALL" \
	" SELECT u.day, g.dkim_eval, g.spf_eval, g.disp," \
	"  sum(g.m * u.share)" \
	" FROM (SELECT p.date_begin, p.date_end, r.count, r.dkim_eval," \
	"  r.spf_eval, lower(r.disposition) AS disp, count(*)::numeric AS m" \
	"  FROM report p JOIN record r ON r.report = p.id" \
	"  WHERE p.id = ANY ($1) AND NOT " SQL_ONE_DAY \
	"  GROUP BY 1, 2, 3, 4, 5, 6) g" \
	" CROSS JOIN LATERAL dr_spread(g.count, g.date_begin, g.date_end," \
	"  $2, $3) u" \
	" GROUP BY 1, 2, 3, 4"

/* One row per record of the reports $1 with its messages in the window. */
#define SQL_RECORD_COLS \
	" r.source_ip, r.header_from, r.dkim_eval, r.spf_eval," \
	" lower(r.disposition) AS disp, r.dkim_domain, r.dkim_selector," \
	" r.spf_domain, r.envelope_from"
#define SQL_WINDOW_RECORDS \
	"SELECT r.count AS n," SQL_RECORD_COLS \
	" FROM report p JOIN record r ON r.report = p.id" \
	" WHERE p.id = ANY ($1) AND " SQL_ONE_DAY \
	" UNION ALL" \
	" SELECT a.n," SQL_RECORD_COLS \
	" FROM report p JOIN record r ON r.report = p.id" SQL_SHARE \
	" WHERE p.id = ANY ($1) AND NOT " SQL_ONE_DAY

/* The struct dr_view_counts sums over rows with n, dkim_eval, ... */
#define SQL_COUNTS \
	" sum(n) AS messages," \
	" sum(n) FILTER (WHERE dkim_eval = 'pass' OR spf_eval = 'pass')" \
	"  AS dmarc_pass," \
	" sum(n) FILTER (WHERE spf_eval = 'pass') AS spf_aligned," \
	" sum(n) FILTER (WHERE dkim_eval = 'pass') AS dkim_aligned," \
	" sum(n) FILTER (WHERE dkim_eval = 'pass' AND spf_eval = 'pass')" \
	"  AS both_aligned," \
	" sum(n) FILTER (WHERE disp = 'none') AS disp_none," \
	" sum(n) FILTER (WHERE disp = 'quarantine') AS disp_quarantine," \
	" sum(n) FILTER (WHERE disp = 'reject') AS disp_reject," \
	" sum(n) FILTER (WHERE disp = 'pass') AS disp_pass"
#define SQL_COUNTS_OF(t) \
	" " t ".messages, " t ".dmarc_pass, " t ".spf_aligned," \
	" " t ".dkim_aligned, " t ".both_aligned, " t ".disp_none," \
	" " t ".disp_quarantine, " t ".disp_reject, " t ".disp_pass"

#define STR(x)	#x
#define XSTR(x)	STR(x)

/*
 * A text list from rows (k, item, w) of subquery q: per k, the items by
 * weight, at most max of them, then ", ..." when there were more.
 */
#define SQL_LIST(q, max) \
	"SELECT k, array_to_string((array_agg(item ORDER BY w DESC," \
	"  item))[1:" XSTR(max) "], ', ') ||" \
	" CASE WHEN count(*) > " XSTR(max) " THEN ', ...' ELSE '' END" \
	" AS list FROM (" q ") q GROUP BY k"

/* --- helpers ------------------------------------------------------------ */

/* Every statement here is render's: its errors say so. */
#define query(s, sql, n, v, error) \
	dr_store_query(s, "render", sql, n, v, error)
#define col_str		dr_store_col_str
#define col_int64	dr_store_col_int64

static gboolean
col_bool(const PGresult *res, int row, int col)
{
	return !PQgetisnull(res, row, col) &&
	    strcmp(PQgetvalue(res, row, col), "t") == 0;
}

/* Reads the nine columns of SQL_COUNTS from col on. */
static void
col_counts(const PGresult *res, int row, int col, struct dr_view_counts *c)
{
	const gint64 *known[] = { &c->disp_none, &c->disp_quarantine,
	    &c->disp_reject, &c->disp_pass };
	guint i;

	c->messages = col_int64(res, row, col);
	c->dmarc_pass = col_int64(res, row, col + 1);
	c->spf_aligned = col_int64(res, row, col + 2);
	c->dkim_aligned = col_int64(res, row, col + 3);
	c->both_aligned = col_int64(res, row, col + 4);
	c->disp_none = col_int64(res, row, col + 5);
	c->disp_quarantine = col_int64(res, row, col + 6);
	c->disp_reject = col_int64(res, row, col + 7);
	c->disp_pass = col_int64(res, row, col + 8);
	/* The rest, without overflow when the sums saturated. */
	c->disp_other = c->messages;
	for (i = 0; i < G_N_ELEMENTS(known); i++)
		c->disp_other = *known[i] >= c->disp_other ? 0 :
		    c->disp_other - *known[i];
}

/* The first column of every row, as strings. */
static gboolean
fill_strings(struct dr_store *s, const char *sql, int n,
    const char *const *v, GPtrArray *out, GError **error)
{
	PGresult *res = query(s, sql, n, v, error);
	int i;

	if (res == NULL)
		return FALSE;
	for (i = 0; i < PQntuples(res); i++)
		g_ptr_array_add(out, g_strdup(PQgetvalue(res, i, 0)));
	PQclear(res);
	return TRUE;
}

/* Result i of record r as "type: comment", "domain (selector) result"... */
#define SQL_REASON(i) \
	"coalesce(r.reason_type[" i "], '') ||" \
	" coalesce(': ' || r.reason_comment[" i "], '')"
#define SQL_DKIM(i) \
	"coalesce(r.dkim_domain[" i "], '') ||" \
	" coalesce(' (' || r.dkim_selector[" i "] || ')', '') ||" \
	" coalesce(' ' || r.dkim_result[" i "], '')"
#define SQL_SPF(i) \
	"coalesce(r.spf_domain[" i "], '') ||" \
	" coalesce(' (' || r.spf_scope[" i "] || ')', '') ||" \
	" coalesce(' ' || r.spf_result[" i "], '')"

/*
 * The records of report $1, at most $2, largest count first: prepared
 * once per connection, as the render runs it for every report.  Through
 * LATERAL the planner reads them by the primary key (a top-N sort)
 * instead of guessing a sequential scan of the whole table.  Lists of
 * one or two results (nearly all) are formatted without a subquery,
 * twice as fast.
 */
#define ROWS_STATEMENT	"dr_view_rows"
#define SQL_ROWS \
	"SELECT host(r.source_ip), r.source_ip_raw, r.count," \
	" r.disposition, r.dkim_eval, r.spf_eval," \
	" CASE cardinality(r.reason_type) WHEN 0 THEN NULL" \
	"  WHEN 1 THEN " SQL_REASON("1") \
	"  ELSE (SELECT string_agg(coalesce(t.type, '') ||" \
	"  coalesce(': ' || t.comment, ''), ', ' ORDER BY t.i)" \
	"  FROM unnest(r.reason_type, r.reason_comment)" \
	"  WITH ORDINALITY AS t(type, comment, i)) END," \
	" r.header_from, r.envelope_from, r.envelope_to," \
	" CASE cardinality(r.dkim_domain) WHEN 0 THEN NULL" \
	"  WHEN 1 THEN " SQL_DKIM("1") \
	"  WHEN 2 THEN " SQL_DKIM("1") " || ', ' || " SQL_DKIM("2") \
	"  ELSE (SELECT string_agg(coalesce(d.dom, '') ||" \
	"  coalesce(' (' || d.sel || ')', '') || coalesce(' ' || d.res, '')," \
	"  ', ' ORDER BY d.i)" \
	"  FROM unnest(r.dkim_domain, r.dkim_selector, r.dkim_result)" \
	"  WITH ORDINALITY AS d(dom, sel, res, i)) END," \
	" CASE cardinality(r.spf_domain) WHEN 0 THEN NULL" \
	"  WHEN 1 THEN " SQL_SPF("1") \
	"  WHEN 2 THEN " SQL_SPF("1") " || ', ' || " SQL_SPF("2") \
	"  ELSE (SELECT string_agg(coalesce(d.dom, '') ||" \
	"  coalesce(' (' || d.scope || ')', '') ||" \
	"  coalesce(' ' || d.res, ''), ', ' ORDER BY d.i)" \
	"  FROM unnest(r.spf_domain, r.spf_scope, r.spf_result)" \
	"  WITH ORDINALITY AS d(dom, scope, res, i)) END" \
	" FROM report p CROSS JOIN LATERAL (SELECT * FROM record" \
	"  WHERE report = p.id ORDER BY count DESC, ordinal LIMIT $2) r" \
	" WHERE p.id = $1 ORDER BY r.count DESC, r.ordinal"

/* --- the site ------------------------------------------------------------ */

GPtrArray *
dr_store_view_slugs(struct dr_store *s, GError **error)
{
	GPtrArray *slugs = g_ptr_array_new_with_free_func(g_free);

	if (!fill_strings(s, "SELECT slug FROM customer ORDER BY slug", 0,
	    NULL, slugs, error)) {
		g_ptr_array_unref(slugs);
		return NULL;
	}
	return slugs;
}

gboolean
dr_store_view_begin(struct dr_store *s, GError **error)
{
	PGresult *res;
	gboolean prepared;

	res = query(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0,
	    NULL, error);
	if (res == NULL)
		return FALSE;
	PQclear(res);
	/*
	 * The spread and count expressions are large: compiling them costs
	 * about 1.7 s per statement, far more than it saves on a million
	 * records.
	 */
	res = query(s, "SET LOCAL jit = off", 0, NULL, error);
	if (res == NULL)
		return FALSE;
	PQclear(res);
	res = query(s, "SELECT 1 FROM pg_prepared_statements WHERE name = '"
	    ROWS_STATEMENT "'", 0, NULL, error);
	if (res == NULL)
		return FALSE;
	prepared = PQntuples(res) > 0;
	PQclear(res);
	if (prepared)
		return TRUE;
	res = PQprepare(dr_store_conn(s), ROWS_STATEMENT, SQL_ROWS, 2, NULL);
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
		dr_store_result_error(s, "render", res, error);
		PQclear(res);
		return FALSE;
	}
	PQclear(res);
	return TRUE;
}

/*
 * The window's reports, newest first; *ids gets those about the
 * customer's own domains as an array literal: the figures count only
 * them.
 */
static gboolean
load_reports(struct dr_store *s, struct dr_site *site, const char *const *v,
    char **ids, GError **error)
{
	GString *list = g_string_new("{");
	GString *all = g_string_new("{");
	GHashTable *by_id;
	PGresult *res;
	int i;

	res = query(s,
	    "SELECT p.id, p.org_name, p.email, p.extra_contact_info,"
	    " p.report_id, p.policy_domain, p.date_begin, p.date_end,"
	    " p.p, p.sp, p.np, p.adkim, p.aspf, p.pct, p.fo, p.testing,"
	    " p.discovery_method, p.generator, p.version, p.xml_namespace,"
	    " array_to_string(p.errors, '; '), p.record_count,"
	    " p.message_count, " SQL_WINDOW_MESSAGES ", p.foreign_domain, "
	    SQL_RECEIVED("p.received_at")
	    " FROM report p WHERE" SQL_IN_WINDOW
	    " ORDER BY p.date_begin DESC, p.id DESC", 3, v, error);
	if (res == NULL) {
		g_string_free(list, TRUE);
		g_string_free(all, TRUE);
		return FALSE;
	}
	by_id = g_hash_table_new(g_int64_hash, g_int64_equal);
	for (i = 0; i < PQntuples(res); i++) {
		struct dr_view_report *rep = g_new0(struct dr_view_report, 1);

		rep->id = col_int64(res, i, 0);
		rep->org_name = col_str(res, i, 1);
		rep->email = col_str(res, i, 2);
		rep->extra_contact_info = col_str(res, i, 3);
		rep->report_id = col_str(res, i, 4);
		rep->domain = col_str(res, i, 5);
		rep->begin = col_int64(res, i, 6);
		rep->end = col_int64(res, i, 7);
		rep->p = col_str(res, i, 8);
		rep->sp = col_str(res, i, 9);
		rep->np = col_str(res, i, 10);
		rep->adkim = col_str(res, i, 11);
		rep->aspf = col_str(res, i, 12);
		rep->pct = col_str(res, i, 13);
		rep->fo = col_str(res, i, 14);
		rep->testing = col_str(res, i, 15);
		rep->discovery_method = col_str(res, i, 16);
		rep->generator = col_str(res, i, 17);
		rep->version = col_str(res, i, 18);
		rep->xml_namespace = col_str(res, i, 19);
		rep->errors = col_str(res, i, 20);
		rep->records = col_int64(res, i, 21);
		rep->messages = col_int64(res, i, 22);
		rep->window_messages = col_int64(res, i, 23);
		rep->foreign = col_bool(res, i, 24);
		rep->received = col_str(res, i, 25);
		rep->notes = g_ptr_array_new_with_free_func(g_free);
		rep->rows = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)dr_view_record_free);
		g_ptr_array_add(site->report_list, rep);
		g_hash_table_insert(by_id, &rep->id, rep);
		g_string_append_printf(all, "%s%" G_GINT64_FORMAT,
		    i > 0 ? "," : "", rep->id);
		/*
		 * Reports about domains that are not the customer's are
		 * shown apart (data quality), not in the figures.
		 */
		if (!rep->foreign) {
			g_string_append_printf(list, "%s%" G_GINT64_FORMAT,
			    list->len > 1 ? "," : "", rep->id);
			site->reports++;
		}
	}
	PQclear(res);
	g_string_append_c(list, '}');
	g_string_append_c(all, '}');
	*ids = g_string_free(list, FALSE);

	/* The notes, as rows: no array literal to parse. */
	res = query(s, "SELECT p.id, n.note FROM report p"
	    " CROSS JOIN LATERAL unnest(p.notes) WITH ORDINALITY AS n(note, i)"
	    " WHERE p.id = ANY ($1) ORDER BY p.id, n.i", 1,
	    (const char *const[]){ all->str }, error);
	g_string_free(all, TRUE);
	if (res != NULL) {
		for (i = 0; i < PQntuples(res); i++) {
			gint64 id = col_int64(res, i, 0);
			struct dr_view_report *rep;

			rep = g_hash_table_lookup(by_id, &id);
			if (rep != NULL && !PQgetisnull(res, i, 1))
				g_ptr_array_add(rep->notes,
				    col_str(res, i, 1));
		}
		PQclear(res);
	}
	g_hash_table_destroy(by_id);
	return res != NULL;
}

static gboolean
load_reporters(struct dr_store *s, struct dr_site *site,
    const char *const *v, GError **error)
{
	PGresult *res;
	int i;

	res = query(s,
	    "SELECT org_name, max(email), count(*), sum(wm), max(e)"
	    " FROM (SELECT p.org_name, p.email,"
	    "  greatest(p.date_begin, p.date_end) AS e, "
	    SQL_WINDOW_MESSAGES " AS wm"
	    "  FROM report p WHERE" SQL_IN_WINDOW " AND NOT p.foreign_domain) w"
	    " GROUP BY org_name ORDER BY sum(wm) DESC, org_name", 3, v,
	    error);
	if (res == NULL)
		return FALSE;
	for (i = 0; i < PQntuples(res); i++) {
		struct dr_view_reporter *r = g_new0(struct dr_view_reporter,
		    1);

		r->org_name = col_str(res, i, 0);
		r->email = col_str(res, i, 1);
		r->reports = col_int64(res, i, 2);
		r->messages = col_int64(res, i, 3);
		r->last_end = col_int64(res, i, 4);
		g_ptr_array_add(site->reporter_list, r);
	}
	site->reporters = site->reporter_list->len;
	PQclear(res);
	return TRUE;
}

static gboolean
load_policies(struct dr_store *s, struct dr_site *site, const char *ids,
    GError **error)
{
	const char *v[1] = { ids };
	PGresult *res;
	int i;

	res = query(s,
	    "SELECT d, pp, sp, np, adkim, aspf, pct, fo, testing, n,"
	    " array_to_string(names[1:" XSTR(DR_VIEW_MAX_NAMES) "], ', ') ||"
	    " CASE WHEN cardinality(names) > " XSTR(DR_VIEW_MAX_NAMES)
	    "  THEN ' and ' || (cardinality(names) - "
	    XSTR(DR_VIEW_MAX_NAMES) ") || ' more' ELSE '' END,"
	    " count(*) OVER (PARTITION BY d) > 1"
	    " FROM (SELECT lower(p.policy_domain) AS d, p.p AS pp, p.sp,"
	    "  p.np, p.adkim, p.aspf, p.pct, p.fo, p.testing, count(*) AS n,"
	    "  array_agg(DISTINCT p.org_name ORDER BY p.org_name) AS names"
	    "  FROM report p WHERE p.id = ANY ($1)"
	    "  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9) t"
	    " ORDER BY d, n DESC, pp, sp, np, adkim, aspf, pct, fo, testing",
	    1, v, error);
	if (res == NULL)
		return FALSE;
	for (i = 0; i < PQntuples(res); i++) {
		struct dr_view_policy *pol = g_new0(struct dr_view_policy, 1);

		pol->domain = col_str(res, i, 0);
		pol->p = col_str(res, i, 1);
		pol->sp = col_str(res, i, 2);
		pol->np = col_str(res, i, 3);
		pol->adkim = col_str(res, i, 4);
		pol->aspf = col_str(res, i, 5);
		pol->pct = col_str(res, i, 6);
		pol->fo = col_str(res, i, 7);
		pol->testing = col_str(res, i, 8);
		pol->reports = col_int64(res, i, 9);
		pol->reporters = col_str(res, i, 10);
		pol->disagreement = col_bool(res, i, 11);
		g_ptr_array_add(site->policies, pol);
	}
	PQclear(res);
	return TRUE;
}

/* Totals and days[] in one pass; the ROLLUP row (day NULL) comes first. */
static gboolean
load_days(struct dr_store *s, struct dr_site *site, const char *const *v,
    GError **error)
{
	PGresult *res;
	int i;

	for (i = 0; i < DR_WINDOW_DAYS; i++)
		site->days[i].day = site->window_start + (gint64)i * DR_DAY;
	res = query(s, "SELECT day," SQL_COUNTS " FROM (" SQL_DAY_COUNTS ") t"
	    " GROUP BY ROLLUP (day) ORDER BY day NULLS FIRST", 3, v, error);
	if (res == NULL)
		return FALSE;
	for (i = 0; i < PQntuples(res); i++) {
		struct dr_view_counts c;
		gint64 day, k;

		col_counts(res, i, 1, &c);
		if (PQgetisnull(res, i, 0)) {
			site->totals = c;
			continue;
		}
		day = col_int64(res, i, 0);
		k = (day - site->window_start) / DR_DAY;
		if (day < site->window_start || k >= DR_WINDOW_DAYS)
			continue;
		site->days[k].pass = c.dmarc_pass;
		site->days[k].fail = c.messages - c.dmarc_pass;
	}
	PQclear(res);
	return TRUE;
}

/*
 * The DR_VIEW_MAX_SOURCES sources failing most, with their counts and
 * lists; the rest only counted (sources_omitted, ..._messages).
 */
static gboolean
load_sources(struct dr_store *s, struct dr_site *site, const char *const *v,
    GError **error)
{
	PGresult *res;
	gint64 nsources = 0, nmessages = 0;
	int i;

	res = query(s,
	    "WITH w AS NOT MATERIALIZED (" SQL_WINDOW_RECORDS "),"
	    " src AS (SELECT source_ip, header_from, sum(n) AS messages,"
	    "  sum(n) FILTER (WHERE dkim_eval = 'pass' OR spf_eval = 'pass')"
	    "  AS pass FROM w WHERE n > 0 GROUP BY source_ip, header_from),"
	    " top AS MATERIALIZED (SELECT source_ip, header_from,"
	    "  (source_ip, header_from)::dr_source AS k,"
	    "  messages - coalesce(pass, 0) AS failing, messages,"
	    "  count(*) OVER () AS nsources,"
	    "  sum(messages) OVER () AS nmessages"
	    "  FROM src ORDER BY failing DESC, messages DESC, source_ip,"
	    "  header_from LIMIT " XSTR(DR_VIEW_MAX_SOURCES) "),"
	    " hits AS MATERIALIZED (SELECT t.k, w.* FROM w"
	    "  JOIN top t ON (w.source_ip, w.header_from)::dr_source = t.k"
	    "  WHERE w.n > 0),"
	    " cnt AS (SELECT k," SQL_COUNTS " FROM hits GROUP BY k),"
	    " dk AS (" SQL_LIST("SELECT h.k, coalesce(d.dom, '') ||"
	    "  coalesce(' (' || d.sel || ')', '') AS item, sum(h.n) AS w"
	    "  FROM hits h CROSS JOIN LATERAL unnest(h.dkim_domain,"
	    "  h.dkim_selector) AS d(dom, sel) GROUP BY 1, 2",
	    DR_VIEW_MAX_AUTH) "),"
	    " sp AS (" SQL_LIST("SELECT h.k, d.dom AS item, sum(h.n) AS w"
	    "  FROM hits h CROSS JOIN LATERAL unnest(h.spf_domain) AS d(dom)"
	    "  WHERE d.dom <> '' GROUP BY 1, 2", DR_VIEW_MAX_AUTH) "),"
	    " ef AS (" SQL_LIST("SELECT k, envelope_from AS item, sum(n) AS w"
	    "  FROM hits WHERE envelope_from <> '' GROUP BY 1, 2",
	    DR_VIEW_MAX_ENVELOPE) ")"
	    " SELECT host(t.source_ip), t.header_from, dk.list, sp.list,"
	    "  ef.list, t.nsources, t.nmessages," SQL_COUNTS_OF("c")
	    " FROM top t JOIN cnt c ON c.k = t.k"
	    " LEFT JOIN dk ON dk.k = t.k LEFT JOIN sp ON sp.k = t.k"
	    " LEFT JOIN ef ON ef.k = t.k"
	    " ORDER BY t.failing DESC, t.messages DESC, t.source_ip,"
	    "  t.header_from", 3, v, error);
	if (res == NULL)
		return FALSE;
	/* Every row carries the count and messages of all sources. */
	if (PQntuples(res) > 0) {
		nsources = col_int64(res, 0, 5);
		nmessages = col_int64(res, 0, 6);
	}
	for (i = 0; i < PQntuples(res); i++) {
		struct dr_view_source *src = g_new0(struct dr_view_source, 1);

		src->source_ip = col_str(res, i, 0);
		src->header_from = g_strdup(PQgetvalue(res, i, 1));
		src->dkim = g_strdup(PQgetvalue(res, i, 2));
		src->spf = g_strdup(PQgetvalue(res, i, 3));
		src->envelope_from = g_strdup(PQgetvalue(res, i, 4));
		col_counts(res, i, 7, &src->c);
		src->failing = src->c.messages - src->c.dmarc_pass;
		/* The class of the bulk (at least half) of its messages. */
		if (src->c.both_aligned >=
		    src->c.messages - src->c.both_aligned)
			src->cls = DR_CLASS_OK;
		else if (src->failing <= src->c.dmarc_pass)
			src->cls = DR_CLASS_PARTLY;
		else
			src->cls = DR_CLASS_FAILING;
		nmessages -= src->c.messages;
		g_ptr_array_add(site->sources, src);
	}
	site->sources_omitted = nsources - site->sources->len;
	site->sources_omitted_messages = nmessages;
	PQclear(res);
	return TRUE;
}

static gboolean
load_quarantined(struct dr_store *s, struct dr_site *site,
    const char *const *v, GError **error)
{
	PGresult *res;
	int i;

	res = query(s,
	    "SELECT id, " SQL_RECEIVED("received_at") ", reason,"
	    " CASE WHEN length(detail) > " XSTR(DR_VIEW_MAX_DETAIL)
	    "  THEN left(detail, " XSTR(DR_VIEW_MAX_DETAIL) ") || '...'"
	    "  ELSE detail END"
	    " FROM quarantine WHERE customer_id = $1"
	    " AND received_at >= to_timestamp($2)"
	    " AND received_at < to_timestamp($3)"
	    " ORDER BY received_at DESC, id DESC", 3, v, error);
	if (res == NULL)
		return FALSE;
	for (i = 0; i < PQntuples(res); i++) {
		struct dr_view_quarantined *q =
		    g_new0(struct dr_view_quarantined, 1);

		q->id = col_int64(res, i, 0);
		q->received = col_str(res, i, 1);
		q->reason = col_str(res, i, 2);
		q->detail = col_str(res, i, 3);
		g_ptr_array_add(site->quarantined, q);
	}
	PQclear(res);
	return TRUE;
}

struct dr_site *
dr_store_view_site(struct dr_store *s, const char *slug, gint64 window_start,
    GError **error)
{
	struct dr_site *site;
	char start[32], end[32], *cid = NULL, *ids = NULL;
	const char *v[3];
	PGresult *res;
	gboolean ok;

	g_return_val_if_fail(window_start % DR_DAY == 0, NULL);
	res = query(s, "SELECT id, name FROM customer WHERE slug = $1", 1,
	    &slug, error);
	if (res == NULL)
		return NULL;
	if (PQntuples(res) != 1) {
		g_set_error(error, DR_ERROR, DR_ERROR_NOT_FOUND,
		    "no customer '%s'", slug);
		PQclear(res);
		return NULL;
	}
	site = dr_site_new();
	site->slug = g_strdup(slug);
	cid = g_strdup(PQgetvalue(res, 0, 0));
	site->name = col_str(res, 0, 1);
	PQclear(res);
	site->window_start = window_start;
	site->window_end = window_start + DR_WINDOW_DAYS * DR_DAY;
	g_snprintf(start, sizeof(start), "%" G_GINT64_FORMAT,
	    site->window_start);
	g_snprintf(end, sizeof(end), "%" G_GINT64_FORMAT, site->window_end);

	v[0] = cid;
	ok = fill_strings(s, "SELECT address FROM customer_address"
	    " WHERE customer_id = $1 ORDER BY address", 1, v,
	    site->addresses, error) &&
	    fill_strings(s, "SELECT domain FROM customer_domain"
	    " WHERE customer_id = $1 ORDER BY domain", 1, v, site->domains,
	    error);
	v[1] = start;
	v[2] = end;
	ok = ok && load_reports(s, site, v, &ids, error) &&
	    load_reporters(s, site, v, error) &&
	    load_policies(s, site, ids, error) &&
	    load_quarantined(s, site, v, error);
	/* The record passes take the report ids instead of the customer. */
	v[0] = ids;
	ok = ok && load_days(s, site, v, error) &&
	    load_sources(s, site, v, error);
	g_free(cid);
	g_free(ids);
	if (!ok) {
		dr_site_free(site);
		return NULL;
	}
	return site;
}

/* --- one report's records ------------------------------------------------ */

gboolean
dr_store_view_report_rows(struct dr_store *s, struct dr_view_report *rep,
    guint max_rows, GError **error)
{
	char id[32], max[32];
	const char *v[2] = { id, max };
	PGresult *res;
	int i;

	g_snprintf(id, sizeof(id), "%" G_GINT64_FORMAT, rep->id);
	g_snprintf(max, sizeof(max), "%u", max_rows);
	res = PQexecPrepared(dr_store_conn(s), ROWS_STATEMENT, 2, v, NULL,
	    NULL, 0);
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		dr_store_result_error(s, "render", res, error);
		PQclear(res);
		return FALSE;
	}
	if (rep->rows == NULL)
		rep->rows = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)dr_view_record_free);
	g_ptr_array_set_size(rep->rows, 0);
	for (i = 0; i < PQntuples(res); i++) {
		struct dr_view_record *rec = g_new0(struct dr_view_record, 1);

		rec->source_ip = col_str(res, i, 0);
		rec->source_ip_raw = col_str(res, i, 1);
		rec->count = col_int64(res, i, 2);
		rec->disposition = col_str(res, i, 3);
		rec->dkim_eval = col_str(res, i, 4);
		rec->spf_eval = col_str(res, i, 5);
		rec->reasons = col_str(res, i, 6);
		rec->header_from = col_str(res, i, 7);
		rec->envelope_from = col_str(res, i, 8);
		rec->envelope_to = col_str(res, i, 9);
		rec->dkim = col_str(res, i, 10);
		rec->spf = col_str(res, i, 11);
		g_ptr_array_add(rep->rows, rec);
	}
	rep->rows_omitted = MAX(rep->records - (gint64)rep->rows->len, 0);
	PQclear(res);
	return TRUE;
}
