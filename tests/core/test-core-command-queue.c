/* test-core-command-queue.c — JbCommandQueue against the real
 * jingbao-dispatchd: order, waiting, failures, confirmation by the stream
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-core.h"
#include "jb-test-client.h"

#define WAIT_MS JB_TEST_WAIT_MS

static const char * const demo_args[] = { "--demo", NULL };

typedef struct
{
  JbTestServer   *server;
  JbSession      *session;
  JbStore        *store;
  JbStream       *stream;
  JbCommandQueue *queue;
} Parts;

static gboolean
is_live (gpointer data)
{
  Parts *parts = data;

  return jb_stream_get_state (parts->stream) == JB_CONNECTION_STATE_LIVE &&
         jb_store_has_snapshot (parts->store);
}

/* A queue and a stream over one session and store, wired as JbClient
 * wires them. */
static void
parts_init (Parts *parts)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  parts->server = jb_test_server_start (demo_args);
  parts->session = jb_session_new (jb_test_server_get_url (parts->server));
  jb_session_login_async (parts->session, "dispatcher", "demo", NULL, jb_test_store_result_cb, &result);
  g_assert_true (jb_session_login_finish (parts->session, jb_test_wait_result (&result, WAIT_MS), &error));
  g_assert_no_error (error);

  parts->store = jb_store_new ();
  parts->stream = jb_stream_new (parts->session, parts->store);
  parts->queue = jb_command_queue_new (parts->session, parts->store);
  g_signal_connect_swapped (parts->stream, "applied",
                            G_CALLBACK (jb_command_queue_check_confirmations), parts->queue);
  jb_stream_start (parts->stream);
  g_assert_true (jb_test_wait_for (is_live, parts, WAIT_MS));
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Drops @object and waits until it is finalized: answered requests may
 * still hold it until their callbacks have run. */
static void
drop_and_wait (gpointer    object,
               const char *what)
{
  gpointer weak = object;

  g_object_add_weak_pointer (G_OBJECT (object), &weak);
  g_object_unref (object);
  if (!jb_test_wait_for (is_null, &weak, WAIT_MS))
    g_error ("The %s was not finalized", what);
}

static void
parts_clear (Parts *parts)
{
  jb_stream_stop (parts->stream);
  drop_and_wait (g_steal_pointer (&parts->stream), "stream");
  drop_and_wait (g_steal_pointer (&parts->queue), "queue");
  drop_and_wait (g_steal_pointer (&parts->store), "store");
  drop_and_wait (g_steal_pointer (&parts->session), "session");
  jb_test_server_free (parts->server);
}

static gboolean
is_confirmed (gpointer data)
{
  return jb_command_get_state (JB_COMMAND (data)) == JB_COMMAND_STATE_CONFIRMED;
}

static void
wait_confirmed (JbCommand *command)
{
  if (!jb_test_wait_for (is_confirmed, command, WAIT_MS))
    g_error ("%s %s stayed in state %d (%s)", jb_command_get_method (command), jb_command_get_path (command),
             jb_command_get_state (command),
             jb_command_get_error_message (command) ? jb_command_get_error_message (command) : "no error");
}

typedef struct
{
  GPtrArray *commands;  /* the command of each signal, in order */
  GArray    *states;    /* its state then */
} Changes;

static void
command_changed_cb (JbCommandQueue *queue,
                    JbCommand      *command,
                    Changes        *changes)
{
  JbCommandState state = jb_command_get_state (command);

  g_ptr_array_add (changes->commands, command);
  g_array_append_val (changes->states, state);
}

static int
find_change (Changes        *changes,
             JbCommand      *command,
             JbCommandState  state)
{
  for (guint i = 0; i < changes->commands->len; i++)
    if (g_ptr_array_index (changes->commands, i) == command &&
        g_array_index (changes->states, JbCommandState, i) == state)
      return (int) i;
  return -1;
}

/* Two commands at once: the second waits (and says so), goes out after
 * the first is answered, and both are confirmed by the stream. */
