/*
 * module.h - the parts of dmarc-rua that need large libraries, loaded
 * by the commands that use them.
 *
 * The program itself maps GLib and libpq only.  ingest.so holds MIME,
 * unpacking and XML (GMime, libxml2, libzip, zlib, and what they pull
 * in: GIO, GPGME, ICU); render.so the templates and pages (ctemplate and
 * the C++ runtime).  Mapping and relocating those libraries costs ingest
 * more than anything else it does for a small mail, so it starts loading
 * its module in a thread (dr_module_preload) while the main thread
 * connects to PostgreSQL, and waits for it only when it parses the mail
 * (dr_module_ingest).  Operator commands load nothing.
 *
 * Modules live in [paths] module_dir (DMARC_RUA_MODULE_DIR), by default
 * $(pkglibdir), and are refused unless built from the same version and
 * headers as the program (DR_MODULE_ABI).  They are never unloaded.
 */
#ifndef DR_MODULE_H
#define DR_MODULE_H

#include <glib.h>

#include "ingest.h"
#include "module-abi.h"
#include "pages.h"
#include "unpack.h"

/*
 * The version, and a digest of the headers through which the program
 * and its modules call each other (made by make: abi_headers in
 * Makefile.am), so that a module from another build is refused.
 */
#define DR_MODULE_ABI	PACKAGE_VERSION "/" DR_MODULE_HEADERS

/* What every module starts with. */
struct dr_module_head {
	const char *abi;		/* DR_MODULE_ABI of its build */
	void	(*init)(void);		/* once, after loading */
	void	(*shutdown)(void);	/* by dr_module_shutdown() */
};

/* ingest.so: dr_ingest_api */
struct dr_ingest_api {
	struct dr_module_head head;
	gboolean (*message)(struct dr_store *s, const guint8 *msg, gsize len,
		    gsize total, const struct dr_ingest_opts *opts,
		    struct dr_ingest_result *res, GError **error);
	void	(*result_clear)(struct dr_ingest_result *res);
	enum dr_kind (*sniff)(const guint8 *data, gsize len);
};

/* render.so: dr_render_api (what render uses of tpl.h and pages.h) */
struct dr_render_api {
	struct dr_module_head head;
	struct dr_tpl *(*tpl_new)(const char *dir, GError **error);
	void	(*tpl_free)(struct dr_tpl *t);
	gboolean (*write)(const struct dr_site *site, struct dr_tpl *tpl,
		    const char *style_css, const char *dir,
		    const char *generated, dr_pages_rows_fn rows,
		    gpointer user, GError **error);
	gboolean (*write_archive)(struct dr_tpl *tpl, const char *path,
		    const char *slug, const char *name,
		    const char *const *dates, GError **error);
};

/* Starts loading ingest.so from dir in the background. */
void	dr_module_preload_ingest(const char *dir);
/*
 * The ingest module from dir, once loaded (waits for a preload); NULL
 * with a DR_ERROR_TEMPFAIL error when it cannot be loaded: an
 * installation problem, so the MTA keeps the mail and retries.
 */
const struct dr_ingest_api *dr_module_ingest(const char *dir,
	    GError **error);
/* The render module from dir; NULL with an error. */
const struct dr_render_api *dr_module_render(const char *dir,
	    GError **error);
/*
 * Waits for a preload still under way, without loading anything: ingest
 * calls it before it cancels its alarm, so that a load that hangs (a
 * module on a dead network file system) ends in "4.3.0" and 75 rather
 * than in the MTA's own time limit.
 */
void	dr_module_wait(void);
/* Runs the shutdown of each module loaded (waits for a preload first). */
void	dr_module_shutdown(void);

#endif /* DR_MODULE_H */
