/* test-core-char-counts.c — what a wall draws ahead, most frequent first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-char-counts.h"

/* Counted without spaces (the ideographic one too) or controls, taken the
 * most frequent first, each once, no more than asked; a new place brings
 * only its new characters, and a weight puts characters first. */
static void
test_take (void)
{
  g_autoptr(GHashTable) counts = jb_char_counts_new ();
  g_autoptr(GHashTable) taken = g_hash_table_new (NULL, NULL);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autofree char *fourth = NULL;
  g_autofree char *fifth = NULL;

  g_assert_cmpuint (jb_char_counts_add (counts, "开福区 湘雅路88号", 1), ==, 8);
  g_assert_cmpuint (jb_char_counts_add (counts, "开福区\u3000万达广场", 1), ==, 4);
  g_assert_cmpuint (jb_char_counts_add (counts, "开福区\t8号", 1), ==, 0);
  g_assert_cmpuint (jb_char_counts_add (counts, NULL, 1), ==, 0);
  /* 开 福 区 湘 雅 路 8 号 万 达 广 场 */
  g_assert_cmpuint (g_hash_table_size (counts), ==, 12);

  /* Three times: 开 福 区 8 (ties in code point order); then 号 (twice);
   * then the rest. */
  first = jb_char_counts_take (counts, taken, 4);
  g_assert_cmpstr (first, ==, "8区开福");
  second = jb_char_counts_take (counts, taken, 1);
  g_assert_cmpstr (second, ==, "号");
  third = jb_char_counts_take (counts, taken, 100);
  g_assert_cmpuint (g_utf8_strlen (third, -1), ==, 7);
  for (const char *c = "湘雅路万达广场"; *c != '\0'; c = g_utf8_next_char (c))
    g_assert_nonnull (g_utf8_strchr (third, -1, g_utf8_get_char (c)));
  g_assert_cmpuint (g_hash_table_size (taken), ==, 12);
  g_assert_null (jb_char_counts_take (counts, taken, 100));

  g_assert_cmpuint (jb_char_counts_add (counts, "开福区湘江中路", 1), ==, 2);
  fourth = jb_char_counts_take (counts, taken, 100);
  g_assert_cmpstr (fourth, ==, "中江");

  /* Weighted: the incident types' names before any place. */
  g_assert_cmpuint (jb_char_counts_add (counts, "斗殴抢劫", 1000), ==, 4);
  g_assert_cmpuint (jb_char_counts_add (counts, "北站", 1), ==, 2);
  fifth = jb_char_counts_take (counts, taken, 4);
  g_assert_cmpuint (g_utf8_strlen (fifth, -1), ==, 4);
  for (const char *c = "斗殴抢劫"; *c != '\0'; c = g_utf8_next_char (c))
    g_assert_nonnull (g_utf8_strchr (fifth, -1, g_utf8_get_char (c)));
  g_assert_null (jb_char_counts_take (counts, taken, 0));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/char-counts/take", test_take);

  return g_test_run ();
}
