/* jb-test-bench.h — what the load benchmarks measure the same way
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-test-server.h"

G_BEGIN_DECLS

/* A dispatcher POSTing an incident every 250 ms from a thread of its own
 * (its own session, blocking calls), so that whatever loads the main loop
 * does not delay the requests. Fill @url (the incidents endpoint),
 * @authorization and @latency_us (a GArray of gint64), run
 * jb_test_post_incidents_thread() on it, set @stop and join. */
typedef struct
{
  char          *url;
  char          *authorization;
  volatile gint  stop;
  GArray        *latency_us;  /* gint64, the POSTs answered 201 */
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

G_END_DECLS
