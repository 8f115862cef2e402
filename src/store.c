/*
 * store.c - PostgreSQL storage (see store.h for the interface).
 *
 * All SQL takes its values as parameters or through COPY; report text is
 * never spliced into a statement.  Records go in with COPY ... FROM STDIN
 * in text format, batched in a bounded buffer.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "error.h"
#include "store.h"
#include "store_view.h"

/* Bytes of COPY data collected before they are sent to the server. */
#define DR_COPY_BATCH	(64 * 1024)

struct dr_store {
	PGconn	*conn;
	gboolean starting;		/* connecting, until conn_ready() */
	PostgresPollingStatusType polling;	/* while starting */
	char	*owner_addr;		/* dr_store_prepare()'s lookup: */
	PGresult *owner;		/* for this address, its answer */
	gint64	 domains_of;		/* the customer whose domains */
	GPtrArray *domains;		/* these are (char *), or 0 */
	gboolean connected;
	gboolean retry;			/* last failure: 40001 or 40P01 */
	/* The report between report_begin and report_end. */
	const struct dr_report *rep;
	const struct dr_delivery *dlv;
	const char *source_name;
	gint64	 customer;
	gint64	 report;		/* its id, once its row is in */
	gboolean duplicate;		/* it was there already */
	gboolean in_copy;
	gint64	 ordinal;
	GString	*copy;			/* rows not yet sent */
	GString	*spare;			/* for copy_add_ids() */
};

/* Turns a failed result (or a connection failure) into a GError. */
static void
set_pq_error(struct dr_store *s, const PGresult *res, GError **error,
    const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE)
	    : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : NULL;
	int code = DR_ERROR_TEMPFAIL;
	char *text;

	if (msg == NULL || *msg == '\0')
		msg = PQerrorMessage(s->conn);
	s->retry = state != NULL && (strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0);
	/*
	 * Classes 22 (data exception) and 23 (integrity) come from values in
	 * a report: retrying would not help, so the message is quarantined.
	 * Everything else (08 connection, 53 resources, 57P shutdown, 40
	 * transaction rollback, 42 missing schema) is for the MTA to retry.
	 */
	if (state != NULL && (strncmp(state, "22", 2) == 0 ||
	    strncmp(state, "23", 2) == 0))
		code = DR_ERROR_BAD_DATA;
	text = g_strchomp(g_strdup(msg));
	g_set_error(error, DR_ERROR, code, "%s: %s%s%s%s", what,
	    state ? "SQLSTATE " : "", state ? state : "", state ? " " : "",
	    text);
	g_free(text);
}

static gboolean conn_ready(struct dr_store *s, GError **error);
static void set_domains(struct dr_store *s, gint64 customer,
    GPtrArray *domains);
static GPtrArray *split_array(const char *agg);

/* res if it succeeded; otherwise NULL (res is freed) and the error. */
static PGresult *
result_ok(struct dr_store *s, PGresult *res, GError **error)
{
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		set_pq_error(s, res, error, "database");
		PQclear(res);
		return NULL;
	}
	return res;
}

/* Runs a statement with text parameters; returns the result or NULL. */
static PGresult *
exec_params(struct dr_store *s, const char *sql, int n,
    const char *const *values, GError **error)
{
	g_return_val_if_fail(!s->in_copy, NULL);
	if (!conn_ready(s, error))
		return NULL;
	return result_ok(s, PQexecParams(s->conn, sql, n, NULL, values, NULL,
	    NULL, 0), error);
}

static gboolean
exec_ok(struct dr_store *s, const char *sql, int n, const char *const *values,
    GError **error)
{
	PGresult *res = exec_params(s, sql, n, values, error);

	PQclear(res);
	return res != NULL;
}

static void
ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/*
 * Whether PQconnectdb would apply a connect_timeout here (from conninfo,
 * the environment, or a service file).  Only PQconnectdb itself can then
 * move on to the next host when one does not answer in time, so such a
 * connection is not started in the background.
 */
static gboolean
has_connect_timeout(const char *conninfo)
{
	PQconninfoOption *opts, *o;
	gboolean found = FALSE;

	if (getenv("PGCONNECT_TIMEOUT") != NULL || getenv("PGSERVICE") != NULL)
		return TRUE;
	/* A bare database name does not parse, and sets neither. */
	if (conninfo == NULL ||
	    (opts = PQconninfoParse(conninfo, NULL)) == NULL)
		return FALSE;
	for (o = opts; o->keyword != NULL; o++)
		if (o->val != NULL && *o->val != '\0' &&
		    (strcmp(o->keyword, "connect_timeout") == 0 ||
		    strcmp(o->keyword, "service") == 0))
			found = TRUE;
	PQconninfoFree(opts);
	return found;
}

/* wait FALSE: only starts connecting (PQconnectStartParams). */
static PGconn *
connect_db(const char *conninfo, gboolean wait)
{
	const char *keys[4], *vals[4];
	PGconn *conn;
	int n = 0;

	if (conninfo != NULL && *conninfo != '\0') {
		keys[n] = "dbname";
		vals[n++] = conninfo;
	}
	keys[n] = "fallback_application_name";
	vals[n++] = "dmarc-rua";
	keys[n] = "client_encoding";
	vals[n++] = "UTF8";
	keys[n] = NULL;
	vals[n] = NULL;
	if (wait)
		conn = PQconnectdbParams(keys, vals, 1);
	else
		conn = PQconnectStartParams(keys, vals, 1);
	/* Server notices ("already exists, skipping") are not for users. */
	PQsetNoticeProcessor(conn, ignore_notice, NULL);
	return conn;
}

/*
 * Moves a connection started with PQconnectStartParams on, as PQconnectdb
 * would: until it is made or has failed, or, with wait FALSE, until the
 * socket would block (so that the startup packet goes out at once and
 * the server starts the backend while we do other work).
 */
static void
connect_advance(PGconn *conn, PostgresPollingStatusType *st, gboolean wait)
{
	struct pollfd pfd;

	if (PQstatus(conn) == CONNECTION_BAD)
		return;
	while (*st != PGRES_POLLING_OK && *st != PGRES_POLLING_FAILED) {
		pfd.fd = PQsocket(conn);
		pfd.events = *st == PGRES_POLLING_READING ? POLLIN : POLLOUT;
		/* On EINTR as on an error, PQconnectPoll says what to do. */
		if (pfd.fd >= 0 && poll(&pfd, 1, wait ? -1 : 0) == 0)
			return;
		*st = PQconnectPoll(conn);
	}
}

