/*
 * tpl.cc - the C face of ctemplate: the project's only C++ file.
 *
 * A struct dr_tpl is a private ctemplate::TemplateCache rooted at one
 * directory, so two of them never share templates.  A template is read
 * from disk once, on its first expansion, and only after checking that
 * it starts with {{%AUTOESCAPE context="HTML"}}: a template without it
 * would print report data unescaped, so it is refused (TEMPFAIL, the
 * installation is broken).  The checked text itself goes into the cache
 * (StringToTemplateCache), so what was checked is what is expanded.
 *
 * A struct dr_tpl_dict is a ctemplate::TemplateDictionary.  Values pass
 * through dr_tpl_set, the one place where they are made valid UTF-8 and
 * where control characters (which HTML forbids) become U+FFFD.
 *
 * Whitespace: STRIP_BLANK_LINES drops the lines that hold only template
 * markers and keeps the indentation, so the output reads like the
 * template (and the golden files stay readable).
 *
 * No exception leaves this file.  dr_tpl_new and dr_tpl_expand turn one
 * into DR_ERROR_TEMPFAIL; the setters can only fail by running out of
 * memory, which aborts the program as g_malloc does.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <set>
#include <string>

#include <ctemplate/template.h>
#include <ctemplate/template_cache.h>
#include <ctemplate/template_dictionary.h>

extern "C" {
#include "error.h"
}
#include "tpl.h"

#define DR_TPL_PRAGMA	"{{%AUTOESCAPE context=\"HTML\"}}"

struct dr_tpl {
	char				*dir;
	ctemplate::TemplateCache	*cache;
	std::set<std::string>		*loaded;	/* names checked */
};

static inline ctemplate::TemplateDictionary *
dict_of(struct dr_tpl_dict *d)
{
	return reinterpret_cast<ctemplate::TemplateDictionary *>(d);
}

static void
oom(const char *what)
{
	g_error("tpl: %s: out of memory", what);
}

struct dr_tpl *
dr_tpl_new(const char *dir, GError **error)
{
	struct dr_tpl *t;

	if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
		g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL,
		    "template directory %s: not a directory", dir);
		return NULL;
	}
	t = g_new0(struct dr_tpl, 1);
	t->dir = g_strdup(dir);
	try {
		t->cache = new ctemplate::TemplateCache();
		t->loaded = new std::set<std::string>();
		if (!t->cache->SetTemplateRootDirectory(dir)) {
			g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL,
			    "template directory %s: unusable", dir);
			dr_tpl_free(t);
			return NULL;
		}
	} catch (...) {
		g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL,
		    "template directory %s: ctemplate failed", dir);
		dr_tpl_free(t);
		return NULL;
	}
	return t;
}

void
dr_tpl_free(struct dr_tpl *t)
{
	if (t == NULL)
		return;
	try {
		delete t->loaded;
		delete t->cache;
	} catch (...) {
		/* A destructor that throws leaves nothing to recover. */
	}
	g_free(t->dir);
	g_free(t);
}

struct dr_tpl_dict *
dr_tpl_dict_new(void)
{
	try {
		return reinterpret_cast<struct dr_tpl_dict *>(
		    new ctemplate::TemplateDictionary("dr"));
	} catch (...) {
		oom("dictionary");
	}
	return NULL;
}

void
dr_tpl_dict_free(struct dr_tpl_dict *d)
{
	try {
		delete dict_of(d);
	} catch (...) {
		/* As in dr_tpl_free. */
	}
}

/*
 * value as valid UTF-8 without C0 controls other than tab and newline, nor
 * DEL (transfer full).
 */
static char *
clean_utf8(const char *value)
{
	char *valid = g_utf8_make_valid(value, -1);
	GString *s;
	const char *p;

	for (p = valid; *p != '\0'; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t' && *p != '\n') ||
		    *p == 0x7f)
			break;
	if (*p == '\0')
		return valid;
	s = g_string_sized_new(strlen(valid) + 8);
	for (p = valid; *p != '\0'; p++) {
		if (((unsigned char)*p < 0x20 && *p != '\t' && *p != '\n') ||
		    *p == 0x7f)
			g_string_append(s, "\xef\xbf\xbd");
		else
			g_string_append_c(s, *p);
	}
	g_free(valid);
	return g_string_free(s, FALSE);
}

