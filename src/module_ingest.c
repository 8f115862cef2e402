/*
 * module_ingest.c - what ingest.so gives the program (module.h).
 */
#include "config.h"

#include "ingest.h"
#include "mime.h"
#include "module.h"
#include "unpack.h"
#include "xml.h"

static void
init(void)
{
	dr_xml_init();
	dr_mime_init();
}

const struct dr_ingest_api dr_ingest_api = {
	{ DR_MODULE_ABI, init, dr_mime_shutdown },
	dr_ingest_message,
	dr_ingest_result_clear,
	dr_unpack_sniff,
};
