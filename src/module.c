/*
 * module.c - loading ingest.so and render.so (see module.h).
 */
#include "config.h"

#include <dlfcn.h>
#include <string.h>

#include "error.h"
#include "module.h"

struct module {
	const char *file;		/* in the module directory */
	const char *symbol;		/* its struct dr_module_head */
	GThread	*loader;		/* a preload under way */
	char	*path;
	const struct dr_module_head *api;
	char	*why;			/* it did not load, and why */
};

static struct module ingest_module = { "ingest.so", "dr_ingest_api",
	NULL, NULL, NULL, NULL };
static struct module render_module = { "render.so", "dr_render_api",
	NULL, NULL, NULL, NULL };

/* Sets m->api, or m->why.  Runs in the loader thread of a preload. */
static void
load(struct module *m)
{
	const struct dr_module_head *api;
	void *handle;

	handle = dlopen(m->path, RTLD_NOW | RTLD_LOCAL);
	if (handle == NULL) {
		m->why = g_strdup(dlerror());
		return;
	}
	api = dlsym(handle, m->symbol);
	if (api == NULL || api->abi == NULL) {
		m->why = g_strdup_printf("%s: not a dmarc-rua module (no %s)",
		    m->path, m->symbol);
		return;
	}
	if (strcmp(api->abi, DR_MODULE_ABI) != 0) {
		m->why = g_strdup_printf("%s: built for dmarc-rua %.40s, "
		    "this is %s (reinstall)", m->path, api->abi,
		    DR_MODULE_ABI);
		return;
	}
	if (api->init != NULL)
		api->init();
	m->api = api;
}

static gpointer
load_thread(gpointer data)
{
	load(data);
	return NULL;
}

static void
set_path(struct module *m, const char *dir)
{
	if (m->path == NULL)
		m->path = g_build_filename(dir, m->file, NULL);
}

static void
preload(struct module *m, const char *dir)
{
	if (m->api != NULL || m->why != NULL || m->loader != NULL)
		return;
	set_path(m, dir);
	/* Without a thread, get() loads it in the foreground. */
	m->loader = g_thread_try_new("dr-load", load_thread, m, NULL);
}

static void
wait_loader(struct module *m)
{
	if (m->loader != NULL) {
		g_thread_join(m->loader);
		m->loader = NULL;
	}
}

static const struct dr_module_head *
get(struct module *m, const char *dir, GError **error)
{
	if (m->loader != NULL)
		wait_loader(m);
	else if (m->api == NULL && m->why == NULL) {
		set_path(m, dir);
		load(m);
	}
	if (m->api == NULL)
		g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL,
		    "cannot load the %.*s module: %s",
		    (int)(strlen(m->file) - 3), m->file, m->why);
	return m->api;
}

void
dr_module_preload_ingest(const char *dir)
{
	preload(&ingest_module, dir);
}

const struct dr_ingest_api *
dr_module_ingest(const char *dir, GError **error)
{
	return (const struct dr_ingest_api *)get(&ingest_module, dir, error);
}

const struct dr_render_api *
dr_module_render(const char *dir, GError **error)
{
	return (const struct dr_render_api *)get(&render_module, dir, error);
}

void
dr_module_wait(void)
{
	wait_loader(&ingest_module);
	wait_loader(&render_module);
}

static void
shutdown_module(struct module *m)
{
	wait_loader(m);
	if (m->api != NULL && m->api->shutdown != NULL)
		m->api->shutdown();
	m->api = NULL;
	g_free(m->path);
	g_free(m->why);
	m->path = m->why = NULL;
}

void
dr_module_shutdown(void)
{
	shutdown_module(&ingest_module);
	shutdown_module(&render_module);
}
