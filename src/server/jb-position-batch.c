/* jb-position-batch.c — a terminal's batch of fixes, scanned or read from
 * its JSON tree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-dispatch"

#include "jb-position-batch.h"

#include "jb-error.h"
#include "jb-json.h"

#include <math.h>
#include <string.h>
#include <yajl/yajl_parse.h>

struct _JbPositionBatch
{
  GArray       *fixes;    /* JbBatchFix */
  GStringChunk *strings;  /* the unit ids */
};

static JbPositionBatch *
batch_new (guint reserved)
{
  JbPositionBatch *batch = g_new0 (JbPositionBatch, 1);

  batch->fixes = g_array_sized_new (FALSE, FALSE, sizeof (JbBatchFix), reserved);
  batch->strings = g_string_chunk_new (MAX (reserved, 16) * 16);
  return batch;
}

void
jb_position_batch_free (JbPositionBatch *batch)
{
  if (batch == NULL)
    return;
  g_array_unref (batch->fixes);
  g_string_chunk_free (batch->strings);
  g_free (batch);
}

const JbBatchFix *
jb_position_batch_get_fixes (JbPositionBatch *batch,
                             guint           *out_n)
{
  *out_n = batch->fixes->len;
  return (const JbBatchFix *) (gpointer) batch->fixes->data;
}

/* The tree */

static gboolean
get_optional_measure (JsonObject  *object,
                      const char  *member,
                      double       max,
                      double      *out,
                      GError     **error)
{
  double value = NAN;

  if (!jb_json_get_double (object, member, FALSE, &value, error))
    return FALSE;
  if (!isnan (value) && (value < 0 || value >= max))
    {
      g_set_error (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE, "The field \"%s\" is out of range.", member);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

gboolean
jb_position_read (JsonObject         *object,
                  gint64              now,
                  JbStoragePosition  *out,
                  GError            **error)
{
  out->time = now;
  if (!jb_json_get_lat_lon (object, &out->lat, &out->lon, error) ||
      !get_optional_measure (object, "heading", 360.0, &out->heading, error) ||
      !get_optional_measure (object, "speed", INFINITY, &out->speed, error) ||
      !get_optional_measure (object, "accuracy", INFINITY, &out->accuracy, error) ||
      !jb_json_get_int (object, "time", FALSE, &out->time, error))
    return FALSE;
  if (out->time < 0 || out->time > now + JB_MAX_FUTURE_FIX_MS)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE,
                   "The field \"time\" is out of range (at most %d minutes ahead of the server).",
                   (int) (JB_MAX_FUTURE_FIX_MS / 60000));
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_item (JsonNode          *node,
           gint64             now,
           JbPositionBatch   *batch,
           JbBatchFix        *out,
           GError           **error)
{
  static const char * const allowed[] = {
    "unit_id", "lat", "lon", "heading", "speed", "accuracy", "time", NULL,
  };
  JsonObject *object;
  const char *unit_id = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_INVALID_TYPE, "An item must be an object.");
      return FALSE;
    }
  object = json_node_get_object (node);
  if (!jb_json_check_members (object, allowed, error) ||
      !jb_json_get_string (object, "unit_id", TRUE, &unit_id, error) ||
      !jb_position_read (object, now, &out->position, error))
    return FALSE;
  out->unit_id = g_string_chunk_insert (batch->strings, unit_id);
  return TRUE;
}

/* Reads @body, a parsed batch, with the errors the API documents; the
 * first bad item rejects it whole. */
JbPositionBatch *
jb_position_batch_read_object (JsonObject  *body,
                               gint64       now,
                               GError     **error)
{
  static const char * const allowed[] = { "items", NULL };
  g_autoptr(JbPositionBatch) batch = NULL;
  JsonArray *array = NULL;
  guint n;

  if (!jb_json_check_members (body, allowed, error) ||
      !jb_json_get_array (body, "items", TRUE, &array, error))
    return NULL;
  n = json_array_get_length (array);
  batch = batch_new (n);
  g_array_set_size (batch->fixes, n);
  for (guint i = 0; i < n; i++)
    if (!read_item (json_array_get_element (array, i), now, batch,
                    &g_array_index (batch->fixes, JbBatchFix, i), error))
      {
        g_prefix_error (error, "items[%u]: ", i);
        return NULL;
      }
  return g_steal_pointer (&batch);
}

/* The scanner */

typedef enum
{
  AT_START,
  IN_ROOT,
  AT_ITEMS,
  IN_ITEMS,
  IN_ITEM,
  AT_VALUE,
  AT_END,
} Where;

