#!/bin/sh
# spread.sh - the render's day arithmetic in a real PostgreSQL: dr_spread()
# (schema/002_render.sql) and the window rules of src/store_view.c, on
# reports stored by the built binary.
#
# dr_spread(n, b, e [, lo, hi]) returns (day, share) rows; spread() below
# prints them as "day:share ..." with days relative to $M, in days, so
# that the expectations read as a calendar.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
setup_db
R=$FIXTURES/reports

D=86400
M=1772323200		# 2026-03-01 00:00 UTC
MAX=9223372036854775807

# spread "ARGS": dr_spread(ARGS) as "day:share" pairs, day relative to $M.
spread() {
	sql "SELECT string_agg(((day - $M) / $D) || ':' || share, ' '
	    ORDER BY day) FROM dr_spread($1)"
}

# --- one reporting period, one day ------------------------------------------
is "one day, end = begin + 86399" "$(spread "12, $M, $M + 86399")" "0:12"
is "one day, end = begin + 86400 (midnight does not touch the next day)" \
	"$(spread "12, $M, $M + 86400")" "0:12"
is "one day, an hour in the afternoon" \
	"$(spread "12, $M + 50400, $M + 54000")" "0:12"
is "zero-length: all on the day of begin" "$(spread "5, $M + 100, $M + 100")" \
	"0:5"
is "zero-length at midnight: the day that starts there" \
	"$(spread "5, $M + $D, $M + $D")" "1:5"
is "before 1970: days floor towards the past" \
	"$(sql "SELECT string_agg(day || ':' || share, ' ' ORDER BY day)
	    FROM dr_spread(4, -43200, 43200)")" "-86400:2 0:2"

# --- periods crossing midnight ----------------------------------------------
is "noon to noon: half each, the odd one to the earlier day" \
	"$(spread "7, $M + 43200, $M + $D + 43200")" "0:4 1:3"
is "18:00 to 12:00: a third and two thirds, largest remainder rounds" \
	"$(spread "10, $M + 64800, $M + $D + 43200")" "0:3 1:7"
is "reversed period: the same as the right way round" \
	"$(spread "10, $M + $D + 43200, $M + 64800")" "0:3 1:7"
is "n = 0: every day, no messages" "$(spread "0, $M + 3600, $M + 3 * $D")" \
	"0:0 1:0 2:0"

# --- a multi-week report ----------------------------------------------------
# 17 days from 01:00 to 22:00: partial first and last days.
B17="($M + 3600)"
E17="($M + 17 * $D - 7200)"
is "17 days, n = 1000: 17 days, sum 1000" \
	"$(sql "SELECT count(*) || ' ' || sum(share)
	    FROM dr_spread(1000, $B17, $E17)")" \
	"17 1000"
is "17 days, n = 1000: each share within 1 of n * overlap / length" \
	"$(sql "SELECT count(*) FROM dr_spread(1000, $B17, $E17)
	    WHERE abs(share - 1000.0 * (least($E17, day + $D) -
	    greatest($B17, day)) / ($E17 - $B17)) >= 1")" 0
is "17 days: the earlier of equal middle days gets the extra message" \
	"$(spread "1000, $B17, $E17")" \
	"0:57 1:60 2:60 3:60 4:59 5:59 6:59 7:59 8:59 9:59 10:59 11:59 12:59 \
13:59 14:59 15:59 16:55"
is "n = 2^63 - 1 over 17 days: no overflow, the sum is exact" \
	"$(sql "SELECT sum(share) = $MAX AND min(share) > 0
	    FROM dr_spread($MAX, $B17, $E17)")" t
is "n = 2^63 - 1 on one day" "$(spread "$MAX, $M, $M + 86399")" "0:$MAX"
is "the whole bigint range, seen through a week: 7 equal days" \
	"$(sql "SELECT count(*) || ' ' || count(DISTINCT share)
	    FROM dr_spread($MAX, -9223372036854775808, $MAX,
	    $M, $M + 7 * $D)")" \
	"7 1"

