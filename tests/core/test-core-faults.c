/* test-core-faults.c — the client core through a fault proxy against the
 * real jingbao-dispatchd: cuts, stalls, a server killed and restarted, a
 * client killed and started again. After each, every command given is
 * applied exactly once and the store equals a fresh snapshot.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-core.h"
#include "jb-test-outbox.h"
#include "jb-test-proxy.h"

#include <signal.h>
#include <string.h>

#define WAIT_MS JB_TEST_WAIT_MS
/* Settling a burst: every command one round trip, then its event; under
 * the sanitizers on a loaded machine that is slow, not stuck. */
#define SETTLE_MS (6 * JB_TEST_WAIT_MS)

static const char * const demo_args[] = { "--demo", NULL };

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JbTestServer, jb_test_server_free)

typedef struct
{
  JbTestServer *server;
  JbTestProxy  *proxy;
  char         *auth;
  char         *dir;
  char         *incident_id;
} Fixture;

static void
fixture_init (Fixture *f)
{
  f->server = jb_test_server_start (demo_args);
  f->proxy = jb_test_proxy_new (jb_test_server_get_url (f->server));
  f->auth = jb_test_login (f->server, "dispatcher", "demo");
  f->dir = g_dir_make_tmp ("jb-faults-XXXXXX", NULL);
  f->incident_id = jb_test_new_incident (f->server, f->auth);
}

static void
fixture_clear (Fixture *f)
{
  jb_test_proxy_free (f->proxy);
  jb_test_server_free (f->server);
  g_free (f->auth);
  g_free (f->incident_id);
  g_free (f->dir);
}

/* Every note "PREFIX-i" (i < @n) is on the incident exactly once. */
static void
assert_notes_once (Fixture    *f,
                   const char *prefix,
                   guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("%s-%u", prefix, i);

      g_assert_cmpuint (jb_test_count_notes (f->server, f->auth, f->incident_id, text), ==, 1);
    }
}

static gboolean
not_live (gpointer data)
{
  return jb_client_get_state (data) != JB_CONNECTION_STATE_LIVE;
}

typedef struct
{
  GPtrArray     *commands;
  JbCommandState state;
  guint          at_least;
} StateWait;

static gboolean
enough_in_state (gpointer data)
{
  StateWait *wait = data;
  guint count = 0;

  for (guint i = 0; i < wait->commands->len; i++)
    if (jb_command_get_state (g_ptr_array_index (wait->commands, i)) >= wait->state)
      count++;
  return count >= wait->at_least;
}

static GPtrArray *
give_notes (JbClient   *client,
            const char *incident_id,
            const char *prefix,
            guint       n)
{
  GPtrArray *commands = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("%s-%u", prefix, i);

      g_ptr_array_add (commands, g_object_ref (jb_client_queue_command (client,
                                                                        jb_command_new_note (incident_id, text),
                                                                        NULL, NULL, NULL)));
    }
  return commands;
}

/* The connection is cut while a burst of commands goes out. */
static void
test_cut_during_burst (void)
{
  Fixture f = { 0 };
  g_autoptr(JbClient) client = NULL;
  g_autoptr(GPtrArray) commands = NULL;
  StateWait some = { NULL, JB_COMMAND_STATE_ACCEPTED, 10 };
  const guint n = 40;

  fixture_init (&f);
  client = jb_test_outbox_client_new (jb_test_proxy_get_url (f.proxy), f.dir);
  commands = give_notes (client, f.incident_id, "cut", n);
  some.commands = commands;
  g_assert_true (jb_test_wait_for (enough_in_state, &some, WAIT_MS));
  jb_test_proxy_cut (f.proxy);
  g_assert_true (jb_test_wait_for (not_live, client, WAIT_MS));
  jb_test_proxy_heal (f.proxy);

  g_assert_true (jb_test_wait_for ((JbTestCheck) jb_test_outbox_settled, client, SETTLE_MS));
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (jb_command_get_state (g_ptr_array_index (commands, i)), ==, JB_COMMAND_STATE_CONFIRMED);
  assert_notes_once (&f, "cut", n);
  jb_test_assert_store_matches (client, f.server, f.auth);
  g_test_message ("cut: %u commands, each applied once; %u connections accepted",
                  n, jb_test_proxy_get_accepted (f.proxy));

  jb_client_stop (client);
  g_clear_object (&client);
  fixture_clear (&f);
}

