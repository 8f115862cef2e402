/*
 * conf.c - configuration file (see conf.h).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "conf.h"
#include "error.h"

/* One numeric key of [limits] and where it goes. */
struct limit_key {
	const char *key;
	gsize	 offset;
	int	 size;			/* sizeof the field */
	guint64	 min, max;
};

#define LIMIT(k, f, lo, hi) { k, G_STRUCT_OFFSET(struct dr_limits, f), \
	(int)sizeof(((struct dr_limits *)0)->f), lo, hi }

static const struct limit_key limit_keys[] = {
	LIMIT("max_message_size", max_message_bytes, 1024, G_MAXSIZE / 2),
	LIMIT("max_payloads", max_payloads, 1, 100000),
	LIMIT("max_zip_members", max_zip_members, 1, 1000000),
	LIMIT("max_unpacked_size", max_unpacked_bytes, 1024, G_MAXINT64),
	LIMIT("max_ratio", max_ratio, 2, 1000000),
	LIMIT("max_nesting", max_nesting, 1, 32),
	LIMIT("max_xml_depth", max_xml_depth, 8, 10000),
	LIMIT("max_records", max_records, 1, G_MAXINT64),
	LIMIT("max_field_size", max_field_bytes, 256, 1024 * 1024 * 1024),
	LIMIT("time_budget", time_budget, 1, 86400),
};

static void
set_field(struct dr_limits *lim, const struct limit_key *k, guint64 v)
{
	char *p = (char *)lim + k->offset;

	switch (k->size) {
	case 4: {
		guint32 x = (guint32)v;
		memcpy(p, &x, 4);
		break;
	}
	default: {
		guint64 x = v;
		memcpy(p, &x, 8);
		break;
	}
	}
}

static gboolean
fail(GError **error, GError *cause, const char *path)
{
	g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL, "%s: %s", path,
	    cause->message);
	g_error_free(cause);
	return FALSE;
}

/* An optional unsigned key; *out keeps its default when absent. */
static gboolean
get_uint(GKeyFile *kf, const char *group, const char *key, guint64 min,
    guint64 max, guint *out, GError **error)
{
	char *s = g_key_file_get_value(kf, group, key, NULL);
	guint64 v;
	gboolean ok;

	if (s == NULL)
		return TRUE;
	ok = g_ascii_string_to_unsigned(g_strstrip(s), 10, min, max, &v,
	    error);
	if (ok)
		*out = (guint)v;
	else
		g_prefix_error(error, "[%s] %s: ", group, key);
	g_free(s);
	return ok;
}

gboolean
dr_conf_load(struct dr_conf *conf, const char *path, GError **error)
{
	GKeyFile *kf;
	GError *e = NULL;
	gboolean optional = FALSE;
	gsize i;

	memset(conf, 0, sizeof(*conf));
	dr_limits_init(&conf->limits);
	conf->keep_days = DR_CONF_DEFAULT_KEEP_DAYS;
	/* One customer per processor: rendering is CPU-bound. */
	conf->jobs = MAX(1, MIN(g_get_num_processors(), 64));
	if (path == NULL)
		path = g_getenv("DMARC_RUA_CONFIG");
	if (path == NULL) {
		path = DR_CONF_DEFAULT_PATH;
		optional = TRUE;
	}
	kf = g_key_file_new();
	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &e)) {
		g_key_file_free(kf);
		if (optional && g_error_matches(e, G_FILE_ERROR,
		    G_FILE_ERROR_NOENT)) {
			g_error_free(e);
			return TRUE;
		}
		return fail(error, e, path);
	}
	conf->path = g_strdup(path);
	conf->conninfo = g_key_file_get_string(kf, "database", "conninfo",
	    NULL);
	conf->schema_dir = g_key_file_get_string(kf, "paths", "schema_dir",
	    NULL);
	conf->template_dir = g_key_file_get_string(kf, "paths",
	    "template_dir", NULL);
	conf->module_dir = g_key_file_get_string(kf, "paths", "module_dir",
	    NULL);
	conf->output_dir = g_key_file_get_string(kf, "render", "output_dir",
	    NULL);
	if (!get_uint(kf, "render", "keep_days", 1, 100000, &conf->keep_days,
	    &e) || !get_uint(kf, "render", "jobs", 1, DR_MAX_JOBS,
	    &conf->jobs, &e)) {
		g_key_file_free(kf);
		return fail(error, e, path);
	}
	for (i = 0; i < G_N_ELEMENTS(limit_keys); i++) {
		const struct limit_key *k = &limit_keys[i];
		char *s = g_key_file_get_value(kf, "limits", k->key, NULL);
		guint64 v;

		if (s == NULL)
			continue;
		if (!g_ascii_string_to_unsigned(g_strstrip(s), 10, k->min,
		    k->max, &v, &e)) {
			g_prefix_error(&e, "[limits] %s: ", k->key);
			g_free(s);
			g_key_file_free(kf);
			return fail(error, e, path);
		}
		set_field(&conf->limits, k, v);
		g_free(s);
	}
	g_key_file_free(kf);
	return TRUE;
}

void
dr_conf_clear(struct dr_conf *conf)
{
	g_free(conf->path);
	g_free(conf->conninfo);
	g_free(conf->schema_dir);
	g_free(conf->template_dir);
	g_free(conf->module_dir);
	g_free(conf->output_dir);
	memset(conf, 0, sizeof(*conf));
}

/*
 * A directory: the environment variable, else the file, else built in;
 * an empty value counts as none (an empty module directory would make
 * dlopen search the system's library path).
 */
static const char *
dir_of(const char *env_name, const char *configured, const char *builtin)
{
	const char *env = g_getenv(env_name);

	if (env != NULL && *env != '\0')
		return env;
	if (configured != NULL && *configured != '\0')
		return configured;
	return builtin;
}

const char *
dr_conf_schema_dir(const struct dr_conf *conf)
{
	return dir_of("DMARC_RUA_SCHEMA_DIR", conf->schema_dir,
	    PKGDATADIR "/schema");
}

const char *
dr_conf_template_dir(const struct dr_conf *conf)
{
	return dir_of("DMARC_RUA_TEMPLATE_DIR", conf->template_dir,
	    PKGDATADIR "/templates");
}

const char *
dr_conf_module_dir(const struct dr_conf *conf)
{
	return dir_of("DMARC_RUA_MODULE_DIR", conf->module_dir, PKGLIBDIR);
}
