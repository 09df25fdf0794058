/* test-server-position-batch.c — the scanner of position batches agrees
 * with the JSON tree
 *
 * jb_position_batch_scan () reads the plain form of a valid batch and
 * declines the rest, which the server then parses into a tree and reads
 * with jb_position_batch_read_object (). Whatever the scanner accepts, the
 * tree must accept with the very same fixes (doubles compared bit for
 * bit); valid batches as terminals write them must not be declined, or
 * the scanner would save nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "jb-error.h"
#include "jb-json.h"
#include "jb-position-batch.h"

#define NOW 1765000000000

/* Reads @text as the server does when the scanner declines it: NULL with
 * @error when it is not a batch. */
static JbPositionBatch *
read_tree (const char  *text,
           gsize        len,
           GError     **error)
{
  g_autoptr(JsonNode) root = NULL;

  if (!g_utf8_validate (text, (gssize) len, NULL))
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_MALFORMED_JSON, "The body is not UTF-8.");
      return NULL;
    }
  if ((root = jb_json_parse_object (text, (gssize) len, error)) == NULL)
    return NULL;
  return jb_position_batch_read_object (json_node_get_object (root), NOW, error);
}

static gboolean
same_double (double a,
             double b)
{
  return memcmp (&a, &b, sizeof a) == 0;
}

static void
assert_same_fixes (JbPositionBatch *scanned,
                   JbPositionBatch *tree,
                   const char      *text)
{
  guint n_scanned, n_tree;
  const JbBatchFix *a = jb_position_batch_get_fixes (scanned, &n_scanned);
  const JbBatchFix *b = jb_position_batch_get_fixes (tree, &n_tree);

  if (n_scanned != n_tree)
    g_error ("%u fixes scanned, %u read from the tree, in %s", n_scanned, n_tree, text);
  for (guint i = 0; i < n_scanned; i++)
    if (g_strcmp0 (a[i].unit_id, b[i].unit_id) != 0 ||
        !same_double (a[i].position.lat, b[i].position.lat) ||
        !same_double (a[i].position.lon, b[i].position.lon) ||
        !same_double (a[i].position.heading, b[i].position.heading) ||
        !same_double (a[i].position.speed, b[i].position.speed) ||
        !same_double (a[i].position.accuracy, b[i].position.accuracy) ||
        a[i].position.time != b[i].position.time)
      g_error ("item %u differs: scanned %s %.17g %.17g %.17g %.17g %.17g %" G_GINT64_FORMAT
               ", tree %s %.17g %.17g %.17g %.17g %.17g %" G_GINT64_FORMAT " in %s", i,
               a[i].unit_id, a[i].position.lat, a[i].position.lon, a[i].position.heading,
               a[i].position.speed, a[i].position.accuracy, a[i].position.time,
               b[i].unit_id, b[i].position.lat, b[i].position.lon, b[i].position.heading,
               b[i].position.speed, b[i].position.accuracy, b[i].position.time, text);
}

/* Returns whether the scanner took @text; when it did, the tree must
 * read the same. */
static gboolean
check_agree (const char *text,
             gsize       len)
{
  g_autoptr(JbPositionBatch) scanned = jb_position_batch_scan (text, len, NOW);
  g_autoptr(JbPositionBatch) tree = NULL;
  g_autoptr(GError) error = NULL;

  if (scanned == NULL)
    return FALSE;
  tree = read_tree (text, len, &error);
  if (tree == NULL)
    g_error ("scanned, but the tree refuses it (%s): %.*s", error->message, (int) len, text);
  assert_same_fixes (scanned, tree, text);
  return TRUE;
}

