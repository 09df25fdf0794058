/* jb-fault-client.c — a console's core in a process of its own, for the
 * fault test to kill -9 and start again on the same outbox
 *
 *   jb-fault-client URL OUTBOX_DIR give INCIDENT_ID N PREFIX
 *     signs in, goes live, prints "LIVE", waits for a line on stdin, gives
 *     N notes "PREFIX-i", prints "GIVEN" once all are on disk, then waits
 *     to be killed;
 *   jb-fault-client URL OUTBOX_DIR replay
 *     signs in (the outbox queues what it kept), prints "REPLAYING n",
 *     waits until nothing is pending, prints "SETTLED", exits 0.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-core.h"
#include "jb-test-outbox.h"

#include <stdio.h>
#include <stdlib.h>

static void
say (const char *line)
{
  printf ("%s\n", line);
  fflush (stdout);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JbClient) client = NULL;
  JbCommandQueue *queue;

  if (argc < 4)
    {
      fprintf (stderr, "usage: %s URL OUTBOX_DIR give|replay …\n", argv[0]);
      return 2;
    }
  client = jb_test_outbox_client_new (argv[1], argv[2]);
  queue = jb_client_get_command_queue (client);

  if (g_str_equal (argv[3], "give") && argc == 7)
    {
      char line[64];
      guint n = (guint) atoi (argv[5]);

      say ("LIVE");
      if (fgets (line, sizeof line, stdin) == NULL)
        return 1;
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *text = g_strdup_printf ("%s-%u", argv[6], i);

          jb_client_queue_command (client, jb_command_new_note (argv[4], text), NULL, NULL, NULL);
        }
      jb_outbox_flush (jb_command_queue_get_outbox (queue));
      say ("GIVEN");
      for (;;)
        g_main_context_iteration (NULL, TRUE);
    }
  if (g_str_equal (argv[3], "replay"))
    {
      GListModel *pending = jb_client_get_pending_commands (client);
      g_autofree char *line = g_strdup_printf ("REPLAYING %u", g_list_model_get_n_items (pending));

      say (line);
      g_assert_true (jb_test_wait_for ((JbTestCheck) jb_test_outbox_settled, client, 6 * JB_TEST_WAIT_MS));
      jb_outbox_flush (jb_command_queue_get_outbox (queue));
      say ("SETTLED");
      jb_client_stop (client);
      return 0;
    }
  return 2;
}
