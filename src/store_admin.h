/*
 * store_admin.h - the queries of the maintenance commands: retention
 * ("dmarc-rua db prune") and the postmaster's overview ("dmarc-rua
 * status").  Part of the store module: store_admin.c is its third file
 * that includes libpq-fe.h.
 *
 * Pruning deletes in small batches, each its own transaction, taking
 * only row locks (rows another transaction holds are skipped until the
 * next run), so it can run from cron while mail is being ingested.
 */
#ifndef DR_STORE_ADMIN_H
#define DR_STORE_ADMIN_H

#include <glib.h>

#include "store.h"

/* Reports deleted per transaction; their records go with them. */
#define DR_PRUNE_REPORT_BATCH		10000
/* Quarantine entries deleted per transaction (each holds a whole mail). */
#define DR_PRUNE_QUARANTINE_BATCH	1000

struct dr_prune_counts {
	gint64	 reports;
	gint64	 records;		/* of those reports */
	gint64	 quarantined;
};

/*
 * Deletes the reports whose period ended more than report_days days ago
 * (both begin and end before the cut: a report with its dates swapped
 * counts by the later one) and the quarantine entries received more than
 * quarantine_days days ago; the cuts are taken from the server's clock
 * once, at the start.  With dry_run nothing is deleted and *out says what
 * would be.  *out is filled as far as the work got, also on failure.
 */
gboolean dr_store_prune(struct dr_store *s, guint report_days,
	    guint quarantine_days, gboolean dry_run,
	    struct dr_prune_counts *out, GError **error);

struct dr_status_customer {
	char	*slug;
	gint64	 reports_24h;		/* stored in the last 24 hours */
	gint64	 quarantined;		/* entries assigned to it */
};

struct dr_status_reason {
	char	*reason;
	gint64	 all;
	gint64	 last_24h;		/* received in the last 24 hours */
};

/* One consistent snapshot of the database, for "dmarc-rua status". */
struct dr_status {
	char	*database;		/* current_database() */
	char	*server_version;
	gint64	 last_report;		/* when the newest report was stored
					   (seconds since the epoch), 0: none */
	gint64	 last_quarantined;	/* the newest quarantine entry */
	GPtrArray *customers;		/* struct dr_status_customer, by slug */
	GPtrArray *reasons;		/* struct dr_status_reason, by reason */
	gint64	 quarantined;		/* every entry */
	gint64	 quarantined_24h;
};

/* Fills *st (cleared first); on failure *st is left empty. */
gboolean dr_store_status(struct dr_store *s, struct dr_status *st,
	    GError **error);
void	dr_status_clear(struct dr_status *st);

#endif /* DR_STORE_ADMIN_H */