/* The domains of customer id (an SQL expression), one per line. */
#define DOMAINS_OF(id) \
	"(SELECT string_agg(d.domain, E'\\n' ORDER BY d.domain)" \
	" FROM customer_domain d WHERE d.customer_id = " id ")"

/*
 * The owner of a rua mailbox: addr in lower case, or else without its
 * "+extension" (user+tag@domain also reaches user@domain's owner).
 */
static PGresult *
query_owner(PGconn *conn, const char *addr)
{
	char *lower = g_ascii_strdown(addr, -1);
	char *plain = NULL;
	const char *plus, *at;
	const char *v[2];
	PGresult *res;

	at = strrchr(lower, '@');
	plus = strchr(lower, '+');
	if (at != NULL && plus != NULL && plus < at)
		plain = g_strdup_printf("%.*s%s", (int)(plus - lower), lower,
		    at);
	v[0] = lower;
	v[1] = plain;
	/*
	 * The simpler statement costs a fresh backend a third less.  The
	 * customer's domains come along, for the foreign-domain flag.
	 */
	if (plain == NULL)
		res = PQexecParams(conn, "SELECT a.customer_id, "
		    DOMAINS_OF("a.customer_id")
		    " FROM customer_address a WHERE a.address = $1", 1, NULL,
		    v, NULL, NULL, 0);
	else
		res = PQexecParams(conn, "SELECT a.customer_id, "
		    DOMAINS_OF("a.customer_id")
		    " FROM customer_address a WHERE a.address IN ($1, $2)"
		    " ORDER BY a.address = $1 DESC LIMIT 1", 2, NULL, v, NULL,
		    NULL, 0);
	g_free(lower);
	g_free(plain);
	return res;
}

/* Waits for a connection started by dr_store_start(); FALSE without one. */
static gboolean
conn_ready(struct dr_store *s, GError **error)
{
	char *msg;

	if (s->starting) {
		s->starting = FALSE;
		connect_advance(s->conn, &s->polling, TRUE);
		/*
		 * A connection started long ago (a slow parse) may have been
		 * dropped by the server's authentication_timeout: one fresh,
		 * blocking attempt before telling the MTA to retry.
		 */
		if (PQstatus(s->conn) != CONNECTION_OK)
			PQreset(s->conn);
		s->connected = PQstatus(s->conn) == CONNECTION_OK;
	}
	if (s->connected)
		return TRUE;
	msg = g_strchomp(g_strdup(PQerrorMessage(s->conn)));
	g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL,
	    "cannot connect to the database: %s", msg);
	g_free(msg);
	return FALSE;
}

static struct dr_store *
store_new(void)
{
	struct dr_store *s = g_new0(struct dr_store, 1);

	s->copy = g_string_sized_new(DR_COPY_BATCH + 4096);
	s->spare = g_string_sized_new(DR_COPY_BATCH + 4096);
	return s;
}

struct dr_store *
dr_store_open(const char *conninfo, GError **error)
{
	struct dr_store *s = store_new();

	s->conn = connect_db(conninfo, TRUE);
	s->connected = PQstatus(s->conn) == CONNECTION_OK;
	if (!conn_ready(s, error)) {
		dr_store_close(s);
		return NULL;
	}
	return s;
}

struct dr_store *
dr_store_start(const char *conninfo)
{
	struct dr_store *s = store_new();

	s->starting = !has_connect_timeout(conninfo);
	s->conn = connect_db(conninfo, !s->starting);
	s->connected = PQstatus(s->conn) == CONNECTION_OK;
	s->polling = PGRES_POLLING_WRITING;
	if (s->starting)
		connect_advance(s->conn, &s->polling, FALSE);
	return s;
}

void
dr_store_prepare(struct dr_store *s, const char *recipient)
{
	if (!conn_ready(s, NULL) || recipient == NULL)
		return;
	g_free(s->owner_addr);
	PQclear(s->owner);
	s->owner_addr = g_strdup(recipient);
	s->owner = query_owner(s->conn, recipient);
}

void
dr_store_close(struct dr_store *s)
{
	if (s == NULL)
		return;
	PQclear(s->owner);
	g_free(s->owner_addr);
	if (s->domains != NULL)
		g_ptr_array_unref(s->domains);
	PQfinish(s->conn);
	g_string_free(s->copy, TRUE);
	g_string_free(s->spare, TRUE);
	g_free(s);
}

gboolean
dr_store_should_retry(const struct dr_store *s)
{
	return s->retry;
}

gboolean
dr_store_begin(struct dr_store *s, GError **error)
{
	s->retry = FALSE;
	return exec_ok(s, "BEGIN", 0, NULL, error);
}

gboolean
dr_store_commit(struct dr_store *s, GError **error)
{
	return exec_ok(s, "COMMIT", 0, NULL, error);
}

void
dr_store_rollback(struct dr_store *s)
{
	PGresult *res;

	if (s->in_copy) {
		PQputCopyEnd(s->conn, "aborted");
		while ((res = PQgetResult(s->conn)) != NULL)
			PQclear(res);
		s->in_copy = FALSE;
	}
	s->rep = NULL;
	g_string_truncate(s->copy, 0);
	if (!conn_ready(s, NULL) || PQstatus(s->conn) != CONNECTION_OK)
		return;
	res = PQexec(s->conn, "ROLLBACK");
	PQclear(res);
}

/* --- ingest ----------------------------------------------------------- */

gboolean
dr_store_customer_for_address(struct dr_store *s, const char *addr,
    gint64 *customer_id, GError **error)
{
	PGresult *res;
	gboolean ok = FALSE;

	if (!conn_ready(s, error))
		return FALSE;
	if (s->owner != NULL && strcmp(s->owner_addr, addr) == 0) {
		res = result_ok(s, s->owner, error);
		s->owner = NULL;
	} else
		res = result_ok(s, query_owner(s->conn, addr), error);
	if (res != NULL) {
		if (PQntuples(res) == 1) {
			*customer_id = g_ascii_strtoll(PQgetvalue(res, 0, 0),
			    NULL, 10);
			set_domains(s, *customer_id, split_array(
			    PQgetisnull(res, 0, 1) ? NULL :
			    PQgetvalue(res, 0, 1)));
			ok = TRUE;
		} else
			g_set_error(error, DR_ERROR, DR_ERROR_NOT_FOUND,
			    "no customer owns the mailbox %s", addr);
	}
	PQclear(res);
	return ok;
}

