#include "config.h"
#include "error.h"
#include "unpack.h"
gssize dr_stream_read(struct dr_stream *s, char *buf, gsize len, GError **error) { (void)s; (void)buf; (void)len; g_set_error(error, DR_ERROR, DR_ERROR_BAD_ARCHIVE, "placeholder"); return -1; }
gboolean dr_unpack(const guint8 *payload, gsize len, const char *name, const struct dr_limits *lim, dr_unpack_cb cb, gpointer user, guint *nstreams, GError **error) { (void)payload; (void)len; (void)name; (void)lim; (void)cb; (void)user; (void)nstreams; g_set_error(error, DR_ERROR, DR_ERROR_BAD_ARCHIVE, "placeholder"); return FALSE; }
enum dr_kind dr_unpack_sniff(const guint8 *data, gsize len) { (void)data; (void)len; return DR_KIND_UNKNOWN; }
