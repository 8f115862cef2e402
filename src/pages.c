/*
 * pages.c - one customer's static site from its struct dr_site.
 *
 * Every page is one template expansion: this file only turns the site
 * into template values (numbers formatted with thousands separators,
 * rates with one decimal and their "%", or an em dash when there is
 * nothing to take a rate of, dates in English and UTC, chart geometry as
 * integers) and writes the files; the words are in the templates.
 * A table is a section of its own (..._TABLE), added only when it has
 * rows, so no page shows a table of headings alone.
 *
 * Strings from reports reach the pages only as template variables, which
 * the templates' HTML autoescaping escapes (dr_tpl_set also makes them
 * valid UTF-8).  The only values this file puts into attributes are ones
 * it formats itself: numeric report ids, chart coordinates, CSS class
 * names from fixed tables, and the "../" prefix of the detail pages.
 *
 * dr_pages_write_archive writes path (<slug>/archive.html) from
 * archive.tpl: one entry per date ("YYYY-MM-DD", NULL-terminated list,
 * shown in the order given, newest first expected), each linking to
 * <date>/index.html.  The template gets NAME, SLUG and a section
 * ARCHIVE with DATE, LABEL (the week in words) and HREF; NO_ARCHIVE is
 * shown when dates is empty, and STYLE with CSS (the newest site's
 * style.css) when it is not.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "error.h"
#include "pages.h"

#define DAY_SECONDS	86400

/*
 * The daily chart's viewBox is 0 0 CHART_W CHART_H; plot area inside.
 * Narrow on purpose: style.css sets its text to 14 units, so that on a
 * phone (about 360 px for 460 units) the labels stay about 11 px tall.
 * Its legend is HTML, outside the SVG.
 */
#define CHART_W		460
#define CHART_H		220
#define PLOT_LEFT	44
#define PLOT_TOP	24
#define PLOT_HEIGHT	168
#define PLOT_BOTTOM	(PLOT_TOP + PLOT_HEIGHT)
#define SLOT_W		58
#define BAR_W		40
#define AXIS_TICKS	4