/* The event stream stalls: answers come, the events do not; nothing is
 * confirmed until they do. */
static void
test_stall_events (void)
{
  Fixture f = { 0 };
  g_autoptr(JbClient) client = NULL;
  g_autoptr(GPtrArray) commands = NULL;
  StateWait accepted = { NULL, JB_COMMAND_STATE_ACCEPTED, 0 };
  const guint n = 10;

  fixture_init (&f);
  client = jb_test_outbox_client_new (jb_test_proxy_get_url (f.proxy), f.dir);
  jb_test_proxy_stall (f.proxy, JB_TEST_PROXY_DOWN, TRUE);
  commands = give_notes (client, f.incident_id, "stall", n);
  accepted.commands = commands;
  accepted.at_least = n;
  g_assert_true (jb_test_wait_for (enough_in_state, &accepted, WAIT_MS));
  /* The store has not seen the events: none can be confirmed. */
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (jb_command_get_state (g_ptr_array_index (commands, i)), ==, JB_COMMAND_STATE_ACCEPTED);
  assert_notes_once (&f, "stall", n);

  jb_test_proxy_heal (f.proxy);
  g_assert_true (jb_test_wait_for ((JbTestCheck) jb_test_outbox_settled, client, SETTLE_MS));
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (jb_command_get_state (g_ptr_array_index (commands, i)), ==, JB_COMMAND_STATE_CONFIRMED);
  assert_notes_once (&f, "stall", n);
  jb_test_assert_store_matches (client, f.server, f.auth);

  jb_client_stop (client);
  g_clear_object (&client);
  fixture_clear (&f);
}

/* kill -9 of the server while two consoles send, and a restart. */
static void
test_server_killed (void)
{
  Fixture f = { 0 };
  g_autoptr(JbClient) a = NULL;
  g_autoptr(JbClient) b = NULL;
  g_autofree char *dir_b = g_dir_make_tmp ("jb-faults-XXXXXX", NULL);
  g_autoptr(GPtrArray) from_a = NULL;
  g_autoptr(GPtrArray) from_b = NULL;
  StateWait some = { NULL, JB_COMMAND_STATE_ACCEPTED, 10 };
  const guint n = 40;

  fixture_init (&f);
  a = jb_test_outbox_client_new (jb_test_proxy_get_url (f.proxy), f.dir);
  b = jb_test_outbox_client_new (jb_test_server_get_url (f.server), dir_b);
  from_a = give_notes (a, f.incident_id, "load-a", n);
  from_b = give_notes (b, f.incident_id, "load-b", n);
  some.commands = from_a;
  g_assert_true (jb_test_wait_for (enough_in_state, &some, WAIT_MS));
  jb_test_server_kill (f.server, SIGKILL);
  g_assert_true (jb_test_wait_for (not_live, a, WAIT_MS));
  jb_test_server_restart (f.server);

  g_assert_true (jb_test_wait_for ((JbTestCheck) jb_test_outbox_settled, a, SETTLE_MS));
  g_assert_true (jb_test_wait_for ((JbTestCheck) jb_test_outbox_settled, b, SETTLE_MS));
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (jb_command_get_state (g_ptr_array_index (from_a, i)), ==, JB_COMMAND_STATE_CONFIRMED);
      g_assert_cmpint (jb_command_get_state (g_ptr_array_index (from_b, i)), ==, JB_COMMAND_STATE_CONFIRMED);
    }
  assert_notes_once (&f, "load-a", n);
  assert_notes_once (&f, "load-b", n);
  jb_test_assert_store_matches (a, f.server, f.auth);
  jb_test_assert_store_matches (b, f.server, f.auth);

  jb_client_stop (a);
  jb_client_stop (b);
  g_clear_object (&a);
  g_clear_object (&b);
  fixture_clear (&f);
}

