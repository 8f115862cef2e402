/*
 * conf.h - the configuration file (GKeyFile) and its defaults.
 *
 * $(sysconfdir)/dmarc-rua/dmarc-rua.conf, or the file named by --config or
 * DMARC_RUA_CONFIG.  The default file may be absent; a named one must be
 * readable.  Every key can be overridden by a command-line flag.
 */
#ifndef DR_CONF_H
#define DR_CONF_H

#include <glib.h>

#include "model.h"

struct dr_conf {
	char	*path;			/* file read, or NULL */
	char	*conninfo;		/* [database] conninfo */
	char	*schema_dir;		/* [paths] schema_dir */
	char	*template_dir;		/* [paths] template_dir */
	char	*module_dir;		/* [paths] module_dir */
	char	*output_dir;		/* [render] output_dir */
	guint	 keep_days;		/* [render] keep_days */
	guint	 jobs;			/* [render] jobs (default: the
					   number of processors) */
	struct dr_limits limits;	/* [limits] */
};

#define DR_CONF_DEFAULT_OUTPUT_DIR	LOCALSTATEDIR "/lib/dmarc-rua/sites"
#define DR_CONF_DEFAULT_KEEP_DAYS	90
/* Most threads of render ([render] jobs, --jobs) and import (--jobs). */
#define DR_MAX_JOBS			64

#define DR_CONF_DEFAULT_PATH SYSCONFDIR "/dmarc-rua/dmarc-rua.conf"

/*
 * Fills conf with defaults, then the file.  path NULL: DMARC_RUA_CONFIG
 * or the default path, which may be missing.  DR_ERROR_TEMPFAIL when the
 * file is unreadable or a value is invalid (ingest then defers).
 */
gboolean dr_conf_load(struct dr_conf *conf, const char *path,
	    GError **error);
void	dr_conf_clear(struct dr_conf *conf);

/* The directory holding the NNN_*.sql migrations. */
const char *dr_conf_schema_dir(const struct dr_conf *conf);
/* The directory holding the page templates and style.css. */
const char *dr_conf_template_dir(const struct dr_conf *conf);
/* The directory holding ingest.so and render.so (module.h). */
const char *dr_conf_module_dir(const struct dr_conf *conf);

#endif /* DR_CONF_H */
