/* jb-char-counts.c — how often each character occurs in a set of texts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a wall draws ahead, the most frequent characters first
 * (src/app/jb-glyph-warmup.c): a table from character to count, and the
 * characters not yet taken, in order.
 */
#include "jb-char-counts.h"

/* Keys GUINT_TO_POINTER (gunichar), values GUINT_TO_POINTER (count). */
GHashTable *
jb_char_counts_new (void)
{
  return g_hash_table_new (NULL, NULL);
}

/**
 * jb_char_counts_add:
 * @counts: from jb_char_counts_new()
 * @text: (nullable): UTF-8
 * @weight: what each occurrence counts
 *
 * Counts each visible character of @text (not spaces, the ideographic
 * space among them, nor controls).
 *
 * Returns: how many of them @counts did not have before
 */
guint
jb_char_counts_add (GHashTable *counts,
                    const char *text,
                    guint       weight)
{
  guint n_new = 0;

  if (text == NULL)
    return 0;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gpointer count;

      if (!g_unichar_isgraph (c))
        continue;
      if (!g_hash_table_lookup_extended (counts, GUINT_TO_POINTER (c), NULL, &count))
        n_new++;
      g_hash_table_insert (counts, GUINT_TO_POINTER (c),
                           GUINT_TO_POINTER (MIN ((guint64) GPOINTER_TO_UINT (count) + weight, G_MAXUINT)));
    }
  return n_new;
}

static int
by_count (gconstpointer a,
          gconstpointer b,
          gpointer      user_data)
{
  gpointer ka = *(gpointer *) a, kb = *(gpointer *) b;
  guint ca = GPOINTER_TO_UINT (g_hash_table_lookup (user_data, ka));
  guint cb = GPOINTER_TO_UINT (g_hash_table_lookup (user_data, kb));

  if (ca != cb)
    return ca > cb ? -1 : 1;
  return GPOINTER_TO_UINT (ka) < GPOINTER_TO_UINT (kb) ? -1 : 1;
}

/**
 * jb_char_counts_take:
 * @counts: from jb_char_counts_new()
 * @taken: a set (keys GUINT_TO_POINTER (gunichar)) of those taken before
 * @max_chars: at most this many
 *
 * The characters of @counts not in @taken, the most frequent first (ties
 * in code point order), up to @max_chars; they are added to @taken.
 *
 * Returns: (nullable): them as a string, or %NULL when none is left
 */
char *
jb_char_counts_take (GHashTable *counts,
                     GHashTable *taken,
                     guint       max_chars)
{
  g_autoptr(GPtrArray) todo = g_ptr_array_new ();
  GString *text;
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (taken, key))
      g_ptr_array_add (todo, key);
  if (todo->len == 0 || max_chars == 0)
    return NULL;

  g_ptr_array_sort_with_data (todo, by_count, counts);
  text = g_string_new (NULL);
  for (guint i = 0; i < MIN (todo->len, max_chars); i++)
    {
      key = g_ptr_array_index (todo, i);
      g_string_append_unichar (text, GPOINTER_TO_UINT (key));
      g_hash_table_add (taken, key);
    }
  return g_string_free (text, FALSE);
}
