-- 003_roles.sql: group roles for running with least privilege.
--
-- Three NOLOGIN group roles; the operator creates the login roles and
-- puts them in these groups (SECURITY.md shows how):
--
--   dmarc_rua_ingest	`dmarc-rua ingest`: reads the customers, their
--			mailboxes and domains; adds reports, records and
--			quarantine entries; may set the totals and notes
--			of a report only in the transaction that added it.
--			It can neither delete nor change anything else,
--			nor read a quarantined mail, a record, or more of a
--			report than its duplicate key.
--   dmarc_rua_render	`dmarc-rua render`: reads; writes nothing.
--   dmarc_rua_admin	owns every object: migrations, customer and
--			quarantine commands.
--
-- Roles belong to the whole cluster, not to one database, so they are
-- made only when missing; two databases migrating at the same moment may
-- race for the same name, and the loser takes the winner's role.
--
-- The role running this migration creates the roles that are missing
-- and must be able to become dmarc_rua_admin to hand it the objects: a
-- superuser can do both; a role with CREATEROLE makes itself a member;
-- any other role fails with a hint, unless the superuser has created the
-- roles and granted it dmarc_rua_admin beforehand.
-- Later migrations run as a member of dmarc_rua_admin and grant the
-- ingest and render roles what they add: there are no default
-- privileges, so a new table is nobody's business until granted.

DO $$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['dmarc_rua_ingest', 'dmarc_rua_render',
	    'dmarc_rua_admin'] LOOP
		IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
			BEGIN
				EXECUTE format('CREATE ROLE %I NOLOGIN', r);
			EXCEPTION WHEN duplicate_object OR unique_violation THEN
				NULL;
			WHEN insufficient_privilege THEN
				RAISE EXCEPTION 'role % cannot create role %',
				    current_user, r
				    USING HINT = 'Run "dmarc-rua db migrate" '
					'once as the PostgreSQL superuser, or '
					'let it create the roles first '
					'(SECURITY.md).';
			END;
		END IF;
	END LOOP;
	IF NOT pg_has_role('dmarc_rua_admin', 'MEMBER') THEN
		BEGIN
			EXECUTE format('GRANT dmarc_rua_admin TO %I',
			    current_user);
		EXCEPTION WHEN insufficient_privilege THEN
			RAISE EXCEPTION 'role % cannot become dmarc_rua_admin',
			    current_user
			    USING HINT = format('As the PostgreSQL superuser: '
				'GRANT dmarc_rua_admin TO %I;', current_user);
		END;
	END IF;

	-- The schema: everyone may look up names in it, only the admin
	-- may create.  PostgreSQL before 15 let PUBLIC create in "public",
	-- and a function planted there by a compromised ingest role would
	-- run with the privileges of whoever calls it by mistake.
	EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM PUBLIC',
	    current_schema());
	EXECUTE format('GRANT USAGE ON SCHEMA %I TO dmarc_rua_ingest,'
	    ' dmarc_rua_render', current_schema());
	EXECUTE format('GRANT USAGE, CREATE ON SCHEMA %I TO dmarc_rua_admin',
	    current_schema());
	-- Granted so that the operator may revoke CONNECT from PUBLIC.
	EXECUTE format('GRANT CONNECT ON DATABASE %I TO dmarc_rua_ingest,'
	    ' dmarc_rua_render, dmarc_rua_admin', current_database());
END
$$;

-- Owned objects carry their sequences and indexes along.
ALTER TABLE customer OWNER TO dmarc_rua_admin;
ALTER TABLE customer_address OWNER TO dmarc_rua_admin;
ALTER TABLE customer_domain OWNER TO dmarc_rua_admin;
ALTER TABLE report OWNER TO dmarc_rua_admin;
ALTER TABLE record OWNER TO dmarc_rua_admin;
ALTER TABLE quarantine OWNER TO dmarc_rua_admin;
ALTER TABLE schema_migration OWNER TO dmarc_rua_admin;
ALTER FUNCTION dr_spread(bigint, bigint, bigint, bigint, bigint)
    OWNER TO dmarc_rua_admin;
ALTER TYPE dr_source OWNER TO dmarc_rua_admin;

-- Ingest (src/store.c).  The mailbox lookup, and `ingest --customer`,
-- which also counts the customer's reports and quarantine entries.
GRANT SELECT ON customer, customer_address, customer_domain
    TO dmarc_rua_ingest;
-- INSERT ... ON CONFLICT ON CONSTRAINT report_once needs to read the
-- constraint's columns, RETURNING id and UPDATE ... WHERE id = $1 the
-- id; the rest of a report stays unreadable.  The totals and notes are
-- set after the records when a report streams in (dr_store_report_end).
GRANT INSERT ON report, record, quarantine TO dmarc_rua_ingest;
GRANT SELECT (id, customer_id, org_name, report_id, policy_domain,
    date_begin, date_end) ON report TO dmarc_rua_ingest;
GRANT UPDATE (record_count, message_count, notes, extensions) ON report
    TO dmarc_rua_ingest;
GRANT SELECT (id, customer_id) ON quarantine TO dmarc_rua_ingest;
GRANT USAGE ON SEQUENCE report_id_seq, quarantine_id_seq
    TO dmarc_rua_ingest;

-- Only the reports added by the ingest's own transaction may have their
-- totals set: a row it inserted carries its transaction id as xmin.
-- Ingest uses no savepoints; a row inserted under one would carry the
-- subtransaction's id and the UPDATE would find no row.  WITH CHECK
-- must not test xmin: the new row version has none yet.  The owner
-- (dmarc_rua_admin and its members) is not subject to these policies.
ALTER TABLE report ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS report_ingest_insert ON report;
CREATE POLICY report_ingest_insert ON report FOR INSERT
    TO dmarc_rua_ingest WITH CHECK (true);
DROP POLICY IF EXISTS report_ingest_select ON report;
CREATE POLICY report_ingest_select ON report FOR SELECT
    TO dmarc_rua_ingest USING (true);
DROP POLICY IF EXISTS report_ingest_update ON report;
CREATE POLICY report_ingest_update ON report FOR UPDATE
    TO dmarc_rua_ingest
    USING (xmin = pg_current_xact_id_if_assigned()::xid)
    WITH CHECK (true);
DROP POLICY IF EXISTS report_render_select ON report;
CREATE POLICY report_render_select ON report FOR SELECT
    TO dmarc_rua_render USING (true);

-- Render (src/store_view.c): every customer's site, and the reason and
-- detail of its quarantined mail, never the mail itself.  `dmarc-rua
-- status` (src/store_admin.c) needs no more than that and the schema
-- version, so monitoring can use this role too.
GRANT SELECT ON customer, customer_address, customer_domain, report, record,
    schema_migration TO dmarc_rua_render;
GRANT SELECT (id, customer_id, received_at, reason, detail) ON quarantine
    TO dmarc_rua_render;
REVOKE EXECUTE ON FUNCTION dr_spread(bigint, bigint, bigint, bigint, bigint)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION dr_spread(bigint, bigint, bigint, bigint, bigint)
    TO dmarc_rua_render;