static void
test_order (void)
{
  Parts parts = { 0 };
  Changes changes = { g_ptr_array_new (), g_array_new (FALSE, FALSE, sizeof (JbCommandState)) };
  g_autoptr(JbCommand) create = NULL;
  g_autoptr(JbCommand) note = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  JbIncident *incident;
  const char *id;

  parts_init (&parts);
  g_signal_connect (parts.queue, "command-changed", G_CALLBACK (command_changed_cb), &changes);

  create = jb_command_new_create_incident (JB_INCIDENT_TYPE_FIGHT, 1, 28.2301, 112.9870,
                                           "开福区测试路9号", "queue order", NULL, JB_INCIDENT_SOURCE_PHONE);
  g_assert_true (jb_command_queue_push (parts.queue, create, NULL, jb_test_store_result_cb, &result) == create);
  g_assert_cmpint (jb_command_get_state (create), ==, JB_COMMAND_STATE_SENDING);
  answer = jb_command_queue_push_finish (parts.queue, jb_test_wait_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_nonnull (answer);
  id = jb_command_get_target_id (create);
  g_assert_nonnull (id);
  g_clear_object (&result);

  /* One in flight, one behind it. */
  {
    g_autoptr(JbCommand) ack = jb_command_new_acknowledge (id);

    note = jb_command_new_note (id, "第二条");
    jb_command_queue_push (parts.queue, ack, NULL, NULL, NULL);
    jb_command_queue_push (parts.queue, note, NULL, NULL, NULL);
    g_assert_cmpint (jb_command_get_state (ack), ==, JB_COMMAND_STATE_SENDING);
    g_assert_cmpint (jb_command_get_state (note), ==, JB_COMMAND_STATE_QUEUED);
    g_assert_cmpint (find_change (&changes, note, JB_COMMAND_STATE_QUEUED), >=, 0);
    g_assert_true (jb_command_queue_lookup_pending (parts.queue, id) == note);

    wait_confirmed (ack);
    wait_confirmed (note);
    g_assert_cmpint (find_change (&changes, ack, JB_COMMAND_STATE_ACCEPTED), <,
                     find_change (&changes, note, JB_COMMAND_STATE_SENDING));
  }
  wait_confirmed (create);
  /* The one that went out at once was told of from SENDING on. */
  g_assert_cmpint (find_change (&changes, create, JB_COMMAND_STATE_QUEUED), ==, -1);
  g_assert_cmpint (find_change (&changes, create, JB_COMMAND_STATE_SENDING), >=, 0);
  g_assert_null (jb_command_queue_lookup_pending (parts.queue, id));

  incident = jb_store_lookup_incident (parts.store, id);
  g_assert_nonnull (incident);
  g_assert_cmpint (jb_incident_get_status (incident), ==, JB_INCIDENT_STATUS_ACKNOWLEDGED);
  g_assert_cmpuint (jb_incident_get_n_notes (incident), ==, 1);

  g_signal_handlers_disconnect_by_data (parts.queue, &changes);
  g_ptr_array_unref (changes.commands);
  g_array_unref (changes.states);
  g_clear_pointer (&answer, json_node_unref);
  g_clear_object (&create);
  g_clear_object (&note);
  parts_clear (&parts);
}

/* An error answer fails the command with the server's code; the queue
 * goes on with the next one. */
static void
test_failure (void)
{
  Parts parts = { 0 };
  g_autoptr(JbCommand) bad = jb_command_new_resolve ("no-such-incident", JB_DISPOSITION_MEDIATED, NULL);
  g_autoptr(JbCommand) status = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  JbUnit *unit = NULL;

  parts_init (&parts);
  for (guint i = 0; unit == NULL || jb_unit_get_status (unit) != JB_UNIT_STATUS_AVAILABLE; i++)
    unit = jb_model_list_peek (JB_MODEL_LIST (jb_store_get_units (parts.store)), i);
  status = jb_command_new_unit_status (jb_unit_get_id (unit), JB_UNIT_STATUS_BUSY);

  jb_command_queue_push (parts.queue, bad, NULL, jb_test_store_result_cb, &result);
  jb_command_queue_push (parts.queue, status, NULL, NULL, NULL);
  answer = jb_command_queue_push_finish (parts.queue, jb_test_wait_result (&result, WAIT_MS), &error);
  g_assert_null (answer);
  g_assert_error (error, JB_ERROR, JB_ERROR_NOT_FOUND);
  g_assert_cmpint (jb_command_get_state (bad), ==, JB_COMMAND_STATE_FAILED);
  g_assert_error ((GError *) jb_command_get_error (bad), JB_ERROR, JB_ERROR_NOT_FOUND);

  wait_confirmed (status);
  g_assert_cmpint (jb_unit_get_status (unit), ==, JB_UNIT_STATUS_BUSY);

  g_clear_object (&result);  /* its task holds the queue */
  parts_clear (&parts);
}

/* The roster constructor's body is what the server takes. */
static void
test_roster (void)
{
  Parts parts = { 0 };
  const JbRosterPerson leader = { "赵新", "13900001111", "副所长", NULL };
  const JbRosterPerson officers[] = {
    { "李明", "138 0000 2222", NULL, NULL },
    { "王芳", "+86-139-0000-3333", NULL, NULL },
  };
  g_autoptr(JbCommand) update = jb_command_new_roster_update ("st-qingshuitang", "2026-11-23", &leader,
                                                              officers, G_N_ELEMENTS (officers),
                                                              "0731-84440000");
  JbStation *station;
  JbRoster *roster;

  g_assert_cmpstr (jb_command_get_method (update), ==, "PUT");
  g_assert_cmpstr (jb_command_get_path (update), ==, "/api/v1/stations/st-qingshuitang/roster");

  parts_init (&parts);
  jb_command_queue_push (parts.queue, update, NULL, NULL, NULL);
  wait_confirmed (update);

  station = jb_store_lookup_station (parts.store, "st-qingshuitang");
  g_assert_nonnull (station);
  roster = jb_station_get_roster (station);
  g_assert_nonnull (roster);
  g_assert_cmpstr (jb_roster_get_date (roster), ==, "2026-11-23");
  g_assert_cmpstr (jb_roster_get_leader (roster)->rank, ==, "副所长");
  g_assert_cmpuint (jb_roster_get_n_officers (roster), ==, 2);
  g_assert_cmpstr (jb_roster_get_phone (roster), ==, "0731-84440000");

  parts_clear (&parts);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/command-queue/order", test_order);
  g_test_add_func ("/core/command-queue/failure", test_failure);
  g_test_add_func ("/core/command-queue/roster", test_roster);

  return g_test_run ();
}