/* Appends a PostgreSQL array literal of strings (NULL elements allowed). */
static void
array_literal(GString *out, const char *const *items, guint n)
{
	guint i;
	const char *p;

	g_string_append_c(out, '{');
	for (i = 0; i < n; i++) {
		if (i > 0)
			g_string_append_c(out, ',');
		if (items[i] == NULL) {
			g_string_append(out, "NULL");
			continue;
		}
		g_string_append_c(out, '"');
		for (p = items[i]; *p; p++) {
			if (*p == '"' || *p == '\\')
				g_string_append_c(out, '\\');
			g_string_append_c(out, *p);
		}
		g_string_append_c(out, '"');
	}
	g_string_append_c(out, '}');
}

static char *
ptr_array_literal(const GPtrArray *a)
{
	GString *out = g_string_new(NULL);

	array_literal(out, (const char *const *)a->pdata, a->len);
	return g_string_free(out, FALSE);
}

static const char *
int64_str(char *buf, gsize len, gint64 v)
{
	g_snprintf(buf, len, "%" G_GINT64_FORMAT, v);
	return buf;
}

static void
set_domains(struct dr_store *s, gint64 customer, GPtrArray *domains)
{
	if (s->domains != NULL)
		g_ptr_array_unref(s->domains);
	s->domains = domains;
	s->domains_of = customer;
}

/*
 * Whether a report about policy domain name is about a domain the
 * customer does not own: it has domains (stored as lower-case A-labels)
 * and none of them is name (any case, trailing dots ignored) or a parent
 * of it.  Its domains came with the lookup of the customer; otherwise
 * they are asked for here.
 */
static gboolean
foreign_domain(struct dr_store *s, const char *name, gboolean *foreign,
    GError **error)
{
	char *d, *end;
	gsize n, m;
	guint i;

	if (s->domains == NULL || s->domains_of != s->customer) {
		char cid[32];
		const char *v[1];
		PGresult *res;

		v[0] = int64_str(cid, sizeof(cid), s->customer);
		res = exec_params(s, "SELECT " DOMAINS_OF("$1"), 1, v,
		    error);
		if (res == NULL)
			return FALSE;
		set_domains(s, s->customer, split_array(PQgetisnull(res, 0,
		    0) ? NULL : PQgetvalue(res, 0, 0)));
		PQclear(res);
	}
	*foreign = s->domains->len > 0;
	d = g_ascii_strdown(name, -1);
	for (end = d + strlen(d); end > d && end[-1] == '.'; end--)
		end[-1] = '\0';
	n = strlen(d);
	for (i = 0; *foreign && i < s->domains->len; i++) {
		const char *own = s->domains->pdata[i];

		m = strlen(own);
		if (strcmp(d, own) == 0 || (n > m && d[n - m - 1] == '.' &&
		    strcmp(d + n - m, own) == 0))
			*foreign = FALSE;
	}
	g_free(d);
	return TRUE;
}

/*
 * The report row.  ON CONFLICT DO NOTHING against the report_once
 * constraint: a concurrent delivery of the same report waits for ours to
 * commit and then finds the row, so exactly one copy survives.
 */
#define REPORT_COLUMNS \
	"customer_id, org_name, report_id, policy_domain, date_begin," \
	" date_end, email, extra_contact_info, errors, generator," \
	" xml_namespace, version, adkim, aspf, p, sp, np, pct, fo, testing," \
	" discovery_method, source_name, queue_id, recipient, sender," \
	" message_id, foreign_domain"
#define REPORT_VALUES \
	"$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15," \
	" $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27"
#define REPORT_ONCE \
	" ON CONFLICT ON CONSTRAINT report_once DO NOTHING RETURNING id"

/*
 * Inserts the report row; sets s->report, or s->duplicate.  complete:
 * the report has been read to its end, so its totals and notes go in
 * with it.
 */
static gboolean
insert_report(struct dr_store *s, const struct dr_report *rep,
    gboolean complete, GError **error)
{
	char cid[32], begin[32], end[32], records[32], messages[32];
	char *errors, *notes = NULL;
	const char *v[31];
	gboolean foreign;
	PGresult *res;

	if (!foreign_domain(s, rep->domain, &foreign, error))
		return FALSE;
	errors = ptr_array_literal(rep->errors);

	v[0] = int64_str(cid, sizeof(cid), s->customer);
	v[1] = rep->org_name ? rep->org_name : "";
	v[2] = rep->report_id;
	v[3] = rep->domain;
	v[4] = int64_str(begin, sizeof(begin), rep->begin);
	v[5] = int64_str(end, sizeof(end), rep->end);
	v[6] = rep->email;
	v[7] = rep->extra_contact_info;
	v[8] = errors;
	v[9] = rep->generator;
	v[10] = rep->xml_namespace;
	v[11] = rep->version;
	v[12] = rep->adkim;
	v[13] = rep->aspf;
	v[14] = rep->p;
	v[15] = rep->sp;
	v[16] = rep->np;
	v[17] = rep->pct;
	v[18] = rep->fo;
	v[19] = rep->testing;
	v[20] = rep->discovery_method;
	v[21] = s->source_name;
	v[22] = s->dlv->queue_id;
	v[23] = s->dlv->recipient;
	v[24] = s->dlv->sender;
	v[25] = s->dlv->message_id;
	v[26] = foreign ? "t" : "f";
	if (complete) {
		notes = ptr_array_literal(rep->notes);
		v[27] = int64_str(records, sizeof(records), rep->record_count);
		v[28] = int64_str(messages, sizeof(messages),
		    rep->message_count);
		v[29] = notes;
		v[30] = rep->extensions;
		res = exec_params(s, "INSERT INTO report (" REPORT_COLUMNS
		    ", record_count, message_count, notes, extensions) "
		    "VALUES (" REPORT_VALUES ", $28, $29, $30, $31)"
		    REPORT_ONCE, 31, v, error);
	} else
		res = exec_params(s, "INSERT INTO report (" REPORT_COLUMNS ") "
		    "VALUES (" REPORT_VALUES ")" REPORT_ONCE, 27, v, error);
	g_free(errors);
	g_free(notes);
	if (res == NULL)
		return FALSE;
	if (PQntuples(res) == 0)
		s->duplicate = TRUE;
	else
		s->report = g_ascii_strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return TRUE;
}

static gboolean
copy_start(struct dr_store *s, GError **error)
{
	PGresult *res;
	gboolean ok = FALSE;

	res = PQexec(s->conn,
	    "COPY record (report, ordinal, source_ip, source_ip_raw, count,"
	    " disposition, dkim_eval, spf_eval, reason_type, reason_comment,"
	    " envelope_to, envelope_from, header_from, dkim_domain,"
	    " dkim_selector, dkim_result, dkim_human_result, spf_domain,"
	    " spf_scope, spf_result, spf_human_result, extensions) "
	    "FROM STDIN");
	if (res == NULL || PQresultStatus(res) != PGRES_COPY_IN)
		set_pq_error(s, res, error, "COPY record");
	else {
		s->in_copy = TRUE;
		ok = TRUE;
	}
	PQclear(res);
	return ok;
}

