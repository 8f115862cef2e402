/*
 * view.h - what one customer's site shows: the render-side model.
 *
 * store_view.c fills a struct dr_site from PostgreSQL (aggregated in SQL,
 * counts spread over UTC days); pages.c turns it into HTML files.  Like
 * model.h, plain C: UTF-8 strings owned by the structure (freed by
 * dr_site_free), gint64 counts, times in seconds since the epoch (UTC).
 * Every string that came from a report is hostile and is escaped by the
 * templates, never here.
 *
 * Counts "in the window" are the share of each report that falls on the
 * window's days (DESIGN section 8): a report covering two days puts half
 * its messages on each, with rounding that keeps every total exact.
 */
#ifndef DR_VIEW_H
#define DR_VIEW_H

#include <glib.h>

#define DR_WINDOW_DAYS	7

/* Message counts under the verdicts the pages explain. */
struct dr_view_counts {
	gint64	 messages;
	gint64	 dmarc_pass;		/* DKIM or SPF aligned and passing */
	gint64	 spf_aligned;		/* policy_evaluated/spf = pass */
	gint64	 dkim_aligned;		/* policy_evaluated/dkim = pass */
	gint64	 both_aligned;		/* both pass */
	gint64	 disp_none;
	gint64	 disp_quarantine;
	gint64	 disp_reject;
	gint64	 disp_pass;		/* RFC 9990 "pass" */
	gint64	 disp_other;		/* anything else, or missing */
};

struct dr_view_day {
	gint64	 day;			/* 00:00 UTC of the day */
	gint64	 pass;			/* DMARC pass */
	gint64	 fail;
};

/*
 * One published policy as receivers saw it for one policy domain.  A
 * domain with more than one of these has receivers that disagree.
 */
struct dr_view_policy {
	char	*domain;
	char	*p, *sp, *np, *adkim, *aspf, *pct, *fo, *testing;
	gint64	 reports;		/* reports in the window showing it */
	char	*reporters;		/* org names, ", "-separated */
	gboolean disagreement;		/* the domain has other policies too */
};

enum dr_view_class {
	DR_CLASS_OK,			/* SPF and DKIM aligned: DMARC passes */
	DR_CLASS_PARTLY,		/* one of them aligned: DMARC passes */
	DR_CLASS_FAILING,		/* neither: DMARC fails */
};

/*
 * One sending source: a source IP and header_from pair.  The text lists
 * are already joined (", "), longest first, capped in store_view.c.
 */
struct dr_view_source {
	char	*source_ip;		/* NULL when the reports had none */
	char	*header_from;
	struct dr_view_counts c;
	char	*dkim;			/* "domain (selector)" list */
	char	*spf;			/* SPF domains */
	char	*envelope_from;
	enum dr_view_class cls;		/* of the bulk of its messages */
	gint64	 failing;		/* messages failing DMARC */
};

struct dr_view_reporter {
	char	*org_name;
	char	*email;
	gint64	 reports;
	gint64	 messages;		/* in the window */
	gint64	 last_end;		/* end of its latest report */
};

/* One record of a report, for its detail page. */
struct dr_view_record {
	char	*source_ip;		/* or NULL */
	char	*source_ip_raw;		/* what was sent when unparseable */
	gint64	 count;
	char	*disposition, *dkim_eval, *spf_eval;
	char	*reasons;		/* "type: comment" list */
	char	*header_from, *envelope_from, *envelope_to;
	char	*dkim;			/* "domain (selector) result" list */
	char	*spf;			/* "domain (scope) result" list */
};

struct dr_view_report {
	gint64	 id;			/* database id: the detail page name */
	char	*org_name, *email, *extra_contact_info, *report_id;
	char	*domain;		/* policy domain */
	gint64	 begin, end;
	char	*p, *sp, *np, *adkim, *aspf, *pct, *fo, *testing;
	char	*discovery_method, *generator, *version, *xml_namespace;
	char	*errors;		/* report_metadata/error list */
	gint64	 records;		/* whole report */
	gint64	 messages;		/* whole report */
	gint64	 window_messages;	/* its share in the window */
	gboolean foreign;		/* policy domain not the customer's */
	GPtrArray *notes;		/* char *: data-quality notes */
	GPtrArray *rows;		/* struct dr_view_record *; filled only
					   by dr_store_view_report_rows() */
	gint64	 rows_omitted;		/* records not loaded (cap) */
	char	*received;		/* "YYYY-MM-DD HH:MM UTC" */
};

struct dr_view_quarantined {
	gint64	 id;
	char	*received;		/* "YYYY-MM-DD HH:MM UTC" */
	char	*reason;
	char	*detail;
};

struct dr_site {
	char	*slug, *name;
	GPtrArray *addresses;		/* char * */
	GPtrArray *domains;		/* char * */
	gint64	 window_start;		/* D-7 00:00 UTC */
	gint64	 window_end;		/* D 00:00 UTC (excluded) */
	struct dr_view_counts totals;	/* in the window */
	gint64	 reports;		/* reports overlapping the window, about
					   the customer's own domains: the
					   figures count only these */
	gint64	 reporters;		/* distinct org names among them */
	struct dr_view_day days[DR_WINDOW_DAYS];
	GPtrArray *policies;		/* struct dr_view_policy *,
					   by domain, then reports desc */
	GPtrArray *sources;		/* struct dr_view_source *,
					   failing volume first */
	gint64	 sources_omitted;	/* sources beyond the cap */
	gint64	 sources_omitted_messages;
	GPtrArray *reporter_list;	/* struct dr_view_reporter *,
					   messages desc */
	GPtrArray *report_list;		/* struct dr_view_report *, every
					   report overlapping the window,
					   foreign ones too, begin desc
					   (rows not loaded) */
	GPtrArray *quarantined;		/* struct dr_view_quarantined *,
					   newest first, in the window */
};

struct dr_site *dr_site_new(void);
void	dr_site_free(struct dr_site *site);
void	dr_view_report_free(struct dr_view_report *rep);
void	dr_view_record_free(struct dr_view_record *rec);

#endif /* DR_VIEW_H */
