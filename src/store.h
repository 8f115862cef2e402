/*
 * store.h - everything that talks to PostgreSQL.
 *
 * The only module that includes libpq-fe.h.  One struct dr_store is one
 * connection.  Errors: DR_ERROR_TEMPFAIL for anything the MTA should
 * retry (no connection, SQLSTATE classes 08, 53, 57P, serialization
 * failures and deadlocks, a schema that is not there); DR_ERROR_BAD_DATA
 * when the server rejects a value from a report (classes 22 and 23);
 * DR_ERROR_NOT_FOUND and DR_ERROR_CONFLICT for operator commands.
 *
 * Ingest uses it as: begin, then per report report_begin / record... /
 * report_end, then commit (or rollback).  Records stream to the server
 * through COPY in batches; nothing grows with the size of a report.
 * dr_store_start() lets the server start a backend while the message is
 * read and ingest's module loads; dr_store_prepare() finishes connecting
 * and asks for the recipient's owner in that time too.
 */
#ifndef DR_STORE_H
#define DR_STORE_H

#include <glib.h>

#include "model.h"

struct dr_store;

/*
 * Connects.  conninfo may be NULL or "" (the libpq environment decides).
 * Returns NULL with DR_ERROR_TEMPFAIL when the server cannot be reached.
 */
struct dr_store *dr_store_open(const char *conninfo, GError **error);
/*
 * The same, but only starts connecting and returns at once, so that the
 * server starts a backend while the caller reads and parses.  The first
 * call that needs the connection finishes it, and fails with
 * DR_ERROR_TEMPFAIL ("cannot connect to the database: ...") when it
 * cannot be made.  With a connect_timeout in effect it connects at once,
 * as dr_store_open() does (only libpq's own wait honours it).
 */
struct dr_store *dr_store_start(const char *conninfo);
/*
 * For a started store: finishes connecting and, with recipient, sends
 * the owner lookup that dr_store_customer_for_address() will want, so
 * that both happen while the caller waits for something else.  Failures
 * are not reported here but by the calls that need the connection.
 */
void	dr_store_prepare(struct dr_store *s, const char *recipient);
void	dr_store_close(struct dr_store *s);

/* TRUE when the last failure was a serialization failure or deadlock. */
gboolean dr_store_should_retry(const struct dr_store *s);

gboolean dr_store_begin(struct dr_store *s, GError **error);
gboolean dr_store_commit(struct dr_store *s, GError **error);
void	dr_store_rollback(struct dr_store *s);

/* --- ingest ----------------------------------------------------------- */

/*
 * The customer owning rua mailbox addr (compared in lower case; a
 * "+extension" in the local part is tried without it as well).
 * FALSE with DR_ERROR_NOT_FOUND when nobody owns it.
 */
gboolean dr_store_customer_for_address(struct dr_store *s, const char *addr,
	    gint64 *customer_id, GError **error);

/*
 * Starts a report.  Nothing is sent yet: records are collected in a
 * batch, and when the whole report fits in one (most do), its row goes in
 * complete at dr_store_report_end(), followed by one COPY of its records.
 * A larger report's row goes in when the first batch is full, and its
 * records stream through COPY from there.  rep, dlv and source_name must
 * stay valid until dr_store_report_end() (or dr_store_rollback()).
 */
void	dr_store_report_begin(struct dr_store *s, gint64 customer_id,
	    const struct dr_report *rep, const struct dr_delivery *dlv,
	    const char *source_name);
/* Records of a report found to be stored already are dropped. */
gboolean dr_store_record(struct dr_store *s, const struct dr_record *rec,
	    GError **error);
/*
 * Ends the report and writes its totals and notes.  *duplicate is set
 * when it was stored already (DESIGN section 6 key); then nothing of it
 * was written.
 */
gboolean dr_store_report_end(struct dr_store *s, const struct dr_report *rep,
	    gboolean *duplicate, GError **error);

/*
 * Keeps a message that could not be stored.  raw is what was read (it may
 * be a prefix of a message of total bytes when over the size limit).
 * customer_id 0: none known.  *id (may be NULL) receives the new id.
 */
gboolean dr_store_quarantine(struct dr_store *s, gint64 customer_id,
	    const char *reason, const char *detail,
	    const struct dr_delivery *dlv, const guint8 *raw, gsize len,
	    gsize total, gint64 *id, GError **error);

/* --- operator commands --------------------------------------------------- */

struct dr_customer {
	gint64	 id;
	char	*slug;
	char	*name;
	char	*created;
	GPtrArray *addresses;		/* char * */
	GPtrArray *domains;		/* char * */
	gint64	 reports;
	gint64	 quarantined;
};

void	dr_customer_free(struct dr_customer *c);

gboolean dr_store_customer_add(struct dr_store *s, const char *slug,
	    const char *name, GError **error);
/* NOT_FOUND when no such customer. */
struct dr_customer *dr_store_customer_get(struct dr_store *s,
	    const char *slug, GError **error);
/* transfer full: struct dr_customer *, ordered by slug */
GPtrArray *dr_store_customer_list(struct dr_store *s, GError **error);
/* CONFLICT while reports or quarantine entries exist, unless purge. */
gboolean dr_store_customer_remove(struct dr_store *s, const char *slug,
	    gboolean purge, GError **error);
/* CONFLICT when the address belongs to another customer. */
gboolean dr_store_address_add(struct dr_store *s, const char *slug,
	    const char *addr, GError **error);
gboolean dr_store_address_remove(struct dr_store *s, const char *slug,
	    const char *addr, GError **error);
gboolean dr_store_domain_add(struct dr_store *s, const char *slug,
	    const char *domain, GError **error);
gboolean dr_store_domain_remove(struct dr_store *s, const char *slug,
	    const char *domain, GError **error);

struct dr_quarantined {
	gint64	 id;
	char	*received;
	char	*customer;		/* slug or NULL */
	char	*reason;
	char	*detail;
	char	*recipient;
	char	*queue_id;
	char	*sender;
	char	*message_id;
	gint64	 size;
	gboolean truncated;
	guint	 deliveries;		/* times this mail came (for this
					   recipient); received is the last */
	char	*first_received;	/* the first, when more than one */
	GBytes	*raw;			/* only from dr_store_quarantine_get */
};

void	dr_quarantined_free(struct dr_quarantined *q);

/* Newest first; reason and customer slug filter when not NULL. */
GPtrArray *dr_store_quarantine_list(struct dr_store *s, const char *reason,
	    const char *customer, GError **error);
struct dr_quarantined *dr_store_quarantine_get(struct dr_store *s,
	    gint64 id, GError **error);
gboolean dr_store_quarantine_drop(struct dr_store *s, gint64 id,
	    GError **error);
/*
 * Updates reason and detail after a replay that failed again, and the
 * customer when one is known now (customer_id > 0).
 */
gboolean dr_store_quarantine_update(struct dr_store *s, gint64 id,
	    gint64 customer_id, const char *reason, const char *detail,
	    GError **error);

/* --- migrations ------------------------------------------------------------ */

/*
 * Migrations are the files NNN_name.sql in dir, applied in order, each in
 * its own transaction, and recorded in schema_migration.
 * status: *current = highest applied (0: none); *pending (transfer full,
 * char * file names) those not yet applied.
 */
gboolean dr_store_schema_status(struct dr_store *s, const char *dir,
	    int *current, GPtrArray **pending, GError **error);
/* Applies every pending migration; *applied (may be NULL) counts them. */
gboolean dr_store_migrate(struct dr_store *s, const char *dir, int *applied,
	    GError **error);

#endif /* DR_STORE_H */