typedef enum
{
  FIELD_UNIT_ID,
  FIELD_LAT,
  FIELD_LON,
  FIELD_HEADING,
  FIELD_SPEED,
  FIELD_ACCURACY,
  FIELD_TIME,
  N_FIELDS,
} Field;

static const char * const field_names[N_FIELDS] = {
  "unit_id", "lat", "lon", "heading", "speed", "accuracy", "time",
};

#define REQUIRED_FIELDS ((1u << FIELD_UNIT_ID) | (1u << FIELD_LAT) | (1u << FIELD_LON))

/* json-glib reads digits alone as an integer; 18 of them always fit. */
#define MAX_INTEGER_DIGITS 18

typedef struct
{
  Where            where;
  Field            field;     /* whose value comes next */
  guint            seen;      /* a bit per field of the item */
  gboolean         has_items;
  gint64           now;
  JbBatchFix       fix;
  JbPositionBatch *batch;
} Scan;

/* Every callback answers FALSE, which stops yajl, for anything outside
 * the plain form of a valid batch: the tree reader then has its say. */

static int
scan_null (void *ctx)
{
  Scan *scan = ctx;

  if (scan->where != AT_VALUE || (REQUIRED_FIELDS & (1u << scan->field)) != 0)
    return FALSE;
  /* A null measure or time reads as an absent one. */
  scan->where = IN_ITEM;
  return TRUE;
}

static int
scan_boolean (void *ctx,
              int   value)
{
  return FALSE;
}

static gboolean
number_value (const char *text,
              gsize       len,
              gboolean   *out_integer,
              gint64     *out_int,
              double     *out_double)
{
  char buffer[64];
  char *end = NULL;
  gboolean integer = memchr (text, '.', len) == NULL && memchr (text, 'e', len) == NULL &&
                     memchr (text, 'E', len) == NULL;
  gsize digits = text[0] == '-' ? 1 : 0;

  if (len >= sizeof buffer || (integer && len > MAX_INTEGER_DIGITS))
    return FALSE;
  /* Leading zeros are not JSON: whoever accepts them, the tree decides. */
  if (len > digits + 1 && text[digits] == '0' && g_ascii_isdigit (text[digits + 1]))
    return FALSE;
  *out_integer = integer;
  if (integer)
    {
      memcpy (buffer, text, len);
      buffer[len] = '\0';
      *out_int = g_ascii_strtoll (buffer, &end, 10);
      *out_double = (double) *out_int;
      return end == buffer + len;
    }
  if (jb_json_read_short_decimal (text, len, out_double))
    return TRUE;
  memcpy (buffer, text, len);
  buffer[len] = '\0';
  *out_double = g_ascii_strtod (buffer, &end);
  return end == buffer + len && isfinite (*out_double);
}

static int
scan_number (void       *ctx,
             const char *text,
             size_t      len)
{
  Scan *scan = ctx;
  JbStoragePosition *p = &scan->fix.position;
  gboolean integer;
  gint64 int_value = 0;
  double value;

  if (scan->where != AT_VALUE || scan->field == FIELD_UNIT_ID ||
      !number_value (text, len, &integer, &int_value, &value))
    return FALSE;
  switch (scan->field)
    {
    case FIELD_LAT:
      if (value < -90.0 || value > 90.0)
        return FALSE;
      p->lat = value;
      break;
    case FIELD_LON:
      if (value < -180.0 || value > 180.0)
        return FALSE;
      p->lon = value;
      break;
    case FIELD_HEADING:
      if (value < 0 || value >= 360.0)
        return FALSE;
      p->heading = value;
      break;
    case FIELD_SPEED:
    case FIELD_ACCURACY:
      if (value < 0)
        return FALSE;
      *(scan->field == FIELD_SPEED ? &p->speed : &p->accuracy) = value;
      break;
    case FIELD_TIME:
      if (!integer || int_value < 0 || int_value > scan->now + JB_MAX_FUTURE_FIX_MS)
        return FALSE;
      p->time = int_value;
      break;
    case FIELD_UNIT_ID:
    case N_FIELDS:
    default:
      return FALSE;
    }
  scan->where = IN_ITEM;
  return TRUE;
}

static int
scan_string (void                *ctx,
             const unsigned char *text,
             size_t               len)
{
  Scan *scan = ctx;

  if (scan->where != AT_VALUE || scan->field != FIELD_UNIT_ID)
    return FALSE;
  /* No control characters (a NUL would end the id early), and UTF-8 as
   * GLib reads it: yajl lets overlong forms through. */
  for (gsize i = 0; i < len; i++)
    if (text[i] < 0x20 || text[i] == 0x7f)
      return FALSE;
  if (!g_utf8_validate_len ((const char *) text, len, NULL))
    return FALSE;
  scan->fix.unit_id = g_string_chunk_insert_len (scan->batch->strings, (const char *) text,
                                                 (gssize) len);
  scan->where = IN_ITEM;
  return TRUE;
}

