/* jb-test-wait.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-test-wait.h"

static gboolean
set_true_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
jb_test_wait_for (JbTestCheck check,
                  gpointer    data,
                  guint       timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, set_true_cb, &timed_out);

  while (!check (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);
  return check (data);
}

void
jb_test_spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_true_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

void
jb_test_store_result_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      slot)
{
  *(GAsyncResult **) slot = g_object_ref (result);
}

static gboolean
result_ready (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

GAsyncResult *
jb_test_wait_result (GAsyncResult **slot,
                     guint          timeout_ms)
{
  g_assert_true (jb_test_wait_for (result_ready, slot, timeout_ms));
  return *slot;
}
