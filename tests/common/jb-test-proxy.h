/* jb-test-proxy.h — a TCP proxy on 127.0.0.1 that breaks the connection
 * between client and server on command
 *
 * It runs in the test's main context (GSocketService). Each accepted
 * connection is paired with one to the server and bytes are pumped both
 * ways; the faults act on every pair, now and later.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _JbTestProxy JbTestProxy;

typedef enum
{
  JB_TEST_PROXY_UP   = 1 << 0,  /* client → server */
  JB_TEST_PROXY_DOWN = 1 << 1,  /* server → client */
  JB_TEST_PROXY_BOTH = JB_TEST_PROXY_UP | JB_TEST_PROXY_DOWN,
} JbTestProxyDirection;

/* Forwards to @upstream_url's host and port ("http://127.0.0.1:PORT"). */
JbTestProxy *jb_test_proxy_new          (const char           *upstream_url);
/* "http://127.0.0.1:PORT" of the proxy. */
const char  *jb_test_proxy_get_url      (JbTestProxy          *self);

/* Closes every open connection and refuses new ones (accepted, then
 * closed at once) until jb_test_proxy_heal(). */
void         jb_test_proxy_cut          (JbTestProxy          *self);
/* Holds the bytes going @direction (connections stay open) until healed.
 * @events_only: only the event stream's connections (GET /api/v1/events). */
void         jb_test_proxy_stall        (JbTestProxy          *self,
                                         JbTestProxyDirection  direction,
                                         gboolean              events_only);
/* Every chunk waits @ms before it is passed on. */
void         jb_test_proxy_delay        (JbTestProxy          *self,
                                         guint                 ms);
/* At most @bytes_per_second each way per connection (0: no limit). */
void         jb_test_proxy_throttle     (JbTestProxy          *self,
                                         guint                 bytes_per_second);
/* Back to passing everything at once; held bytes go on. */
void         jb_test_proxy_heal         (JbTestProxy          *self);

/* Connections accepted so far, and bytes passed each way. */
guint        jb_test_proxy_get_accepted (JbTestProxy          *self);
guint64      jb_test_proxy_get_bytes    (JbTestProxy          *self,
                                         JbTestProxyDirection  direction);

void         jb_test_proxy_free         (JbTestProxy          *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JbTestProxy, jb_test_proxy_free)

G_END_DECLS
