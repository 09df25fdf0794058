/* jb-http.h — the HTTP and WebSocket face of jingbao-dispatchd
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-dispatch.h"
#include "jb-tiles.h"

G_BEGIN_DECLS

typedef struct
{
  guint idle_timeout_s;              /* a wait for the peer longer than this ends the connection, default 30 */
  guint request_timeout_s;           /* a request must arrive whole within this, default 20 */
  guint max_connections_per_address; /* default 256; 0: no bound */
  guint max_connections;             /* 0: the descriptor limit less a reserve */
  guint backlog;                     /* listen backlog, default 512 */
} JbHttpLimits;

void          jb_http_limits_init     (JbHttpLimits  *limits);

#define JB_TYPE_HTTP_SERVER (jb_http_server_get_type ())
G_DECLARE_FINAL_TYPE (JbHttpServer, jb_http_server, JB, HTTP_SERVER, GObject)

JbHttpServer *jb_http_server_new      (JbDispatch    *dispatch);
/* Before listen(). */
void          jb_http_server_set_limits (JbHttpServer       *self,
                                         const JbHttpLimits *limits);
/* Serves HTTPS with @certificate (which holds its private key). */
void          jb_http_server_set_tls_certificate (JbHttpServer    *self,
                                                  GTlsCertificate *certificate);
/* Serves @tiles at /api/v1/tiles/ (once, before listening). */
void          jb_http_server_set_tiles (JbHttpServer *self,
                                        JbTiles      *tiles);
/* Listens on @host (an IP address or "localhost") and @port (0: any free
 * port). */
gboolean      jb_http_server_listen   (JbHttpServer  *self,
                                       const char    *host,
                                       guint          port,
                                       GError       **error);
/* "http://HOST:PORT" (https with TLS) of the listener, after listen(). */
char         *jb_http_server_get_url  (JbHttpServer  *self);
/* Closes the event streams and the listeners. */
void          jb_http_server_shutdown (JbHttpServer  *self);

G_END_DECLS
