/* jb-test-raw.h — plain TCP for tests that must send what no HTTP client
 * would (bad lengths, slow drips, many connections at once)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The port of an "http(s)://127.0.0.1:PORT" URL. */
guint16  jb_test_url_port        (const char *url);
/* A blocking TCP connection to 127.0.0.1:@port from @source (an address
 * in 127.0.0.0/8, or NULL). Returns the descriptor; aborts on failure. */
int      jb_test_raw_connect     (guint16     port,
                                  const char *source);
/* Writes all of @text (@len bytes; -1: strlen). FALSE when the peer has
 * closed. */
gboolean jb_test_raw_send        (int         fd,
                                  const char *text,
                                  gssize      len);
/* Reads until the peer closes or @timeout_ms pass without data. The text
 * read (possibly empty); *out_closed tells whether the peer closed. */
char    *jb_test_raw_read_all    (int         fd,
                                  guint       timeout_ms,
                                  gboolean   *out_closed);
/* Reads one HTTP/1.1 response with a Content-Length body (waiting up to
 * @timeout_ms in all); NULL when none came. */
char    *jb_test_raw_read_response (int       fd,
                                    guint     timeout_ms);
/* The status code of a response text, 0 when it is not one. */
guint    jb_test_raw_status      (const char *response);
/* The body (after the blank line) of a response text. */
const char *jb_test_raw_body     (const char *response);

G_END_DECLS