void
dr_tpl_set(struct dr_tpl_dict *d, const char *key, const char *value)
{
	char *clean = clean_utf8(value != NULL ? value : "");

	try {
		/* SetValue copies the value into the dictionary's arena. */
		dict_of(d)->SetValue(key, clean);
	} catch (...) {
		oom(key);
	}
	g_free(clean);
}

void
dr_tpl_set_int(struct dr_tpl_dict *d, const char *key, gint64 value)
{
	char buf[32];

	g_snprintf(buf, sizeof(buf), "%" G_GINT64_FORMAT, value);
	dr_tpl_set(d, key, buf);
}

void
dr_tpl_set_printf(struct dr_tpl_dict *d, const char *key, const char *fmt,
    ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	dr_tpl_set(d, key, s);
	g_free(s);
}

struct dr_tpl_dict *
dr_tpl_add_section(struct dr_tpl_dict *d, const char *section)
{
	try {
		return reinterpret_cast<struct dr_tpl_dict *>(
		    dict_of(d)->AddSectionDictionary(section));
	} catch (...) {
		oom(section);
	}
	return NULL;
}

void
dr_tpl_show_section(struct dr_tpl_dict *d, const char *section)
{
	try {
		dict_of(d)->ShowSection(section);
	} catch (...) {
		oom(section);
	}
}

/* A bare file name: templates come only from the directory itself. */
static gboolean
name_ok(const char *name)
{
	return name != NULL && *name != '\0' && *name != '.' &&
	    strchr(name, '/') == NULL;
}

/* Reads, checks and caches template name on its first use. */
static gboolean
load(struct dr_tpl *t, const char *name, GError **error)
{
	char *path, *text;
	gsize len;
	bool ok;

	if (t->loaded->count(name) != 0)
		return TRUE;
	path = g_build_filename(t->dir, name, NULL);
	if (!g_file_get_contents(path, &text, &len, error)) {
		g_prefix_error(error, "template %s: ", path);
		dr_error_retag(error, DR_ERROR_TEMPFAIL);
		g_free(path);
		return FALSE;
	}
	if (len < strlen(DR_TPL_PRAGMA) ||
	    memcmp(text, DR_TPL_PRAGMA, strlen(DR_TPL_PRAGMA)) != 0) {
		g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL,
		    "template %s: does not start with %s", path,
		    DR_TPL_PRAGMA);
		g_free(text);
		g_free(path);
		return FALSE;
	}
	try {
		ok = t->cache->StringToTemplateCache(name, text, len,
		    ctemplate::STRIP_BLANK_LINES);
	} catch (...) {
		ok = false;
	}
	g_free(text);
	if (!ok) {
		g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL,
		    "template %s: does not parse", path);
		g_free(path);
		return FALSE;
	}
	g_free(path);
	t->loaded->insert(name);
	return TRUE;
}

gboolean
dr_tpl_expand(struct dr_tpl *t, const char *name, struct dr_tpl_dict *d,
    GString *out, GError **error)
{
	if (!name_ok(name)) {
		g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL,
		    "template name \"%s\": not a file name in %s",
		    name != NULL ? name : "", t->dir);
		return FALSE;
	}
	try {
		std::string buf;

		if (!load(t, name, error))
			return FALSE;
		if (!t->cache->ExpandWithData(name,
		    ctemplate::STRIP_BLANK_LINES, dict_of(d), NULL, &buf)) {
			g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL,
			    "template %s/%s: expansion failed", t->dir, name);
			return FALSE;
		}
		g_string_append_len(out, buf.data(), buf.size());
	} catch (...) {
		g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL,
		    "template %s/%s: ctemplate failed", t->dir, name);
		return FALSE;
	}
	return TRUE;
}