static int
scan_start_map (void *ctx)
{
  Scan *scan = ctx;

  if (scan->where == AT_START)
    scan->where = IN_ROOT;
  else if (scan->where == IN_ITEMS)
    {
      scan->where = IN_ITEM;
      scan->seen = 0;
      scan->fix.unit_id = NULL;
      scan->fix.position = (JbStoragePosition) { NAN, NAN, NAN, NAN, NAN, scan->now };
    }
  else
    return FALSE;
  return TRUE;
}

static int
scan_map_key (void                *ctx,
              const unsigned char *key,
              size_t               len)
{
  Scan *scan = ctx;

  if (scan->where == IN_ROOT)
    {
      if (scan->has_items || len != 5 || memcmp (key, "items", 5) != 0)
        return FALSE;
      scan->has_items = TRUE;
      scan->where = AT_ITEMS;
      return TRUE;
    }
  if (scan->where != IN_ITEM)
    return FALSE;
  for (Field f = 0; f < N_FIELDS; f++)
    if (strlen (field_names[f]) == len && memcmp (field_names[f], key, len) == 0)
      {
        /* Twice: the tree keeps the last, the scanner leaves it to it. */
        if ((scan->seen & (1u << f)) != 0)
          return FALSE;
        scan->seen |= 1u << f;
        scan->field = f;
        scan->where = AT_VALUE;
        return TRUE;
      }
  return FALSE;
}

static int
scan_end_map (void *ctx)
{
  Scan *scan = ctx;

  if (scan->where == IN_ITEM)
    {
      if ((scan->seen & REQUIRED_FIELDS) != REQUIRED_FIELDS)
        return FALSE;
      g_array_append_val (scan->batch->fixes, scan->fix);
      scan->where = IN_ITEMS;
      return TRUE;
    }
  /* The end: stopped here, the scan checks what follows itself (yajl
   * lets an unfinished token after the value through). */
  if (scan->where == IN_ROOT && scan->has_items)
    scan->where = AT_END;
  return FALSE;
}

static int
scan_start_array (void *ctx)
{
  Scan *scan = ctx;

  if (scan->where != AT_ITEMS)
    return FALSE;
  scan->where = IN_ITEMS;
  return TRUE;
}

static int
scan_end_array (void *ctx)
{
  Scan *scan = ctx;

  if (scan->where != IN_ITEMS)
    return FALSE;
  scan->where = IN_ROOT;
  return TRUE;
}

static const yajl_callbacks scan_callbacks = {
  .yajl_null = scan_null,
  .yajl_boolean = scan_boolean,
  .yajl_number = scan_number,
  .yajl_string = scan_string,
  .yajl_start_map = scan_start_map,
  .yajl_map_key = scan_map_key,
  .yajl_end_map = scan_end_map,
  .yajl_start_array = scan_start_array,
  .yajl_end_array = scan_end_array,
};

/* Returns the fixes of @data when it is a valid batch in its plain form:
 * one "items" array of objects, each member at most once, numbers that
 * read the same in json-glib. NULL for anything else, valid or not, which
 * jb_position_batch_read_object () then reads from its tree. */
JbPositionBatch *
jb_position_batch_scan (const char *data,
                        gsize       len,
                        gint64      now)
{
  g_autoptr(JbPositionBatch) batch = batch_new ((guint) MIN (len / 64, 65536));
  Scan scan = { AT_START, FIELD_UNIT_ID, 0, FALSE, now, { NULL, { 0 } }, batch };
  yajl_handle handle;
  gboolean ok;

  /* yajl takes vertical tabs and form feeds for white space, JSON does
   * not (and a valid batch has them nowhere, raw). */
  if (memchr (data, '\v', len) != NULL || memchr (data, '\f', len) != NULL)
    return NULL;
  handle = yajl_alloc (&scan_callbacks, NULL, &scan);
  ok = yajl_parse (handle, (const unsigned char *) data, len) == yajl_status_client_canceled &&
       scan.where == AT_END;
  if (ok)
    for (gsize i = yajl_get_bytes_consumed (handle); i < len && ok; i++)
      ok = data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r';
  yajl_free (handle);
  return ok ? g_steal_pointer (&batch) : NULL;
}
