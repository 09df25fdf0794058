/* jb-http.h — the HTTP and WebSocket face of jingbao-dispatchd
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-dispatch.h"
#include "jb-tiles.h"

G_BEGIN_DECLS

#define JB_TYPE_HTTP_SERVER (jb_http_server_get_type ())
G_DECLARE_FINAL_TYPE (JbHttpServer, jb_http_server, JB, HTTP_SERVER, GObject)

JbHttpServer *jb_http_server_new      (JbDispatch    *dispatch);
/* Serves @tiles at /api/v1/tiles/ (once, before listening). */
void          jb_http_server_set_tiles (JbHttpServer *self,
                                        JbTiles      *tiles);
/* Listens on @host (an IP address or "localhost") and @port (0: any free
 * port). */
gboolean      jb_http_server_listen   (JbHttpServer  *self,
                                       const char    *host,
                                       guint          port,
                                       GError       **error);
/* "http://HOST:PORT" of the first listener, after listen(). */
char         *jb_http_server_get_url  (JbHttpServer  *self);
/* Closes the event streams and the listeners. */
void          jb_http_server_shutdown (JbHttpServer  *self);

G_END_DECLS
