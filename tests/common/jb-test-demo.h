/* jb-test-demo.h — credentials of the demo city's terminals
 *
 * A server started with --demo gives each terminal the secret
 * jb_demo_terminal_secret() derives from its id; these build the device
 * API's Basic credentials from it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-test-server.h"

G_BEGIN_DECLS

/* "Basic …" for demo terminal @terminal_id. */
char *jb_test_demo_device_auth (const char *terminal_id);
/* The same for the terminal of @unit (a unit as the API writes it, with
 * its "terminal_id"). */
char *jb_test_demo_unit_auth   (JsonObject *unit);

G_END_DECLS
