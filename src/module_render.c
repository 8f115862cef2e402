/*
 * module_render.c - what render.so gives the program (module.h).
 */
#include "config.h"

#include "module.h"
#include "pages.h"
#include "tpl.h"

const struct dr_render_api dr_render_api = {
	{ DR_MODULE_ABI, NULL, NULL },
	dr_tpl_new,
	dr_tpl_free,
	dr_pages_write,
	dr_pages_write_archive,
};
