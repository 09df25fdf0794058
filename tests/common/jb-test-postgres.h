/* jb-test-postgres.h — PostgreSQL clusters and databases for tests
 *
 * The tests' cluster is the one $JB_TEST_PG names (a libpq key=value base
 * such as "host=127.0.0.1 port=N user=jbadmin", which ./scripts/test
 * exports for the whole run); without it, a private cluster is started on
 * first use in this process (initdb in a temporary directory, a free
 * loopback port, fsync off) and stopped at exit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _JbTestPostgres JbTestPostgres;

/* Starts a new private cluster (as the `postgres` user when running as
 * root) and waits until it accepts connections. Aborts on failure. */
JbTestPostgres *jb_test_postgres_start         (void);
/* The same with extra server settings ("name=value", NULL-terminated),
 * which win over the defaults (fsync and synchronous_commit off…). */
JbTestPostgres *jb_test_postgres_start_with    (const char * const *settings);
/* A streaming standby of @primary on another loopback port (pg_basebackup
 * -R), with extra @settings; returns once the primary sees it streaming. */
JbTestPostgres *jb_test_postgres_start_standby (JbTestPostgres     *primary,
                                                const char * const *settings);
/* kill -9 of the postmaster and all its backends, as a lost machine. */
void            jb_test_postgres_kill          (JbTestPostgres *self);
/* Promotes a standby (pg_promote) and waits until it accepts writes. */
void            jb_test_postgres_promote       (JbTestPostgres *self);
guint16         jb_test_postgres_get_port      (JbTestPostgres *self);
/* CREATE DATABASE on @self; returns its name. */
char           *jb_test_postgres_create_database (JbTestPostgres *self);
/* The integer in the first column of the first row @sql returns on the
 * database @dbname of @self, -1 when there is no row. */
gint64          jb_test_postgres_query_int     (JbTestPostgres *self,
                                                const char     *dbname,
                                                const char     *sql);
/* The libpq key=value base of @self, without dbname. */
const char     *jb_test_postgres_get_base      (JbTestPostgres *self);
/* Stops the postmaster (fast shutdown, every session is cut) and starts
 * it again on the same port and data. */
void            jb_test_postgres_restart       (JbTestPostgres *self);
/* Stops the cluster and removes its directory. */
void            jb_test_postgres_stop          (JbTestPostgres *self);

/* The base of the tests' cluster: $JB_TEST_PG, or a private cluster
 * started on first call and stopped at exit. */
const char     *jb_test_postgres_default_base  (void);

/* CREATE DATABASE with a name unique to this process on the tests'
 * cluster; returns its libpq target ("<base> dbname=…"). */
char           *jb_test_postgres_new_database  (void);
/* Drops the database of a target from jb_test_postgres_new_database,
 * cutting any session still on it. */
void            jb_test_postgres_drop_database (const char     *target);

G_END_DECLS
