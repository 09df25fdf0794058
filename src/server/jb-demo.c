/* jb-demo.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-demo"

#include "jb-demo.h"

void
jb_demo_options_init (JbDemoOptions *options)
{
  options->seed = 20260113;
  options->n_guards = 2000;
  options->n_extra_units = 0;
}

JbDemoCity *
jb_demo_city_new (const JbDemoOptions *options,
                  GError             **error)
{
  JbDemoCity *city = g_new0 (JbDemoCity, 1);

  city->stations = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  city->units = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  city->terminals = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  city->users = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  city->city = json_object_new ();
  return city;
}

void
jb_demo_city_free (JbDemoCity *city)
{
  if (city == NULL)
    return;
  g_clear_pointer (&city->stations, g_ptr_array_unref);
  g_clear_pointer (&city->units, g_ptr_array_unref);
  g_clear_pointer (&city->terminals, g_ptr_array_unref);
  g_clear_pointer (&city->users, g_ptr_array_unref);
  g_clear_pointer (&city->city, json_object_unref);
  g_free (city);
}

char *
jb_demo_terminal_secret (const char *terminal_id)
{
  g_autofree char *hex = NULL;

  hex = g_compute_checksum_for_string (G_CHECKSUM_SHA256, terminal_id, -1);
  return g_strconcat ("demo-", hex, NULL);
}
