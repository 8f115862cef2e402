/*
 * fuzz_mime.c - fuzz target: message bytes -> dr_mime_payloads().
 *
 * The input is one message as the MTA pipes it.  Every payload byte,
 * file name, content type and header field is read, and mime.h's promises
 * are checked: payloads or an error, never both; at most max_payloads
 * payloads, each with data; strings in UTF-8 (they end up in PostgreSQL
 * text columns and log lines), content types lower case; only the
 * documented error codes.
 */
#include "config.h"

#include "error.h"
#include "fuzz.h"
#include "mime.h"

const char fuzz_target[] = "mime";

static struct dr_limits lim;
/* Keeps the compiler from dropping the reads of the payload bytes. */
static volatile guint8 sink;

static void
touch_info(const struct dr_mime_info *info)
{
	fuzz_touch_str(info->x_original_to);
	fuzz_touch_str(info->delivered_to);
	fuzz_touch_str(info->to);
	fuzz_touch_str(info->from);
	fuzz_touch_str(info->subject);
	fuzz_touch_str(info->message_id);
}

static void
touch_payload(const struct dr_payload *pl)
{
	const guint8 *p;
	gsize len, i;
	guint8 sum = 0;
	const char *c;

	FUZZ_CHECK(pl != NULL && pl->data != NULL);
	p = g_bytes_get_data(pl->data, &len);
	FUZZ_CHECK(len > 0 && p != NULL);
	for (i = 0; i < len; i++)
		sum ^= p[i];
	sink = sum;
	fuzz_touch_str(pl->filename);
	FUZZ_CHECK(pl->filename == NULL || *pl->filename != '\0');
	fuzz_touch_str(pl->content_type);
	if (pl->content_type != NULL) {
		for (c = pl->content_type; *c != '\0'; c++)
			FUZZ_CHECK(!g_ascii_isupper(*c));
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_glib_init();
	dr_mime_init();
	fuzz_limits(&lim);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dr_mime_info info;
	GError *error = NULL;
	GPtrArray *payloads;
	guint i;

	payloads = dr_mime_payloads((const char *)data, size, &lim, &info,
	    &error);
	touch_info(&info);
	if (payloads != NULL) {
		FUZZ_CHECK(error == NULL);
		FUZZ_CHECK(payloads->len <= lim.max_payloads);
		for (i = 0; i < payloads->len; i++)
			touch_payload(payloads->pdata[i]);
		g_ptr_array_unref(payloads);
	} else {
		FUZZ_CHECK(error != NULL && error->domain == DR_ERROR);
		FUZZ_CHECK(error->code == DR_ERROR_NOT_A_REPORT ||
		    error->code == DR_ERROR_TOO_LARGE);
		g_error_free(error);
	}
	dr_mime_info_clear(&info);
	return 0;
}