static gboolean
copy_flush(struct dr_store *s, GError **error)
{
	if (s->copy->len == 0)
		return TRUE;
	if (PQputCopyData(s->conn, s->copy->str, s->copy->len) != 1) {
		set_pq_error(s, NULL, error, "COPY record");
		return FALSE;
	}
	g_string_truncate(s->copy, 0);
	return TRUE;
}

static gboolean
copy_end(struct dr_store *s, GError **error)
{
	PGresult *res;
	gboolean ok = TRUE;

	if (!copy_flush(s, error))
		return FALSE;
	s->in_copy = FALSE;
	if (PQputCopyEnd(s->conn, NULL) != 1) {
		set_pq_error(s, NULL, error, "COPY record");
		return FALSE;
	}
	while ((res = PQgetResult(s->conn)) != NULL) {
		if (ok && PQresultStatus(res) != PGRES_COMMAND_OK) {
			set_pq_error(s, res, error, "COPY record");
			ok = FALSE;
		}
		PQclear(res);
	}
	return ok;
}

/*
 * Rows are collected before the report row exists, so without its id:
 * it goes in front of each of them once it is known.
 */
static void
copy_add_ids(struct dr_store *s)
{
	const char *p = s->copy->str, *end = p + s->copy->len, *nl;
	GString *tmp = s->copy;
	char id[32];

	int64_str(id, sizeof(id), s->report);
	g_string_truncate(s->spare, 0);
	for (; p < end; p = nl + 1) {
		/* Fields escape their newlines: a bare one ends a row. */
		nl = memchr(p, '\n', (gsize)(end - p));
		g_string_append(s->spare, id);
		g_string_append_c(s->spare, '\t');
		g_string_append_len(s->spare, p, nl + 1 - p);
	}
	s->copy = s->spare;
	s->spare = tmp;
	g_string_truncate(s->spare, 0);
}

/* The report row goes in now, and its records stream after it. */
static gboolean
report_stream(struct dr_store *s, GError **error)
{
	if (!insert_report(s, s->rep, FALSE, error))
		return FALSE;
	if (s->duplicate) {
		g_string_truncate(s->copy, 0);
		return TRUE;
	}
	if (!copy_start(s, error))
		return FALSE;
	copy_add_ids(s);
	return copy_flush(s, error);
}

void
dr_store_report_begin(struct dr_store *s, gint64 customer_id,
    const struct dr_report *rep, const struct dr_delivery *dlv,
    const char *source_name)
{
	s->customer = customer_id;
	s->rep = rep;
	s->dlv = dlv;
	s->source_name = source_name;
	s->report = 0;
	s->duplicate = FALSE;
	s->ordinal = 0;
	g_string_truncate(s->copy, 0);
}

/* The COPY text format: backslash escapes, \N for NULL. */
static void
copy_field(GString *out, const char *v, gboolean last)
{
	const char *p;

	if (v == NULL)
		g_string_append(out, "\\N");
	else {
		for (p = v; *p; p++) {
			switch (*p) {
			case '\\':
				g_string_append(out, "\\\\");
				break;
			case '\t':
				g_string_append(out, "\\t");
				break;
			case '\n':
				g_string_append(out, "\\n");
				break;
			case '\r':
				g_string_append(out, "\\r");
				break;
			default:
				g_string_append_c(out, *p);
			}
		}
	}
	g_string_append_c(out, last ? '\n' : '\t');
}

/* An array column built from one member of each element of a GArray. */
static void
copy_array(GString *out, GString *tmp, const GArray *a, gsize elt,
    gsize offset)
{
	const char **items = g_newa(const char *, a->len + 1);
	guint i;

	for (i = 0; i < a->len; i++)
		items[i] = *(const char *const *)(a->data + i * elt + offset);
	g_string_truncate(tmp, 0);
	array_literal(tmp, items, a->len);
	copy_field(out, tmp->str, FALSE);
}

gboolean
dr_store_record(struct dr_store *s, const struct dr_record *rec,
    GError **error)
{
	char num[32];
	GString *out = s->copy;
	GString *tmp;

	g_return_val_if_fail(s->rep != NULL, FALSE);
	if (s->duplicate)
		return TRUE;
	tmp = g_string_new(NULL);
	/* Until the report row is in, its id is added later. */
	if (s->in_copy)
		copy_field(out, int64_str(num, sizeof(num), s->report), FALSE);
	copy_field(out, int64_str(num, sizeof(num), s->ordinal++), FALSE);
	copy_field(out, rec->source_ip, FALSE);
	copy_field(out, rec->source_ip_raw, FALSE);
	copy_field(out, int64_str(num, sizeof(num), rec->count), FALSE);
	copy_field(out, rec->disposition, FALSE);
	copy_field(out, rec->dkim_eval, FALSE);
	copy_field(out, rec->spf_eval, FALSE);
	copy_array(out, tmp, rec->reasons, sizeof(struct dr_reason),
	    G_STRUCT_OFFSET(struct dr_reason, type));
	copy_array(out, tmp, rec->reasons, sizeof(struct dr_reason),
	    G_STRUCT_OFFSET(struct dr_reason, comment));
	copy_field(out, rec->envelope_to, FALSE);
	copy_field(out, rec->envelope_from, FALSE);
	copy_field(out, rec->header_from, FALSE);
	copy_array(out, tmp, rec->dkim, sizeof(struct dr_dkim_result),
	    G_STRUCT_OFFSET(struct dr_dkim_result, domain));
	copy_array(out, tmp, rec->dkim, sizeof(struct dr_dkim_result),
	    G_STRUCT_OFFSET(struct dr_dkim_result, selector));
	copy_array(out, tmp, rec->dkim, sizeof(struct dr_dkim_result),
	    G_STRUCT_OFFSET(struct dr_dkim_result, result));
	copy_array(out, tmp, rec->dkim, sizeof(struct dr_dkim_result),
	    G_STRUCT_OFFSET(struct dr_dkim_result, human_result));
	copy_array(out, tmp, rec->spf, sizeof(struct dr_spf_result),
	    G_STRUCT_OFFSET(struct dr_spf_result, domain));
	copy_array(out, tmp, rec->spf, sizeof(struct dr_spf_result),
	    G_STRUCT_OFFSET(struct dr_spf_result, scope));
	copy_array(out, tmp, rec->spf, sizeof(struct dr_spf_result),
	    G_STRUCT_OFFSET(struct dr_spf_result, result));
	copy_array(out, tmp, rec->spf, sizeof(struct dr_spf_result),
	    G_STRUCT_OFFSET(struct dr_spf_result, human_result));
	copy_field(out, rec->extensions, TRUE);
	g_string_free(tmp, TRUE);
	if (out->len < DR_COPY_BATCH)
		return TRUE;
	if (!s->in_copy)
		return report_stream(s, error);
	return copy_flush(s, error);
}

