/* test-core-command.c — JbCommand on its own: targets from paths, states
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-core.h"
#include "jb-command-private.h"

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  return node;
}

static void
assert_target (const char      *method,
               const char      *path,
               const char      *body,
               JbCommandTarget  kind,
               const char      *target_id,
               const char      *unit_id)
{
  g_autoptr(JsonNode) node = body != NULL ? parse (body) : NULL;
  g_autoptr(JbCommand) command = jb_command_new (method, path, node);

  g_assert_cmpint (jb_command_get_target_kind (command), ==, kind);
  g_assert_cmpstr (jb_command_get_target_id (command), ==, target_id);
  g_assert_cmpstr (jb_command_get_unit_id (command), ==, unit_id);
}

static void
test_targets (void)
{
  assert_target ("POST", "/api/v1/incidents/inc-000123/acknowledge", NULL,
                 JB_COMMAND_TARGET_INCIDENT, "inc-000123", NULL);
  assert_target ("POST", "/api/v1/incidents/inc-1/assignments", "{\"unit_id\": \"u-00042\"}",
                 JB_COMMAND_TARGET_INCIDENT, "inc-1", "u-00042");
  assert_target ("DELETE", "/api/v1/incidents/inc-1/assignments/u-00043", NULL,
                 JB_COMMAND_TARGET_INCIDENT, "inc-1", "u-00043");
  assert_target ("POST", "/api/v1/incidents/inc-1/notes", "{\"text\": \"x\"}",
                 JB_COMMAND_TARGET_INCIDENT, "inc-1", NULL);
  assert_target ("POST", "/api/v1/units/u-7/status", "{\"status\": \"busy\"}",
                 JB_COMMAND_TARGET_UNIT, "u-7", "u-7");
  assert_target ("POST", "/api/v1/incidents", "{\"type\": \"fight\"}",
                 JB_COMMAND_TARGET_INCIDENT, NULL, NULL);
  assert_target ("DELETE", "/api/v1/session", NULL, JB_COMMAND_TARGET_NONE, NULL, NULL);
  /* Escapes, a query, doubled slashes. */
  assert_target ("POST", "/api/v1/incidents/inc%2F9//close?x=1", NULL,
                 JB_COMMAND_TARGET_INCIDENT, "inc/9", NULL);
  /* A body that is not an object names no unit. */
  assert_target ("POST", "/api/v1/incidents/inc-1/assignments", "[1]",
                 JB_COMMAND_TARGET_INCIDENT, "inc-1", NULL);
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          guint      *count)
{
  (*count)++;
}

static void
test_states (void)
{
  g_autoptr(JbCommand) command = jb_command_new ("POST", "/api/v1/incidents", NULL);
  g_autoptr(JbCommand) failing = jb_command_new ("POST", "/api/v1/incidents/inc-1/close", NULL);
  g_autoptr(JsonNode) answer = parse ("{\"id\": \"inc-7\", \"status\": \"new\"}");
  g_autoptr(GError) error = g_error_new_literal (JB_ERROR, JB_ERROR_CONFLICT, "Already closed.");
  guint target_notes = 0, state_notes = 0;

  g_signal_connect (command, "notify::target-id", G_CALLBACK (count_cb), &target_notes);
  g_signal_connect (command, "notify::state", G_CALLBACK (count_cb), &state_notes);

  g_assert_cmpint (jb_command_get_state (command), ==, JB_COMMAND_STATE_QUEUED);
  g_assert_true (jb_command_is_pending (command));
  g_assert_null (jb_command_get_error (command));
  g_assert_null (jb_command_get_answer (command));
  g_assert_cmpint (jb_command_get_finished_at (command), ==, 0);
  /* The old names still mean something. */
  g_assert_cmpint (JB_COMMAND_STATE_DONE, ==, JB_COMMAND_STATE_ACCEPTED);
  g_assert_cmpint (JB_COMMAND_STATE_SENT, ==, JB_COMMAND_STATE_SENDING);

  _jb_command_accept (command, answer);
  g_assert_cmpint (jb_command_get_state (command), ==, JB_COMMAND_STATE_ACCEPTED);
  g_assert_true (jb_command_is_pending (command));
  g_assert_true (jb_command_get_answer (command) == answer);
  g_assert_cmpstr (jb_command_get_target_id (command), ==, "inc-7");
  g_assert_cmpuint (target_notes, ==, 1);
  g_assert_cmpint (jb_command_get_finished_at (command), ==, 0);

  _jb_command_confirm (command);
  g_assert_cmpint (jb_command_get_state (command), ==, JB_COMMAND_STATE_CONFIRMED);
  g_assert_false (jb_command_is_pending (command));
  g_assert_cmpint (jb_command_get_finished_at (command), >, 0);
  g_assert_cmpuint (state_notes, ==, 2);

  /* An answer does not rename a command that has a target. */
  _jb_command_accept (failing, answer);
  g_assert_cmpstr (jb_command_get_target_id (failing), ==, "inc-1");

  _jb_command_fail (failing, error);
  g_assert_cmpint (jb_command_get_state (failing), ==, JB_COMMAND_STATE_FAILED);
  g_assert_false (jb_command_is_pending (failing));
  g_assert_error ((GError *) jb_command_get_error (failing), JB_ERROR, JB_ERROR_CONFLICT);
  g_assert_true (jb_command_get_error (failing) != error);  /* a copy */
  g_assert_cmpstr (jb_command_get_error_message (failing), ==, "Already closed.");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/command/targets", test_targets);
  g_test_add_func ("/core/command/states", test_states);

  return g_test_run ();
}
