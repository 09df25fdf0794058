/* jb-test-window.h — the server + signed-in client + 1920×1080 window
 * fixture of the UI tests, and screenshots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-test-client.h"
#include "jb-window.h"

G_BEGIN_DECLS

typedef struct
{
  JbTestServer *server;
  JbClient     *client;
  JbWindow     *window;
  char         *bearer;   /* "Bearer …" of the demo dispatcher, for direct requests */
} JbTestWindow;

/* Starts the server with @server_args (NULL: "--demo"), signs a client in
 * as @username (NULL: "dispatcher"; password "demo"), presents its window
 * at 1920×1080 and waits until the client is live. */
void jb_test_window_set_up    (JbTestWindow       *fixture,
                               const char * const *server_args,
                               const char         *username);
void jb_test_window_tear_down (JbTestWindow       *fixture);

/* Renders @widget (mapped) as it is on screen to NAME in the build
 * directory, for a person to look at. FALSE (and a test message) when no
 * frame came: tests that need the picture assert it. */
gboolean jb_test_save_png     (GtkWidget          *widget,
                               const char         *name);

G_END_DECLS
