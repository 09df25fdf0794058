/* jb-test-demo.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-demo.h"
#include "jb-test-demo.h"

char *
jb_test_demo_device_auth (const char *terminal_id)
{
  g_autofree char *secret = NULL;

  g_assert_nonnull (terminal_id);
  secret = jb_demo_terminal_secret (terminal_id);
  return jb_test_device_auth (terminal_id, secret);
}

char *
jb_test_demo_unit_auth (JsonObject *unit)
{
  g_assert_true (json_object_has_member (unit, "terminal_id"));
  return jb_test_demo_device_auth (json_object_get_string_member (unit, "terminal_id"));
}
