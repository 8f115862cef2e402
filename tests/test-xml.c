/*
 * test-xml.c - the streaming DMARC report parser.
 *
 * Every table case is parsed twice, once with the whole document per
 * read and once with one byte per read; both runs must give the same
 * dump of what the callbacks saw and the same error.  The dump has one
 * "key=value" line per value, and a case lists lines that must be in it.
 * The corpus test parses every bare XML file of ../shared/corpus and
 * compares the totals with its MANIFEST.tsv.
 */
#include "config.h"

#include <string.h>

#include "error.h"
#include "xml.h"
#include "testutil.h"

/* A read_fn over a memory buffer, chunk bytes per call (0: all). */
struct memsrc {
	const char	*data;
	gsize		 len;
	gsize		 pos;
	gsize		 chunk;
	gssize		 fail_at;	/* fail once pos reaches it; -1 never */
};

static gssize
mem_read(gpointer src, char *buf, gsize len, GError **error)
{
	struct memsrc *m = src;
	gsize n = m->len - m->pos;

	if (m->fail_at >= 0 && m->pos >= (gsize)m->fail_at) {
		g_set_error(error, DR_ERROR, DR_ERROR_BAD_ARCHIVE,
		    "corrupt gzip member");
		return -1;
	}
	if (n > len)
		n = len;
	if (m->chunk > 0 && n > m->chunk)
		n = m->chunk;
	if (m->fail_at >= 0 && m->pos + n > (gsize)m->fail_at)
		n = m->fail_at - m->pos;
	memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	return n;
}

enum fail_in { FAIL_NONE, FAIL_HEADER, FAIL_RECORD, FAIL_END };

/* What the callbacks saw. */
struct seen {
	GString		*dump;
	guint		 headers;
	guint		 records;
	guint		 ends;
	enum fail_in	 fail_in;
};

static void
put(GString *d, const char *key, const char *value)
{
	g_string_append_printf(d, "%s=%s\n", key,
	    value != NULL ? value : "(null)");
}

static gboolean
on_header(const struct dr_report *rep, gpointer user, GError **error)
{
	struct seen *s = user;
	GString *d = s->dump;
	guint i;

	s->headers++;
	put(d, "ns", rep->xml_namespace);
	put(d, "version", rep->version);
	put(d, "org_name", rep->org_name);
	put(d, "email", rep->email);
	put(d, "extra_contact_info", rep->extra_contact_info);
	put(d, "report_id", rep->report_id);
	g_string_append_printf(d, "begin=%" G_GINT64_FORMAT "/%d\n",
	    rep->begin, rep->has_begin);
	g_string_append_printf(d, "end=%" G_GINT64_FORMAT "/%d\n",
	    rep->end, rep->has_end);
	for (i = 0; i < rep->errors->len; i++)
		put(d, "error", g_ptr_array_index(rep->errors, i));
	put(d, "generator", rep->generator);
	put(d, "domain", rep->domain);
	put(d, "adkim", rep->adkim);
	put(d, "aspf", rep->aspf);
	put(d, "p", rep->p);
	put(d, "sp", rep->sp);
	put(d, "np", rep->np);
	put(d, "pct", rep->pct);
	put(d, "fo", rep->fo);
	put(d, "testing", rep->testing);
	put(d, "discovery_method", rep->discovery_method);
	put(d, "extension", rep->extensions);
	if (s->fail_in == FAIL_HEADER) {
		g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL, "db down");
		return FALSE;
	}
	return TRUE;
}

static gboolean
on_record(const struct dr_report *rep, const struct dr_record *rec,
    gpointer user, GError **error)
{
	struct seen *s = user;
	GString *d = s->dump;
	guint i;

	s->records++;
	g_string_append_printf(d, "record %u: %" G_GINT64_FORMAT
	    " so far %" G_GINT64_FORMAT " msgs\n", s->records,
	    rep->record_count, rep->message_count);
	put(d, "source_ip", rec->source_ip);
	put(d, "source_ip_raw", rec->source_ip_raw);
	g_string_append_printf(d, "count=%" G_GINT64_FORMAT "\n", rec->count);
	put(d, "disposition", rec->disposition);
	put(d, "pe.dkim", rec->dkim_eval);
	put(d, "pe.spf", rec->spf_eval);
	for (i = 0; i < rec->reasons->len; i++) {
		struct dr_reason *r = &g_array_index(rec->reasons,
		    struct dr_reason, i);

		put(d, "reason.type", r->type);
		put(d, "reason.comment", r->comment);
	}
	put(d, "envelope_to", rec->envelope_to);
	put(d, "envelope_from", rec->envelope_from);
	put(d, "header_from", rec->header_from);
	for (i = 0; i < rec->dkim->len; i++) {
		struct dr_dkim_result *k = &g_array_index(rec->dkim,
		    struct dr_dkim_result, i);

		put(d, "dkim.domain", k->domain);
		put(d, "dkim.selector", k->selector);
		put(d, "dkim.result", k->result);
		put(d, "dkim.human_result", k->human_result);
	}
	for (i = 0; i < rec->spf->len; i++) {
		struct dr_spf_result *f = &g_array_index(rec->spf,
		    struct dr_spf_result, i);

		put(d, "spf.domain", f->domain);
		put(d, "spf.scope", f->scope);
		put(d, "spf.result", f->result);
		put(d, "spf.human_result", f->human_result);
	}
	put(d, "rec.extension", rec->extensions);
	if (s->fail_in == FAIL_RECORD) {
		g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL, "db down");
		return FALSE;
	}
	return TRUE;
}

static gboolean
on_end(const struct dr_report *rep, gpointer user, GError **error)
{
	struct seen *s = user;
	guint i;

	s->ends++;
	g_string_append_printf(s->dump, "totals=%" G_GINT64_FORMAT "/%"
	    G_GINT64_FORMAT "\n", rep->record_count, rep->message_count);
	for (i = 0; i < rep->notes->len; i++)
		put(s->dump, "note", g_ptr_array_index(rep->notes, i));
	if (s->fail_in == FAIL_END) {
		g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL, "db down");
		return FALSE;
	}
	return TRUE;
}