gboolean
dr_store_report_end(struct dr_store *s, const struct dr_report *rep,
    gboolean *duplicate, GError **error)
{
	char id[32], records[32], messages[32];
	char *notes;
	const char *v[5];
	gboolean ok;

	g_return_val_if_fail(s->rep != NULL, FALSE);
	*duplicate = FALSE;
	s->rep = NULL;
	if (s->duplicate) {
		*duplicate = TRUE;
		return TRUE;
	}
	if (!s->in_copy) {
		/* It fitted in one batch: the row goes in whole, then COPY. */
		if (!insert_report(s, rep, TRUE, error))
			return FALSE;
		if (s->duplicate || s->copy->len == 0) {
			*duplicate = s->duplicate;
			g_string_truncate(s->copy, 0);
			return TRUE;
		}
		if (!copy_start(s, error))
			return FALSE;
		copy_add_ids(s);
		return copy_end(s, error);
	}
	if (!copy_end(s, error))
		return FALSE;

	notes = ptr_array_literal(rep->notes);
	v[0] = int64_str(id, sizeof(id), s->report);
	v[1] = int64_str(records, sizeof(records), rep->record_count);
	v[2] = int64_str(messages, sizeof(messages), rep->message_count);
	v[3] = notes;
	v[4] = rep->extensions;
	ok = exec_ok(s, "UPDATE report SET record_count = $2,"
	    " message_count = $3, notes = $4, extensions = $5 WHERE id = $1",
	    5, v, error);
	g_free(notes);
	return ok;
}

gboolean
dr_store_quarantine(struct dr_store *s, gint64 customer_id,
    const char *reason, const char *detail, const struct dr_delivery *dlv,
    const guint8 *raw, gsize len, gsize total, gint64 *id, GError **error)
{
	char cid[32], size[32];
	const char *v[10];
	int lengths[10] = { 0 }, formats[10] = { 0 };
	PGresult *res;

	v[0] = customer_id > 0 ? int64_str(cid, sizeof(cid), customer_id)
	    : NULL;
	v[1] = reason;
	v[2] = detail;
	v[3] = dlv->recipient;
	v[4] = dlv->queue_id;
	v[5] = dlv->sender;
	v[6] = dlv->message_id;
	v[7] = int64_str(size, sizeof(size), (gint64)total);
	v[8] = len < total ? "t" : "f";
	v[9] = (const char *)(raw != NULL ? raw : (const guint8 *)"");
	lengths[9] = (int)len;
	formats[9] = 1;
	if (!conn_ready(s, error))
		return FALSE;
	/*
	 * The same mail for the same recipient is one entry, counting its
	 * deliveries (schema/004_quarantine_once.sql).
	 */
	res = PQexecParams(s->conn, "SELECT dr_quarantine_add($1, $2, $3, $4,"
	    " $5, $6, $7, $8, $9, $10)",
	    10, NULL, v, lengths, formats, 0);
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		set_pq_error(s, res, error, "quarantine");
		/* Whatever the server said, the MTA must keep the mail. */
		if (error && *error)
			(*error)->code = DR_ERROR_TEMPFAIL;
		PQclear(res);
		return FALSE;
	}
	if (id != NULL)
		*id = g_ascii_strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return TRUE;
}

/* --- operator commands --------------------------------------------------- */

void
dr_customer_free(struct dr_customer *c)
{
	if (c == NULL)
		return;
	g_free(c->slug);
	g_free(c->name);
	g_free(c->created);
	g_ptr_array_unref(c->addresses);
	g_ptr_array_unref(c->domains);
	g_free(c);
}

static gboolean
slug_valid(const char *slug, GError **error)
{
	const char *p;

	if (slug[0] == '\0' || strlen(slug) > 63 || slug[0] == '-' ||
	    slug[0] == '_')
		goto bad;
	for (p = slug; *p; p++)
		if (!(g_ascii_islower(*p) || g_ascii_isdigit(*p) ||
		    *p == '-' || *p == '_'))
			goto bad;
	return TRUE;
bad:
	g_set_error(error, DR_ERROR, DR_ERROR_USAGE,
	    "invalid slug '%s': use 1 to 63 of a-z 0-9 - _, starting with a "
	    "letter or digit", slug);
	return FALSE;
}

gboolean
dr_store_customer_add(struct dr_store *s, const char *slug, const char *name,
    GError **error)
{
	const char *v[2] = { slug, name };
	PGresult *res;
	gboolean ok;

	if (!slug_valid(slug, error))
		return FALSE;
	res = exec_params(s, "INSERT INTO customer (slug, name) VALUES ($1, $2)"
	    " ON CONFLICT (slug) DO NOTHING RETURNING id", 2, v, error);
	if (res == NULL)
		return FALSE;
	ok = PQntuples(res) == 1;
	if (!ok)
		g_set_error(error, DR_ERROR, DR_ERROR_CONFLICT,
		    "customer %s exists already", slug);
	PQclear(res);
	return ok;
}

static GPtrArray *
split_array(const char *agg)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	char **parts;
	int i;

	if (agg == NULL || *agg == '\0')
		return a;
	parts = g_strsplit(agg, "\n", -1);
	for (i = 0; parts[i]; i++)
		g_ptr_array_add(a, parts[i]);
	g_free(parts);
	return a;
}

#define CUSTOMER_SELECT \
	"SELECT c.id, c.slug, c.name, to_char(c.created_at AT TIME ZONE 'UTC'," \
	" 'YYYY-MM-DD HH24:MI:SS'), " \
	" (SELECT string_agg(address, E'\\n' ORDER BY address)" \
	"  FROM customer_address a WHERE a.customer_id = c.id)," \
	" " DOMAINS_OF("c.id") "," \
	" (SELECT count(*) FROM report r WHERE r.customer_id = c.id)," \
	" (SELECT count(*) FROM quarantine q WHERE q.customer_id = c.id) " \
	"FROM customer c "