# --- lo and hi: the days of a window only, the shares of the whole ------------
is "lo/hi: days 3 to 5 of the 17-day report" \
	"$(spread "1000, $B17, $E17, $M + 3 * $D, $M + 6 * $D")" \
	"3:60 4:59 5:59"
is "lo/hi outside the period: nothing" \
	"$(spread "1000, $B17, $E17, $M + 20 * $D, $M + 27 * $D")" ""

# Against a reference that sorts the remainders (the textbook method), on
# random periods of up to 40 days, half of them reversed or zero-length.
is "300 random periods: the same shares as the textbook method" \
	"$(sql "
	WITH c AS (
		SELECT i, CASE i % 3 WHEN 0 THEN (random() * 1000)::bigint
		    WHEN 1 THEN (random() * 1e9)::bigint
		    ELSE (random() * 9e18)::bigint END AS n,
		    $M + (random() * 10 * $D)::bigint AS b,
		    CASE i % 4 WHEN 0 THEN 0 ELSE (random() * 40 * $D)::bigint
		    * (CASE i % 2 WHEN 0 THEN 1 ELSE -1 END) END AS len
		FROM generate_series(1, 300) i),
	p AS (SELECT i, n, b, b + len AS e, least(b, b + len) AS b0,
	    greatest(b, b + len) AS e0 FROM c),
	d AS (SELECT p.i, p.n, g.d,
	    CASE WHEN p.e0 = p.b0 THEN 1 ELSE least(p.e0, g.d + $D) -
	    greatest(p.b0, g.d) END AS ov,
	    CASE WHEN p.e0 = p.b0 THEN 1 ELSE p.e0 - p.b0 END AS t
	    FROM p CROSS JOIN LATERAL generate_series(
	    p.b0 - (p.b0 % $D + $D) % $D,
	    CASE WHEN p.e0 = p.b0 THEN p.b0 ELSE p.e0 - 1 END, $D) AS g(d)),
	q AS (SELECT i, d, div(n::numeric * ov, t) AS fl,
	    mod(n::numeric * ov, t) AS rm, n FROM d),
	x AS (SELECT i, d, fl + CASE WHEN row_number() OVER (PARTITION BY i
	    ORDER BY rm DESC, d) <= n - sum(fl) OVER (PARTITION BY i)
	    THEN 1 ELSE 0 END AS share FROM q),
	s AS (SELECT p.i, s.day, s.share FROM p
	    CROSS JOIN LATERAL dr_spread(p.n, p.b, p.e) s)
	SELECT count(*) FROM ((SELECT i, d, share FROM x EXCEPT
	    SELECT * FROM s) UNION ALL (SELECT * FROM s EXCEPT
	    SELECT i, d, share FROM x)) z")" 0

# --- stored reports against a window ----------------------------------------
# The window of a render on W + 7 days: [W, W + 7 days).
W=$((M + 7 * D))
new_customer acme dmarc.acme@rua.test acme.test

# report ID BEGIN END COUNT: the RFC 7489 fixture with that period and
# count, ingested as a bare file.
report() {
	fixture_report id="$1" begin="$2" end="$3" count="$4" \
	    >"$WORK/$1.xml"
	"$DR_BIN" ingest --file "$WORK/$1.xml" --customer acme \
	    >"$WORK/$1.out" 2>&1 || not_ok "ingest $1: $(cat "$WORK/$1.out")"
}

report start-edge $((W - 43200)) $((W + 43200)) 12	# half before W
report end-edge $((W + 7 * D - 21600)) $((W + 7 * D + 21600)) 5
report inside $((W + 2 * D)) $((W + 3 * D - 1)) 12
report before $((W - 2 * D)) $((W - D - 1)) 9
report whole $((W - 3 * D)) $((W + 10 * D)) 1300	# 100 a day
report instant $((W + D + 5)) $((W + D + 5)) 4
report ends-at-w $((W - D)) $W 8		# midnight end: not in it
report reversed $((W + 5 * D + 86399)) $((W + 5 * D)) 2
is "eight reports stored" "$(sql "SELECT count(*) FROM report")" 8