static const char *const month_names[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static const char *const day_names[] = {
	"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
};

/* Quarantine reason codes and the template section that explains each. */
static const struct {
	const char *reason, *section;
} reason_sections[] = {
	{ "not-a-report",	"R_NOT_A_REPORT" },
	{ "bad-xml",		"R_BAD_XML" },
	{ "bad-data",		"R_BAD_DATA" },
	{ "bad-archive",	"R_BAD_ARCHIVE" },
	{ "too-large",		"R_TOO_LARGE" },
	{ "unknown-recipient",	"R_UNKNOWN_RECIPIENT" },
};

/* n with a comma every three digits: 1234567 -> "1,234,567". */
static void
set_num(struct dr_tpl_dict *d, const char *key, gint64 n)
{
	char digits[32], out[48];
	size_t len, i, o = 0;
	guint64 u;

	u = n < 0 ? (guint64)0 - (guint64)n : (guint64)n;
	g_snprintf(digits, sizeof(digits), "%" G_GUINT64_FORMAT, u);
	len = strlen(digits);
	if (n < 0)
		out[o++] = '-';
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	dr_tpl_set(d, key, out);
}

/*
 * part of whole in percent with one decimal, rounded half up, and the
 * "%": "96.1%".  A rate of nothing (whole 0, a day without mail) is not
 * 0%: it is an em dash, on every page alike.
 */
static void
set_pct(struct dr_tpl_dict *d, const char *key, gint64 part, gint64 whole)
{
	gint64 tenths;

	if (whole <= 0 || part < 0) {
		dr_tpl_set(d, key, "\xe2\x80\x94");
		return;
	}
	/*
	 * Counts come from strangers and may be near 2^63: no integer
	 * product.  A double has digits to spare for one decimal.
	 */
	tenths = (gint64)((double)MIN(part, whole) * 1000.0 / (double)whole +
	    0.5);
	dr_tpl_set_printf(d, key, "%" G_GINT64_FORMAT ".%d%%", tenths / 10,
	    (int)(tenths % 10));
}

/*
 * A chart label of at most five characters, so that it fits its slot:
 * n itself up to 9,999, then in thousands or millions with at most one
 * decimal ("12.5k", "3M").  The exact figures are in the table.
 */
static void
set_short_num(struct dr_tpl_dict *d, const char *key, gint64 n)
{
	static const struct {
		gint64 unit;
		const char *suffix;
	} units[] = {
		{ 1000000000, "G" }, { 1000000, "M" }, { 1000, "k" },
	};
	gint64 tenths;
	gsize i;

	for (i = 0; n >= 10000 && i < G_N_ELEMENTS(units); i++) {
		if (n < units[i].unit)
			continue;
		/* n / (unit / 10), rounded, with no product to overflow. */
		tenths = n / (units[i].unit / 10) +
		    (n % (units[i].unit / 10) >= units[i].unit / 20);
		if (tenths % 10 == 0 || tenths >= 1000)
			dr_tpl_set_printf(d, key, "%" G_GINT64_FORMAT "%s",
			    (tenths + 5) / 10, units[i].suffix);
		else
			dr_tpl_set_printf(d, key, "%" G_GINT64_FORMAT ".%d%s",
			    tenths / 10, (int)(tenths % 10), units[i].suffix);
		return;
	}
	set_num(d, key, n);
}

/* value, or fallback when it is NULL or empty. */
static void
set_or(struct dr_tpl_dict *d, const char *key, const char *value,
    const char *fallback)
{
	dr_tpl_set(d, key, value != NULL && *value != '\0' ? value : fallback);
}

static GDateTime *
utc(gint64 t)
{
	GDateTime *dt = g_date_time_new_from_unix_utc(t);

	/* Out of GDateTime's range: show the epoch rather than fail. */
	return dt != NULL ? dt : g_date_time_new_from_unix_utc(0);
}

/*
 * A day in English whatever the locale: LABEL "Sat 28 Nov", SHORT
 * "Sat 28" (what fits under a bar or in a phone's table cell) and
 * MONTH "Nov".
 */
static void
set_day_label(struct dr_tpl_dict *d, gint64 t)
{
	GDateTime *dt = utc(t);
	const char *wday = day_names[g_date_time_get_day_of_week(dt) - 1];
	const char *month = month_names[g_date_time_get_month(dt) - 1];
	int mday = g_date_time_get_day_of_month(dt);

	dr_tpl_set_printf(d, "LABEL", "%s %d %s", wday, mday, month);
	dr_tpl_set_printf(d, "SHORT", "%s %d", wday, mday);
	dr_tpl_set(d, "MONTH", month);
	g_date_time_unref(dt);
}

/* "28 Nov 2026", or "28 Nov" when with_year is FALSE. */
static char *
date_words(gint64 t, gboolean with_year)
{
	GDateTime *dt = utc(t);
	int day = g_date_time_get_day_of_month(dt);
	const char *month = month_names[g_date_time_get_month(dt) - 1];
	char *s;

	if (with_year)
		s = g_strdup_printf("%d %s %d", day, month,
		    g_date_time_get_year(dt));
	else
		s = g_strdup_printf("%d %s", day, month);
	g_date_time_unref(dt);
	return s;
}

/* GDateTime format without locale-dependent conversions. */
static void
set_time(struct dr_tpl_dict *d, const char *key, gint64 t, const char *fmt)
{
	GDateTime *dt = utc(t);
	char *s = g_date_time_format(dt, fmt);

	dr_tpl_set(d, key, s);
	g_free(s);
	g_date_time_unref(dt);
}

/* "28 Nov - 4 Dec 2026": the days of the window, end excluded. */
static void
set_window(struct dr_tpl_dict *d, const struct dr_site *site)
{
	gint64 last = site->window_end - DAY_SECONDS;
	GDateTime *a, *b;
	char *from, *to;

	if (last < site->window_start)
		last = site->window_start;
	a = utc(site->window_start);
	b = utc(last);
	from = date_words(site->window_start,
	    g_date_time_get_year(a) != g_date_time_get_year(b));
	to = date_words(last, TRUE);
	dr_tpl_set_printf(d, "WINDOW", "%s - %s", from, to);
	g_free(from);
	g_free(to);
	g_date_time_unref(a);
	g_date_time_unref(b);
	set_time(d, "WINDOW_START", site->window_start, "%Y-%m-%d");
	set_time(d, "WINDOW_LAST", last, "%Y-%m-%d");
}

/*
 * PERIOD "2026-11-28 00:00 - 2026-11-29 00:00 UTC", and its two ends
 * PERIOD_FROM and PERIOD_TO for tables, which break the line between
 * them rather than inside a date.
 */
static void
set_period(struct dr_tpl_dict *d, gint64 begin, gint64 end)
{
	GDateTime *a = utc(begin), *b = utc(end);
	char *from = g_date_time_format(a, "%Y-%m-%d %H:%M");
	char *to = g_date_time_format(b, "%Y-%m-%d %H:%M");

	dr_tpl_set_printf(d, "PERIOD", "%s - %s UTC", from, to);
	dr_tpl_set(d, "PERIOD_FROM", from);
	dr_tpl_set(d, "PERIOD_TO", to);
	g_free(from);
	g_free(to);
	g_date_time_unref(a);
	g_date_time_unref(b);
}

/* The values every page of the site shares. */
static struct dr_tpl_dict *
page_dict(const struct dr_site *site, const char *generated,
    const char *root)
{
	struct dr_tpl_dict *d = dr_tpl_dict_new();

	set_or(d, "CUSTOMER", site->name, site->slug);
	dr_tpl_set(d, "SLUG", site->slug);
	dr_tpl_set(d, "GENERATED", generated);
	dr_tpl_set(d, "ROOT", root);
	set_window(d, site);
	return d;
}

static gboolean
write_file(const char *path, const char *data, gsize len, GError **error)
{
	if (!g_file_set_contents(path, data, (gssize)len, error)) {
		dr_error_retag(error, DR_ERROR_TEMPFAIL);
		return FALSE;
	}
	return TRUE;
}

/* Expands template name with d into dir/file; frees d. */
static gboolean
write_page(struct dr_tpl *tpl, const char *name, struct dr_tpl_dict *d,
    const char *dir, const char *file, GError **error)
{
	GString *out = g_string_sized_new(16384);
	char *path;
	gboolean ok;

	ok = dr_tpl_expand(tpl, name, d, out, error);
	dr_tpl_dict_free(d);
	if (ok) {
		path = g_build_filename(dir, file, NULL);
		ok = write_file(path, out->str, out->len, error);
		g_free(path);
	}
	g_string_free(out, TRUE);
	return ok;
}

/* Sets PREFIX, PREFIX_PCT of whole: "SPF", "SPF_PCT". */
static void
set_rate(struct dr_tpl_dict *d, const char *prefix, gint64 part,
    gint64 whole)
{
	char key[64];

	set_num(d, prefix, part);
	g_snprintf(key, sizeof(key), "%s_PCT", prefix);
	set_pct(d, key, part, whole);
}

static void
set_counts(struct dr_tpl_dict *d, const struct dr_view_counts *c)
{
	set_num(d, "MESSAGES", c->messages);
	set_rate(d, "DMARC_PASS", c->dmarc_pass, c->messages);
	set_rate(d, "DMARC_FAIL", c->messages - c->dmarc_pass, c->messages);
	set_rate(d, "SPF", c->spf_aligned, c->messages);
	set_rate(d, "DKIM", c->dkim_aligned, c->messages);
	set_rate(d, "BOTH", c->both_aligned, c->messages);
	set_rate(d, "DISP_NONE", c->disp_none, c->messages);
	set_rate(d, "DISP_QUARANTINE", c->disp_quarantine, c->messages);
	set_rate(d, "DISP_REJECT", c->disp_reject, c->messages);
	set_rate(d, "DISP_PASS", c->disp_pass, c->messages);
	set_rate(d, "DISP_OTHER", c->disp_other, c->messages);
	if (c->disp_other > 0)
		dr_tpl_show_section(d, "DISP_OTHER_ROW");
}

/*
 * Day totals come from strangers' reports: a + b and a * b stop at
 * G_MAXINT64 instead of overflowing.
 */
static gint64
sat_add(gint64 a, gint64 b)
{
	return a > G_MAXINT64 - b ? G_MAXINT64 : a + b;
}

static gint64
sat_mul(gint64 a, gint64 b)
{
	return b != 0 && a > G_MAXINT64 / b ? G_MAXINT64 : a * b;
}

/* A step of 1, 2 or 5 times a power of ten, AXIS_TICKS of which >= max. */
static gint64
axis_step(gint64 max)
{
	static const gint64 mult[] = { 1, 2, 5 };
	gint64 need = max / AXIS_TICKS + (max % AXIS_TICKS != 0);
	gint64 scale = 1;
	gsize k;

	for (;;) {
		for (k = 0; k < G_N_ELEMENTS(mult); k++)
			if (scale <= G_MAXINT64 / mult[k] &&
			    scale * mult[k] >= need)
				return scale * mult[k];
		if (scale > G_MAXINT64 / 10)
			return need;
		scale *= 10;
	}
}

/* Bar height in the plot for n messages on an axis up to top. */
static gint64
bar_height(gint64 n, gint64 top)
{
	gint64 h;

	if (n <= 0)
		return 0;
	h = (gint64)((double)n * PLOT_HEIGHT / (double)top + 0.5);
	/* A day with a few messages still shows a sliver. */
	return h < 1 ? 1 : h;
}

/* The daily chart (SVG numbers) and the table of the same figures. */
static void
set_chart(struct dr_tpl_dict *d, const struct dr_site *site)
{
	struct dr_tpl_dict *s;
	gint64 max = 0, step, top, x, hp, hf, total;
	int i;

	for (i = 0; i < DR_WINDOW_DAYS; i++)
		max = MAX(max, sat_add(site->days[i].pass,
		    site->days[i].fail));
	step = axis_step(max);
	top = sat_mul(step, AXIS_TICKS);
	dr_tpl_set_int(d, "CHART_W", CHART_W);
	dr_tpl_set_int(d, "CHART_H", CHART_H);
	dr_tpl_set_int(d, "PLOT_LEFT", PLOT_LEFT);
	dr_tpl_set_int(d, "PLOT_RIGHT", PLOT_LEFT + SLOT_W * DR_WINDOW_DAYS);
	dr_tpl_set_int(d, "PLOT_TOP", PLOT_TOP);
	dr_tpl_set_int(d, "PLOT_BOTTOM", PLOT_BOTTOM);
	dr_tpl_set_int(d, "AXIS_LABEL_X", PLOT_LEFT - 6);
	dr_tpl_set_int(d, "DAY_LABEL_Y", PLOT_BOTTOM + 20);
	for (i = 0; i <= AXIS_TICKS; i++) {
		s = dr_tpl_add_section(d, "TICK");
		dr_tpl_set_int(s, "Y", PLOT_BOTTOM - PLOT_HEIGHT * i /
		    AXIS_TICKS);
		dr_tpl_set_int(s, "LABEL_Y", PLOT_BOTTOM - PLOT_HEIGHT * i /
		    AXIS_TICKS + 5);
		set_short_num(s, "VALUE", sat_mul(step, i));
	}
	for (i = 0; i < DR_WINDOW_DAYS; i++) {
		const struct dr_view_day *day = &site->days[i];

		s = dr_tpl_add_section(d, "DAY");
		x = PLOT_LEFT + SLOT_W * i + (SLOT_W - BAR_W) / 2;
		hp = bar_height(day->pass, top);
		hf = bar_height(day->fail, top);
		total = sat_add(day->pass, day->fail);
		set_day_label(s, day->day);
		set_time(s, "DATE", day->day, "%Y-%m-%d");
		set_num(s, "PASS", day->pass);
		set_num(s, "FAIL", day->fail);
		set_num(s, "TOTAL", total);
		set_short_num(s, "TOTAL_SHORT", total);
		set_pct(s, "PASS_PCT", day->pass, total);
		dr_tpl_set_int(s, "X", x);
		dr_tpl_set_int(s, "W", BAR_W);
		dr_tpl_set_int(s, "MID_X", x + BAR_W / 2);
		dr_tpl_set_int(s, "PASS_Y", PLOT_BOTTOM - hp);
		dr_tpl_set_int(s, "PASS_H", hp);
		dr_tpl_set_int(s, "FAIL_Y", PLOT_BOTTOM - hp - hf);
		dr_tpl_set_int(s, "FAIL_H", hf);
		dr_tpl_set_int(s, "TOTAL_Y", PLOT_BOTTOM - hp - hf - 6);
		if (total > 0)
			dr_tpl_show_section(s, "DAY_TOTAL");
	}
}

/* "r" -> "relaxed", "s" -> "strict"; anything else as sent. */
static void
set_alignment(struct dr_tpl_dict *d, const char *key, const char *v)
{
	if (v != NULL && g_ascii_strcasecmp(v, "r") == 0)
		dr_tpl_set(d, key, "relaxed (r)");
	else if (v != NULL && g_ascii_strcasecmp(v, "s") == 0)
		dr_tpl_set(d, key, "strict (s)");
	else
		set_or(d, key, v, "\xe2\x80\x94");
}

/* The published-policy values of one policy or report. */
static void
set_policy(struct dr_tpl_dict *d, const char *p, const char *sp,
    const char *np, const char *adkim, const char *aspf, const char *pct,
    const char *fo, const char *testing)
{
	static const char dash[] = "\xe2\x80\x94";

	set_or(d, "P", p, dash);
	set_or(d, "SP", sp, dash);
	set_or(d, "NP", np, dash);
	set_alignment(d, "ADKIM", adkim);
	set_alignment(d, "ASPF", aspf);
	set_or(d, "PCT", pct, dash);
	set_or(d, "FO", fo, dash);
	set_or(d, "TESTING", testing, dash);
}

static void
set_policies(struct dr_tpl_dict *d, const struct dr_site *site)
{
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	struct dr_tpl_dict *t = NULL, *s;
	guint i;

	for (i = 0; site->policies != NULL && i < site->policies->len; i++) {
		const struct dr_view_policy *pol = site->policies->pdata[i];
		const char *dom = pol->domain != NULL ? pol->domain : "";

		if (t == NULL)
			t = dr_tpl_add_section(d, "POLICY_TABLE");
		s = dr_tpl_add_section(t, "POLICY");
		dr_tpl_set(s, "DOMAIN", dom);
		set_policy(s, pol->p, pol->sp, pol->np, pol->adkim, pol->aspf,
		    pol->pct, pol->fo, pol->testing);
		set_num(s, "REPORTS", pol->reports);
		set_or(s, "REPORTERS", pol->reporters, "\xe2\x80\x94");
		if (!pol->disagreement)
			continue;
		dr_tpl_show_section(s, "DISAGREE");
		if (g_hash_table_contains(seen, dom))
			continue;
		g_hash_table_add(seen, (gpointer)dom);
		dr_tpl_set(dr_tpl_add_section(d, "DISAGREE_DOMAIN"),
		    "DOMAIN", dom);
	}
	if (g_hash_table_size(seen) > 0)
		dr_tpl_show_section(d, "DISAGREEMENT");
	if (site->policies == NULL || site->policies->len == 0)
		dr_tpl_show_section(d, "NO_POLICY");
	g_hash_table_destroy(seen);
}

static guint
foreign_reports(const struct dr_site *site)
{
	guint i, n = 0;

	for (i = 0; site->report_list != NULL &&
	    i < site->report_list->len; i++)
		if (((struct dr_view_report *)
		    site->report_list->pdata[i])->foreign)
			n++;
	return n;
}

/* Pointers to the quality page from the overview and the empty page. */
static void
set_hints(struct dr_tpl_dict *d, const struct dr_site *site)
{
	guint n = site->quarantined != NULL ? site->quarantined->len : 0;
	guint f = foreign_reports(site);

	if (n > 0) {
		dr_tpl_show_section(d, "QUARANTINE_HINT");
		set_num(d, "QUARANTINED", n);
	}
	if (f > 0) {
		dr_tpl_show_section(d, "FOREIGN_HINT");
		set_num(d, "FOREIGN", f);
	}
}

static gboolean
write_overview(const struct dr_site *site, struct dr_tpl *tpl,
    const char *dir, const char *generated, GError **error)
{
	struct dr_tpl_dict *d = page_dict(site, generated, "");

	set_counts(d, &site->totals);
	set_num(d, "REPORTS", site->reports);
	set_num(d, "REPORTERS", site->reporters);
	/* The action table, the chart and the day table: zeros otherwise. */
	if (site->totals.messages > 0)
		dr_tpl_show_section(d, "MESSAGES_SEEN");
	else
		dr_tpl_show_section(d, "NO_MESSAGES");
	set_chart(d, site);
	set_policies(d, site);
	set_hints(d, site);
	return write_page(tpl, "overview.tpl", d, dir, "index.html", error);
}

/* The page for a site without reports, with what is configured. */
static gboolean
write_empty(const struct dr_site *site, struct dr_tpl *tpl,
    const char *dir, const char *generated, GError **error)
{
	struct dr_tpl_dict *d = page_dict(site, generated, "");
	guint i;

	for (i = 0; site->addresses != NULL && i < site->addresses->len; i++)
		dr_tpl_set(dr_tpl_add_section(d, "ADDRESS"), "ADDRESS",
		    site->addresses->pdata[i]);
	if (site->addresses == NULL || site->addresses->len == 0)
		dr_tpl_show_section(d, "NO_ADDRESS");
	for (i = 0; site->domains != NULL && i < site->domains->len; i++)
		dr_tpl_set(dr_tpl_add_section(d, "DOMAIN"), "DOMAIN",
		    site->domains->pdata[i]);
	if (site->domains == NULL || site->domains->len == 0)
		dr_tpl_show_section(d, "NO_DOMAIN");
	set_hints(d, site);
	return write_page(tpl, "empty.tpl", d, dir, "index.html", error);
}

static const char *
class_name(enum dr_view_class cls)
{
	switch (cls) {
	case DR_CLASS_OK:	return "ok";
	case DR_CLASS_PARTLY:	return "partly";
	case DR_CLASS_FAILING:	return "failing";
	}
	return "failing";
}

static const char *
class_section(enum dr_view_class cls)
{
	switch (cls) {
	case DR_CLASS_OK:	return "CLASS_OK";
	case DR_CLASS_PARTLY:	return "CLASS_PARTLY";
	case DR_CLASS_FAILING:	return "CLASS_FAILING";
	}
	return "CLASS_FAILING";
}

static gboolean
write_sources(const struct dr_site *site, struct dr_tpl *tpl,
    const char *dir, const char *generated, GError **error)
{
	struct dr_tpl_dict *d = page_dict(site, generated, ""), *t = NULL, *s;
	gint64 n[3] = { 0, 0, 0 }, m[3] = { 0, 0, 0 };
	guint i;

	for (i = 0; site->sources != NULL && i < site->sources->len; i++) {
		const struct dr_view_source *src = site->sources->pdata[i];

		if (t == NULL)
			t = dr_tpl_add_section(d, "SOURCE_TABLE");
		s = dr_tpl_add_section(t, "SOURCE");
		dr_tpl_set(s, "CLASS", class_name(src->cls));
		dr_tpl_show_section(s, class_section(src->cls));
		if (src->source_ip != NULL && *src->source_ip != '\0')
			dr_tpl_set(s, "IP", src->source_ip);
		else
			dr_tpl_show_section(s, "NO_IP");
		set_or(s, "HEADER_FROM", src->header_from, "\xe2\x80\x94");
		set_counts(s, &src->c);
		set_rate(s, "FAILING", src->failing, src->c.messages);
		set_or(s, "DKIM_LIST", src->dkim, "none");
		set_or(s, "SPF_LIST", src->spf, "none");
		set_or(s, "ENVELOPE_FROM", src->envelope_from,
		    "\xe2\x80\x94");
		if (src->cls >= DR_CLASS_OK && src->cls <= DR_CLASS_FAILING) {
			n[src->cls]++;
			m[src->cls] += src->c.messages;
		}
	}
	if (site->sources == NULL || site->sources->len == 0)
		dr_tpl_show_section(d, "NO_SOURCES");
	set_num(d, "SOURCES", site->sources != NULL ? site->sources->len : 0);
	set_num(d, "N_OK", n[DR_CLASS_OK]);
	set_num(d, "M_OK", m[DR_CLASS_OK]);
	set_num(d, "N_PARTLY", n[DR_CLASS_PARTLY]);
	set_num(d, "M_PARTLY", m[DR_CLASS_PARTLY]);
	set_num(d, "N_FAILING", n[DR_CLASS_FAILING]);
	set_num(d, "M_FAILING", m[DR_CLASS_FAILING]);
	if (site->sources_omitted > 0) {
		s = dr_tpl_add_section(d, "OMITTED");
		set_num(s, "OMITTED", site->sources_omitted);
		set_num(s, "OMITTED_MESSAGES", site->sources_omitted_messages);
	}
	return write_page(tpl, "sources.tpl", d, dir, "sources.html", error);
}

static gboolean
write_reporters(const struct dr_site *site, struct dr_tpl *tpl,
    const char *dir, const char *generated, GError **error)
{
	struct dr_tpl_dict *d = page_dict(site, generated, ""), *t = NULL, *s;
	guint i;

	for (i = 0; site->reporter_list != NULL &&
	    i < site->reporter_list->len; i++) {
		const struct dr_view_reporter *r =
		    site->reporter_list->pdata[i];

		if (t == NULL)
			t = dr_tpl_add_section(d, "REPORTER_TABLE");
		s = dr_tpl_add_section(t, "REPORTER");
		set_or(s, "ORG", r->org_name, "(no name given)");
		set_or(s, "EMAIL", r->email, "\xe2\x80\x94");
		set_num(s, "REPORTS", r->reports);
		set_num(s, "MESSAGES", r->messages);
		set_time(s, "LAST", r->last_end, "%Y-%m-%d %H:%M UTC");
	}
	if (site->reporter_list == NULL || site->reporter_list->len == 0)
		dr_tpl_show_section(d, "NO_REPORTERS");
	return write_page(tpl, "reporters.tpl", d, dir, "reporters.html",
	    error);
}

/* What the reports list, the quality page and a detail page share. */
static void
set_report_head(struct dr_tpl_dict *d, const struct dr_view_report *rep)
{
	dr_tpl_set_int(d, "ID", rep->id);
	set_or(d, "ORG", rep->org_name, "(no name given)");
	set_or(d, "REPORT_ID", rep->report_id, "(no id given)");
	set_or(d, "DOMAIN", rep->domain, "\xe2\x80\x94");
	set_period(d, rep->begin, rep->end);
	set_num(d, "MESSAGES", rep->messages);
	set_num(d, "WINDOW_MESSAGES", rep->window_messages);
	set_num(d, "RECORDS", rep->records);
	if (rep->foreign)
		dr_tpl_show_section(d, "FOREIGN");
	if (rep->notes != NULL && rep->notes->len > 0) {
		dr_tpl_show_section(d, "HAS_NOTES");
		set_num(d, "NOTE_COUNT", rep->notes->len);
	}
}

static void
set_notes(struct dr_tpl_dict *d, const struct dr_view_report *rep)
{
	guint i;

	for (i = 0; rep->notes != NULL && i < rep->notes->len; i++)
		dr_tpl_set(dr_tpl_add_section(d, "NOTE"), "NOTE",
		    rep->notes->pdata[i]);
}

static gboolean
write_reports(const struct dr_site *site, struct dr_tpl *tpl,
    const char *dir, const char *generated, GError **error)
{
	struct dr_tpl_dict *d = page_dict(site, generated, ""), *t = NULL;
	guint i;

	for (i = 0; site->report_list != NULL &&
	    i < site->report_list->len; i++) {
		if (t == NULL)
			t = dr_tpl_add_section(d, "REPORT_TABLE");
		set_report_head(dr_tpl_add_section(t, "REPORT"),
		    site->report_list->pdata[i]);
	}
	if (site->report_list == NULL || site->report_list->len == 0)
		dr_tpl_show_section(d, "NO_REPORTS");
	set_num(d, "REPORTS", site->report_list != NULL ?
	    site->report_list->len : 0);
	return write_page(tpl, "reports.tpl", d, dir, "reports.html", error);
}

/* Verdict class for a pass/fail cell: "pass", "fail" or "other". */
static void
set_verdict(struct dr_tpl_dict *d, const char *key, const char *v)
{
	char ckey[64];
	const char *cls = "other";

	if (v != NULL && g_ascii_strcasecmp(v, "pass") == 0)
		cls = "pass";
	else if (v != NULL && g_ascii_strcasecmp(v, "fail") == 0)
		cls = "fail";
	set_or(d, key, v, "\xe2\x80\x94");
	g_snprintf(ckey, sizeof(ckey), "%s_CLASS", key);
	dr_tpl_set(d, ckey, cls);
}

static void
set_row(struct dr_tpl_dict *d, const struct dr_view_record *rec)
{
	if (rec->source_ip != NULL && *rec->source_ip != '\0')
		dr_tpl_set(d, "IP", rec->source_ip);
	else {
		dr_tpl_show_section(d, "NO_IP");
		if (rec->source_ip_raw != NULL && *rec->source_ip_raw != '\0')
			dr_tpl_set(dr_tpl_add_section(d, "IP_RAW"), "RAW",
			    rec->source_ip_raw);
	}
	set_num(d, "COUNT", rec->count);
	set_or(d, "DISPOSITION", rec->disposition, "\xe2\x80\x94");
	set_verdict(d, "DKIM_EVAL", rec->dkim_eval);
	set_verdict(d, "SPF_EVAL", rec->spf_eval);
	set_or(d, "HEADER_FROM", rec->header_from, "\xe2\x80\x94");
	set_or(d, "ENVELOPE_FROM", rec->envelope_from, "\xe2\x80\x94");
	/* Rarely given: shown only when they are. */
	if (rec->reasons != NULL && *rec->reasons != '\0')
		dr_tpl_set(dr_tpl_add_section(d, "REASONS"), "REASONS",
		    rec->reasons);
	if (rec->envelope_to != NULL && *rec->envelope_to != '\0')
		dr_tpl_set(dr_tpl_add_section(d, "ENVELOPE_TO"),
		    "ENVELOPE_TO", rec->envelope_to);
	set_or(d, "DKIM_LIST", rec->dkim, "none");
	set_or(d, "SPF_LIST", rec->spf, "none");
}

static gboolean
write_report(const struct dr_site *site, struct dr_view_report *rep,
    struct dr_tpl *tpl, const char *dir, const char *generated,
    GError **error)
{
	struct dr_tpl_dict *d = page_dict(site, generated, "../"), *t = NULL;
	static const char dash[] = "\xe2\x80\x94";
	char file[64];
	guint i;

	set_report_head(d, rep);
	set_notes(d, rep);
	set_or(d, "EMAIL", rep->email, dash);
	set_or(d, "EXTRA", rep->extra_contact_info, dash);
	set_or(d, "RECEIVED", rep->received, dash);
	set_or(d, "VERSION", rep->version, dash);
	set_or(d, "NAMESPACE", rep->xml_namespace, "none (RFC 7489)");
	set_or(d, "GENERATOR", rep->generator, dash);
	set_or(d, "DISCOVERY", rep->discovery_method, dash);
	set_or(d, "ERRORS", rep->errors, "none");
	set_policy(d, rep->p, rep->sp, rep->np, rep->adkim, rep->aspf,
	    rep->pct, rep->fo, rep->testing);
	for (i = 0; rep->rows != NULL && i < rep->rows->len; i++) {
		if (t == NULL)
			t = dr_tpl_add_section(d, "ROW_TABLE");
		set_row(dr_tpl_add_section(t, "ROW"), rep->rows->pdata[i]);
	}
	if (rep->rows == NULL || rep->rows->len == 0)
		dr_tpl_show_section(d, "NO_ROWS");
	set_num(d, "SHOWN", rep->rows != NULL ? rep->rows->len : 0);
	if (rep->rows_omitted > 0)
		set_num(dr_tpl_add_section(d, "ROWS_OMITTED"), "OMITTED",
		    rep->rows_omitted);
	g_snprintf(file, sizeof(file), "report/%" G_GINT64_FORMAT ".html",
	    rep->id);
	return write_page(tpl, "report.tpl", d, dir, file, error);
}

static const char *
reason_section(const char *reason)
{
	gsize i;

	for (i = 0; reason != NULL && i < G_N_ELEMENTS(reason_sections); i++)
		if (strcmp(reason, reason_sections[i].reason) == 0)
			return reason_sections[i].section;
	return "R_OTHER";
}

static gboolean
write_quality(const struct dr_site *site, struct dr_tpl *tpl,
    const char *dir, const char *generated, GError **error)
{
	struct dr_tpl_dict *d = page_dict(site, generated, ""), *s;
	struct dr_tpl_dict *qt = NULL, *ft = NULL;
	guint i, odd = 0;

	for (i = 0; site->quarantined != NULL &&
	    i < site->quarantined->len; i++) {
		const struct dr_view_quarantined *q =
		    site->quarantined->pdata[i];

		if (qt == NULL)
			qt = dr_tpl_add_section(d, "QUARANTINED_TABLE");
		s = dr_tpl_add_section(qt, "QUARANTINED");
		set_or(s, "RECEIVED", q->received, "\xe2\x80\x94");
		set_or(s, "REASON", q->reason, "unknown");
		dr_tpl_show_section(s, reason_section(q->reason));
		set_or(s, "DETAIL", q->detail, "\xe2\x80\x94");
	}
	if (site->quarantined == NULL || site->quarantined->len == 0)
		dr_tpl_show_section(d, "NO_QUARANTINED");
	for (i = 0; site->report_list != NULL &&
	    i < site->report_list->len; i++) {
		const struct dr_view_report *rep = site->report_list->pdata[i];

		if (rep->foreign) {
			if (ft == NULL)
				ft = dr_tpl_add_section(d, "FOREIGN_TABLE");
			set_report_head(dr_tpl_add_section(ft,
			    "FOREIGN_REPORT"), rep);
		}
		if (rep->notes != NULL && rep->notes->len > 0) {
			s = dr_tpl_add_section(d, "ODD");
			set_report_head(s, rep);
			set_notes(s, rep);
			odd++;
		}
	}
	if (ft == NULL)
		dr_tpl_show_section(d, "NO_FOREIGN");
	if (odd == 0)
		dr_tpl_show_section(d, "NO_ODD");
	for (i = 0; site->domains != NULL && i < site->domains->len; i++)
		dr_tpl_set(dr_tpl_add_section(d, "OWN_DOMAIN"), "DOMAIN",
		    site->domains->pdata[i]);
	if (site->domains == NULL || site->domains->len == 0)
		dr_tpl_show_section(d, "NO_OWN_DOMAIN");
	return write_page(tpl, "quality.tpl", d, dir, "quality.html", error);
}

static gboolean
copy_css(const char *style_css, const char *dir, GError **error)
{
	char *text, *path;
	gsize len;
	gboolean ok;

	if (!g_file_get_contents(style_css, &text, &len, error)) {
		dr_error_retag(error, DR_ERROR_TEMPFAIL);
		return FALSE;
	}
	path = g_build_filename(dir, "style.css", NULL);
	ok = write_file(path, text, len, error);
	g_free(path);
	g_free(text);
	return ok;
}

gboolean
dr_pages_write(const struct dr_site *site, struct dr_tpl *tpl,
    const char *style_css, const char *dir, const char *generated,
    dr_pages_rows_fn rows, gpointer user, GError **error)
{
	char *sub;
	guint i;
	int e;

	sub = g_build_filename(dir, "report", NULL);
	if (g_mkdir(sub, 0755) != 0) {
		e = errno;
		g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL,
		    "cannot create %s: %s", sub, g_strerror(e));
		g_free(sub);
		return FALSE;
	}
	g_free(sub);
	if (!copy_css(style_css, dir, error))
		return FALSE;
	/* Only reports about other domains: the overview says so. */
	if (site->report_list->len > 0) {
		if (!write_overview(site, tpl, dir, generated, error))
			return FALSE;
	} else if (!write_empty(site, tpl, dir, generated, error))
		return FALSE;
	if (!write_sources(site, tpl, dir, generated, error) ||
	    !write_reporters(site, tpl, dir, generated, error) ||
	    !write_reports(site, tpl, dir, generated, error) ||
	    !write_quality(site, tpl, dir, generated, error))
		return FALSE;
	for (i = 0; site->report_list != NULL &&
	    i < site->report_list->len; i++) {
		struct dr_view_report *rep = site->report_list->pdata[i];

		if (rows != NULL && !rows(rep, user, error))
			return FALSE;
		if (!write_report(site, rep, tpl, dir, generated, error))
			return FALSE;
	}
	return TRUE;
}