static const struct dr_xml_callbacks callbacks = {
	on_header, on_record, on_end
};

struct xcase {
	const char	*path;
	const char	*xml;
	int		 code;		/* expected error code, -1: success */
	const char	*msg;		/* in the error message */
	guint		 max_depth;	/* limits, 0: default */
	gint64		 max_records;
	gsize		 max_field;
	enum fail_in	 fail_in;
	gssize		 read_fail_at;	/* 0: no read error */
	const char	*expect[32];	/* lines of the dump */
};

/* Parses c->xml with chunk bytes per read; the dump goes to *dump. */
static gboolean
run_case(const struct xcase *c, gsize chunk, char **dump, GError **error)
{
	struct memsrc m = { c->xml, strlen(c->xml), 0, chunk, -1 };
	struct seen s = { g_string_new(NULL), 0, 0, 0, c->fail_in };
	struct dr_limits lim;
	gboolean ok;

	dr_limits_init(&lim);
	if (c->max_depth > 0)
		lim.max_xml_depth = c->max_depth;
	if (c->max_records > 0)
		lim.max_records = c->max_records;
	if (c->max_field > 0)
		lim.max_field_bytes = c->max_field;
	if (c->read_fail_at > 0)
		m.fail_at = c->read_fail_at;
	ok = dr_xml_parse(mem_read, &m, "test.xml", &lim, &callbacks, &s,
	    error);
	g_string_append_printf(s.dump, "calls=%u/%u/%u\n", s.headers,
	    s.records, s.ends);
	*dump = g_string_free(s.dump, FALSE);
	return ok;
}

static gboolean
has_line(const char *dump, const char *line)
{
	char **lines = g_strsplit(dump, "\n", -1);
	gboolean found = g_strv_contains((const char *const *)lines, line);

	g_strfreev(lines);
	return found;
}

static void
check_outcome(const struct xcase *c, gboolean ok, const GError *error,
    const char *dump)
{
	guint i;

	if (c->code < 0) {
		g_assert_no_error(error);
		g_assert_true(ok);
	} else {
		g_assert_error(error, DR_ERROR, c->code);
		g_assert_false(ok);
		g_test_message("error: %s", error->message);
		if (c->msg != NULL)
			g_assert_nonnull(strstr(error->message, c->msg));
	}
	for (i = 0; i < G_N_ELEMENTS(c->expect) && c->expect[i]; i++) {
		if (!has_line(dump, c->expect[i]))
			g_test_message("dump:\n%s", dump);
		g_assert_true(has_line(dump, c->expect[i]));
	}
}

static void
test_case(gconstpointer data)
{
	const struct xcase *c = data;
	GError *e_whole = NULL, *e_byte = NULL;
	char *whole, *byte;
	gboolean ok_whole, ok_byte;

	ok_whole = run_case(c, 0, &whole, &e_whole);
	ok_byte = run_case(c, 1, &byte, &e_byte);
	check_outcome(c, ok_whole, e_whole, whole);
	check_outcome(c, ok_byte, e_byte, byte);
	/*
	 * Before an error, how far the callbacks got (and which error libxml
	 * saw first) depends on how far it had read ahead.
	 */
	if (ok_whole)
		g_assert_cmpstr(byte, ==, whole);
	g_clear_error(&e_whole);
	g_clear_error(&e_byte);
	g_free(whole);
	g_free(byte);
}

#define DOC(body) "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<feedback>" body "</feedback>\n"
#define META_ID(id) "<report_metadata><org_name>Org</org_name>" \
	"<email>a@b.c</email><report_id>" id "</report_id>" \
	"<date_range><begin>100</begin><end>200</end></date_range>" \
	"</report_metadata>"
#define META META_ID("r1")
#define POLICY "<policy_published><domain>example.com</domain>" \
	"<p>none</p></policy_published>"
#define REC(ip, count) "<record><row><source_ip>" ip "</source_ip>" \
	"<count>" count "</count><policy_evaluated>" \
	"<disposition>none</disposition><dkim>pass</dkim><spf>pass</spf>" \
	"</policy_evaluated></row><identifiers>" \
	"<header_from>example.com</header_from></identifiers>" \
	"<auth_results><spf><domain>example.com</domain>" \
	"<result>pass</result></spf></auth_results></record>"

/* U+00E9, 2 bytes in UTF-8, once and several times. */
#define E1 "\xc3\xa9"
#define E7 E1 E1 E1 E1 E1 E1 E1
#define E8 E7 E1