# The conditions of store_view.c (SQL_IN_WINDOW, SQL_ONE_DAY), as there.
IN_WINDOW="p.customer_id = (SELECT id FROM customer WHERE slug = 'acme')
	AND greatest(p.date_begin, p.date_end) >= $W
	AND least(p.date_begin, p.date_end) < $W + 7 * $D
	AND (greatest(p.date_begin, p.date_end) > $W
	 OR p.date_begin = p.date_end)"
ONE_DAY="(p.date_begin = p.date_end
	OR floor(least(p.date_begin, p.date_end) / 86400.0) =
	floor((greatest(p.date_begin, p.date_end) - 1) / 86400.0))"

is "in the window: the reports whose period overlaps it" \
	"$(sql "SELECT string_agg(report_id, ' ' ORDER BY report_id)
	    FROM report p WHERE $IN_WINDOW")" \
	"end-edge inside instant reversed start-edge whole"
is "within one UTC day (the fast path)" \
	"$(sql "SELECT string_agg(report_id, ' ' ORDER BY report_id)
	    FROM report p WHERE $ONE_DAY")" \
	"before ends-at-w inside instant reversed"
is "the fast path agrees with dr_spread: one day, the whole count" \
	"$(sql "SELECT count(*) FROM report p JOIN record r ON r.report = p.id
	    CROSS JOIN LATERAL (SELECT count(*) AS days, max(share) AS share,
	    min(day) AS day FROM dr_spread(r.count, p.date_begin, p.date_end)) s
	    WHERE $ONE_DAY AND NOT (s.days = 1 AND s.share = r.count AND
	    s.day = floor(least(p.date_begin, p.date_end) / 86400.0)
	    * 86400)")" 0

# Each report's messages on the window's days, and the window's days.
is "window share per report: the edges lose what lies outside" \
	"$(sql "SELECT string_agg(p.report_id || '=' || s.n, ' '
	    ORDER BY p.report_id) FROM report p
	    CROSS JOIN LATERAL (SELECT coalesce(sum(x.share), 0) AS n
	    FROM record r CROSS JOIN LATERAL dr_spread(r.count, p.date_begin,
	    p.date_end, $W, $W + 7 * $D) x WHERE r.report = p.id) s
	    WHERE $IN_WINDOW")" \
	"end-edge=3 inside=12 instant=4 reversed=2 start-edge=6 whole=700"
is "per window day: fast path plus spread, as the render sums them" \
	"$(sql "SELECT string_agg(((day - $W) / $D) || ':' || n, ' '
	    ORDER BY day) FROM (SELECT day, sum(n) AS n FROM (
	    SELECT floor(least(p.date_begin, p.date_end) / 86400.0)::bigint
	     * 86400 AS day, r.count AS n
	    FROM report p JOIN record r ON r.report = p.id
	    WHERE $IN_WINDOW AND $ONE_DAY
	    UNION ALL
	    SELECT x.day, x.share FROM report p JOIN record r
	    ON r.report = p.id CROSS JOIN LATERAL dr_spread(r.count,
	    p.date_begin, p.date_end, $W, $W + 7 * $D) x
	    WHERE $IN_WINDOW AND NOT $ONE_DAY) t GROUP BY day) d")" \
	"0:106 1:104 2:112 3:100 4:100 5:102 6:103"
is "a report ending at the window's start adds nothing to it" \
	"$(sql "SELECT count(*) FROM report p JOIN record r ON r.report = p.id
	    CROSS JOIN LATERAL dr_spread(r.count, p.date_begin, p.date_end,
	    $W, $W + 7 * $D) WHERE p.report_id IN ('ends-at-w', 'before')")" 0

# --- the source key ---------------------------------------------------------
is "dr_source: a missing IP or header_from still matches (hash join key)" \
	"$(sql "SELECT (NULL::inet, 'a.test')::dr_source =
	    (NULL::inet, 'a.test')::dr_source AND
	    ('192.0.2.1'::inet, NULL)::dr_source =
	    ('192.0.2.1'::inet, NULL)::dr_source AND
	    ('192.0.2.1'::inet, 'a.test')::dr_source <>
	    ('192.0.2.2'::inet, 'a.test')::dr_source")" t

done_testing
