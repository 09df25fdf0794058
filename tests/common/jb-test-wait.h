/* jb-test-wait.h — waiting for conditions in the main loop, never for time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef gboolean (*JbTestCheck) (gpointer data);

/* Iterates the default main context until @check returns TRUE or
 * @timeout_ms pass; returns what @check says at the end. Pass generous
 * timeouts: they bound a failure, they do not time a success. */
gboolean      jb_test_wait_for         (JbTestCheck    check,
                                        gpointer       data,
                                        guint          timeout_ms);
/* Iterates the default main context for @ms (lets the window draw, the
 * server answer what needs no condition). */
void          jb_test_spin             (guint          ms);

/* A GAsyncReadyCallback that stores a reference to the result in
 * *(GAsyncResult **) @slot. */
void          jb_test_store_result_cb  (GObject       *object,
                                        GAsyncResult  *result,
                                        gpointer       slot);
/* Waits (asserting) until *@slot holds a result; returns it, borrowed. */
GAsyncResult *jb_test_wait_result      (GAsyncResult **slot,
                                        guint          timeout_ms);

G_END_DECLS