static void
test_plain (void)
{
  const char *text =
    "{\"items\":[{\"unit_id\":\"U-1\",\"lat\":28.1934567,\"lon\":112.9823456,\"heading\":123.4,"
    "\"speed\":5.25,\"accuracy\":8,\"time\":1764999999000},"
    "{\"unit_id\":\"U-2\",\"lat\":28,\"lon\":-112.5,\"heading\":null,\"speed\":0,\"accuracy\":null},"
    "{\"time\":null,\"lon\":0.0,\"lat\":-0.0,\"unit_id\":\"\\u0055-3\"}]}";
  g_autoptr(JbPositionBatch) scanned = jb_position_batch_scan (text, strlen (text), NOW);
  const JbBatchFix *fixes;
  guint n;

  g_assert_nonnull (scanned);
  g_assert_true (check_agree (text, strlen (text)));
  fixes = jb_position_batch_get_fixes (scanned, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpstr (fixes[0].unit_id, ==, "U-1");
  g_assert_cmpfloat (fixes[0].position.lat, ==, 28.1934567);
  g_assert_cmpfloat (fixes[0].position.accuracy, ==, 8.0);
  g_assert_cmpint (fixes[0].position.time, ==, 1764999999000);
  g_assert_true (isnan (fixes[1].position.heading));
  g_assert_true (isnan (fixes[1].position.accuracy));
  g_assert_cmpint (fixes[1].position.time, ==, NOW);  /* absent: the server's time */
  g_assert_cmpstr (fixes[2].unit_id, ==, "U-3");
  g_assert_true (signbit (fixes[2].position.lat));
  g_assert_cmpint (fixes[2].position.time, ==, NOW);

  /* No items is a batch too. */
  g_assert_true (check_agree ("{\"items\":[]}", 12));
  g_assert_true (check_agree (" {\r\n\t\"items\" : [ ] }\n", 21));
}

/* Bodies the scanner must leave to the tree, valid or not. For the ones
 * the tree refuses, the error code it gives (TREE_DECIDES: no claim on what the tree says). */
#define TREE_DECIDES -1
#define VALID     -2

static void
test_declined (void)
{
  static const struct { const char *text; int code; } cases[] = {
    { "", JB_ERROR_MALFORMED_JSON },
    { "{", JB_ERROR_MALFORMED_JSON },
    { "[]", JB_ERROR_NOT_AN_OBJECT },
    { "{\"items\":[]", JB_ERROR_MALFORMED_JSON },
    { "{\"items\":[]}x", JB_ERROR_MALFORMED_JSON },
    { "{\v\"items\":[]}", JB_ERROR_MALFORMED_JSON },
    { "{\"items\":[]\f}", JB_ERROR_MALFORMED_JSON },
    { "{\"items\":[]}{}", JB_ERROR_MALFORMED_JSON },
    { "{\"items\":[]}\"", TREE_DECIDES },
    { "{\"items\":[]} 1", TREE_DECIDES },
    { "{}", JB_ERROR_MISSING_FIELD },
    { "{\"items\":null}", JB_ERROR_MISSING_FIELD },
    { "{\"items\":{}}", JB_ERROR_INVALID_TYPE },
    { "{\"items\":[],\"more\":1}", JB_ERROR_UNKNOWN_FIELD },
    { "{\"items\":[1]}", JB_ERROR_INVALID_TYPE },
    { "{\"items\":[[]]}", JB_ERROR_INVALID_TYPE },
    { "{\"items\":[{\"unit_id\":\"U\",\"lat\":1,\"lon\":2,\"colour\":1}]}", JB_ERROR_UNKNOWN_FIELD },
    { "{\"items\":[{\"lat\":1,\"lon\":2}]}", JB_ERROR_MISSING_FIELD },
    { "{\"items\":[{\"unit_id\":null,\"lat\":1,\"lon\":2}]}", JB_ERROR_MISSING_FIELD },
    { "{\"items\":[{\"unit_id\":7,\"lat\":1,\"lon\":2}]}", JB_ERROR_INVALID_TYPE },
    { "{\"items\":[{\"unit_id\":\"U\",\"lon\":2}]}", JB_ERROR_MISSING_FIELD },
    { "{\"items\":[{\"unit_id\":\"U\",\"lat\":null,\"lon\":2}]}", JB_ERROR_MISSING_FIELD },
    { "{\"items\":[{\"unit_id\":\"U\",\"lat\":\"1\",\"lon\":2}]}", JB_ERROR_INVALID_TYPE },
    { "{\"items\":[{\"unit_id\":\"U\",\"lat\":true,\"lon\":2}]}", JB_ERROR_INVALID_TYPE },
    { "{\"items\":[{\"unit_id\":\"U\",\"lat\":91,\"lon\":2}]}", JB_ERROR_OUT_OF_RANGE },
    { "{\"items\":[{\"unit_id\":\"U\",\"lat\":1,\"lon\":-180.5}]}", JB_ERROR_OUT_OF_RANGE },
    { "{\"items\":[{\"unit_id\":\"U\",\"lat\":1,\"lon\":2,\"heading\":360}]}", JB_ERROR_OUT_OF_RANGE },
    { "{\"items\":[{\"unit_id\":\"U\",\"lat\":1,\"lon\":2,\"speed\":-1}]}", JB_ERROR_OUT_OF_RANGE },
    { "{\"items\":[{\"unit_id\":\"U\",\"lat\":1,\"lon\":2,\"accuracy\":1e400}]}", TREE_DECIDES },
    { "{\"items\":[{\"unit_id\":\"U\",\"lat\":1,\"lon\":2,\"time\":1.5}]}", JB_ERROR_INVALID_TYPE },
    { "{\"items\":[{\"unit_id\":\"U\",\"lat\":1,\"lon\":2,\"time\":-1}]}", JB_ERROR_OUT_OF_RANGE },
    { "{\"items\":[{\"unit_id\":\"U\",\"lat\":1,\"lon\":2,\"time\":9765000000000}]}", JB_ERROR_OUT_OF_RANGE },
    { "{\"items\":[{\"unit_id\":\"U\",\"lat\":1,\"lon\":2,\"time\":12345678901234567890}]}", TREE_DECIDES },
    { "{\"items\":[{\"unit_id\":\"U\",\"lat\":01,\"lon\":2}]}", TREE_DECIDES },
    { "{\"items\":[{\"unit_id\":\"U\",\"lat\":1,\"lon\":2}] /* c */}", TREE_DECIDES },
    { "{\"items\":[{\"unit_id\":\"U\\u0000V\",\"lat\":1,\"lon\":2}]}", TREE_DECIDES },
    { "{\"items\":[{\"unit_id\":\"U\\n\",\"lat\":1,\"lon\":2}]}", VALID },
    { "{\"items\":[{\"unit_id\":\"\xff\",\"lat\":1,\"lon\":2}]}", JB_ERROR_MALFORMED_JSON },
    { "{\"items\":[{\"unit_id\":\"\xc0\xbe\",\"lat\":1,\"lon\":2}]}", JB_ERROR_MALFORMED_JSON },
    /* Valid, but not the plain form: the tree reads them. */
    { "{\"items\":[{\"unit_id\":\"U\",\"lat\":1,\"lat\":3,\"lon\":2}]}", VALID },
    { "{\"items\":[],\"items\":[]}", VALID },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *text = cases[i].text;
      g_autoptr(JbPositionBatch) scanned = jb_position_batch_scan (text, strlen (text), NOW);
      g_autoptr(JbPositionBatch) tree = NULL;
      g_autoptr(GError) error = NULL;

      if (scanned != NULL)
        g_error ("scanned, but not the plain form of a valid batch: %s", text);
      tree = read_tree (text, strlen (text), &error);
      if (cases[i].code == VALID && tree == NULL)
        g_error ("%s: refused (%s), but it is a valid batch", text, error->message);
      else if (cases[i].code >= 0)
        {
          if (tree != NULL || !g_error_matches (error, JB_ERROR, cases[i].code))
            g_error ("%s: expected error %d, got %s", text, cases[i].code,
                     error != NULL ? error->message : "a batch");
        }
    }
}

/* A number as a terminal might write it, of many forms. */
static void
append_number (GString *out,
               GRand   *rand,
               double   low,
               double   high)
{
  double value = g_rand_double_range (rand, low, high);
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  switch (g_rand_int_range (rand, 0, 8))
    {
    case 0:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) value);
      break;
    case 1:
      g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, "%.7f", value));
      break;
    case 2:
      g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, "%.17g", value));
      break;
    case 3:
      g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, "%.3e", value));
      break;
    case 4:
      g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, "%.9E", value));
      break;
    case 5:
      g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, "%.1f", value));
      break;
    case 6:
      g_string_append (out, g_ascii_dtostr (buffer, sizeof buffer, value));
      break;
    default:
      g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, "%.2f", value));
      break;
    }
}

