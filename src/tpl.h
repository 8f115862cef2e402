/*
 * tpl.h - the C face of ctemplate (tpl.cc is the project's only C++ file,
 * and the only one that includes ctemplate).
 *
 * A dictionary holds the values of one template expansion: variables,
 * and sections, each shown once per sub-dictionary added.  Every
 * template starts with {{%AUTOESCAPE context="HTML"}}, so values are
 * plain text and ctemplate escapes them (modifiers such as :u or :j for
 * other contexts are chosen in the template).  No C++ exception crosses
 * this interface: failures come back as GError (DR_ERROR_TEMPFAIL).
 */
#ifndef DR_TPL_H
#define DR_TPL_H

#include <glib.h>

G_BEGIN_DECLS

struct dr_tpl;			/* a set of templates loaded from a directory */
struct dr_tpl_dict;		/* values for one expansion */

/* Templates are read from dir (DR_ERROR_TEMPFAIL when unusable). */
struct dr_tpl *dr_tpl_new(const char *dir, GError **error);
void	dr_tpl_free(struct dr_tpl *t);

struct dr_tpl_dict *dr_tpl_dict_new(void);
void	dr_tpl_dict_free(struct dr_tpl_dict *d);
/* value NULL sets "" */
void	dr_tpl_set(struct dr_tpl_dict *d, const char *key, const char *value);
void	dr_tpl_set_int(struct dr_tpl_dict *d, const char *key, gint64 value);
void	dr_tpl_set_printf(struct dr_tpl_dict *d, const char *key,
	    const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* Shows section once more; returns its dictionary (owned by d). */
struct dr_tpl_dict *dr_tpl_add_section(struct dr_tpl_dict *d,
	    const char *section);
/* Shows section once, with d's own values. */
void	dr_tpl_show_section(struct dr_tpl_dict *d, const char *section);

/*
 * Expands template name (a file in the directory) with d and appends the
 * result to out.  FALSE with DR_ERROR_TEMPFAIL when the template is
 * missing or does not parse.
 */
gboolean dr_tpl_expand(struct dr_tpl *t, const char *name,
	    struct dr_tpl_dict *d, GString *out, GError **error);

G_END_DECLS

#endif /* DR_TPL_H */
