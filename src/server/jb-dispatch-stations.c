/* jb-dispatch-stations.c — station commands: the duty roster
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-dispatch"

#include "jb-dispatch-private.h"

#include <string.h>

#define MAX_NAME_CHARS   64
#define MAX_RANK_CHARS   32
#define MAX_PHONE_CHARS  32
#define MAX_OFFICERS     50

static gboolean
invalid (GError     **error,
         JbErrorCode  code,
         const char  *where,
         const char  *message)
{
  g_set_error (error, JB_ERROR, code, "%s%s", where, message);
  return FALSE;
}

/* A required or optional string of 1 to @max_chars characters, copied into
 * @into under the same name. */
static gboolean
copy_text (JsonObject   *from,
           JsonObject   *into,
           const char   *member,
           gboolean      required,
           glong         max_chars,
           const char   *where,
           GError      **error)
{
  const char *text = NULL;
  glong n;

  if (!jb_json_get_string (from, member, required, &text, error))
    {
      g_prefix_error (error, "%s", where);
      return FALSE;
    }
  if (text == NULL)
    return TRUE;
  n = g_utf8_strlen (text, -1);
  if (n < 1 || n > max_chars)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE,
                   "%sThe field \"%s\" must have 1 to %ld characters.", where, member, max_chars);
      return FALSE;
    }
  json_object_set_string_member (into, member, text);
  return TRUE;
}

/* Loosely a phone number: digits with "+", "-", spaces and parentheses,
 * 3 to 20 digits, at most MAX_PHONE_CHARS characters. */
static gboolean
copy_phone (JsonObject   *from,
            JsonObject   *into,
            const char   *where,
            GError      **error)
{
  const char *phone = NULL;
  guint digits = 0;
  gsize len;

  if (!jb_json_get_string (from, "phone", TRUE, &phone, error))
    {
      g_prefix_error (error, "%s", where);
      return FALSE;
    }
  len = strlen (phone);
  for (gsize i = 0; i < len; i++)
    {
      if (g_ascii_isdigit (phone[i]))
        digits++;
      else if (strchr ("+- ()", phone[i]) == NULL)
        return invalid (error, JB_ERROR_INVALID_VALUE, where,
                        "The field \"phone\" may hold only digits, \"+\", \"-\", spaces and parentheses.");
    }
  if (len > MAX_PHONE_CHARS || digits < 3 || digits > 20)
    return invalid (error, JB_ERROR_INVALID_VALUE, where,
                    "The field \"phone\" must be a phone number of 3 to 20 digits.");
  json_object_set_string_member (into, "phone", phone);
  return TRUE;
}

static gboolean
read_date (JsonObject   *body,
           JsonObject   *roster,
           GError      **error)
{
  const char *date = NULL;
  gboolean shaped;

  if (!jb_json_get_string (body, "date", TRUE, &date, error))
    return FALSE;
  shaped = strlen (date) == 10;
  for (guint i = 0; shaped && i < 10; i++)
    shaped = (i == 4 || i == 7) ? date[i] == '-' : g_ascii_isdigit (date[i]);
  if (!shaped ||
      !g_date_valid_dmy ((GDateDay) g_ascii_strtoull (date + 8, NULL, 10),
                         (GDateMonth) g_ascii_strtoull (date + 5, NULL, 10),
                         (GDateYear) g_ascii_strtoull (date, NULL, 10)))
    return invalid (error, JB_ERROR_INVALID_VALUE, "",
                    "The field \"date\" must be a day written YYYY-MM-DD.");
  json_object_set_string_member (roster, "date", date);
  return TRUE;
}

