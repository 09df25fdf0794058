/* jb-test-bench.h — what the load benchmarks measure the same way
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-test-server.h"

G_BEGIN_DECLS

/* A dispatcher POSTing an incident every @period_ms (250 when 0) from a
 * thread of its own (its own session, blocking calls), so that whatever
 * loads the main loop does not delay the requests. Each POST goes as the
 * client sends a command: with an Idempotency-Key, on a kept-alive
 * connection. Fill @url (the
 * incidents endpoint), @authorization and @latency_us (a GArray of
 * gint64), run jb_test_post_incidents_thread() on it, set @stop and join.
 * With @lock_us and @handle_us, each answered POST's Server-Timing "lock"
 * and "handle" go there too (µs, -1 without), beside its latency. */
typedef struct
{
  char          *url;
  const char    *authorization;
  guint          period_ms;
  volatile gint  stop;
  GArray        *latency_us;  /* gint64, the POSTs answered 201 */
  GArray        *lock_us;     /* gint64 or NULL: the server's wait for the writer lock */
  GArray        *handle_us;   /* gint64 or NULL: the server's handling in all */
  guint          failures;    /* the others */
} JbTestPoster;

gpointer jb_test_post_incidents_thread (gpointer      poster);

/* The server's latest event seq (GET /api/v1/health). */
gint64   jb_test_server_seq            (JbTestServer *server,
                                        const char   *authorization);

/* For g_array_sort() of gint64. */
int      jb_test_compare_int64         (gconstpointer a,
                                        gconstpointer b);

/* The resident set of process @pid in KiB (VmRSS), -1 when unknown. */
long     jb_test_rss_kib               (GPid          pid);
/* A "Field:  N kB" line of /proc/PID/status (VmRSS, RssAnon, …); -1 if none. */
long     jb_test_status_kib            (GPid          pid,
                                        const char   *field);

G_END_DECLS
