/* jb-dispatch-import.c — loading the demo city into an empty database
 *
 * One transaction, no events: clients load the snapshot, whose seq is
 * unchanged by the import.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-dispatch"

#include "jb-dispatch-private.h"

#include <sodium.h>
#include <string.h>

static gboolean
import_stations (JbDispatch  *self,
                 GPtrArray   *stations,
                 GError     **error)
{
  for (guint i = 0; stations != NULL && i < stations->len; i++)
    if (!jb_storage_insert_station (self->storage, g_ptr_array_index (stations, i), error))
      return FALSE;
  return TRUE;
}

/* The demo city dates its fixes and "last seen" times at midnight, so that
 * a seed always gives the same city; a fresh database takes them as of the
 * import, or a new demo would show every unit stale until it reports. */
static gboolean
import_units (JbDispatch  *self,
              GPtrArray   *units,
              gint64       now,
              GError     **error)
{
  for (guint i = 0; units != NULL && i < units->len; i++)
    {
      JsonObject *unit = g_ptr_array_index (units, i);
      JsonObject *position = _jb_member_object (unit, "position");

      json_object_set_int_member (unit, "updated_at", now);
      if (position != NULL && json_object_has_member (position, "time"))
        json_object_set_int_member (position, "time", now);
      if (_jb_member_string (unit, "status") == NULL)
        json_object_set_string_member (unit, "status", "available");
      if (!jb_storage_insert_unit (self->storage, unit, error))
        return FALSE;
    }
  return TRUE;
}

/* A gateway relays for its organisation: the demo may name it with
 * "org_id", else it is the organisation of the terminal's unit. */
static void
fill_terminal_org (JbDispatch *self,
                   JsonObject *terminal)
{
  const char *unit_id = _jb_member_string (terminal, "unit_id");
  g_autoptr(JsonObject) unit = NULL;

  if (_jb_member_string (terminal, "org_id") != NULL)
    return;
  if (unit_id != NULL && (unit = _jb_dispatch_get_unit (self, unit_id)) != NULL &&
      _jb_member_string (unit, "org_id") != NULL)
    json_object_set_string_member (terminal, "org_id", _jb_member_string (unit, "org_id"));
  else
    json_object_set_null_member (terminal, "org_id");
}

static gboolean
import_terminals (JbDispatch  *self,
                  GPtrArray   *terminals,
                  gint64       now,
                  GError     **error)
{
  for (guint i = 0; terminals != NULL && i < terminals->len; i++)
    {
      JsonObject *terminal = g_ptr_array_index (terminals, i);
      const char *id = _jb_member_string (terminal, "id");
      g_autofree char *secret = g_strdup (_jb_member_string (terminal, "secret"));
      guint8 hash[JB_HASH_BYTES];

      if (id == NULL)
        continue;
      if (secret == NULL)
        secret = jb_demo_terminal_secret (id);
      crypto_generichash (hash, sizeof hash, (const guint8 *) secret, strlen (secret), NULL, 0);
      if (json_object_has_member (terminal, "secret"))
        json_object_remove_member (terminal, "secret");
      fill_terminal_org (self, terminal);
      if (_jb_member_int (terminal, "last_seen_at", -1) >= 0)
        json_object_set_int_member (terminal, "last_seen_at", now);
      if (!jb_storage_insert_terminal (self->storage, terminal, hash, sizeof hash, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
import_users (JbDispatch  *self,
              GPtrArray   *users,
              GError     **error)
{
  for (guint i = 0; users != NULL && i < users->len; i++)
    {
      JsonObject *user = g_ptr_array_index (users, i);
      const char *password = _jb_member_string (user, "password");
      char hash[crypto_pwhash_STRBYTES];

      if (password == NULL || _jb_member_string (user, "username") == NULL)
        continue;
      if (crypto_pwhash_str (hash, password, strlen (password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        {
          g_set_error_literal (error, JB_ERROR, JB_ERROR_INTERNAL, "Out of memory hashing a password.");
          return FALSE;
        }
      if (!jb_storage_insert_user (self->storage, _jb_member_string (user, "username"), hash,
                                   _jb_member_string (user, "display_name") ?: _jb_member_string (user, "username"),
                                   _jb_member_string (user, "role") ?: "viewer",
                                   _jb_member_string (user, "station_id"), error))
        return FALSE;
      /* More stations for a duty room that commands several. */
      if (json_object_has_member (user, "station_ids") &&
          JSON_NODE_HOLDS_ARRAY (json_object_get_member (user, "station_ids")))
        {
          JsonArray *ids = json_object_get_array_member (user, "station_ids");

          for (guint j = 0; j < json_array_get_length (ids); j++)
            {
              JsonNode *id = json_array_get_element (ids, j);

              if (JSON_NODE_HOLDS_VALUE (id) && json_node_get_value_type (id) == G_TYPE_STRING &&
                  !jb_storage_add_user_station (self->storage, _jb_member_string (user, "username"),
                                                json_node_get_string (id), error))
                return FALSE;
            }
        }
    }
  return TRUE;
}

static gboolean
import_city (JbDispatch  *self,
             JsonObject  *city,
             GError     **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  if (city == NULL)
    return TRUE;
  node = json_node_init_object (json_node_alloc (), city);
  text = jb_json_to_string (node, NULL);
  return jb_storage_set_meta (self->storage, "city", text, error);
}

gboolean
jb_dispatch_import_demo (JbDispatch  *self,
                         JbDemoCity  *city,
                         GError     **error)
{
  g_autoptr(GPtrArray) terminals = NULL;
  gint64 now = _jb_now_ms ();

  g_return_val_if_fail (JB_IS_DISPATCH (self), FALSE);
  g_return_val_if_fail (city != NULL, FALSE);

  if (!jb_storage_is_empty (self->storage))
    {
      g_autoptr(GPtrArray) grids = jb_storage_list_grids (self->storage, NULL);

      g_message ("The database already holds data: the demo city is not imported again.");
      /* A demo database from before grids existed gets the demo's grids. */
      if (grids != NULL && grids->len == 0)
        {
          if (!jb_storage_begin_write (self->storage, error))
            return FALSE;
          if (!_jb_dispatch_import_demo_grids (self, city, error) || !jb_storage_commit (self->storage, error))
            {
              jb_storage_rollback (self->storage);
              return FALSE;
            }
          g_message ("Added the demo's grids to the demo city.");
        }
      return TRUE;
    }
  if (!jb_storage_begin_write (self->storage, error))
    return FALSE;
  if (!import_city (self, city->city, error) ||
      !import_stations (self, city->stations, error) ||
      !import_units (self, city->units, now, error) ||
      !import_terminals (self, city->terminals, now, error) ||
      !import_users (self, city->users, error) ||
      !_jb_dispatch_import_demo_grids (self, city, error) ||
      !jb_storage_commit (self->storage, error))
    {
      jb_storage_rollback (self->storage);
      return FALSE;
    }
  g_message ("Imported the demo city: %u stations, %u units, %u terminals, %u users.",
             city->stations != NULL ? city->stations->len : 0, city->units != NULL ? city->units->len : 0,
             city->terminals != NULL ? city->terminals->len : 0, city->users != NULL ? city->users->len : 0);

  /* Reload what the dispatcher keeps in memory. */
  _jb_dispatch_load_city (self);
  _jb_dispatch_reload_stations (self);
  terminals = jb_storage_list_terminals (self->storage, NULL);
  for (guint i = 0; terminals != NULL && i < terminals->len; i++)
    _jb_dispatch_track_terminal (self, g_ptr_array_index (terminals, i));
  return TRUE;
}