static struct dr_customer *
customer_from_row(PGresult *res, int row)
{
	struct dr_customer *c = g_new0(struct dr_customer, 1);

	c->id = g_ascii_strtoll(PQgetvalue(res, row, 0), NULL, 10);
	c->slug = g_strdup(PQgetvalue(res, row, 1));
	c->name = g_strdup(PQgetvalue(res, row, 2));
	c->created = g_strdup(PQgetvalue(res, row, 3));
	c->addresses = split_array(PQgetvalue(res, row, 4));
	c->domains = split_array(PQgetvalue(res, row, 5));
	c->reports = g_ascii_strtoll(PQgetvalue(res, row, 6), NULL, 10);
	c->quarantined = g_ascii_strtoll(PQgetvalue(res, row, 7), NULL, 10);
	return c;
}

struct dr_customer *
dr_store_customer_get(struct dr_store *s, const char *slug, GError **error)
{
	const char *v[1] = { slug };
	struct dr_customer *c = NULL;
	PGresult *res;

	res = exec_params(s, CUSTOMER_SELECT "WHERE c.slug = $1", 1, v, error);
	if (res == NULL)
		return NULL;
	if (PQntuples(res) == 1) {
		c = customer_from_row(res, 0);
		set_domains(s, c->id, g_ptr_array_ref(c->domains));
	} else
		g_set_error(error, DR_ERROR, DR_ERROR_NOT_FOUND,
		    "no customer %s", slug);
	PQclear(res);
	return c;
}

GPtrArray *
dr_store_customer_list(struct dr_store *s, GError **error)
{
	GPtrArray *list;
	PGresult *res;
	int i;

	res = exec_params(s, CUSTOMER_SELECT "ORDER BY c.slug", 0, NULL, error);
	if (res == NULL)
		return NULL;
	list = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)dr_customer_free);
	for (i = 0; i < PQntuples(res); i++)
		g_ptr_array_add(list, customer_from_row(res, i));
	PQclear(res);
	return list;
}

/* Runs a one-row-affecting statement; NOT_FOUND when no row was hit. */
static gboolean
exec_one(struct dr_store *s, const char *sql, int n, const char *const *v,
    const char *missing, GError **error)
{
	PGresult *res = exec_params(s, sql, n, v, error);
	gboolean ok;

	if (res == NULL)
		return FALSE;
	ok = g_strcmp0(PQcmdTuples(res), "0") != 0;
	if (!ok)
		g_set_error_literal(error, DR_ERROR, DR_ERROR_NOT_FOUND,
		    missing);
	PQclear(res);
	return ok;
}

gboolean
dr_store_customer_remove(struct dr_store *s, const char *slug,
    gboolean purge, GError **error)
{
	struct dr_customer *c;
	char id[32];
	const char *v[1];
	gboolean ok;

	if (!dr_store_begin(s, error))
		return FALSE;
	c = dr_store_customer_get(s, slug, error);
	if (c == NULL)
		goto fail;
	if (!purge && (c->reports > 0 || c->quarantined > 0)) {
		g_set_error(error, DR_ERROR, DR_ERROR_CONFLICT,
		    "customer %s has %" G_GINT64_FORMAT " reports and %"
		    G_GINT64_FORMAT " quarantined mails; use --purge to "
		    "delete them too", slug, c->reports, c->quarantined);
		goto fail;
	}
	v[0] = int64_str(id, sizeof(id), c->id);
	/* record rows go with their reports (ON DELETE CASCADE). */
	ok = exec_ok(s, "DELETE FROM report WHERE customer_id = $1", 1, v,
	    error) &&
	    exec_ok(s, "DELETE FROM quarantine WHERE customer_id = $1", 1, v,
	    error) &&
	    exec_ok(s, "DELETE FROM customer WHERE id = $1", 1, v, error) &&
	    dr_store_commit(s, error);
	if (!ok)
		goto fail;
	dr_customer_free(c);
	return TRUE;
fail:
	dr_customer_free(c);
	dr_store_rollback(s);
	return FALSE;
}

static gboolean
address_valid(const char *addr, GError **error)
{
	const char *at = strrchr(addr, '@');
	const char *p;

	for (p = addr; *p; p++)
		if ((guchar)*p <= ' ' || *p == '<' || *p == '>' || *p == ',')
			break;
	if (at == NULL || at == addr || at[1] == '\0' || *p != '\0') {
		g_set_error(error, DR_ERROR, DR_ERROR_USAGE,
		    "invalid mailbox '%s': expected local@domain", addr);
		return FALSE;
	}
	return TRUE;
}

gboolean
dr_store_address_add(struct dr_store *s, const char *slug, const char *addr,
    GError **error)
{
	char *lower;
	const char *v[2];
	PGresult *res;
	gboolean ok = FALSE;

	if (!address_valid(addr, error))
		return FALSE;
	lower = g_ascii_strdown(addr, -1);
	v[0] = slug;
	v[1] = lower;
	res = exec_params(s,
	    "WITH c AS (SELECT id FROM customer WHERE slug = $1),"
	    " ins AS (INSERT INTO customer_address (address, customer_id)"
	    "  SELECT $2, id FROM c ON CONFLICT (address) DO NOTHING"
	    "  RETURNING customer_id) "
	    "SELECT (SELECT count(*) FROM c), (SELECT count(*) FROM ins),"
	    " (SELECT k.slug FROM customer_address a JOIN customer k"
	    "  ON k.id = a.customer_id WHERE a.address = $2)", 2, v, error);
	if (res != NULL) {
		if (strcmp(PQgetvalue(res, 0, 0), "0") == 0)
			g_set_error(error, DR_ERROR, DR_ERROR_NOT_FOUND,
			    "no customer %s", slug);
		else if (strcmp(PQgetvalue(res, 0, 1), "1") == 0 ||
		    strcmp(PQgetvalue(res, 0, 2), slug) == 0)
			ok = TRUE;
		else
			g_set_error(error, DR_ERROR, DR_ERROR_CONFLICT,
			    "mailbox %s belongs to customer %s", lower,
			    PQgetvalue(res, 0, 2));
	}
	PQclear(res);
	g_free(lower);
	return ok;
}

gboolean
dr_store_address_remove(struct dr_store *s, const char *slug,
    const char *addr, GError **error)
{
	char *lower = g_ascii_strdown(addr, -1);
	const char *v[2] = { slug, lower };
	gboolean ok;

	ok = exec_one(s, "DELETE FROM customer_address a USING customer c"
	    " WHERE c.id = a.customer_id AND c.slug = $1 AND a.address = $2",
	    2, v, "no such mailbox for this customer", error);
	g_free(lower);
	return ok;
}