/* One valid item in the plain form, members in any order, optional ones
 * absent or null. */
static void
append_item (GString *out,
             GRand   *rand,
             guint    n)
{
  static const char * const names[] = { "unit_id", "lat", "lon", "heading", "speed", "accuracy", "time" };
  guint order[G_N_ELEMENTS (names)];
  gboolean first = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    order[i] = i;
  for (guint i = G_N_ELEMENTS (names) - 1; i > 0; i--)
    {
      guint j = (guint) g_rand_int_range (rand, 0, (gint32) i + 1), t = order[i];

      order[i] = order[j];
      order[j] = t;
    }
  g_string_append_c (out, '{');
  for (guint k = 0; k < G_N_ELEMENTS (names); k++)
    {
      guint i = order[k];

      if (i >= 3 && g_rand_int_range (rand, 0, 4) == 0)
        continue;
      g_string_append_printf (out, "%s\"%s\":", first ? "" : ",", names[i]);
      first = FALSE;
      if (i >= 3 && g_rand_int_range (rand, 0, 5) == 0)
        g_string_append (out, "null");
      else if (i == 0)
        g_string_append_printf (out, g_rand_boolean (rand) ? "\"U-%u\"" : "\"\\u0055-%u\"", n);
      else if (i == 1)
        append_number (out, rand, -90, 90);
      else if (i == 2)
        append_number (out, rand, -180, 180);
      else if (i == 3)
        append_number (out, rand, 0, 359.9);
      else if (i == 6)
        g_string_append_printf (out, "%" G_GINT64_FORMAT,
                                NOW - g_rand_int_range (rand, 0, 86400000));
      else
        append_number (out, rand, 0, 300);
    }
  g_string_append_c (out, '}');
}

