#include "config.h"
#include "error.h"
#include "mime.h"
GPtrArray *dr_mime_payloads(const char *msg, gsize len, const struct dr_limits *lim, struct dr_mime_info *info, GError **error) { (void)msg; (void)len; (void)lim; (void)info; g_set_error(error, DR_ERROR, DR_ERROR_NOT_A_REPORT, "placeholder"); return NULL; }
void dr_mime_info_clear(struct dr_mime_info *info) { (void)info; }
void dr_mime_init(void) {}
void dr_mime_shutdown(void) {}