static char *
domain_normalise(const char *domain, GError **error)
{
	char *d = g_ascii_strdown(domain, -1);
	const char *p;
	gsize n;

	g_strstrip(d);
	n = strlen(d);
	if (n > 0 && d[n - 1] == '.')
		d[--n] = '\0';
	for (p = d; *p; p++)
		if (!(g_ascii_isalnum(*p) || *p == '-' || *p == '.' ||
		    *p == '_'))
			break;
	if (n == 0 || d[n - 1] == '.' || n > 253 || *p != '\0' ||
	    d[0] == '.' || d[0] == '-' || strstr(d, "..") != NULL) {
		g_set_error(error, DR_ERROR, DR_ERROR_USAGE,
		    "invalid domain '%s' (use A-labels for IDNs)", domain);
		g_free(d);
		return NULL;
	}
	return d;
}

gboolean
dr_store_domain_add(struct dr_store *s, const char *slug, const char *domain,
    GError **error)
{
	char *d = domain_normalise(domain, error);
	const char *v[2];
	gboolean ok;

	if (d == NULL)
		return FALSE;
	v[0] = slug;
	v[1] = d;
	ok = exec_one(s, "INSERT INTO customer_domain (customer_id, domain)"
	    " SELECT id, $2 FROM customer WHERE slug = $1"
	    " ON CONFLICT DO NOTHING", 2, v, NULL, NULL);
	/* Zero rows: either no customer or the domain was there already. */
	if (!ok) {
		struct dr_customer *c = dr_store_customer_get(s, slug, error);

		ok = c != NULL;
		dr_customer_free(c);
	}
	g_free(d);
	return ok;
}

gboolean
dr_store_domain_remove(struct dr_store *s, const char *slug,
    const char *domain, GError **error)
{
	char *d = domain_normalise(domain, error);
	const char *v[2];
	gboolean ok;

	if (d == NULL)
		return FALSE;
	v[0] = slug;
	v[1] = d;
	ok = exec_one(s, "DELETE FROM customer_domain x USING customer c"
	    " WHERE c.id = x.customer_id AND c.slug = $1 AND x.domain = $2",
	    2, v, "no such domain for this customer", error);
	g_free(d);
	return ok;
}

void
dr_quarantined_free(struct dr_quarantined *q)
{
	if (q == NULL)
		return;
	g_free(q->received);
	g_free(q->customer);
	g_free(q->reason);
	g_free(q->detail);
	g_free(q->recipient);
	g_free(q->queue_id);
	g_free(q->sender);
	g_free(q->message_id);
	g_free(q->first_received);
	if (q->raw)
		g_bytes_unref(q->raw);
	g_free(q);
}

#define QUARANTINE_SELECT \
	"SELECT q.id, to_char(q.received_at AT TIME ZONE 'UTC'," \
	" 'YYYY-MM-DD HH24:MI:SS'), c.slug, q.reason, q.detail, q.recipient," \
	" q.queue_id, q.sender, q.message_id, q.size, q.truncated," \
	" q.deliveries, to_char(q.first_received_at AT TIME ZONE 'UTC'," \
	" 'YYYY-MM-DD HH24:MI:SS') " \
	"FROM quarantine q LEFT JOIN customer c ON c.id = q.customer_id "

static char *
nullable(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL :
	    g_strdup(PQgetvalue(res, row, col));
}

static struct dr_quarantined *
quarantined_from_row(PGresult *res, int row)
{
	struct dr_quarantined *q = g_new0(struct dr_quarantined, 1);

	q->id = g_ascii_strtoll(PQgetvalue(res, row, 0), NULL, 10);
	q->received = nullable(res, row, 1);
	q->customer = nullable(res, row, 2);
	q->reason = nullable(res, row, 3);
	q->detail = nullable(res, row, 4);
	q->recipient = nullable(res, row, 5);
	q->queue_id = nullable(res, row, 6);
	q->sender = nullable(res, row, 7);
	q->message_id = nullable(res, row, 8);
	q->size = g_ascii_strtoll(PQgetvalue(res, row, 9), NULL, 10);
	q->truncated = PQgetvalue(res, row, 10)[0] == 't';
	q->deliveries = (guint)g_ascii_strtoull(PQgetvalue(res, row, 11),
	    NULL, 10);
	q->first_received = nullable(res, row, 12);
	return q;
}

GPtrArray *
dr_store_quarantine_list(struct dr_store *s, const char *reason,
    const char *customer, GError **error)
{
	const char *v[2] = { reason, customer };
	GPtrArray *list;
	PGresult *res;
	int i;

	res = exec_params(s, QUARANTINE_SELECT
	    "WHERE ($1::text IS NULL OR q.reason = $1)"
	    " AND ($2::text IS NULL OR c.slug = $2) "
	    "ORDER BY q.received_at DESC, q.id DESC", 2, v, error);
	if (res == NULL)
		return NULL;
	list = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)dr_quarantined_free);
	for (i = 0; i < PQntuples(res); i++)
		g_ptr_array_add(list, quarantined_from_row(res, i));
	PQclear(res);
	return list;
}

struct dr_quarantined *
dr_store_quarantine_get(struct dr_store *s, gint64 id, GError **error)
{
	char num[32];
	const char *v[1] = { int64_str(num, sizeof(num), id) };
	struct dr_quarantined *q = NULL;
	PGresult *res;

	res = exec_params(s, QUARANTINE_SELECT "WHERE q.id = $1", 1, v, error);
	if (res == NULL)
		return NULL;
	if (PQntuples(res) != 1) {
		g_set_error(error, DR_ERROR, DR_ERROR_NOT_FOUND,
		    "no quarantine entry %" G_GINT64_FORMAT, id);
		PQclear(res);
		return NULL;
	}
	q = quarantined_from_row(res, 0);
	PQclear(res);
	res = PQexecParams(s->conn, "SELECT raw FROM quarantine WHERE id = $1",
	    1, NULL, v, NULL, NULL, 1);
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK ||
	    PQntuples(res) != 1) {
		set_pq_error(s, res, error, "quarantine");
		PQclear(res);
		dr_quarantined_free(q);
		return NULL;
	}
	q->raw = g_bytes_new(PQgetvalue(res, 0, 0), PQgetlength(res, 0, 0));
	PQclear(res);
	return q;
}

gboolean
dr_store_quarantine_drop(struct dr_store *s, gint64 id, GError **error)
{
	char num[32];
	const char *v[1] = { int64_str(num, sizeof(num), id) };

	return exec_one(s, "DELETE FROM quarantine WHERE id = $1", 1, v,
	    "no such quarantine entry", error);
}

