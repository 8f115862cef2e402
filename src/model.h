/*
 * model.h - the plain C structures the modules pass to each other.
 *
 * Every module talks to every other one only through these structures and
 * GError (see error.h).  Strings are UTF-8, owned by the structure that
 * holds them and freed by its _free/_clear function; counts are gint64;
 * times are seconds since the epoch (UTC).  A NULL string means "element
 * absent"; an empty string means "element present but empty".
 */
#ifndef DR_MODEL_H
#define DR_MODEL_H

#include <glib.h>

/* One <auth_results><dkim> entry. */
struct dr_dkim_result {
	char	*domain;
	char	*selector;
	char	*result;
	char	*human_result;
};

/* One <auth_results><spf> entry. */
struct dr_spf_result {
	char	*domain;
	char	*scope;
	char	*result;
	char	*human_result;
};

/* One <policy_evaluated><reason>. */
struct dr_reason {
	char	*type;
	char	*comment;
};

/*
 * One <record>.  source_ip is NULL when the reporter sent an empty or
 * unparseable address; source_ip_raw then keeps what was sent (sanitised
 * later by whoever prints it).
 */
struct dr_record {
	char	*source_ip;
	char	*source_ip_raw;
	gint64	 count;
	char	*disposition;
	char	*dkim_eval;		/* policy_evaluated/dkim */
	char	*spf_eval;		/* policy_evaluated/spf */
	GArray	*reasons;		/* struct dr_reason */
	char	*envelope_to;
	char	*envelope_from;
	char	*header_from;
	GArray	*dkim;			/* struct dr_dkim_result */
	GArray	*spf;			/* struct dr_spf_result */
	char	*extensions;		/* raw XML of unknown record children */
};

/*
 * One <feedback> document: metadata and policy_published, plus totals that
 * the parser fills in as records stream past.
 */
struct dr_report {
	char	*xml_namespace;
	char	*version;
	char	*org_name;
	char	*email;
	char	*extra_contact_info;
	char	*report_id;
	gint64	 begin;
	gint64	 end;
	gboolean has_begin;
	gboolean has_end;
	GPtrArray *errors;		/* char *, report_metadata/error */
	char	*generator;
	char	*domain;		/* policy_published/domain */
	char	*adkim;
	char	*aspf;
	char	*p;
	char	*sp;
	char	*np;
	char	*pct;
	char	*fo;
	char	*testing;
	char	*discovery_method;
	char	*extensions;		/* raw XML of <extension> */
	GPtrArray *notes;		/* char *, data-quality notes */

	gint64	 record_count;
	gint64	 message_count;
};

/*
 * How a message reached us: what the MTA said on the command line, or
 * what the header said when it did not.  All may be NULL.
 */
struct dr_delivery {
	char	*recipient;
	char	*queue_id;
	char	*sender;
	char	*message_id;
};

void	dr_delivery_clear(struct dr_delivery *dlv);

void	dr_record_init(struct dr_record *rec);
void	dr_record_clear(struct dr_record *rec);

struct dr_report *dr_report_new(void);
void	dr_report_free(struct dr_report *rep);
void	dr_report_add_note(struct dr_report *rep, const char *fmt, ...)
	    G_GNUC_PRINTF(2, 3);

/*
 * Limits (DESIGN section 9).  Every cap on untrusted input lives here so
 * that the config file can set each one and the tests can lower them.
 */
struct dr_limits {
	gsize	 max_message_bytes;	/* bytes read from stdin */
	guint	 max_payloads;		/* MIME leaves examined */
	guint	 max_zip_members;
	guint64	 max_unpacked_bytes;	/* per report */
	guint	 max_ratio;		/* unpacked : packed */
	guint	 max_nesting;		/* container in container */
	guint	 max_xml_depth;
	gint64	 max_records;		/* per report */
	gsize	 max_field_bytes;	/* one text value */
	guint	 time_budget;		/* seconds, ingest as a whole */
	gint64	 deadline;		/* g_get_monotonic_time() limit, 0: none */
};

#define DR_DEFAULT_MAX_MESSAGE_BYTES	(64u * 1024 * 1024)
#define DR_DEFAULT_MAX_PAYLOADS		32
#define DR_DEFAULT_MAX_ZIP_MEMBERS	256
#define DR_DEFAULT_MAX_UNPACKED_BYTES	(256ull * 1024 * 1024)
#define DR_DEFAULT_MAX_RATIO		1000
#define DR_DEFAULT_MAX_NESTING		4
#define DR_DEFAULT_MAX_XML_DEPTH	64
#define DR_DEFAULT_MAX_RECORDS		10000000
#define DR_DEFAULT_MAX_FIELD_BYTES	(64u * 1024)
#define DR_DEFAULT_TIME_BUDGET		240

/*
 * The names in dir that keep accepts (every name when keep is NULL),
 * sorted by strcmp (transfer full); NULL with DR_ERROR_TEMPFAIL when dir
 * cannot be read.
 */
typedef gboolean (*dr_dir_keep_fn)(const char *dir, const char *name);
GPtrArray *dr_dir_list(const char *dir, dr_dir_keep_fn keep,
	    GError **error);

void	dr_limits_init(struct dr_limits *lim);
/* FALSE with DR_ERROR_TEMPFAIL once lim->deadline has passed. */
gboolean dr_limits_check_deadline(const struct dr_limits *lim,
	    GError **error);

#endif /* DR_MODEL_H */
