/* jb-test-demo.h — the demo city's terminals: credentials, alarms
 *
 * A server started with --demo gives each terminal the secret
 * jb_demo_terminal_secret() derives from its id; these build the device
 * API's Basic credentials from it and press the alarm buttons.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-test-server.h"

G_BEGIN_DECLS

/* "Basic …" for demo terminal @terminal_id. */
char *jb_test_demo_device_auth   (const char *terminal_id);
/* The same for the terminal of @unit (a unit as the API writes it, with
 * its "terminal_id"). */
char *jb_test_demo_unit_auth     (JsonObject *unit);

/* The id of the first terminal of @kind ("alarm_button", "body_camera" …)
 * in the snapshot read with @bearer; asserts there is one. */
char *jb_test_demo_find_terminal (JbTestServer *server,
                                  const char   *bearer,
                                  const char   *kind);
/* POSTs /api/v1/device/alarm from demo terminal @terminal_id with @body
 * (NULL: "{}"); asserts 201 and returns the incident's id. */
char *jb_test_demo_raise_alarm   (JbTestServer *server,
                                  const char   *terminal_id,
                                  const char   *body);

G_END_DECLS