static gboolean
read_leader (JsonObject   *body,
             JsonObject   *roster,
             GError      **error)
{
  static const char * const allowed[] = { "name", "phone", "rank", NULL };
  g_autoptr(JsonObject) leader = json_object_new ();
  JsonObject *given = NULL;

  if (!jb_json_get_object (body, "leader", TRUE, &given, error))
    return FALSE;
  if (!jb_json_check_members (given, allowed, error))
    {
      g_prefix_error (error, "leader: ");
      return FALSE;
    }
  if (!copy_text (given, leader, "name", TRUE, MAX_NAME_CHARS, "leader: ", error) ||
      !copy_phone (given, leader, "leader: ", error) ||
      !copy_text (given, leader, "rank", FALSE, MAX_RANK_CHARS, "leader: ", error))
    return FALSE;
  json_object_set_object_member (roster, "leader", g_steal_pointer (&leader));
  return TRUE;
}

static gboolean
read_officer (JbRequest    *req,
              JsonNode     *node,
              guint         i,
              JsonArray    *officers,
              GError      **error)
{
  static const char * const allowed[] = { "name", "phone", "unit_id", NULL };
  g_autofree char *where = g_strdup_printf ("officers[%u]: ", i);
  g_autoptr(JsonObject) officer = json_object_new ();
  g_autoptr(JsonObject) unit = NULL;
  JsonObject *given;
  const char *unit_id = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, JB_ERROR_INVALID_TYPE, where, "An officer must be an object.");
  given = json_node_get_object (node);
  if (!jb_json_check_members (given, allowed, error))
    {
      g_prefix_error (error, "%s", where);
      return FALSE;
    }
  if (!copy_text (given, officer, "name", TRUE, MAX_NAME_CHARS, where, error) ||
      !copy_phone (given, officer, where, error))
    return FALSE;
  if (!jb_json_get_string (given, "unit_id", FALSE, &unit_id, error))
    {
      g_prefix_error (error, "%s", where);
      return FALSE;
    }
  if (unit_id != NULL)
    {
      unit = _jb_dispatch_get_unit (req->self, unit_id);
      if (unit == NULL)
        {
          g_set_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE, "%sThere is no unit \"%s\".",
                       where, unit_id);
          return FALSE;
        }
      json_object_set_string_member (officer, "unit_id", unit_id);
    }
  json_array_add_object_element (officers, g_steal_pointer (&officer));
  return TRUE;
}

static gboolean
read_officers (JbRequest    *req,
               JsonObject   *roster,
               GError      **error)
{
  g_autoptr(JsonArray) officers = json_array_new ();
  JsonArray *given = NULL;
  guint n;

  if (!jb_json_get_array (req->body, "officers", TRUE, &given, error))
    return FALSE;
  n = json_array_get_length (given);
  if (n > MAX_OFFICERS)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE,
                   "A roster has at most %d duty officers.", MAX_OFFICERS);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    if (!read_officer (req, json_array_get_element (given, i), i, officers, error))
      return FALSE;
  json_object_set_array_member (roster, "officers", g_steal_pointer (&officers));
  return TRUE;
}

/* PUT /stations/{id}/roster: the whole roster replaces the old one. */
gboolean
_jb_route_station_roster (JbRequest  *req,
                          GError    **error)
{
  static const char * const allowed[] = { "date", "leader", "officers", "phone", NULL };
  g_autoptr(JsonObject) station = NULL;
  g_autoptr(JsonObject) roster = json_object_new ();
  const char *station_id = req->parts[1];

  if (!_jb_request_require_commander (req, error))
    return FALSE;
  station = jb_storage_get_station (req->self->storage, station_id);
  if (station == NULL)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_NOT_FOUND, "There is no station \"%s\".", station_id);
      return FALSE;
    }
  if (!_jb_request_may_command (req, station_id, "station", error) ||
      !_jb_request_check_members (req, allowed, error) ||
      !read_date (req->body, roster, error) ||
      !read_leader (req->body, roster, error) ||
      !read_officers (req, roster, error) ||
      !copy_phone (req->body, roster, "", error))
    return FALSE;

  json_object_set_object_member (station, "roster", g_steal_pointer (&roster));
  if (!jb_storage_update_station (req->self->storage, station, error) ||
      !_jb_dispatch_emit_object (req->self, "station.updated", req->now, "station", station, NULL,
                                 error))
    return FALSE;
  _jb_request_answer (req, 200, station);
  return TRUE;
}