/* "YYYY-MM-DD" and nothing else: it goes into an href. */
static gboolean
is_date(const char *s)
{
	int i;

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return FALSE;
		} else if (!g_ascii_isdigit(s[i]))
			return FALSE;
	}
	return s[10] == '\0';
}

gboolean
dr_pages_write_archive(struct dr_tpl *tpl, const char *path,
    const char *slug, const char *name, const char *const *dates,
    GError **error)
{
	struct dr_tpl_dict *d, *s;
	GString *out;
	gboolean ok;
	guint i;

	for (i = 0; dates != NULL && dates[i] != NULL; i++)
		if (!is_date(dates[i])) {
			g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL,
			    "archive of %s: \"%s\" is not a YYYY-MM-DD date",
			    slug, dates[i]);
			return FALSE;
		}
	d = dr_tpl_dict_new();
	set_or(d, "NAME", name, slug);
	dr_tpl_set(d, "SLUG", slug);
	for (i = 0; dates != NULL && dates[i] != NULL; i++) {
		GDateTime *dt;
		char *iso;

		s = dr_tpl_add_section(d, "ARCHIVE");
		dr_tpl_set(s, "DATE", dates[i]);
		dr_tpl_set_printf(s, "HREF", "%s/index.html", dates[i]);
		iso = g_strdup_printf("%sT00:00:00Z", dates[i]);
		dt = g_date_time_new_from_iso8601(iso, NULL);
		g_free(iso);
		if (dt != NULL) {
			char *from, *to;

			/* The site of day D covers the week before D. */
			from = date_words(g_date_time_to_unix(dt) -
			    DR_WINDOW_DAYS * DAY_SECONDS, TRUE);
			to = date_words(g_date_time_to_unix(dt) - DAY_SECONDS,
			    TRUE);
			dr_tpl_set_printf(s, "LABEL", "%s - %s", from, to);
			g_free(from);
			g_free(to);
			g_date_time_unref(dt);
		} else
			dr_tpl_set(s, "LABEL", dates[i]);
	}
	if (dates == NULL || dates[0] == NULL)
		dr_tpl_show_section(d, "NO_ARCHIVE");
	else
		dr_tpl_set_printf(dr_tpl_add_section(d, "STYLE"), "CSS",
		    "%s/style.css", dates[0]);
	out = g_string_sized_new(4096);
	ok = dr_tpl_expand(tpl, "archive.tpl", d, out, error) &&
	    write_file(path, out->str, out->len, error);
	dr_tpl_dict_free(d);
	g_string_free(out, TRUE);
	return ok;
}
