-- 002_render.sql: what the rendered sites need (src/store_view.c).
--
-- dr_spread(n, b, e [, lo, hi]) spreads the n messages of one record over
-- the UTC days that the reporting period [b, e) overlaps, in proportion to
-- the seconds of overlap.  Shares are rounded by largest remainder, so
-- they sum to exactly n; of two equal remainders the earlier day gets the
-- extra message.  day is 00:00 UTC of the day, in seconds since the epoch.
--
--   e = b	a zero-length period: all n on the day of b
--   e < b	a reversed period: taken as [e, b)
--   e = D 00:00	the period ends at midnight and does not touch day D,
--		so begin + 86399 and begin + 86400 both give one day
--
-- With lo and hi, only the days d with lo <= d < hi are returned: the
-- shares are still those of the whole period, but a period of centuries
-- costs no more than its days in the window.
--
-- The shares have a closed form, so no day is ever sorted.  Inside the
-- period every day but the first and the last overlaps 86400 s and so
-- has the same remainder; ranking the remainders (largest first, earlier
-- day first among equals) only needs the first, a middle and the last
-- day's remainders.  n * overlap is numeric: n may be 2^63 - 1, and
-- hostile periods may span the whole bigint range.  LANGUAGE sql without
-- STRICT, so that the planner inlines it into the render queries; each
-- step is a subquery of its own (OFFSET 0), as flattening them would copy
-- every expression into every use (19 us a call instead of 4).

CREATE OR REPLACE FUNCTION dr_spread(n bigint, b bigint, e bigint,
    lo bigint DEFAULT NULL, hi bigint DEFAULT NULL)
RETURNS TABLE (day bigint, share bigint)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
SELECT g.d::bigint,
    (CASE WHEN g.d = k.first THEN k.q_first
	WHEN g.d = k.last THEN k.q_last
	ELSE k.q_mid END +
    CASE WHEN (CASE WHEN g.d = k.first THEN
		(k.r_last > k.r_first)::int +
		(k.ndays - 2) * (k.r_mid > k.r_first)::int
	    WHEN g.d = k.last THEN
		(k.r_first >= k.r_last)::int +
		(k.ndays - 2) * (k.r_mid >= k.r_last)::int
	    ELSE
		(k.r_first >= k.r_mid)::int + (g.d - k.first) / 86400 - 1 +
		(k.r_last > k.r_mid)::int
	    END) < k.extra THEN 1 ELSE 0 END)::bigint
FROM (
	SELECT q.first, q.last, q.ndays,
	    q.q_first, q.q_mid, q.q_last, q.r_first, q.r_mid, q.r_last,
	    q.n1 - q.q_first - q.q_last - (q.ndays - 2) * q.q_mid AS extra
	FROM (
		SELECT o.first, o.last, o.ndays, o.n1,
		    CASE WHEN o.ndays = 1 THEN o.n1
			ELSE div(o.n1 * o.ov_first, o.t) END AS q_first,
		    CASE WHEN o.ndays = 1 THEN 0
			ELSE div(o.n1 * 86400, o.t) END AS q_mid,
		    CASE WHEN o.ndays = 1 THEN 0
			ELSE div(o.n1 * o.ov_last, o.t) END AS q_last,
		    CASE WHEN o.ndays = 1 THEN 0
			ELSE mod(o.n1 * o.ov_first, o.t) END AS r_first,
		    CASE WHEN o.ndays = 1 THEN 0
			ELSE mod(o.n1 * 86400, o.t) END AS r_mid,
		    CASE WHEN o.ndays = 1 THEN 0
			ELSE mod(o.n1 * o.ov_last, o.t) END AS r_last
		FROM (
			SELECT p.first, p.last, p.n1,
			    (p.last - p.first) / 86400 + 1 AS ndays,
			    p.e0 - p.b0 AS t,
			    p.first + 86400 - p.b0 AS ov_first,
			    p.e0 - p.last AS ov_last
			FROM (
				SELECT i.b0, i.e0, i.n1,
				    floor(i.b0 / 86400) * 86400 AS first,
				    floor(CASE WHEN i.e0 = i.b0 THEN i.b0
					ELSE i.e0 - 1 END / 86400) * 86400
					AS last
				FROM (
					SELECT least(b, e)::numeric AS b0,
					    greatest(b, e)::numeric AS e0,
					    n::numeric AS n1
					OFFSET 0
				) i
				OFFSET 0
			) p
			OFFSET 0
		) o
		OFFSET 0
	) q
	OFFSET 0
) k
CROSS JOIN LATERAL generate_series(
    greatest(k.first, ceil(coalesce(lo, k.first) / 86400.0) * 86400),
    least(k.last, (ceil(coalesce(hi, k.last + 86400) / 86400.0) - 1) * 86400),
    86400) AS g(d)
$$;

-- A sending source as one value: composite values compare NULL fields
-- as equal and hash, so the render can join a source whose IP or
-- header_from is missing with a hash join.
DROP TYPE IF EXISTS dr_source;
CREATE TYPE dr_source AS (source_ip inet, header_from text);

-- The render finds a customer's reports in a window by the end of their
-- period, taken as greatest(begin, end) so that reversed periods are
-- found too, and their records by the primary key.  An index on record
-- (report, count) would serve the detail pages' "largest first" (50 ms
-- down to 2 ms for a report of 143,000 records) but slowed ingest by a
-- quarter: measured, not made.
CREATE INDEX IF NOT EXISTS report_customer_window ON report
    (customer_id, greatest(date_begin, date_end));
