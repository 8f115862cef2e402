-- 001_initial.sql: customers, reports, records, quarantine.
--
-- Applied by `dmarc-rua db migrate` inside one transaction and recorded in
-- schema_migration.  Strings from reports are stored as text, never as
-- enums: real reporters send values outside both schemas.  Times of the
-- reporting period are kept as sent (seconds since the epoch, bigint), so
-- a report claiming the year 9999 is still stored and can be shown.

CREATE TABLE customer (
	id		bigserial PRIMARY KEY,
	slug		text NOT NULL UNIQUE
			CHECK (slug ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
	name		text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now()
);

-- The rua mailboxes: the recipient of a report mail chooses the customer.
CREATE TABLE customer_address (
	address		text PRIMARY KEY CHECK (address = lower(address)),
	customer_id	bigint NOT NULL REFERENCES customer ON DELETE CASCADE
);
CREATE INDEX customer_address_customer ON customer_address (customer_id);

-- Domains the customer owns; a report about any other domain is flagged.
CREATE TABLE customer_domain (
	customer_id	bigint NOT NULL REFERENCES customer ON DELETE CASCADE,
	domain		text NOT NULL CHECK (domain = lower(domain)),
	PRIMARY KEY (customer_id, domain)
);

CREATE TABLE report (
	id		bigserial PRIMARY KEY,
	customer_id	bigint NOT NULL REFERENCES customer,
	org_name	text NOT NULL,
	report_id	text NOT NULL,
	policy_domain	text NOT NULL,
	date_begin	bigint NOT NULL,
	date_end	bigint NOT NULL,
	email		text,
	extra_contact_info text,
	errors		text[] NOT NULL DEFAULT '{}',
	generator	text,
	xml_namespace	text,
	version		text,
	adkim		text,
	aspf		text,
	p		text,
	sp		text,
	np		text,
	pct		text,
	fo		text,
	testing		text,
	discovery_method text,
	extensions	text,
	foreign_domain	boolean NOT NULL DEFAULT false,
	notes		text[] NOT NULL DEFAULT '{}',
	record_count	bigint NOT NULL DEFAULT 0,
	message_count	bigint NOT NULL DEFAULT 0,
	source_name	text,
	received_at	timestamptz NOT NULL DEFAULT now(),
	queue_id	text,
	recipient	text,
	sender		text,
	message_id	text,
	-- DESIGN section 6: the duplicate key, enforced by the database so
	-- that concurrent deliveries cannot both insert.
	CONSTRAINT report_once UNIQUE (customer_id, org_name, report_id,
	    policy_domain, date_begin, date_end)
);
CREATE INDEX report_customer_period ON report (customer_id, date_end, date_begin);

-- One row per <record>; auth results kept as parallel arrays so that the
-- whole row goes in with one COPY line.
CREATE TABLE record (
	report		bigint NOT NULL REFERENCES report ON DELETE CASCADE,
	ordinal		integer NOT NULL,
	source_ip	inet,
	source_ip_raw	text,
	count		bigint NOT NULL CHECK (count >= 0),
	disposition	text,
	dkim_eval	text,
	spf_eval	text,
	reason_type	text[] NOT NULL DEFAULT '{}',
	reason_comment	text[] NOT NULL DEFAULT '{}',
	envelope_to	text,
	envelope_from	text,
	header_from	text,
	dkim_domain	text[] NOT NULL DEFAULT '{}',
	dkim_selector	text[] NOT NULL DEFAULT '{}',
	dkim_result	text[] NOT NULL DEFAULT '{}',
	dkim_human_result text[] NOT NULL DEFAULT '{}',
	spf_domain	text[] NOT NULL DEFAULT '{}',
	spf_scope	text[] NOT NULL DEFAULT '{}',
	spf_result	text[] NOT NULL DEFAULT '{}',
	spf_human_result text[] NOT NULL DEFAULT '{}',
	extensions	text,
	PRIMARY KEY (report, ordinal)
);

-- Mail that could not be stored as reports: kept whole, with the reason,
-- so that it can be replayed once the cause is fixed.
CREATE TABLE quarantine (
	id		bigserial PRIMARY KEY,
	received_at	timestamptz NOT NULL DEFAULT now(),
	customer_id	bigint REFERENCES customer ON DELETE SET NULL,
	reason		text NOT NULL,
	detail		text NOT NULL,
	recipient	text,
	queue_id	text,
	sender		text,
	message_id	text,
	size		bigint NOT NULL,
	truncated	boolean NOT NULL DEFAULT false,
	raw		bytea NOT NULL
);
CREATE INDEX quarantine_received ON quarantine (received_at);
CREATE INDEX quarantine_customer ON quarantine (customer_id, received_at);