/* The helper process's next line. */
static char *
read_line (GDataInputStream *in)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *line;

  g_data_input_stream_read_line_async (in, G_PRIORITY_DEFAULT, NULL, jb_test_store_result_cb, &result);
  line = g_data_input_stream_read_line_finish_utf8 (in, jb_test_wait_result (&result, SETTLE_MS), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  return line;
}

static GSubprocess *
spawn_client (Fixture           *f,
              GDataInputStream **out_lines,
              const char        *mode,
              ...)
{
  const char *helper = g_getenv ("JB_FAULT_CLIENT");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  const char *arg;
  va_list ap;

  g_assert_nonnull (helper);
  g_ptr_array_add (argv, (gpointer) helper);
  g_ptr_array_add (argv, (gpointer) jb_test_proxy_get_url (f->proxy));
  g_ptr_array_add (argv, f->dir);
  g_ptr_array_add (argv, (gpointer) mode);
  va_start (ap, mode);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  *out_lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  return process;
}

typedef struct
{
  Fixture *f;
  const char *text;
} NoteWait;

static gboolean
note_on_server (gpointer data)
{
  NoteWait *wait = data;

  return jb_test_count_notes (wait->f->server, wait->f->auth, wait->f->incident_id, wait->text) > 0;
}

static void
wait_process (GSubprocess *process)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_subprocess_wait_async (process, NULL, jb_test_store_result_cb, &result);
  jb_test_wait_result (&result, WAIT_MS);
  g_assert_true (g_subprocess_wait_finish (process, result, NULL));
}

/* kill -9 of a console with commands queued, one of them done by the
 * server but its answer lost; a new process on the same outbox sends
 * them, each once. */
static void
test_client_killed (void)
{
  Fixture f = { 0 };
  g_autoptr(GSubprocess) first = NULL;
  g_autoptr(GSubprocess) second = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  NoteWait first_note = { &f, "killed-0" };
  const guint n = 12;
  g_autofree char *n_text = g_strdup_printf ("%u", n);
  g_autofree char *replaying = g_strdup_printf ("REPLAYING %u", n);

  fixture_init (&f);
  first = spawn_client (&f, &lines, "give", f.incident_id, n_text, "killed", NULL);
  line = read_line (lines);
  g_assert_cmpstr (line, ==, "LIVE");
  /* Answers never come back: the first note is done on the server, the
   * console does not know, the rest wait behind it. */
  jb_test_proxy_stall (f.proxy, JB_TEST_PROXY_DOWN, FALSE);
  g_assert_true (g_output_stream_write_all (g_subprocess_get_stdin_pipe (first), "go\n", 3, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&line, g_free);
  line = read_line (lines);
  g_assert_cmpstr (line, ==, "GIVEN");
  g_assert_true (jb_test_wait_for (note_on_server, &first_note, WAIT_MS));

  g_subprocess_send_signal (first, SIGKILL);
  wait_process (first);
  g_assert_true (g_subprocess_get_if_signaled (first));
  g_assert_cmpuint (jb_test_count_notes (f.server, f.auth, f.incident_id, "killed-1"), ==, 0);
  jb_test_proxy_heal (f.proxy);
  g_clear_object (&lines);

  second = spawn_client (&f, &lines, "replay", NULL);
  g_clear_pointer (&line, g_free);
  line = read_line (lines);
  g_assert_cmpstr (line, ==, replaying);
  g_clear_pointer (&line, g_free);
  line = read_line (lines);
  g_assert_cmpstr (line, ==, "SETTLED");
  wait_process (second);
  g_assert_true (g_subprocess_get_if_exited (second));
  g_assert_cmpint (g_subprocess_get_exit_status (second), ==, 0);

  assert_notes_once (&f, "killed", n);
  g_test_message ("client killed: %u commands replayed, each applied once", n);
  fixture_clear (&f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/faults/cut-during-burst", test_cut_during_burst);
  g_test_add_func ("/core/faults/stall-events", test_stall_events);
  g_test_add_func ("/core/faults/server-killed", test_server_killed);
  g_test_add_func ("/core/faults/client-killed", test_client_killed);
  return g_test_run ();
}
