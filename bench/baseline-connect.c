/*
 * baseline-connect.c - the per-mail lower bound for bench/run.
 *
 *	baseline-connect
 *
 * What any MTA-spawned program that stores a mail in PostgreSQL must do
 * at the least: start, connect with the libpq environment (PGHOST etc.),
 * run one empty transaction, and exit.  It connects with the same
 * parameters as dmarc-rua's store (fallback application name, UTF8
 * client encoding), so the difference between the two is the cost of
 * dmarc-rua's own work: MIME, unpacking, XML, and its few statements.
 *
 * Exit 0 on success, 1 with a message on stderr otherwise.
 */
#include <stdio.h>
#include <stdlib.h>

#include <libpq-fe.h>

static int
run(PGconn *conn, const char *sql)
{
	PGresult *res = PQexec(conn, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK;

	if (!ok)
		fprintf(stderr, "baseline-connect: %s: %s", sql,
		    PQerrorMessage(conn));
	PQclear(res);
	return ok;
}

int
main(void)
{
	static const char *const keys[] = {
		"fallback_application_name", "client_encoding", NULL
	};
	static const char *const vals[] = {
		"baseline-connect", "UTF8", NULL
	};
	PGconn *conn;
	int ok;

	conn = PQconnectdbParams(keys, vals, 0);
	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "baseline-connect: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return EXIT_FAILURE;
	}
	ok = run(conn, "BEGIN") && run(conn, "COMMIT");
	PQfinish(conn);
	return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
