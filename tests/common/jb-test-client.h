/* jb-test-client.h — a JbClient signed in to a JbTestServer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-client.h"
#include "jb-test-server.h"
#include "jb-test-wait.h"

G_BEGIN_DECLS

/* How long a test waits for the server by default: generous, so that a
 * loaded machine under the sanitizers still passes. */
#define JB_TEST_WAIT_MS 30000

/* A client of @server signed in as @username with @password (asserts the
 * login worked), not started. */
JbClient *jb_test_client_new_signed_in (JbTestServer *server,
                                        const char   *username,
                                        const char   *password);
/* Signs @client in (asserting it worked) and waits for the answer, for a
 * test that must make the client before it signs in. */
void      jb_test_client_sign_in       (JbClient     *client,
                                        const char   *username,
                                        const char   *password);
/* LIVE with a snapshot in the store. */
gboolean  jb_test_client_is_live       (JbClient     *client);
/* jb_client_start(), then waits (asserting) until it is live. */
void      jb_test_client_start_live    (JbClient     *client,
                                        guint         timeout_ms);
/* Waits until @client is in @state; fails the test, naming the state it
 * is in and its last error, when it is not within @timeout_ms. */
void      jb_test_client_wait_state    (JbClient          *client,
                                        JbConnectionState  state,
                                        guint              timeout_ms);

G_END_DECLS
