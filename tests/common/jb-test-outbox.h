/* jb-test-outbox.h — clients with an outbox, and what the server holds
 * after faults: shared by the outbox and fault tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-core.h"
#include "jb-test-client.h"

G_BEGIN_DECLS

/* A client of @url (the server or a proxy in front of it) journaling
 * under @outbox_dir, signed in as dispatcher/demo and live. */
JbClient *jb_test_outbox_client_new     (const char   *url,
                                         const char   *outbox_dir);

/* No command of @client's queue is pending. */
gboolean  jb_test_outbox_settled        (JbClient     *client);

/* How many notes of @incident_id on the server read @text. */
guint     jb_test_count_notes           (JbTestServer *server,
                                         const char   *authorization,
                                         const char   *incident_id,
                                         const char   *text);

/* Waits until @client's store has reached the server's seq, then asserts
 * it shows what a fresh snapshot shows: every unit's status and incident,
 * every open incident's status, notes, assignments and updated_at. */
void      jb_test_assert_store_matches  (JbClient     *client,
                                         JbTestServer *server,
                                         const char   *authorization);

/* A new incident on the server (status "new"); its id. */
char     *jb_test_new_incident          (JbTestServer *server,
                                         const char   *authorization);

G_END_DECLS