static const char rfc7489_full[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"
	"<feedback xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">\n"
	"  <version>1.0</version>\n"
	"  <report_metadata>\n"
	"    <org_name>acme.com</org_name>\n"
	"    <email>noreply-dmarc-support@acme.com</email>\n"
	"    <extra_contact_info>http://acme.com/dmarc/support"
	"</extra_contact_info>\n"
	"    <report_id>9391651994964116463</report_id>\n"
	"    <date_range><begin>1335571200</begin><end>1335657599</end>"
	"</date_range>\n"
	"    <error>first problem</error>\n"
	"    <error>second problem</error>\n"
	"  </report_metadata>\n"
	"  <policy_published>\n"
	"    <domain>example.com</domain><adkim>r</adkim><aspf>s</aspf>\n"
	"    <p>none</p><sp>quarantine</sp><pct>100</pct><fo>1</fo>\n"
	"  </policy_published>\n"
	"  <record>\n"
	"    <row>\n"
	"      <source_ip>72.150.241.94</source_ip>\n"
	"      <count>2</count>\n"
	"      <policy_evaluated>\n"
	"        <disposition>none</disposition>\n"
	"        <dkim>fail</dkim>\n"
	"        <spf>pass</spf>\n"
	"        <reason><type>forwarded</type>"
	"<comment>via list</comment></reason>\n"
	"      </policy_evaluated>\n"
	"    </row>\n"
	"    <identifiers>\n"
	"      <envelope_to>to.example</envelope_to>\n"
	"      <envelope_from>bounce.example.com</envelope_from>\n"
	"      <header_from>example.com</header_from>\n"
	"    </identifiers>\n"
	"    <auth_results>\n"
	"      <dkim><domain>example.com</domain><selector>s1</selector>"
	"<result>fail</result><human_result>bad sig</human_result></dkim>\n"
	"      <spf><domain>example.com</domain><scope>helo</scope>"
	"<result>pass</result></spf>\n"
	"    </auth_results>\n"
	"  </record>\n"
	"</feedback>\n";

static const char rfc9990_full[] =
	"<?xml version=\"1.0\"?>\n"
	"<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">\n"
	"  <version>1.0</version>\n"
	"  <report_metadata>\n"
	"    <org_name>Sample Reporter</org_name>\n"
	"    <email>report_sender@example-reporter.com</email>\n"
	"    <report_id>3v98abbp8ya9n3va8yr8oa3ya</report_id>\n"
	"    <date_range><begin>302832000</begin><end>302918399</end>"
	"</date_range>\n"
	"    <generator>Example Reporter v1.2</generator>\n"
	"  </report_metadata>\n"
	"  <policy_published>\n"
	"    <domain>example.com</domain><p>quarantine</p><sp>none</sp>\n"
	"    <np>reject</np><testing>y</testing>\n"
	"    <discovery_method>treewalk</discovery_method>\n"
	"  </policy_published>\n"
	"  <extension><x:info xmlns:x=\"urn:x\">hi</x:info></extension>\n"
	"  <record>\n"
	"    <row>\n"
	"      <source_ip>192.0.2.123</source_ip>\n"
	"      <count>123</count>\n"
	"      <policy_evaluated>\n"
	"        <disposition>pass</disposition>\n"
	"        <dkim>pass</dkim><spf>fail</spf>\n"
	"        <reason><type>policy_test_mode</type>"
	"<comment>t=y</comment></reason>\n"
	"      </policy_evaluated>\n"
	"    </row>\n"
	"    <identifiers>\n"
	"      <header_from>example.com</header_from>\n"
	"      <envelope_from></envelope_from>\n"
	"    </identifiers>\n"
	"    <auth_results>\n"
	"      <dkim><domain>example.com</domain><result>pass</result>"
	"<selector>abc123</selector>"
	"<human_result>good</human_result></dkim>\n"
	"      <spf><domain>example.com</domain><result>fail</result>"
	"<human_result>not listed</human_result></spf>\n"
	"    </auth_results>\n"
	"    <y:note xmlns:y=\"urn:y\" a=\"1\">r<b/></y:note>\n"
	"  </record>\n"
	"</feedback>\n";

static const char billion_laughs[] =
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE feedback [\n"
	" <!ENTITY lol \"lol\">\n"
	" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"
	"&lol;\">\n"
	" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"
	"&lol1;&lol1;\">\n"
	" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"
	"&lol2;&lol2;\">\n"
	" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"
	"&lol3;&lol3;\">\n"
	" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"
	"&lol4;&lol4;\">\n"
	" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"
	"&lol5;&lol5;\">\n"
	" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"
	"&lol6;&lol6;\">\n"
	" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"
	"&lol7;&lol7;\">\n"
	" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;"
	"&lol8;&lol8;\">\n"
	"]>\n"
	"<feedback>&lol9;</feedback>\n";

static const struct xcase cases[] = {
	{ "/xml/rfc7489/full", rfc7489_full, -1, NULL, .expect = {
		"ns=(null)", "version=1.0", "org_name=acme.com",
		"email=noreply-dmarc-support@acme.com",
		"extra_contact_info=http://acme.com/dmarc/support",
		"report_id=9391651994964116463", "begin=1335571200/1",
		"end=1335657599/1", "error=first problem",
		"error=second problem", "generator=(null)",
		"domain=example.com", "adkim=r", "aspf=s", "p=none",
		"sp=quarantine", "np=(null)", "pct=100", "fo=1",
		"testing=(null)", "extension=(null)",
		"source_ip=72.150.241.94", "count=2", "disposition=none",
		"pe.dkim=fail", "pe.spf=pass", "reason.type=forwarded",
		"reason.comment=via list", "envelope_to=to.example",
		"envelope_from=bounce.example.com",
		"dkim.selector=s1", "calls=1/1/1",
	} },
	{ "/xml/rfc7489/full-auth", rfc7489_full, -1, NULL, .expect = {
		"header_from=example.com", "dkim.domain=example.com",
		"dkim.result=fail", "dkim.human_result=bad sig",
		"spf.domain=example.com", "spf.scope=helo",
		"spf.result=pass", "spf.human_result=(null)",
		"rec.extension=(null)", "source_ip_raw=(null)",
		"totals=1/2",
	} },
	{ "/xml/rfc9990/full", rfc9990_full, -1, NULL, .expect = {
		"ns=urn:ietf:params:xml:ns:dmarc-2.0", "version=1.0",
		"generator=Example Reporter v1.2", "p=quarantine",
		"np=reject", "testing=y", "discovery_method=treewalk",
		"pct=(null)", "extra_contact_info=(null)",
		"extension=<extension xmlns=\"urn:ietf:params:xml:ns:"
		"dmarc-2.0\"><x:info xmlns:x=\"urn:x\">hi</x:info>"
		"</extension>",
		"disposition=pass", "reason.type=policy_test_mode",
		"reason.comment=t=y", "envelope_from=", "envelope_to=(null)",
		"dkim.selector=abc123", "dkim.human_result=good",
		"spf.human_result=not listed", "spf.scope=(null)",
		"rec.extension=<y:note xmlns:y=\"urn:y\" xmlns=\"urn:ietf:"
		"params:xml:ns:dmarc-2.0\" a=\"1\">r<b/></y:note>",
		"totals=1/123", "calls=1/1/1",
	} },
	{ "/xml/dmarc-org-0.1",
	    "<feedback xmlns=\"http://dmarc.org/dmarc-xml/0.1\">" META POLICY
	    REC("192.0.2.1", "4") "</feedback>", -1, NULL, .expect = {
		"ns=http://dmarc.org/dmarc-xml/0.1", "report_id=r1",
		"domain=example.com", "source_ip=192.0.2.1", "count=4",
		"totals=1/4",
	} },
	{ "/xml/enum/mixed-case", DOC(META
	    "<policy_published><domain>example.com</domain><adkim>R</adkim>"
	    "<aspf>S</aspf><p>Reject</p><sp>QUARANTINE</sp><np>None</np>"
	    "<testing>Y</testing><discovery_method>PSL</discovery_method>"
	    "</policy_published>"
	    "<record><row><source_ip>192.0.2.1</source_ip><count>1</count>"
	    "<policy_evaluated><disposition>None</disposition>"
	    "<dkim>Pass</dkim><spf>FAIL</spf><reason><type>Mailing_List"
	    "</type></reason></policy_evaluated></row>"
	    "<auth_results><dkim><domain>d</domain><result>TempError"
	    "</result></dkim><spf><domain>d</domain><scope>MFrom</scope>"
	    "<result>SoftFail</result></spf></auth_results></record>"), -1,
	    NULL, .expect = {
		"adkim=r", "aspf=s", "p=reject", "sp=quarantine", "np=none",
		"testing=y", "discovery_method=psl", "disposition=none",
		"pe.dkim=pass", "pe.spf=fail", "reason.type=mailing_list",
		"dkim.result=temperror", "spf.scope=mfrom",
		"spf.result=softfail",
	} },
	{ "/xml/enum/unknown-kept", DOC(META
	    "<policy_published><domain>example.com</domain><p>Invalid</p>"
	    "<sp></sp></policy_published>"
	    "<record><row><source_ip>192.0.2.1</source_ip><count>1</count>"
	    "<policy_evaluated><disposition>Delivered</disposition>"
	    "</policy_evaluated></row><auth_results><spf><domain>d</domain>"
	    "<result>HardFail</result></spf><spf><domain>e</domain>"
	    "<result>hardfail</result></spf></auth_results></record>"), -1,
	    NULL, .expect = {
		"p=Invalid", "sp=", "disposition=Delivered",
		"spf.result=HardFail", "spf.result=hardfail",
		"pe.dkim=(null)",
	} },
	{ "/xml/trim/whitespace-crlf",
	    "<?xml version=\"1.0\"?>\r\n<feedback>\r\n<report_metadata>\r\n"
	    "<org_name> Test org </org_name>\r\n"
	    "<report_id>\r\n\t r9 \t\r\n</report_id>\r\n"
	    "<date_range><begin> 100\r\n</begin><end>\t200 </end>"
	    "</date_range></report_metadata>\r\n<policy_published>"
	    "<domain>  example.com\r\n</domain><p> Quarantine </p>"
	    "</policy_published>\r\n<record><row><source_ip> 192.0.2.7\r\n"
	    "</source_ip><count>\r\n 3 \r\n</count></row></record>\r\n"
	    "</feedback>\r\n", -1, NULL, .expect = {
		"org_name=Test org", "report_id=r9", "begin=100/1",
		"end=200/1", "domain=example.com", "p=quarantine",
		"source_ip=192.0.2.7", "count=3", "totals=1/3",
	} },
	{ "/xml/trim/cdata-and-comment", DOC(
	    "<report_metadata><org_name><![CDATA[ A&B ]]><!-- c -->"
	    " Co</org_name><report_id>r1</report_id><date_range><begin>1"
	    "</begin><end>2</end></date_range></report_metadata>" POLICY),
	    -1, NULL, .expect = {
		"org_name=A&B  Co", "calls=1/0/1",
	} },
	{ "/xml/org-name/empty", DOC(
	    "<report_metadata><org_name></org_name><report_id>r1"
	    "</report_id><date_range><begin>1</begin><end>2</end>"
	    "</date_range></report_metadata>" POLICY), -1, NULL, .expect = {
		"org_name=", "email=(null)",
	} },
	{ "/xml/org-name/missing", DOC(
	    "<report_metadata><report_id>r1</report_id><date_range><begin>1"
	    "</begin><end>2</end></date_range></report_metadata>" POLICY),
	    -1, NULL, .expect = {
		"org_name=",
	} },
	{ "/xml/records/zero", DOC(META POLICY), -1, NULL, .expect = {
		"calls=1/0/1", "totals=0/0",
	} },
	{ "/xml/records/several", DOC(META POLICY REC("192.0.2.1", "5")
	    REC("192.0.2.2", "0") REC("192.0.2.3", "7")), -1, NULL, .expect = {
		"record 1: 1 so far 5 msgs", "record 2: 2 so far 5 msgs",
		"record 3: 3 so far 12 msgs", "totals=3/12", "calls=1/3/1",
	} },
	{ "/xml/auth/several", DOC(META POLICY
	    "<record><row><source_ip>192.0.2.1</source_ip><count>1</count>"
	    "</row><auth_results>"
	    "<dkim><domain>a.example</domain><selector>s1</selector>"
	    "<result>pass</result></dkim>"
	    "<dkim><domain>b.example</domain><result>fail</result></dkim>"
	    "<spf><domain>c.example</domain><scope>helo</scope>"
	    "<result>none</result></spf>"
	    "<spf><domain>d.example</domain><scope>mfrom</scope>"
	    "<result>pass</result></spf>"
	    "</auth_results></record>"), -1, NULL, .expect = {
		"dkim.domain=a.example", "dkim.selector=s1",
		"dkim.domain=b.example", "dkim.selector=(null)",
		"dkim.result=fail", "spf.domain=c.example",
		"spf.domain=d.example", "spf.result=none", "spf.result=pass",
	} },
	{ "/xml/source-ip/ipv6", DOC(META POLICY
	    REC("2a00:1450:4864:20::12d", "1") REC("::ffff:192.0.2.1", "1")),
	    -1, NULL, .expect = {
		"source_ip=2a00:1450:4864:20::12d",
		"source_ip=::ffff:192.0.2.1",
	} },
	{ "/xml/source-ip/bad", DOC(META POLICY REC("not-an-ip", "1")
	    REC("", "2") REC("192.0.2.256", "3")
	    "<record><row><count>4</count></row></record>"), -1, NULL,
	    .expect = {
		"source_ip=(null)", "source_ip_raw=not-an-ip",
		"source_ip_raw=", "source_ip_raw=192.0.2.256",
		"note=record 1: source_ip 'not-an-ip' is not an IP address",
		"note=record 2: source_ip '' is not an IP address",
		"note=record 3: source_ip '192.0.2.256' is not an IP address",
		"note=record 4: source_ip missing", "totals=4/10",
	} },
	{ "/xml/source-ip/long", DOC(META POLICY
	    REC(E8 E8 E8 E7 "x" E1, "1")), -1, NULL, .expect = {
		"note=record 1: source_ip '" E8 E8 E8 E7 "x...' is not an IP "
		"address",
	} },
	{ "/xml/count/letters", DOC(META POLICY REC("192.0.2.1", "abc")),
	    DR_ERROR_BAD_DATA,
	    "record 1: count 'abc' is not a non-negative integer", .expect = {
		"calls=1/0/0",
	} },
	{ "/xml/count/negative", DOC(META POLICY REC("192.0.2.1", "1")
	    REC("192.0.2.1", "-1")), DR_ERROR_BAD_DATA,
	    "record 2: count '-1' is not", .expect = { "calls=1/1/0" } },
	{ "/xml/count/empty", DOC(META POLICY REC("192.0.2.1", "")),
	    DR_ERROR_BAD_DATA, "record 1: count '' is not",
	    .expect = { NULL } },
	{ "/xml/count/missing", DOC(META POLICY
	    "<record><row><source_ip>192.0.2.1</source_ip></row></record>"),
	    DR_ERROR_BAD_DATA, "record 1: count missing", .expect = { NULL } },
	{ "/xml/count/overflow", DOC(META POLICY
	    REC("192.0.2.1", "99999999999999999999")), DR_ERROR_BAD_DATA,
	    "is not a non-negative integer", .expect = { NULL } },
	{ "/xml/count/total-overflow", DOC(META POLICY
	    REC("192.0.2.1", "9223372036854775807") REC("192.0.2.1", "1")),
	    DR_ERROR_BAD_DATA, "record 2: message count overflows",
	    .expect = { "calls=1/1/0" } },
	{ "/xml/required/report-id", DOC(
	    "<report_metadata><org_name>o</org_name><date_range><begin>1"
	    "</begin><end>2</end></date_range></report_metadata>" POLICY
	    REC("192.0.2.1", "1")), DR_ERROR_BAD_DATA,
	    "report_metadata/report_id missing", .expect = { "calls=0/0/0" } },
	{ "/xml/required/report-id-empty", DOC(META_ID(" ") POLICY),
	    DR_ERROR_BAD_DATA, "report_metadata/report_id missing",
	    .expect = { "calls=0/0/0" } },
	{ "/xml/required/begin", DOC(
	    "<report_metadata><report_id>r</report_id><date_range><end>2"
	    "</end></date_range></report_metadata>" POLICY),
	    DR_ERROR_BAD_DATA, "report_metadata/date_range/begin missing",
	    .expect = { NULL } },
	{ "/xml/required/end", DOC(
	    "<report_metadata><report_id>r</report_id><date_range><begin>2"
	    "</begin></date_range></report_metadata>" POLICY),
	    DR_ERROR_BAD_DATA, "report_metadata/date_range/end missing",
	    .expect = { NULL } },
	{ "/xml/required/end-not-integer", DOC(
	    "<report_metadata><report_id>r</report_id><date_range><begin>2"
	    "</begin><end>soon</end></date_range></report_metadata>"
	    POLICY), DR_ERROR_BAD_DATA,
	    "report_metadata/date_range/end 'soon' is not an integer",
	    .expect = { NULL } },
	{ "/xml/required/domain", DOC(META
	    "<policy_published><p>none</p></policy_published>"),
	    DR_ERROR_BAD_DATA, "policy_published/domain missing",
	    .expect = { NULL } },
	{ "/xml/date-range/begin-after-end", DOC(
	    "<report_metadata><report_id>r</report_id><date_range><begin>"
	    "300</begin><end>-5</end></date_range></report_metadata>"
	    POLICY), -1, NULL, .expect = {
		"begin=300/1", "end=-5/1",
		"note=date_range begin 300 is after end -5",
	} },
	{ "/xml/bad-xml/mismatched-tag", DOC(META POLICY
	    "<record><row></record>"), DR_ERROR_BAD_XML, "line 2: ",
	    .expect = { NULL } },
	{ "/xml/bad-xml/truncated", "<feedback><report_metadata>",
	    DR_ERROR_BAD_XML, "line 1: ", .expect = { "calls=0/0/0" } },
	{ "/xml/bad-xml/trailing-garbage", DOC(META POLICY) "<x>",
	    DR_ERROR_BAD_XML, "line 3: Extra content", .expect = { NULL } },
	{ "/xml/bad-xml/xxe",
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE feedback [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">"
	    "]>\n<feedback><report_metadata><org_name>&xxe;</org_name>"
	    "<report_id>r</report_id><date_range><begin>1</begin><end>2"
	    "</end></date_range></report_metadata>" POLICY "</feedback>\n",
	    DR_ERROR_BAD_XML, "DOCTYPE not allowed",
	    .expect = { "calls=0/0/0" } },
	{ "/xml/bad-xml/doctype-only",
	    "<!DOCTYPE feedback>\n<feedback>" META POLICY
	    "</feedback>",
	    DR_ERROR_BAD_XML, NULL, .expect = { "calls=0/0/0" } },
	{ "/xml/bad-xml/billion-laughs", billion_laughs, DR_ERROR_BAD_XML,
	    NULL, .expect = { "calls=0/0/0" } },
	{ "/xml/bad-xml/entity-undeclared", DOC(
	    "<report_metadata><org_name>&foo;</org_name></report_metadata>"),
	    DR_ERROR_BAD_XML, "line 2: ", .expect = { "calls=0/0/0" } },
	{ "/xml/bad-xml/too-deep", DOC(META POLICY
	    "<a><b><c><d><e><f><g><h><i>x</i></h></g></f></e></d></c></b>"
	    "</a>"), DR_ERROR_BAD_XML, "nested deeper than 8",
	    .expect = { "calls=0/0/0" }, .max_depth = 8 },
	{ "/xml/bad-xml/too-deep-extension", DOC(META POLICY
	    "<record><a><b><c><d><e><f><g><h><i>x</i></h></g></f></e></d>"
	    "</c></b></a></record>"), DR_ERROR_BAD_XML,
	    "nested deeper than 8", .expect = { "calls=1/0/0" },
	    .max_depth = 8 },
	{ "/xml/depth/at-limit", DOC(META POLICY
	    "<record><row><count>1</count><a><b><c><d><e>x</e></d></c></b>"
	    "</a></row></record>"), -1, NULL, .expect = { "totals=1/1" },
	    .max_depth = 8 },
	{ "/xml/not-a-report/html",
	    "<html><head><title>Report</title></head><body><p>hi</p></body>"
	    "</html>", DR_ERROR_NOT_A_REPORT, "<html>",
	    .expect = { "calls=0/0/0" } },
	{ "/xml/not-a-report/html-doctype",
	    "<!DOCTYPE html>\n<html><body><p>DMARC report</p></body></html>",
	    DR_ERROR_NOT_A_REPORT, "DOCTYPE of another", .expect = { NULL } },
	{ "/xml/not-a-report/html-not-well-formed",
	    "<html><body>line one<br>line two</body></html>",
	    DR_ERROR_NOT_A_REPORT, NULL, .expect = { NULL } },
	{ "/xml/not-a-report/root", "<?xml version=\"1.0\"?><root>"
	    "<feedback/></root>", DR_ERROR_NOT_A_REPORT,
	    "root element <root> is not <feedback>", .expect = { NULL } },
	{ "/xml/not-a-report/empty", "", DR_ERROR_NOT_A_REPORT, NULL,
	    .expect = { "calls=0/0/0" } },
	{ "/xml/not-a-report/blank", " \r\n\t\n", DR_ERROR_NOT_A_REPORT,
	    NULL, .expect = { NULL } },
	{ "/xml/not-a-report/declaration-only",
	    "<?xml version=\"1.0\"?>\n", DR_ERROR_NOT_A_REPORT, NULL,
	    .expect = { NULL } },
	{ "/xml/limits/records", DOC(META POLICY REC("192.0.2.1", "1")
	    REC("192.0.2.1", "1") REC("192.0.2.1", "1")),
	    DR_ERROR_TOO_LARGE, "more than 2 records",
	    .expect = { "calls=1/2/0" },
	    .max_records = 2 },
	{ "/xml/limits/records-at-limit", DOC(META POLICY
	    REC("192.0.2.1", "1") REC("192.0.2.1", "1")), -1, NULL,
	    .expect = { "calls=1/2/1" }, .max_records = 2 },
	{ "/xml/limits/field", DOC(
	    "<report_metadata><org_name>0123456789abcdefX</org_name>"
	    "</report_metadata>"), DR_ERROR_TOO_LARGE,
	    "value longer than 16 bytes", .max_field = 16 },
	{ "/xml/limits/field-at-limit", DOC(
	    "<report_metadata><org_name>0123456789abcdef</org_name>"
	    "<report_id>r</report_id><date_range><begin>1</begin><end>2"
	    "</end></date_range></report_metadata><policy_published>"
	    "<domain>d</domain></policy_published>"), -1, NULL,
	    .expect = { "org_name=0123456789abcdef" }, .max_field = 16 },
	{ "/xml/limits/extension-dropped", DOC(META POLICY
	    "<extension><x>0123456789012345678901234567890123456789"
	    "0123456789</x></extension>" REC("192.0.2.1", "1")), -1, NULL,
	    .expect = {
		"extension=(null)",
		"note=<extension> of 80 bytes dropped (limit 64)",
		"totals=1/1",
	    }, .max_field = 64 },
	/*
	 * libxml2 lets overlong UTF-8 through in CDATA: ten C1 90 (20
	 * bytes) fit, the twenty U+FFFD they become (60 bytes) do not.
	 */
	{ "/xml/limits/extension-made-valid-over", DOC(META POLICY
	    "<extension><x><![CDATA[\xc1\x90\xc1\x90\xc1\x90\xc1\x90"
	    "\xc1\x90\xc1\x90\xc1\x90\xc1\x90\xc1\x90\xc1\x90]]></x>"
	    "</extension>" REC("192.0.2.1", "1")), -1, NULL,
	    .expect = {
		"extension=(null)",
		"note=<extension> of 102 bytes dropped (limit 64)",
		"totals=1/1",
	    }, .max_field = 64 },
	{ "/xml/limits/extension-made-valid-fits", DOC(META POLICY
	    "<extension><x><![CDATA[\xc1\x90]]></x></extension>"
	    REC("192.0.2.1", "1")), -1, NULL,
	    .expect = {
		"extension=<extension><x><![CDATA[\xef\xbf\xbd\xef\xbf\xbd]]>"
		"</x></extension>",
	    }, .max_field = 80 },
	{ "/xml/encoding/windows-1252",
	    "<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n"
	    "<feedback><report_metadata><org_name>Soci\xe9t\xe9 "
	    "\x80</org_name><report_id>r</report_id><date_range><begin>1"
	    "</begin><end>2</end></date_range></report_metadata>" POLICY
	    "</feedback>", -1, NULL, .expect = {
		"org_name=Soci\xc3\xa9t\xc3\xa9 \xe2\x82\xac",
	} },
	{ "/xml/extension/several-unknown", DOC(META POLICY
	    "<unknown><report_id>ignored</report_id></unknown>"
	    "<record><row><source_ip>192.0.2.1</source_ip><count>1</count>"
	    "<foo>bar</foo></row><a>1</a><b/></record>"
	    "<record><row><count>2</count></row>"
	    "<c>0123456789012345678901234567890123456789"
	    "012345678901234567890123456789</c></record>"), -1, NULL,
	    .expect = {
		"report_id=r1", "rec.extension=<a>1</a><b/>",
		"note=record 2: <c> of 77 bytes dropped (limit 64)",
	}, .max_field = 64 },
	{ "/xml/callback/header-error", DOC(META POLICY
	    REC("192.0.2.1", "1")), DR_ERROR_TEMPFAIL, "db down",
	    .expect = { "calls=1/0/0" }, .fail_in = FAIL_HEADER },
	{ "/xml/callback/record-error", DOC(META POLICY
	    REC("192.0.2.1", "1") REC("192.0.2.1", "1")), DR_ERROR_TEMPFAIL,
	    "db down", .expect = { "calls=1/1/0" }, .fail_in = FAIL_RECORD },
	{ "/xml/callback/end-error", DOC(META POLICY), DR_ERROR_TEMPFAIL,
	    "db down", .expect = { "calls=1/0/1" }, .fail_in = FAIL_END },
	{ "/xml/read-error/start", DOC(META POLICY), DR_ERROR_BAD_ARCHIVE,
	    "corrupt gzip member", .expect = { "calls=0/0/0" },
	    .read_fail_at = 1 },
	{ "/xml/read-error/middle", DOC(META POLICY REC("192.0.2.1", "1")
	    REC("192.0.2.1", "1")), DR_ERROR_BAD_ARCHIVE,
	    "corrupt gzip member", .read_fail_at = 400 },
};

static void
test_billion_laughs_fast(void)
{
	const struct xcase *c = NULL;
	gint64 start;
	char *dump;
	GError *error = NULL;
	gsize i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		if (cases[i].xml == billion_laughs)
			c = &cases[i];
	}
	g_assert_nonnull(c);
	start = g_get_monotonic_time();
	g_assert_false(run_case(c, 0, &dump, &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_BAD_XML);
	g_assert_cmpint(g_get_monotonic_time() - start, <, G_USEC_PER_SEC);
	g_error_free(error);
	g_free(dump);
}

static void
test_deadline(void)
{
	struct memsrc m;
	struct dr_limits lim;
	struct seen s = { g_string_new(NULL), 0, 0, 0, FAIL_NONE };
	GString *xml = g_string_new("<feedback>" META POLICY);
	GError *error = NULL;
	int i;

	for (i = 0; i < 10; i++)
		g_string_append(xml, REC("192.0.2.1", "1"));
	g_string_append(xml, "</feedback>");
	m = (struct memsrc){ xml->str, xml->len, 0, 0, -1 };
	dr_limits_init(&lim);
	lim.deadline = g_get_monotonic_time() - 1;
	g_assert_false(dr_xml_parse(mem_read, &m, "t", &lim, &callbacks, &s,
	    &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_TEMPFAIL);
	g_assert_cmpuint(s.records, ==, 0);
	g_error_free(error);
	g_string_free(s.dump, TRUE);
	g_string_free(xml, TRUE);
}

/* A read error on the very first read still comes back unchanged. */
static void
test_read_error_first(void)
{
	struct memsrc m = { "<feedback/>", 11, 0, 0, 0 };
	struct dr_limits lim;
	struct seen s = { g_string_new(NULL), 0, 0, 0, FAIL_NONE };
	GError *error = NULL;

	dr_limits_init(&lim);
	g_assert_false(dr_xml_parse(mem_read, &m, "t", &lim, &callbacks, &s,
	    &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_BAD_ARCHIVE);
	g_assert_cmpstr(error->message, ==, "corrupt gzip member");
	g_assert_cmpuint(s.headers + s.records + s.ends, ==, 0);
	g_error_free(error);
	g_string_free(s.dump, TRUE);
}

/* Line numbers in messages stay right past 65535 lines. */
static void
test_big_line_numbers(void)
{
	struct memsrc m;
	struct dr_limits lim;
	struct seen s = { g_string_new(NULL), 0, 0, 0, FAIL_NONE };
	GString *xml = g_string_new("<feedback>" META POLICY);
	GError *error = NULL;
	int i;

	for (i = 0; i < 70000; i++)
		g_string_append_c(xml, '\n');
	g_string_append(xml, "<a><b><c><d><e/></d></c></b></a></feedback>");
	m = (struct memsrc){ xml->str, xml->len, 0, 0, -1 };
	dr_limits_init(&lim);
	lim.max_xml_depth = 4;
	g_assert_false(dr_xml_parse(mem_read, &m, "t", &lim, &callbacks, &s,
	    &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_BAD_XML);
	g_assert_cmpstr(error->message, ==,
	    "line 70001: elements nested deeper than 4");
	g_error_free(error);
	g_string_free(s.dump, TRUE);
	g_string_free(xml, TRUE);
}

struct numcase {
	const char	*s;
	gboolean	 count_ok;
	gint64		 count;
	gboolean	 int_ok;
	gint64		 value;
};

static const struct numcase numbers[] = {
	{ "0", TRUE, 0, TRUE, 0 },
	{ "5", TRUE, 5, TRUE, 5 },
	{ " \t\r\n42\r\n ", TRUE, 42, TRUE, 42 },
	{ "007", TRUE, 7, TRUE, 7 },
	{ "9223372036854775807", TRUE, G_MAXINT64, TRUE, G_MAXINT64 },
	{ "9223372036854775808", FALSE, 0, FALSE, 0 },
	{ "99999999999999999999", FALSE, 0, FALSE, 0 },
	{ "-1", FALSE, 0, TRUE, -1 },
	{ "-0", FALSE, 0, TRUE, 0 },
	{ "-9223372036854775808", FALSE, 0, TRUE, G_MININT64 },
	{ "-9223372036854775809", FALSE, 0, FALSE, 0 },
	{ "+5", FALSE, 0, FALSE, 0 },
	{ "5.0", FALSE, 0, FALSE, 0 },
	{ "", FALSE, 0, FALSE, 0 },
	{ "   ", FALSE, 0, FALSE, 0 },
	{ "-", FALSE, 0, FALSE, 0 },
	{ "1e3", FALSE, 0, FALSE, 0 },
	{ "0x10", FALSE, 0, FALSE, 0 },
	{ "1 2", FALSE, 0, FALSE, 0 },
	{ "- 1", FALSE, 0, FALSE, 0 },
	{ "12abc", FALSE, 0, FALSE, 0 },
	{ "\v1", FALSE, 0, FALSE, 0 },
	{ "\xd9\xa3", FALSE, 0, FALSE, 0 },	/* Arabic-Indic three */
};

static void
test_numbers(void)
{
	gsize i;

	for (i = 0; i < G_N_ELEMENTS(numbers); i++) {
		const struct numcase *n = &numbers[i];
		gint64 v = -42;

		g_test_message("number '%s'", n->s);
		g_assert_cmpint(dr_parse_count(n->s, &v), ==, n->count_ok);
		g_assert_cmpint(v, ==, n->count_ok ? n->count : -42);
		v = -42;
		g_assert_cmpint(dr_parse_int64(n->s, &v), ==, n->int_ok);
		g_assert_cmpint(v, ==, n->int_ok ? n->value : -42);
	}
}

/* Column of name in the manifest header, or -1. */
static int
column(char **header, const char *name)
{
	int i;

	for (i = 0; header[i] != NULL; i++) {
		if (strcmp(header[i], name) == 0)
			return i;
	}
	return -1;
}

static gboolean
count_ok(const struct dr_report *rep, const struct dr_record *rec,
    gpointer user, GError **error)
{
	(void)rep;
	(void)rec;
	(void)user;
	(void)error;
	return TRUE;
}

static gboolean
keep_totals(const struct dr_report *rep, gpointer user, GError **error)
{
	gint64 *totals = user;

	(void)error;
	totals[0] = rep->record_count;
	totals[1] = rep->message_count;
	return TRUE;
}

/* Checks one corpus file against its manifest row; FALSE on mismatch. */
static gboolean
corpus_file(const char *dir, char **row, int c_rows, int c_msgs,
    int c_quirks)
{
	static const struct dr_xml_callbacks cb = {
		NULL, count_ok, keep_totals
	};
	const char *file = row[0], *quirks = row[c_quirks];
	struct dr_limits lim;
	struct memsrc m = { NULL, 0, 0, 0, -1 };
	gint64 totals[2] = { -1, -1 };
	char *path, *data, *expect;
	GError *error = NULL;
	gboolean ok, good;

	path = g_build_filename(dir, file, NULL);
	g_assert_true(g_file_get_contents(path, &data, &m.len, NULL));
	g_free(path);
	m.data = data;
	dr_limits_init(&lim);
	ok = dr_xml_parse(mem_read, &m, file, &lim, &cb, totals, &error);
	g_free(data);
	if (strstr(quirks, "UNPARSEABLE") != NULL) {
		good = !ok && (error->code == DR_ERROR_BAD_XML ||
		    error->code == DR_ERROR_NOT_A_REPORT);
		g_test_message("%s: %s (%s)", file, good ? "rejected" :
		    "NOT rejected", ok ? "parsed" : error->message);
	} else if (ok) {
		expect = g_strdup_printf("%" G_GINT64_FORMAT "/%"
		    G_GINT64_FORMAT, totals[0], totals[1]);
		path = g_strdup_printf("%s/%s", row[c_rows], row[c_msgs]);
		good = strcmp(expect, path) == 0;
		if (!good)
			g_test_message("%s: got %s, manifest says %s", file,
			    expect, path);
		g_free(expect);
		g_free(path);
	} else {
		good = error->code == DR_ERROR_BAD_DATA &&
		    (strstr(quirks, "missing-") != NULL ||
		    strstr(quirks, "bad-count") != NULL ||
		    strstr(quirks, "non-integer") != NULL);
		g_test_message("%s: %s: %s%s", file,
		    dr_error_reason(error->code), error->message,
		    good ? "" : " (unexpected)");
	}
	g_clear_error(&error);
	return good;
}

static void
test_corpus(void)
{
	char *dir = dr_test_corpus();
	char *path, *manifest, **lines, **header;
	int c_rows, c_msgs, c_quirks;
	guint i, n = 0, bad = 0;

	if (dir == NULL)
		return;
	path = g_build_filename(dir, "MANIFEST.tsv", NULL);
	g_assert_true(g_file_get_contents(path, &manifest, NULL, NULL));
	g_free(path);
	lines = g_strsplit(manifest, "\n", -1);
	g_free(manifest);
	header = g_strsplit(lines[0], "\t", -1);
	g_assert_cmpstr(header[0], ==, "file");
	c_rows = column(header, "record_rows");
	c_msgs = column(header, "total_message_count");
	c_quirks = column(header, "quirks");
	g_assert_cmpint(c_rows, >=, 0);
	g_assert_cmpint(c_msgs, >=, 0);
	g_assert_cmpint(c_quirks, >=, 0);
	for (i = 1; lines[i] != NULL; i++) {
		char **row = g_strsplit(lines[i], "\t", -1);

		if (g_strv_length(row) > (guint)MAX(c_quirks,
		    MAX(c_rows, c_msgs)) && g_str_has_suffix(row[0], ".xml")) {
			n++;
			if (!corpus_file(dir, row, c_rows, c_msgs, c_quirks))
				bad++;
		}
		g_strfreev(row);
	}
	g_strfreev(header);
	g_strfreev(lines);
	g_test_message("%u corpus files, %u wrong", n, bad);
	g_free(dir);
	g_assert_cmpuint(n, >, 0);
	g_assert_cmpuint(bad, ==, 0);
}

int
main(int argc, char **argv)
{
	gsize i;

	g_test_init(&argc, &argv, NULL);
	dr_xml_init();
	for (i = 0; i < G_N_ELEMENTS(cases); i++)
		g_test_add_data_func(cases[i].path, &cases[i], test_case);
	g_test_add_func("/xml/bad-xml/billion-laughs-fast",
	    test_billion_laughs_fast);
	g_test_add_func("/xml/limits/deadline", test_deadline);
	g_test_add_func("/xml/read-error/first-read", test_read_error_first);
	g_test_add_func("/xml/bad-xml/big-line-numbers",
	    test_big_line_numbers);
	g_test_add_func("/xml/numbers", test_numbers);
	g_test_add_func("/xml/corpus", test_corpus);
	return g_test_run();
}
