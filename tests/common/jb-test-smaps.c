/* jb-test-smaps.c — this process's mappings and what of them is resident
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "jb-test-smaps.h"

static void
mapping_free (gpointer data)
{
  JbTestMapping *mapping = data;

  g_free (mapping->path);
  g_free (mapping);
}

GPtrArray *
jb_test_smaps_read (void)
{
  g_autofree char *smaps = NULL;
  GPtrArray *mappings = g_ptr_array_new_with_free_func (mapping_free);
  JbTestMapping *current = NULL;
  char *line, *next;

  g_assert_true (g_file_get_contents ("/proc/self/smaps", &smaps, NULL, NULL));
  for (line = smaps; line != NULL && *line != '\0'; line = next)
    {
      char *end;
      guint64 start;

      next = strchr (line, '\n');
      if (next != NULL)
        *next++ = '\0';

      /* A mapping's first line: "start-end perms offset dev inode [path]";
       * then "Key:   value kB" lines. */
      start = g_ascii_strtoull (line, &end, 16);
      if (end != line && *end == '-')
        {
          char *path = strchr (line, '/');

          current = g_new0 (JbTestMapping, 1);
          current->start = start;
          current->path = path != NULL ? g_strdup (path) : NULL;
          g_ptr_array_add (mappings, current);
        }
      else if (current != NULL && g_str_has_prefix (line, "Size:"))
        current->size_kb = g_ascii_strtoll (line + 5, NULL, 10);
      else if (current != NULL && g_str_has_prefix (line, "Rss:"))
        current->rss_kb = g_ascii_strtoll (line + 4, NULL, 10);
    }
  return mappings;
}

JbTestMapping *
jb_test_smaps_lookup (GPtrArray     *mappings,
                      gconstpointer  address)
{
  for (guint i = 0; i < mappings->len; i++)
    {
      JbTestMapping *mapping = g_ptr_array_index (mappings, i);

      if (mapping->start == (guint64) (guintptr) address)
        return mapping;
    }
  return NULL;
}