static char *
random_batch (GRand *rand,
              guint  items)
{
  GString *out = g_string_new ("{\"items\":[");

  for (guint i = 0; i < items; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_item (out, rand, i);
    }
  g_string_append (out, "]}");
  return g_string_free (out, FALSE);
}

/* Valid batches of every number form: all scanned, all as the tree reads. */
static void
test_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261207);

  for (guint b = 0; b < 400; b++)
    {
      g_autofree char *text = random_batch (rand, 50);

      if (!check_agree (text, strlen (text)))
        g_error ("a valid batch in the plain form was declined: %s", text);
    }
}

/* Random damage to valid batches: what the scanner still takes, the tree
 * takes the same. */
static void
test_mutations (void)
{
  static const char bytes[] = "{}[],:\"\\0123456789-+.eEnul \x01\xc3\xa9";
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  guint taken = 0, total = 20000;

  for (guint m = 0; m < total; m++)
    {
      g_autofree char *text = random_batch (rand, 3);
      gsize len = strlen (text);
      guint edits = (guint) g_rand_int_range (rand, 1, 4);

      for (guint e = 0; e < edits; e++)
        {
          gsize at = (gsize) g_rand_int_range (rand, 0, (gint32) len);

          switch (g_rand_int_range (rand, 0, 3))
            {
            case 0:  /* replace a byte */
              text[at] = bytes[g_rand_int_range (rand, 0, sizeof bytes - 1)];
              break;
            case 1:  /* drop a byte */
              memmove (text + at, text + at + 1, len - at);
              len--;
              break;
            default:  /* cut short */
              len = at;
              break;
            }
          if (len == 0)
            break;
        }
      taken += check_agree (text, len) ? 1 : 0;
    }
  g_test_message ("%u of %u damaged batches were still scanned, all as the tree reads them", taken, total);
  g_assert_cmpuint (taken, <, total);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/position-batch/plain", test_plain);
  g_test_add_func ("/position-batch/declined", test_declined);
  g_test_add_func ("/position-batch/random", test_random);
  g_test_add_func ("/position-batch/mutations", test_mutations);
  return g_test_run ();
}
