/*
 * view.c - the render-side model: allocation and the one formatting rule
 * the pages share (see view.h).
 *
 * Every string in a struct dr_site is owned by it; dr_site_free() frees
 * the whole tree, including the records loaded by
 * dr_store_view_report_rows().
 */
#include "config.h"

#include "view.h"

static void	policy_free(struct dr_view_policy *pol);
static void	source_free(struct dr_view_source *src);
static void	reporter_free(struct dr_view_reporter *rpt);
static void	quarantined_free(struct dr_view_quarantined *q);

struct dr_site *
dr_site_new(void)
{
	struct dr_site *site = g_new0(struct dr_site, 1);

	site->addresses = g_ptr_array_new_with_free_func(g_free);
	site->domains = g_ptr_array_new_with_free_func(g_free);
	site->policies = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)policy_free);
	site->sources = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)source_free);
	site->reporter_list = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)reporter_free);
	site->report_list = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)dr_view_report_free);
	site->quarantined = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)quarantined_free);
	return site;
}

void
dr_site_free(struct dr_site *site)
{
	if (site == NULL)
		return;
	g_free(site->slug);
	g_free(site->name);
	g_ptr_array_unref(site->addresses);
	g_ptr_array_unref(site->domains);
	g_ptr_array_unref(site->policies);
	g_ptr_array_unref(site->sources);
	g_ptr_array_unref(site->reporter_list);
	g_ptr_array_unref(site->report_list);
	g_ptr_array_unref(site->quarantined);
	g_free(site);
}

static void
policy_free(struct dr_view_policy *pol)
{
	if (pol == NULL)
		return;
	g_free(pol->domain);
	g_free(pol->p);
	g_free(pol->sp);
	g_free(pol->np);
	g_free(pol->adkim);
	g_free(pol->aspf);
	g_free(pol->pct);
	g_free(pol->fo);
	g_free(pol->testing);
	g_free(pol->reporters);
	g_free(pol);
}

static void
source_free(struct dr_view_source *src)
{
	if (src == NULL)
		return;
	g_free(src->source_ip);
	g_free(src->header_from);
	g_free(src->dkim);
	g_free(src->spf);
	g_free(src->envelope_from);
	g_free(src);
}

static void
reporter_free(struct dr_view_reporter *rpt)
{
	if (rpt == NULL)
		return;
	g_free(rpt->org_name);
	g_free(rpt->email);
	g_free(rpt);
}

static void
quarantined_free(struct dr_view_quarantined *q)
{
	if (q == NULL)
		return;
	g_free(q->received);
	g_free(q->reason);
	g_free(q->detail);
	g_free(q);
}

void
dr_view_report_free(struct dr_view_report *rep)
{
	if (rep == NULL)
		return;
	g_free(rep->org_name);
	g_free(rep->email);
	g_free(rep->extra_contact_info);
	g_free(rep->report_id);
	g_free(rep->domain);
	g_free(rep->p);
	g_free(rep->sp);
	g_free(rep->np);
	g_free(rep->adkim);
	g_free(rep->aspf);
	g_free(rep->pct);
	g_free(rep->fo);
	g_free(rep->testing);
	g_free(rep->discovery_method);
	g_free(rep->generator);
	g_free(rep->version);
	g_free(rep->xml_namespace);
	g_free(rep->errors);
	if (rep->notes != NULL)
		g_ptr_array_unref(rep->notes);
	if (rep->rows != NULL)
		g_ptr_array_unref(rep->rows);
	g_free(rep->received);
	g_free(rep);
}

void
dr_view_record_free(struct dr_view_record *rec)
{
	if (rec == NULL)
		return;
	g_free(rec->source_ip);
	g_free(rec->source_ip_raw);
	g_free(rec->disposition);
	g_free(rec->dkim_eval);
	g_free(rec->spf_eval);
	g_free(rec->reasons);
	g_free(rec->header_from);
	g_free(rec->envelope_from);
	g_free(rec->envelope_to);
	g_free(rec->dkim);
	g_free(rec->spf);
	g_free(rec);
}
