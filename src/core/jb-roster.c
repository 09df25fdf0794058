/* jb-roster.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-roster"

#include <stdio.h>
#include <string.h>

#include "jb-codec-private.h"
#include "jb-error.h"
#include "jb-json.h"
#include "jb-roster.h"

struct _JbRoster
{
  gatomicrefcount  ref_count;

  char            *date;
  char            *phone;
  JbRosterPerson   leader;
  GArray          *officers;   /* JbRosterPerson, strings owned */
};

G_DEFINE_BOXED_TYPE (JbRoster, jb_roster, jb_roster_ref, jb_roster_unref)

static void
person_clear (gpointer data)
{
  JbRosterPerson *person = data;

  g_free ((char *) person->name);
  g_free ((char *) person->phone);
  g_free ((char *) person->rank);
  g_free ((char *) person->unit_id);
  memset (person, 0, sizeof *person);
}

static JbRoster *
roster_new (void)
{
  JbRoster *self = g_new0 (JbRoster, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->officers = g_array_new (FALSE, TRUE, sizeof (JbRosterPerson));
  g_array_set_clear_func (self->officers, person_clear);
  return self;
}

JbRoster *
jb_roster_ref (JbRoster *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
jb_roster_unref (JbRoster *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->date);
      g_free (self->phone);
      person_clear (&self->leader);
      g_array_unref (self->officers);
      g_free (self);
    }
}

/* A person object: name and phone required, @extra (rank or unit_id)
 * optional. */
static gboolean
parse_person (JsonObject      *object,
              const char      *extra,
              JbRosterPerson  *person,
              GError         **error)
{
  char *name = NULL, *phone = NULL, *more = NULL;

  if (!_jb_codec_dup_string (object, "name", TRUE, &name, error) ||
      !_jb_codec_dup_string (object, "phone", TRUE, &phone, error) ||
      !_jb_codec_dup_string (object, extra, FALSE, &more, error))
    {
      g_free (name);
      g_free (phone);
      return FALSE;
    }
  person->name = name;
  person->phone = phone;
  if (g_str_equal (extra, "rank"))
    person->rank = more;
  else
    person->unit_id = more;
  return TRUE;
}

static gboolean
is_day (const char *text)
{
  guint year, month, day;
  char end;

  if (text == NULL || strlen (text) != 10 ||
      sscanf (text, "%4u-%2u-%2u%c", &year, &month, &day, &end) != 3 ||
      text[4] != '-' || text[7] != '-')
    return FALSE;
  return g_date_valid_dmy (day, month, year);
}

JbRoster *
jb_roster_new_from_json (JsonNode  *node,
                         GError   **error)
{
  g_autoptr(JbRoster) self = roster_new ();
  JsonObject *object, *leader = NULL;
  JsonArray *officers = NULL;

  if (!_jb_codec_root_object (node, "roster", &object, error))
    return NULL;

  if (!_jb_codec_dup_string (object, "date", TRUE, &self->date, error) ||
      !_jb_codec_dup_string (object, "phone", TRUE, &self->phone, error) ||
      !jb_json_get_object (object, "leader", TRUE, &leader, error) ||
      !jb_json_get_array (object, "officers", TRUE, &officers, error))
    return NULL;

  if (!is_day (self->date))
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE,
                   "\"%s\" is not a valid value for \"date\" (YYYY-MM-DD).", self->date);
      return NULL;
    }

  if (!parse_person (leader, "rank", &self->leader, error))
    {
      g_prefix_error (error, "leader: ");
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (officers); i++)
    {
      JsonNode *element = json_array_get_element (officers, i);
      JbRosterPerson officer = { 0, };

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, JB_ERROR, JB_ERROR_INVALID_TYPE,
                       "The field \"officers[%u]\" must be an object.", i);
          return NULL;
        }
      if (!parse_person (json_node_get_object (element), "unit_id", &officer, error))
        {
          g_prefix_error (error, "officers[%u]: ", i);
          return NULL;
        }
      g_array_append_val (self->officers, officer);
    }

  return g_steal_pointer (&self);
}

static void
add_person (JsonBuilder          *builder,
            const JbRosterPerson *person,
            gboolean              leader)
{
  json_builder_begin_object (builder);
  _jb_codec_add_string (builder, "name", person->name);
  _jb_codec_add_string (builder, "phone", person->phone);
  /* Absent rather than null: the server writes them only when known. */
  if (leader && person->rank != NULL)
    _jb_codec_add_string (builder, "rank", person->rank);
  if (!leader && person->unit_id != NULL)
    _jb_codec_add_string (builder, "unit_id", person->unit_id);
  json_builder_end_object (builder);
}

JsonNode *
jb_roster_to_json (const JbRoster *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  _jb_codec_add_string (builder, "date", self->date);
  json_builder_set_member_name (builder, "leader");
  add_person (builder, &self->leader, TRUE);
  json_builder_set_member_name (builder, "officers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->officers->len; i++)
    add_person (builder, &g_array_index (self->officers, JbRosterPerson, i), FALSE);
  json_builder_end_array (builder);
  _jb_codec_add_string (builder, "phone", self->phone);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

const char *
jb_roster_get_date (const JbRoster *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->date;
}

const char *
jb_roster_get_phone (const JbRoster *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->phone;
}

const JbRosterPerson *
jb_roster_get_leader (const JbRoster *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return &self->leader;
}

guint
jb_roster_get_n_officers (const JbRoster *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->officers->len;
}

const JbRosterPerson *
jb_roster_get_officer (const JbRoster *self,
                       guint           i)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (i < self->officers->len, NULL);
  return &g_array_index (self->officers, JbRosterPerson, i);
}
