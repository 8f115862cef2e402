-- 004_quarantine_once.sql: the same mail quarantined again is one entry.
--
-- A Maildir imported twice, a demo run again, an MTA delivering a mail a
-- second time after a lost answer: each used to add another copy of the
-- raw message.  Now an entry is the mail (the digest and size of what is
-- kept of it) for one recipient; another delivery of it counts on the
-- entry (deliveries), moves received_at to the latest one (so that
-- `db prune` keeps what still arrives) and takes the latest reason,
-- detail, customer (none, when the mailbox has no owner any more) and
-- delivery fields.  first_received_at is the first
-- delivery, NULL while there was only one.
ALTER TABLE quarantine ADD COLUMN IF NOT EXISTS digest bytea;
ALTER TABLE quarantine ADD COLUMN IF NOT EXISTS deliveries integer
    NOT NULL DEFAULT 1 CHECK (deliveries > 0);
ALTER TABLE quarantine ADD COLUMN IF NOT EXISTS first_received_at
    timestamptz;
UPDATE quarantine SET digest = sha256(raw) WHERE digest IS NULL;
ALTER TABLE quarantine ALTER COLUMN digest SET NOT NULL;

-- The copies already there: the newest of each mail stays, counting the
-- others, which go.
WITH copies AS (
	SELECT id, first_value(id) OVER w AS keep, count(*) OVER w AS n,
	    min(received_at) OVER w AS first
	FROM quarantine
	WINDOW w AS (PARTITION BY digest, size, coalesce(recipient, '')
	    ORDER BY received_at DESC, id DESC
	    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
), kept AS (
	UPDATE quarantine q SET deliveries = c.n, first_received_at = c.first
	FROM copies c WHERE q.id = c.id AND c.id = c.keep AND c.n > 1
)
DELETE FROM quarantine q USING copies c WHERE q.id = c.id AND c.id <> c.keep;

CREATE UNIQUE INDEX IF NOT EXISTS quarantine_once ON quarantine
    (digest, size, (coalesce(recipient, '')));

-- Adding an entry, or counting another delivery on it: a function that
-- runs with its owner's rights, so that ingest (dmarc_rua_ingest) still
-- can neither read nor change an entry; it can only present the same
-- mail again.  The schema is written into it: a SECURITY DEFINER
-- function must not look names up in a search_path its caller chooses.
DO $migration$
BEGIN
	EXECUTE format($fn$
CREATE OR REPLACE FUNCTION %1$I.dr_quarantine_add(p_customer bigint,
    p_reason text, p_detail text, p_recipient text, p_queue_id text,
    p_sender text, p_message_id text, p_size bigint, p_truncated boolean,
    p_raw bytea) RETURNS bigint
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $body$
	INSERT INTO %1$I.quarantine AS q (customer_id, reason, detail,
	    recipient, queue_id, sender, message_id, size, truncated, raw,
	    digest)
	VALUES (p_customer, p_reason, p_detail, p_recipient, p_queue_id,
	    p_sender, p_message_id, p_size, p_truncated, p_raw, sha256(p_raw))
	ON CONFLICT (digest, size, (coalesce(recipient, ''))) DO UPDATE
	SET received_at = now(), deliveries = q.deliveries + 1,
	    first_received_at = coalesce(q.first_received_at, q.received_at),
	    customer_id = EXCLUDED.customer_id,
	    reason = EXCLUDED.reason, detail = EXCLUDED.detail,
	    queue_id = EXCLUDED.queue_id, sender = EXCLUDED.sender,
	    message_id = EXCLUDED.message_id
	RETURNING id
$body$ $fn$, current_schema());
END
$migration$;
ALTER FUNCTION dr_quarantine_add(bigint, text, text, text, text, text, text,
    bigint, boolean, bytea) OWNER TO dmarc_rua_admin;
REVOKE EXECUTE ON FUNCTION dr_quarantine_add(bigint, text, text, text, text,
    text, text, bigint, boolean, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION dr_quarantine_add(bigint, text, text, text, text,
    text, text, bigint, boolean, bytea) TO dmarc_rua_ingest;
