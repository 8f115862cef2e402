/*
 * copy-baseline.c - the storage lower bound for bench/run.
 *
 *	copy-baseline TABLE FILE
 *
 * Connects with the libpq environment and, in one transaction, sends
 * FILE (rows in COPY text format) with COPY TABLE FROM STDIN, in chunks
 * of 64 KiB: the same transport dmarc-rua's store uses for records
 * (store.c: one COPY per report, PQputCopyData every 64 KiB), minus the
 * work of producing the rows.  TABLE must have the columns of FILE in
 * order.  Exit 0 on success, 1 with a message on stderr otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#define CHUNK	(64 * 1024)

static int
run(PGconn *conn, const char *sql, ExecStatusType want)
{
	PGresult *res = PQexec(conn, sql);
	int ok = PQresultStatus(res) == want;

	if (!ok)
		fprintf(stderr, "copy-baseline: %s: %s", sql,
		    PQerrorMessage(conn));
	PQclear(res);
	return ok;
}

/* Streams fd into the COPY in progress; ends it, aborted on a read error. */
static int
send_file(PGconn *conn, int fd)
{
	static char buf[CHUNK];
	PGresult *res;
	ssize_t n;
	int ok = 1;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (PQputCopyData(conn, buf, (int)n) != 1) {
			fprintf(stderr, "copy-baseline: %s",
			    PQerrorMessage(conn));
			return 0;
		}
	}
	if (n < 0)
		fprintf(stderr, "copy-baseline: read: %s\n", strerror(errno));
	if (PQputCopyEnd(conn, n < 0 ? "read error" : NULL) != 1) {
		fprintf(stderr, "copy-baseline: %s", PQerrorMessage(conn));
		return 0;
	}
	while ((res = PQgetResult(conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			fprintf(stderr, "copy-baseline: COPY: %s",
			    PQresultErrorMessage(res));
			ok = 0;
		}
		PQclear(res);
	}
	return ok && n == 0;
}

int
main(int argc, char **argv)
{
	static const char *const keys[] = {
		"fallback_application_name", "client_encoding", NULL
	};
	static const char *const vals[] = {
		"copy-baseline", "UTF8", NULL
	};
	PGconn *conn;
	char *table, sql[512];
	int fd, ok;

	if (argc != 3) {
		fprintf(stderr, "usage: copy-baseline TABLE FILE\n");
		return EXIT_FAILURE;
	}
	fd = open(argv[2], O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "copy-baseline: %s: %s\n", argv[2],
		    strerror(errno));
		return EXIT_FAILURE;
	}
	conn = PQconnectdbParams(keys, vals, 0);
	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "copy-baseline: %s", PQerrorMessage(conn));
		PQfinish(conn);
		close(fd);
		return EXIT_FAILURE;
	}
	table = PQescapeIdentifier(conn, argv[1], strlen(argv[1]));
	if (table == NULL || (size_t)snprintf(sql, sizeof(sql),
	    "COPY %s FROM STDIN", table) >= sizeof(sql)) {
		fprintf(stderr, "copy-baseline: bad table name\n");
		ok = 0;
	} else
		ok = run(conn, "BEGIN", PGRES_COMMAND_OK) &&
		    run(conn, sql, PGRES_COPY_IN) && send_file(conn, fd) &&
		    run(conn, "COMMIT", PGRES_COMMAND_OK);
	PQfreemem(table);
	PQfinish(conn);
	close(fd);
	return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
