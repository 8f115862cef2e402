/*
 * model.c - constructors and destructors of the shared structures.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "error.h"
#include "model.h"

G_DEFINE_QUARK(dr-error-quark, dr_error)

const char *
dr_error_reason(int code)
{
	switch (code) {
	case DR_ERROR_TEMPFAIL:		return "tempfail";
	case DR_ERROR_NOT_A_REPORT:	return "not-a-report";
	case DR_ERROR_BAD_XML:		return "bad-xml";
	case DR_ERROR_BAD_DATA:		return "bad-data";
	case DR_ERROR_BAD_ARCHIVE:	return "bad-archive";
	case DR_ERROR_TOO_LARGE:	return "too-large";
	case DR_ERROR_UNKNOWN_RECIPIENT: return "unknown-recipient";
	case DR_ERROR_USAGE:		return "usage";
	case DR_ERROR_NOT_FOUND:	return "not-found";
	case DR_ERROR_CONFLICT:		return "conflict";
	}
	return "error";
}

gboolean
dr_error_is_tempfail(const GError *error)
{
	return error == NULL || error->domain != DR_ERROR ||
	    error->code == DR_ERROR_TEMPFAIL;
}

void
dr_error_retag(GError **error, int code)
{
	if (error == NULL || *error == NULL || (*error)->domain == DR_ERROR)
		return;
	(*error)->domain = DR_ERROR;
	(*error)->code = code;
}

static gint
name_order(gconstpointer a, gconstpointer b)
{
	/* g_ptr_array_sort() passes pointers to the elements. */
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *
dr_dir_list(const char *dir, dr_dir_keep_fn keep, GError **error)
{
	GPtrArray *names;
	const char *name;
	GDir *d;

	d = g_dir_open(dir, 0, error);
	if (d == NULL) {
		dr_error_retag(error, DR_ERROR_TEMPFAIL);
		return NULL;
	}
	names = g_ptr_array_new_with_free_func(g_free);
	while ((name = g_dir_read_name(d)) != NULL)
		if (keep == NULL || keep(dir, name))
			g_ptr_array_add(names, g_strdup(name));
	g_dir_close(d);
	g_ptr_array_sort(names, name_order);
	return names;
}

static void
dkim_clear(gpointer p)
{
	struct dr_dkim_result *d = p;

	g_free(d->domain);
	g_free(d->selector);
	g_free(d->result);
	g_free(d->human_result);
}

static void
spf_clear(gpointer p)
{
	struct dr_spf_result *s = p;

	g_free(s->domain);
	g_free(s->scope);
	g_free(s->result);
	g_free(s->human_result);
}

static void
reason_clear(gpointer p)
{
	struct dr_reason *r = p;

	g_free(r->type);
	g_free(r->comment);
}

void
dr_record_init(struct dr_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->reasons = g_array_new(FALSE, TRUE, sizeof(struct dr_reason));
	g_array_set_clear_func(rec->reasons, reason_clear);
	rec->dkim = g_array_new(FALSE, TRUE, sizeof(struct dr_dkim_result));
	g_array_set_clear_func(rec->dkim, dkim_clear);
	rec->spf = g_array_new(FALSE, TRUE, sizeof(struct dr_spf_result));
	g_array_set_clear_func(rec->spf, spf_clear);
}

void
dr_record_clear(struct dr_record *rec)
{
	g_free(rec->source_ip);
	g_free(rec->source_ip_raw);
	g_free(rec->disposition);
	g_free(rec->dkim_eval);
	g_free(rec->spf_eval);
	g_free(rec->envelope_to);
	g_free(rec->envelope_from);
	g_free(rec->header_from);
	g_free(rec->extensions);
	if (rec->reasons)
		g_array_unref(rec->reasons);
	if (rec->dkim)
		g_array_unref(rec->dkim);
	if (rec->spf)
		g_array_unref(rec->spf);
	memset(rec, 0, sizeof(*rec));
}

void
dr_delivery_clear(struct dr_delivery *dlv)
{
	g_free(dlv->recipient);
	g_free(dlv->queue_id);
	g_free(dlv->sender);
	g_free(dlv->message_id);
	memset(dlv, 0, sizeof(*dlv));
}

struct dr_report *
dr_report_new(void)
{
	struct dr_report *rep = g_new0(struct dr_report, 1);

	rep->errors = g_ptr_array_new_with_free_func(g_free);
	rep->notes = g_ptr_array_new_with_free_func(g_free);
	return rep;
}

void
dr_report_free(struct dr_report *rep)
{
	if (rep == NULL)
		return;
	g_free(rep->xml_namespace);
	g_free(rep->version);
	g_free(rep->org_name);
	g_free(rep->email);
	g_free(rep->extra_contact_info);
	g_free(rep->report_id);
	g_ptr_array_unref(rep->errors);
	g_free(rep->generator);
	g_free(rep->domain);
	g_free(rep->adkim);
	g_free(rep->aspf);
	g_free(rep->p);
	g_free(rep->sp);
	g_free(rep->np);
	g_free(rep->pct);
	g_free(rep->fo);
	g_free(rep->testing);
	g_free(rep->discovery_method);
	g_free(rep->extensions);
	g_ptr_array_unref(rep->notes);
	g_free(rep);
}

/* Notes are few per report; a hostile report must not grow them forever. */
#define DR_MAX_NOTES 32

void
dr_report_add_note(struct dr_report *rep, const char *fmt, ...)
{
	va_list ap;

	if (rep->notes->len >= DR_MAX_NOTES)
		return;
	va_start(ap, fmt);
	g_ptr_array_add(rep->notes, g_strdup_vprintf(fmt, ap));
	va_end(ap);
}

void
dr_limits_init(struct dr_limits *lim)
{
	lim->max_message_bytes = DR_DEFAULT_MAX_MESSAGE_BYTES;
	lim->max_payloads = DR_DEFAULT_MAX_PAYLOADS;
	lim->max_zip_members = DR_DEFAULT_MAX_ZIP_MEMBERS;
	lim->max_unpacked_bytes = DR_DEFAULT_MAX_UNPACKED_BYTES;
	lim->max_ratio = DR_DEFAULT_MAX_RATIO;
	lim->max_nesting = DR_DEFAULT_MAX_NESTING;
	lim->max_xml_depth = DR_DEFAULT_MAX_XML_DEPTH;
	lim->max_records = DR_DEFAULT_MAX_RECORDS;
	lim->max_field_bytes = DR_DEFAULT_MAX_FIELD_BYTES;
	lim->time_budget = DR_DEFAULT_TIME_BUDGET;
	lim->deadline = 0;
}

gboolean
dr_limits_check_deadline(const struct dr_limits *lim, GError **error)
{
	if (lim->deadline != 0 && g_get_monotonic_time() > lim->deadline) {
		g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL,
		    "time budget of %u s exhausted", lim->time_budget);
		return FALSE;
	}
	return TRUE;
}