gboolean
dr_store_quarantine_update(struct dr_store *s, gint64 id, gint64 customer_id,
    const char *reason, const char *detail, GError **error)
{
	char num[32], cid[32];
	const char *v[4] = { int64_str(num, sizeof(num), id), reason, detail,
	    customer_id > 0 ? int64_str(cid, sizeof(cid), customer_id) : NULL };

	return exec_one(s, "UPDATE quarantine SET reason = $2, detail = $3,"
	    " customer_id = coalesce($4, customer_id) WHERE id = $1", 4, v,
	    "no such quarantine entry", error);
}

/* --- migrations ------------------------------------------------------------ */

/* NNN_*.sql */
static gboolean
is_migration(const char *dir, const char *name)
{
	(void)dir;
	return g_ascii_isdigit(name[0]) && g_str_has_suffix(name, ".sql");
}

/* Sorted list of NNN_*.sql in dir; the number is the version. */
static GPtrArray *
migration_files(const char *dir, GError **error)
{
	GPtrArray *files = dr_dir_list(dir, is_migration, error);

	if (files != NULL && files->len == 0) {
		g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL,
		    "no migrations in %s", dir);
		g_ptr_array_unref(files);
		return NULL;
	}
	return files;
}

static int
migration_version(const char *file)
{
	return (int)g_ascii_strtoll(file, NULL, 10);
}

static gboolean
ensure_migration_table(struct dr_store *s, GError **error)
{
	return exec_ok(s, "CREATE TABLE IF NOT EXISTS schema_migration ("
	    " version integer PRIMARY KEY, name text NOT NULL,"
	    " applied_at timestamptz NOT NULL DEFAULT now())", 0, NULL, error);
}

gboolean
dr_store_schema_status(struct dr_store *s, const char *dir, int *current,
    GPtrArray **pending, GError **error)
{
	GError *e = NULL;
	GPtrArray *files;
	PGresult *res;
	guint i;

	*current = 0;
	*pending = NULL;
	files = migration_files(dir, error);
	if (files == NULL)
		return FALSE;
	res = exec_params(s, "SELECT coalesce(max(version), 0) FROM"
	    " schema_migration", 0, NULL, &e);
	if (res != NULL) {
		*current = (int)g_ascii_strtoll(PQgetvalue(res, 0, 0), NULL,
		    10);
		PQclear(res);
	} else if (strstr(e->message, "SQLSTATE 42P01") != NULL) {
		/* No schema_migration table: nothing applied yet. */
		g_clear_error(&e);
	} else {
		/* Not allowed to look, or no database: not "version 0". */
		g_propagate_error(error, e);
		g_ptr_array_unref(files);
		return FALSE;
	}
	*pending = g_ptr_array_new_with_free_func(g_free);
	for (i = 0; i < files->len; i++) {
		const char *f = files->pdata[i];

		if (migration_version(f) > *current)
			g_ptr_array_add(*pending, g_strdup(f));
	}
	g_ptr_array_unref(files);
	return TRUE;
}

gboolean
dr_store_migrate(struct dr_store *s, const char *dir, int *applied,
    GError **error)
{
	GPtrArray *files;
	guint i;
	int n = 0;
	gboolean ok = TRUE;

	files = migration_files(dir, error);
	if (files == NULL)
		return FALSE;
	for (i = 0; ok && i < files->len; i++) {
		const char *f = files->pdata[i];
		char *path = g_build_filename(dir, f, NULL);
		char *sql = NULL, num[32];
		const char *v[2] = { int64_str(num, sizeof(num),
		    migration_version(f)), f };
		PGresult *res;

		/*
		 * A transaction-level advisory lock serialises concurrent
		 * migrations; each migration is applied at most once.
		 */
		ok = g_file_get_contents(path, &sql, NULL, error) &&
		    dr_store_begin(s, error) &&
		    exec_ok(s, "SELECT pg_advisory_xact_lock(7489)", 0, NULL,
		    error) && ensure_migration_table(s, error);
		if (ok) {
			res = exec_params(s, "SELECT 1 FROM schema_migration"
			    " WHERE version = $1", 1, v, error);
			ok = res != NULL;
			if (ok && PQntuples(res) == 0) {
				PGresult *r2 = PQexec(s->conn, sql);

				if (PQresultStatus(r2) != PGRES_COMMAND_OK &&
				    PQresultStatus(r2) != PGRES_TUPLES_OK) {
					set_pq_error(s, r2, error, f);
					ok = FALSE;
				}
				PQclear(r2);
				ok = ok && exec_ok(s, "INSERT INTO"
				    " schema_migration (version, name)"
				    " VALUES ($1, $2)", 2, v, error);
				if (ok)
					n++;
			}
			PQclear(res);
		}
		if (ok)
			ok = dr_store_commit(s, error);
		else
			dr_store_rollback(s);
		g_free(sql);
		g_free(path);
	}
	g_ptr_array_unref(files);
	if (applied != NULL)
		*applied = n;
	return ok;
}

/*
 * The connection, for store_view.c (the other half of this module);
 * waits for one still being set up.  A failed one is returned as it is:
 * the next statement on it reports the failure.
 */
PGconn *
dr_store_conn(struct dr_store *s)
{
	conn_ready(s, NULL);
	return s->conn;
}

/* --- shared with store_view.c and store_admin.c -------------------------- */

void
dr_store_result_error(struct dr_store *s, const char *what,
    const PGresult *res, GError **error)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE)
	    : NULL;
	const char *msg = res ? PQresultErrorField(res,
	    PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char *text;

	if (msg == NULL || *msg == '\0')
		msg = PQerrorMessage(s->conn);
	/* One line: the server's LINE and HINT parts stay out. */
	text = g_strdelimit(g_strstrip(g_strdup(msg)), "\r\n", ' ');
	g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL,
	    "database (%s): %s%s%s%s", what, state ? "SQLSTATE " : "",
	    state ? state : "", state ? " " : "", text);
	g_free(text);
}

PGresult *
dr_store_query(struct dr_store *s, const char *what, const char *sql, int n,
    const char *const *v, GError **error)
{
	PGresult *res;
	ExecStatusType st;

	res = PQexecParams(dr_store_conn(s), sql, n, NULL, v, NULL, NULL, 0);
	st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return res;
	dr_store_result_error(s, what, res, error);
	PQclear(res);
	return NULL;
}

char *
dr_store_col_str(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return NULL;
	return g_strdup(PQgetvalue(res, row, col));
}

gint64
dr_store_col_int64(const PGresult *res, int row, int col)
{
	const char *t;
	gint64 v;

	if (PQgetisnull(res, row, col))
		return 0;
	t = PQgetvalue(res, row, col);
	if (g_ascii_string_to_signed(t, 10, G_MININT64, G_MAXINT64, &v,
	    NULL))
		return v;
	return *t == '-' ? G_MININT64 : G_MAXINT64;
}
