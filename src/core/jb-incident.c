/* jb-incident.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-incident"

#include "jb-incident-private.h"

#include <string.h>

#include "jb-clip-private.h"
#include "jb-codec-private.h"
#include "jb-enum-types.h"
#include "jb-json.h"

typedef struct
{
  char             *id;
  char             *number;
  JbIncidentType    type;
  gint64            priority;
  JbIncidentStatus  status;
  JbIncidentSource  source;
  char             *terminal_id;
  char             *reported_by;
  double            lat;
  double            lon;
  char             *address;
  JsonObject       *venue;
  char             *venue_name;
  char             *station_id;
  char             *description;
  char             *acknowledged_by;
  gint64            created_at;
  gint64            acknowledged_at;
  gint64            dispatched_at;
  gint64            on_scene_at;
  gint64            resolved_at;
  gint64            closed_at;
  gint64            first_guard_on_scene_at;
  gint64            first_police_on_scene_at;
  gint64            updated_at;
  int               disposition;
  GArray           *assignments;  /* JbAssignment */
  GArray           *procedure;    /* JbProcedureEntry */
  GArray           *notes;        /* JbNote */
  GArray           *timeline;     /* JbTimelineEntry */
  GArray           *callouts;     /* JbCallout */
  GPtrArray        *clips;        /* JbClip, parsed; NULL when the member was absent */
  gboolean          has_clips;    /* the member was present */
} IncidentData;

struct _JbIncident
{
  GObject      parent_instance;

  IncidentData d;
  /* JbClip, oldest first; lives as long as the incident so a view bound
   * to it stays live across updates. */
  GListStore  *clips;
};

G_DEFINE_FINAL_TYPE (JbIncident, jb_incident, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NUMBER,
  PROP_TYPE,
  PROP_PRIORITY,
  PROP_STATUS,
  PROP_STATION_ID,
  PROP_ADDRESS,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_N_ASSIGNMENTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
assignment_clear (gpointer data)
{
  JbAssignment *a = data;

  g_clear_pointer (&a->unit_id, g_free);
  g_clear_pointer (&a->assigned_by, g_free);
}

static void
procedure_entry_clear (gpointer data)
{
  JbProcedureEntry *p = data;

  g_clear_pointer (&p->unit_id, g_free);
}

static void
note_clear (gpointer data)
{
  JbNote *n = data;

  g_clear_pointer (&n->by, g_free);
  g_clear_pointer (&n->text, g_free);
}

static void
timeline_entry_clear (gpointer data)
{
  JbTimelineEntry *t = data;

  g_clear_pointer (&t->by, g_free);
}

static void callout_clear (gpointer data);

static void
incident_data_clear (IncidentData *d)
{
  g_clear_pointer (&d->id, g_free);
  g_clear_pointer (&d->number, g_free);
  g_clear_pointer (&d->terminal_id, g_free);
  g_clear_pointer (&d->reported_by, g_free);
  g_clear_pointer (&d->address, g_free);
  g_clear_pointer (&d->venue, json_object_unref);
  g_clear_pointer (&d->venue_name, g_free);
  g_clear_pointer (&d->station_id, g_free);
  g_clear_pointer (&d->description, g_free);
  g_clear_pointer (&d->acknowledged_by, g_free);
  g_clear_pointer (&d->assignments, g_array_unref);
  g_clear_pointer (&d->procedure, g_array_unref);
  g_clear_pointer (&d->notes, g_array_unref);
  g_clear_pointer (&d->timeline, g_array_unref);
  g_clear_pointer (&d->callouts, g_array_unref);
  g_clear_pointer (&d->clips, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (IncidentData, incident_data_clear)

static void
incident_data_init (IncidentData *d)
{
  memset (d, 0, sizeof *d);
  d->disposition = -1;
  d->priority = 4;
  d->assignments = g_array_new (FALSE, TRUE, sizeof (JbAssignment));
  g_array_set_clear_func (d->assignments, assignment_clear);
  d->procedure = g_array_new (FALSE, TRUE, sizeof (JbProcedureEntry));
  g_array_set_clear_func (d->procedure, procedure_entry_clear);
  d->notes = g_array_new (FALSE, TRUE, sizeof (JbNote));
  g_array_set_clear_func (d->notes, note_clear);
  d->timeline = g_array_new (FALSE, TRUE, sizeof (JbTimelineEntry));
  g_array_set_clear_func (d->timeline, timeline_entry_clear);
  d->callouts = g_array_new (FALSE, TRUE, sizeof (JbCallout));
  g_array_set_clear_func (d->callouts, callout_clear);
}

/* Each array element is an object; @what names the array in errors. */
static JsonObject *
element_object (JsonArray   *array,
                guint        i,
                const char  *what,
                GError     **error)
{
  JsonNode *node = json_array_get_element (array, i);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INVALID_TYPE,
                   "The field \"%s[%u]\" must be an object.", what, i);
      return NULL;
    }
  return json_node_get_object (node);
}

static gboolean
parse_assignments (JsonArray     *array,
                   IncidentData  *d,
                   GError       **error)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *o = element_object (array, i, "assignments", error);
      JbAssignment a = { 0, };
      int state = 0;

      if (o == NULL)
        return FALSE;

      if (!_jb_codec_dup_string (o, "unit_id", TRUE, &a.unit_id, error) ||
          !jb_json_get_enum (o, "state", TRUE, JB_ENUM_PARSER (jb_assignment_state_from_string), &state, error) ||
          !_jb_codec_get_time (o, "assigned_at", &a.assigned_at, error) ||
          !_jb_codec_get_time (o, "accepted_at", &a.accepted_at, error) ||
          !_jb_codec_get_time (o, "en_route_at", &a.en_route_at, error) ||
          !_jb_codec_get_time (o, "on_scene_at", &a.on_scene_at, error) ||
          !_jb_codec_get_time (o, "released_at", &a.released_at, error) ||
          !_jb_codec_dup_string (o, "assigned_by", FALSE, &a.assigned_by, error))
        {
          assignment_clear (&a);
          g_prefix_error (error, "assignments[%u]: ", i);
          return FALSE;
        }
      a.state = state;
      g_array_append_val (d->assignments, a);
    }

  return TRUE;
}

static gboolean
parse_procedure (JsonArray     *array,
                 IncidentData  *d,
                 GError       **error)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *o = element_object (array, i, "procedure", error);
      JbProcedureEntry p = { 0, };
      int step = 0;

      if (o == NULL)
        return FALSE;

      if (!_jb_codec_dup_string (o, "unit_id", TRUE, &p.unit_id, error) ||
          !jb_json_get_enum (o, "step", TRUE, JB_ENUM_PARSER (jb_procedure_step_from_string), &step, error) ||
          !_jb_codec_get_time (o, "at", &p.at, error))
        {
          procedure_entry_clear (&p);
          g_prefix_error (error, "procedure[%u]: ", i);
          return FALSE;
        }
      p.step = step;
      g_array_append_val (d->procedure, p);
    }

  return TRUE;
}

static const char * const callout_states[] = { "called", "accepted", "en_route", "arrived", "declined" };

static void
responder_clear (gpointer data)
{
  g_clear_pointer (&((JbCalloutResponder *) data)->unit_id, g_free);
}

static void
callout_clear (gpointer data)
{
  JbCallout *c = data;

  g_clear_pointer (&c->id, g_free);
  g_clear_pointer (&c->message, g_free);
  g_clear_pointer (&c->grid_id, g_free);
  g_clear_pointer (&c->responders, g_array_unref);
}

static gboolean
parse_callouts (JsonArray     *array,
                IncidentData  *d,
                GError       **error)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *o = element_object (array, i, "callouts", error);
      JsonObject *counts = NULL;
      JsonArray *responders = NULL;
      gint64 n[5] = { 0 };
      JbCallout c = { 0, };

      if (o == NULL)
        return FALSE;
      c.responders = g_array_new (FALSE, TRUE, sizeof (JbCalloutResponder));
      g_array_set_clear_func (c.responders, responder_clear);
      if (!_jb_codec_dup_string (o, "id", TRUE, &c.id, error) ||
          !_jb_codec_dup_string (o, "message", FALSE, &c.message, error) ||
          !_jb_codec_dup_string (o, "grid_id", FALSE, &c.grid_id, error) ||
          !jb_json_get_int (o, "radius_m", FALSE, &c.radius_m, error) ||
          !_jb_codec_get_time (o, "created_at", &c.created_at, error) ||
          !jb_json_get_object (o, "counts", FALSE, &counts, error) ||
          !jb_json_get_array (o, "responders", FALSE, &responders, error) ||
          (counts != NULL &&
           (!jb_json_get_int (counts, "called", FALSE, &n[0], error) ||
            !jb_json_get_int (counts, "accepted", FALSE, &n[1], error) ||
            !jb_json_get_int (counts, "en_route", FALSE, &n[2], error) ||
            !jb_json_get_int (counts, "arrived", FALSE, &n[3], error) ||
            !jb_json_get_int (counts, "declined", FALSE, &n[4], error))))
        {
          callout_clear (&c);
          g_prefix_error (error, "callouts[%u]: ", i);
          return FALSE;
        }
      c.called = (guint) MAX (n[0], 0);
      c.accepted = (guint) MAX (n[1], 0);
      c.en_route = (guint) MAX (n[2], 0);
      c.arrived = (guint) MAX (n[3], 0);
      c.declined = (guint) MAX (n[4], 0);
      for (guint k = 0; responders != NULL && k < json_array_get_length (responders); k++)
        {
          JsonObject *r = json_array_get_object_element (responders, k);
          const char *unit_id = NULL, *state = NULL;
          JbCalloutResponder responder = { NULL, JB_CALLOUT_CALLED };

          if (r == NULL || !jb_json_get_string (r, "unit_id", FALSE, &unit_id, NULL) || unit_id == NULL ||
              !jb_json_get_string (r, "state", FALSE, &state, NULL))
            continue;
          for (guint s = 0; s < G_N_ELEMENTS (callout_states); s++)
            if (g_strcmp0 (state, callout_states[s]) == 0)
              responder.state = (JbCalloutState) s;
          responder.unit_id = g_strdup (unit_id);
          g_array_append_val (c.responders, responder);
        }
      g_array_append_val (d->callouts, c);
    }
  return TRUE;
}

static gboolean
parse_notes (JsonArray     *array,
             IncidentData  *d,
             GError       **error)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *o = element_object (array, i, "notes", error);
      JbNote n = { 0, };

      if (o == NULL)
        return FALSE;

      if (!_jb_codec_get_time (o, "at", &n.at, error) ||
          !_jb_codec_dup_string (o, "by", FALSE, &n.by, error) ||
          !_jb_codec_dup_string (o, "text", TRUE, &n.text, error))
        {
          note_clear (&n);
          g_prefix_error (error, "notes[%u]: ", i);
          return FALSE;
        }
      g_array_append_val (d->notes, n);
    }

  return TRUE;
}

static gboolean
parse_timeline (JsonArray     *array,
                IncidentData  *d,
                GError       **error)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *o = element_object (array, i, "timeline", error);
      JbTimelineEntry t = { 0, };
      int status = 0;

      if (o == NULL)
        return FALSE;

      if (!_jb_codec_get_time (o, "time", &t.time, error) ||
          !jb_json_get_enum (o, "status", TRUE, JB_ENUM_PARSER (jb_incident_status_from_string), &status, error) ||
          !_jb_codec_dup_string (o, "by", FALSE, &t.by, error))
        {
          timeline_entry_clear (&t);
          g_prefix_error (error, "timeline[%u]: ", i);
          return FALSE;
        }
      t.status = status;
      g_array_append_val (d->timeline, t);
    }

  return TRUE;
}

static gboolean
parse_clips (JsonArray     *array,
             IncidentData  *d,
             GError       **error)
{
  if (array == NULL)
    return TRUE;

  d->has_clips = TRUE;
  d->clips = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JbClip *clip = jb_clip_new_from_json (json_array_get_element (array, i), error);

      if (clip == NULL)
        {
          g_prefix_error (error, "clips[%u]: ", i);
          return FALSE;
        }
      g_ptr_array_add (d->clips, clip);
    }

  return TRUE;
}

/* Unknown members are tolerated: the client reads what the server wrote,
 * and a newer server may add members (forward compatibility). */
static gboolean
incident_data_parse (JsonNode      *node,
                     IncidentData  *d,
                     GError       **error)
{
  JsonObject *object;
  JsonObject *venue = NULL;
  JsonArray *assignments = NULL, *procedure = NULL, *notes = NULL, *timeline = NULL, *callouts = NULL;
  JsonArray *clips = NULL;
  int type = 0, status = 0, source = JB_INCIDENT_SOURCE_PHONE, disposition = -1;
  gboolean has_location = FALSE;

  incident_data_init (d);

  if (!_jb_codec_root_object (node, "incident", &object, error))
    return FALSE;

  if (!_jb_codec_dup_string (object, "id", TRUE, &d->id, error) ||
      !_jb_codec_dup_string (object, "number", FALSE, &d->number, error) ||
      !jb_json_get_enum (object, "type", TRUE, JB_ENUM_PARSER (jb_incident_type_from_string), &type, error) ||
      !jb_json_get_int (object, "priority", TRUE, &d->priority, error) ||
      !jb_json_get_enum (object, "status", TRUE, JB_ENUM_PARSER (jb_incident_status_from_string), &status, error) ||
      !jb_json_get_enum (object, "source", FALSE, JB_ENUM_PARSER (jb_incident_source_from_string), &source, error) ||
      !_jb_codec_dup_string (object, "terminal_id", FALSE, &d->terminal_id, error) ||
      !_jb_codec_dup_string (object, "reported_by", FALSE, &d->reported_by, error) ||
      !_jb_codec_get_location (object, "location", TRUE, &has_location, &d->lat, &d->lon, error) ||
      !_jb_codec_dup_string (object, "address", FALSE, &d->address, error) ||
      !jb_json_get_object (object, "venue", FALSE, &venue, error) ||
      !_jb_codec_dup_string (object, "station_id", FALSE, &d->station_id, error) ||
      !_jb_codec_dup_string (object, "description", FALSE, &d->description, error) ||
      !_jb_codec_dup_string (object, "acknowledged_by", FALSE, &d->acknowledged_by, error) ||
      !_jb_codec_get_time (object, "created_at", &d->created_at, error) ||
      !_jb_codec_get_time (object, "acknowledged_at", &d->acknowledged_at, error) ||
      !_jb_codec_get_time (object, "dispatched_at", &d->dispatched_at, error) ||
      !_jb_codec_get_time (object, "on_scene_at", &d->on_scene_at, error) ||
      !_jb_codec_get_time (object, "resolved_at", &d->resolved_at, error) ||
      !_jb_codec_get_time (object, "closed_at", &d->closed_at, error) ||
      !_jb_codec_get_time (object, "first_guard_on_scene_at", &d->first_guard_on_scene_at, error) ||
      !_jb_codec_get_time (object, "first_police_on_scene_at", &d->first_police_on_scene_at, error) ||
      !_jb_codec_get_time (object, "updated_at", &d->updated_at, error) ||
      !jb_json_get_enum (object, "disposition", FALSE, JB_ENUM_PARSER (jb_disposition_from_string), &disposition, error) ||
      !jb_json_get_array (object, "assignments", FALSE, &assignments, error) ||
      !jb_json_get_array (object, "procedure", FALSE, &procedure, error) ||
      !jb_json_get_array (object, "notes", FALSE, &notes, error) ||
      !jb_json_get_array (object, "timeline", FALSE, &timeline, error) ||
      !jb_json_get_array (object, "callouts", FALSE, &callouts, error) ||
      !jb_json_get_array (object, "clips", FALSE, &clips, error))
    return FALSE;

  if (d->priority < 1 || d->priority > 4)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE,
                   "The field \"priority\" must be 1 to 4, not %" G_GINT64_FORMAT ".",
                   d->priority);
      return FALSE;
    }

  d->type = type;
  d->status = status;
  d->source = source;
  d->disposition = disposition;

  if (venue != NULL)
    {
      const char *venue_name = NULL;

      if (!jb_json_get_string (venue, "name", FALSE, &venue_name, error))
        {
          g_prefix_error (error, "venue: ");
          return FALSE;
        }
      d->venue = json_object_ref (venue);
      d->venue_name = g_strdup (venue_name);
    }

  return parse_assignments (assignments, d, error) &&
         parse_procedure (procedure, d, error) &&
         parse_notes (notes, d, error) &&
         parse_timeline (timeline, d, error) &&
         parse_callouts (callouts, d, error) &&
         parse_clips (clips, d, error);
}

static guint
clips_find (GListStore *clips,
            const char *id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (clips));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JbClip) clip = g_list_model_get_item (G_LIST_MODEL (clips), i);

      if (g_strcmp0 (jb_clip_get_id (clip), id) == 0)
        return i;
    }
  return G_MAXUINT;
}

/* The incident's clips become @fresh's: clips that stay are updated in
 * place; the list is spliced only when the ids or their order changed. */
static void
clips_merge (GListStore *clips,
             GPtrArray  *fresh)
{
  GListModel *model = G_LIST_MODEL (clips);
  guint n_old = g_list_model_get_n_items (model);
  gboolean same = n_old == fresh->len;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < fresh->len; i++)
    {
      JbClip *clip = g_ptr_array_index (fresh, i);
      guint pos = clips_find (clips, jb_clip_get_id (clip));

      if (pos != G_MAXUINT)
        {
          g_autoptr(JbClip) old = g_list_model_get_item (model, pos);

          _jb_clip_update_from_clip (old, clip);
          g_ptr_array_add (items, g_object_ref (old));
        }
      else
        g_ptr_array_add (items, g_object_ref (clip));
      same = same && pos == i;
    }

  if (!same)
    g_list_store_splice (clips, 0, n_old, items->pdata, items->len);
}

static void
incident_apply_data (JbIncident   *self,
                     IncidentData *d,
                     gboolean      notify)
{
  IncidentData old = self->d;
  gboolean changed[N_PROPS] = { FALSE, };

  changed[PROP_NUMBER] = !_jb_codec_str_equal (old.number, d->number);
  changed[PROP_TYPE] = old.type != d->type;
  changed[PROP_PRIORITY] = old.priority != d->priority;
  changed[PROP_STATUS] = old.status != d->status;
  changed[PROP_STATION_ID] = !_jb_codec_str_equal (old.station_id, d->station_id);
  changed[PROP_ADDRESS] = !_jb_codec_str_equal (old.address, d->address);
  changed[PROP_CREATED_AT] = old.created_at != d->created_at;
  changed[PROP_UPDATED_AT] = old.updated_at != d->updated_at;
  changed[PROP_N_ASSIGNMENTS] = old.assignments == NULL ||
                                old.assignments->len != d->assignments->len;

  if (old.id != NULL)
    {
      g_free (d->id);
      d->id = old.id;
      old.id = NULL;
    }
  self->d = *d;
  memset (d, 0, sizeof *d);
  incident_data_clear (&old);

  /* An incident object without the member (an older server) keeps them. */
  if (self->d.clips != NULL)
    {
      clips_merge (self->clips, self->d.clips);
      g_clear_pointer (&self->d.clips, g_ptr_array_unref);
    }

  if (!notify)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  for (guint prop = PROP_NUMBER; prop < N_PROPS; prop++)
    if (changed[prop])
      g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  g_object_thaw_notify (G_OBJECT (self));
}

JbIncident *
jb_incident_new_from_json (JsonNode  *node,
                           GError   **error)
{
  g_auto(IncidentData) d = { 0, };
  JbIncident *self;

  if (!incident_data_parse (node, &d, error))
    return NULL;

  self = g_object_new (JB_TYPE_INCIDENT, NULL);
  incident_apply_data (self, &d, FALSE);
  return self;
}

gboolean
_jb_incident_update_from_json (JbIncident  *self,
                               JsonNode    *node,
                               GError     **error)
{
  g_auto(IncidentData) d = { 0, };

  g_return_val_if_fail (JB_IS_INCIDENT (self), FALSE);

  if (!incident_data_parse (node, &d, error))
    return FALSE;
  if (g_strcmp0 (d.id, self->d.id) != 0)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE,
                   "Incident \"%s\" cannot become \"%s\".", self->d.id, d.id);
      return FALSE;
    }

  incident_apply_data (self, &d, TRUE);
  return TRUE;
}

void
_jb_incident_update_from_incident (JbIncident *self,
                                   JbIncident *fresh)
{
  g_return_if_fail (JB_IS_INCIDENT (self));
  g_return_if_fail (JB_IS_INCIDENT (fresh));
  g_return_if_fail (g_strcmp0 (self->d.id, fresh->d.id) == 0);

  /* @fresh's parsed clips already went into its list. */
  if (fresh->d.clips == NULL && fresh->d.has_clips)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (fresh->clips));

      fresh->d.clips = g_ptr_array_new_full (n, g_object_unref);
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (fresh->d.clips, g_list_model_get_item (G_LIST_MODEL (fresh->clips), i));
    }
  incident_apply_data (self, &fresh->d, TRUE);
}

JsonNode *
jb_incident_to_json (JbIncident *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  const IncidentData *d;

  g_return_val_if_fail (JB_IS_INCIDENT (self), NULL);
  d = &self->d;

  json_builder_begin_object (builder);
  _jb_codec_add_string (builder, "id", d->id);
  _jb_codec_add_string (builder, "number", d->number);
  _jb_codec_add_string (builder, "type", jb_incident_type_to_string (d->type));
  _jb_codec_add_int (builder, "priority", d->priority);
  _jb_codec_add_string (builder, "status", jb_incident_status_to_string (d->status));
  _jb_codec_add_string (builder, "source", jb_incident_source_to_string (d->source));
  _jb_codec_add_string (builder, "terminal_id", d->terminal_id);
  _jb_codec_add_string (builder, "reported_by", d->reported_by);
  _jb_codec_add_location (builder, "location", TRUE, d->lat, d->lon);
  _jb_codec_add_string (builder, "address", d->address);
  json_builder_set_member_name (builder, "venue");
  if (d->venue != NULL)
    {
      JsonNode *venue = json_node_alloc ();

      json_node_init_object (venue, d->venue);
      json_builder_add_value (builder, venue);
    }
  else
    json_builder_add_null_value (builder);
  _jb_codec_add_string (builder, "station_id", d->station_id);
  _jb_codec_add_string (builder, "description", d->description);
  _jb_codec_add_time (builder, "created_at", d->created_at);
  _jb_codec_add_time (builder, "acknowledged_at", d->acknowledged_at);
  _jb_codec_add_time (builder, "dispatched_at", d->dispatched_at);
  _jb_codec_add_time (builder, "on_scene_at", d->on_scene_at);
  _jb_codec_add_time (builder, "resolved_at", d->resolved_at);
  _jb_codec_add_time (builder, "closed_at", d->closed_at);
  _jb_codec_add_time (builder, "first_guard_on_scene_at", d->first_guard_on_scene_at);
  _jb_codec_add_time (builder, "first_police_on_scene_at", d->first_police_on_scene_at);
  _jb_codec_add_string (builder, "acknowledged_by", d->acknowledged_by);

  json_builder_set_member_name (builder, "assignments");
  json_builder_begin_array (builder);
  for (guint i = 0; i < d->assignments->len; i++)
    {
      const JbAssignment *a = &g_array_index (d->assignments, JbAssignment, i);

      json_builder_begin_object (builder);
      _jb_codec_add_string (builder, "unit_id", a->unit_id);
      _jb_codec_add_string (builder, "state", jb_assignment_state_to_string (a->state));
      _jb_codec_add_time (builder, "assigned_at", a->assigned_at);
      _jb_codec_add_time (builder, "accepted_at", a->accepted_at);
      _jb_codec_add_time (builder, "en_route_at", a->en_route_at);
      _jb_codec_add_time (builder, "on_scene_at", a->on_scene_at);
      _jb_codec_add_time (builder, "released_at", a->released_at);
      _jb_codec_add_string (builder, "assigned_by", a->assigned_by);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "procedure");
  json_builder_begin_array (builder);
  for (guint i = 0; i < d->procedure->len; i++)
    {
      const JbProcedureEntry *p = &g_array_index (d->procedure, JbProcedureEntry, i);

      json_builder_begin_object (builder);
      _jb_codec_add_string (builder, "unit_id", p->unit_id);
      _jb_codec_add_string (builder, "step", jb_procedure_step_to_string (p->step));
      _jb_codec_add_time (builder, "at", p->at);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "notes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < d->notes->len; i++)
    {
      const JbNote *n = &g_array_index (d->notes, JbNote, i);

      json_builder_begin_object (builder);
      _jb_codec_add_time (builder, "at", n->at);
      _jb_codec_add_string (builder, "by", n->by);
      _jb_codec_add_string (builder, "text", n->text);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "timeline");
  json_builder_begin_array (builder);
  for (guint i = 0; i < d->timeline->len; i++)
    {
      const JbTimelineEntry *t = &g_array_index (d->timeline, JbTimelineEntry, i);

      json_builder_begin_object (builder);
      _jb_codec_add_time (builder, "time", t->time);
      _jb_codec_add_string (builder, "status", jb_incident_status_to_string (t->status));
      _jb_codec_add_string (builder, "by", t->by);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  if (d->callouts->len > 0)
    {
      json_builder_set_member_name (builder, "callouts");
      json_builder_begin_array (builder);
      for (guint i = 0; i < d->callouts->len; i++)
        {
          const JbCallout *c = &g_array_index (d->callouts, JbCallout, i);

          json_builder_begin_object (builder);
          _jb_codec_add_string (builder, "id", c->id);
          _jb_codec_add_string (builder, "message", c->message);
          json_builder_set_member_name (builder, "radius_m");
          if (c->radius_m > 0)
            json_builder_add_int_value (builder, c->radius_m);
          else
            json_builder_add_null_value (builder);
          _jb_codec_add_string (builder, "grid_id", c->grid_id);
          _jb_codec_add_time (builder, "created_at", c->created_at);
          json_builder_set_member_name (builder, "counts");
          json_builder_begin_object (builder);
          _jb_codec_add_int (builder, "called", c->called);
          _jb_codec_add_int (builder, "accepted", c->accepted);
          _jb_codec_add_int (builder, "en_route", c->en_route);
          _jb_codec_add_int (builder, "arrived", c->arrived);
          _jb_codec_add_int (builder, "declined", c->declined);
          json_builder_end_object (builder);
          json_builder_set_member_name (builder, "responders");
          json_builder_begin_array (builder);
          for (guint k = 0; k < c->responders->len; k++)
            {
              const JbCalloutResponder *r = &g_array_index (c->responders, JbCalloutResponder, k);

              json_builder_begin_object (builder);
              _jb_codec_add_string (builder, "unit_id", r->unit_id);
              _jb_codec_add_string (builder, "state", callout_states[r->state]);
              json_builder_end_object (builder);
            }
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  json_builder_set_member_name (builder, "clips");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->clips)); i++)
    {
      g_autoptr(JbClip) clip = g_list_model_get_item (G_LIST_MODEL (self->clips), i);

      json_builder_add_value (builder, jb_clip_to_json (clip));
    }
  json_builder_end_array (builder);

  _jb_codec_add_string (builder, "disposition",
                        d->disposition >= 0 ? jb_disposition_to_string (d->disposition) : NULL);
  _jb_codec_add_time (builder, "updated_at", d->updated_at);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
jb_incident_finalize (GObject *object)
{
  JbIncident *self = (JbIncident *)object;

  incident_data_clear (&self->d);
  g_clear_object (&self->clips);

  G_OBJECT_CLASS (jb_incident_parent_class)->finalize (object);
}

static void
jb_incident_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  JbIncident *self = JB_INCIDENT (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->d.id); break;
    case PROP_NUMBER: g_value_set_string (value, self->d.number); break;
    case PROP_TYPE: g_value_set_enum (value, self->d.type); break;
    case PROP_PRIORITY: g_value_set_uint (value, (guint) self->d.priority); break;
    case PROP_STATUS: g_value_set_enum (value, self->d.status); break;
    case PROP_STATION_ID: g_value_set_string (value, self->d.station_id); break;
    case PROP_ADDRESS: g_value_set_string (value, self->d.address); break;
    case PROP_CREATED_AT: g_value_set_int64 (value, self->d.created_at); break;
    case PROP_UPDATED_AT: g_value_set_int64 (value, self->d.updated_at); break;
    case PROP_N_ASSIGNMENTS: g_value_set_uint (value, jb_incident_get_n_assignments (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jb_incident_class_init (JbIncidentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = jb_incident_finalize;
  object_class->get_property = jb_incident_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_NUMBER] = g_param_spec_string ("number", NULL, NULL, NULL, flags);
  /* "type" would clash with nothing in GObject, but reads badly next to
   * GType: the property is "incident-type" like the getter. */
  properties[PROP_TYPE] = g_param_spec_enum ("incident-type", NULL, NULL, JB_TYPE_INCIDENT_TYPE,
                                             JB_INCIDENT_TYPE_OTHER, flags);
  properties[PROP_PRIORITY] = g_param_spec_uint ("priority", NULL, NULL, 1, 4, 4, flags);
  properties[PROP_STATUS] = g_param_spec_enum ("status", NULL, NULL, JB_TYPE_INCIDENT_STATUS,
                                               JB_INCIDENT_STATUS_NEW, flags);
  properties[PROP_STATION_ID] = g_param_spec_string ("station-id", NULL, NULL, NULL, flags);
  properties[PROP_ADDRESS] = g_param_spec_string ("address", NULL, NULL, NULL, flags);
  properties[PROP_CREATED_AT] = g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_UPDATED_AT] = g_param_spec_int64 ("updated-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_N_ASSIGNMENTS] = g_param_spec_uint ("n-assignments", NULL, NULL, 0, G_MAXUINT, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jb_incident_init (JbIncident *self)
{
  incident_data_init (&self->d);
  self->clips = g_list_store_new (JB_TYPE_CLIP);
}

#define STRING_GETTER(field)                                \
  const char *                                              \
  jb_incident_get_##field (JbIncident *self)                \
  {                                                         \
    g_return_val_if_fail (JB_IS_INCIDENT (self), NULL);     \
    return self->d.field;                                   \
  }

#define TIME_GETTER(field)                                  \
  gint64                                                    \
  jb_incident_get_##field (JbIncident *self)                \
  {                                                         \
    g_return_val_if_fail (JB_IS_INCIDENT (self), 0);        \
    return self->d.field;                                   \
  }

STRING_GETTER (id)
STRING_GETTER (number)
STRING_GETTER (terminal_id)
STRING_GETTER (reported_by)
STRING_GETTER (address)
STRING_GETTER (venue_name)
STRING_GETTER (station_id)
STRING_GETTER (description)
STRING_GETTER (acknowledged_by)
TIME_GETTER (created_at)
TIME_GETTER (acknowledged_at)
TIME_GETTER (dispatched_at)
TIME_GETTER (on_scene_at)
TIME_GETTER (resolved_at)
TIME_GETTER (closed_at)
TIME_GETTER (first_guard_on_scene_at)
TIME_GETTER (first_police_on_scene_at)
TIME_GETTER (updated_at)

JbIncidentType
jb_incident_get_incident_type (JbIncident *self)
{
  g_return_val_if_fail (JB_IS_INCIDENT (self), JB_INCIDENT_TYPE_OTHER);
  return self->d.type;
}

guint
jb_incident_get_priority (JbIncident *self)
{
  g_return_val_if_fail (JB_IS_INCIDENT (self), 4);
  return (guint) self->d.priority;
}

JbIncidentStatus
jb_incident_get_status (JbIncident *self)
{
  g_return_val_if_fail (JB_IS_INCIDENT (self), JB_INCIDENT_STATUS_NEW);
  return self->d.status;
}

gboolean
jb_incident_is_open (JbIncident *self)
{
  g_return_val_if_fail (JB_IS_INCIDENT (self), FALSE);
  return jb_incident_status_is_open (self->d.status);
}

gboolean
jb_incident_is_active (JbIncident *self)
{
  g_return_val_if_fail (JB_IS_INCIDENT (self), FALSE);
  return jb_incident_status_is_active (self->d.status);
}

JbIncidentSource
jb_incident_get_source (JbIncident *self)
{
  g_return_val_if_fail (JB_IS_INCIDENT (self), JB_INCIDENT_SOURCE_PHONE);
  return self->d.source;
}

gboolean
jb_incident_get_location (JbIncident *self,
                          double     *lat,
                          double     *lon)
{
  g_return_val_if_fail (JB_IS_INCIDENT (self), FALSE);

  if (self->d.id == NULL)
    return FALSE;
  if (lat != NULL)
    *lat = self->d.lat;
  if (lon != NULL)
    *lon = self->d.lon;
  return TRUE;
}

JsonObject *
jb_incident_get_venue (JbIncident *self)
{
  g_return_val_if_fail (JB_IS_INCIDENT (self), NULL);
  return self->d.venue;
}

int
jb_incident_get_disposition (JbIncident *self)
{
  g_return_val_if_fail (JB_IS_INCIDENT (self), -1);
  return self->d.disposition;
}

guint
jb_incident_get_n_assignments (JbIncident *self)
{
  g_return_val_if_fail (JB_IS_INCIDENT (self), 0);
  return self->d.assignments->len;
}

const JbAssignment *
jb_incident_get_assignment (JbIncident *self,
                            guint       i)
{
  g_return_val_if_fail (JB_IS_INCIDENT (self), NULL);
  g_return_val_if_fail (i < self->d.assignments->len, NULL);
  return &g_array_index (self->d.assignments, JbAssignment, i);
}

const JbAssignment *
jb_incident_find_assignment (JbIncident *self,
                             const char *unit_id)
{
  g_return_val_if_fail (JB_IS_INCIDENT (self), NULL);

  for (guint i = self->d.assignments->len; i > 0; i--)
    {
      const JbAssignment *a = &g_array_index (self->d.assignments, JbAssignment, i - 1);

      if (g_strcmp0 (a->unit_id, unit_id) == 0)
        return a;
    }

  return NULL;
}

guint
jb_incident_get_n_procedure_steps (JbIncident *self)
{
  g_return_val_if_fail (JB_IS_INCIDENT (self), 0);
  return self->d.procedure->len;
}

const JbProcedureEntry *
jb_incident_get_procedure_step (JbIncident *self,
                                guint       i)
{
  g_return_val_if_fail (JB_IS_INCIDENT (self), NULL);
  g_return_val_if_fail (i < self->d.procedure->len, NULL);
  return &g_array_index (self->d.procedure, JbProcedureEntry, i);
}

void
jb_procedure_progress_free (JbProcedureProgress *progress)
{
  if (progress == NULL)
    return;
  g_clear_pointer (&progress->entries, g_ptr_array_unref);
  g_free (progress);
}

GPtrArray *
jb_incident_group_procedure (JbIncident *self)
{
  g_autoptr(GPtrArray) guards = NULL;
  g_autoptr(GHashTable) by_unit = NULL;

  g_return_val_if_fail (JB_IS_INCIDENT (self), NULL);

  guards = g_ptr_array_new_with_free_func ((GDestroyNotify) jb_procedure_progress_free);
  by_unit = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < self->d.procedure->len; i++)
    {
      const JbProcedureEntry *entry = &g_array_index (self->d.procedure, JbProcedureEntry, i);
      JbProcedureProgress *progress;

      if (entry->unit_id == NULL)
        continue;
      progress = g_hash_table_lookup (by_unit, entry->unit_id);
      if (progress == NULL)
        {
          progress = g_new0 (JbProcedureProgress, 1);
          progress->unit_id = entry->unit_id;
          progress->reached = entry->step;
          progress->entries = g_ptr_array_new ();
          g_hash_table_insert (by_unit, entry->unit_id, progress);
          g_ptr_array_add (guards, progress);
        }
      /* A step reported again, or an earlier one after a later one, does
       * not take the guard back. */
      progress->reached = MAX (progress->reached, entry->step);
      g_ptr_array_add (progress->entries, (gpointer) entry);
    }
  return g_steal_pointer (&guards);
}

guint
jb_incident_get_n_notes (JbIncident *self)
{
  g_return_val_if_fail (JB_IS_INCIDENT (self), 0);
  return self->d.notes->len;
}

const JbNote *
jb_incident_get_note (JbIncident *self,
                      guint       i)
{
  g_return_val_if_fail (JB_IS_INCIDENT (self), NULL);
  g_return_val_if_fail (i < self->d.notes->len, NULL);
  return &g_array_index (self->d.notes, JbNote, i);
}

guint
jb_incident_get_n_timeline_entries (JbIncident *self)
{
  g_return_val_if_fail (JB_IS_INCIDENT (self), 0);
  return self->d.timeline->len;
}

const JbTimelineEntry *
jb_incident_get_timeline_entry (JbIncident *self,
                                guint       i)
{
  g_return_val_if_fail (JB_IS_INCIDENT (self), NULL);
  g_return_val_if_fail (i < self->d.timeline->len, NULL);
  return &g_array_index (self->d.timeline, JbTimelineEntry, i);
}

guint
jb_incident_get_n_callouts (JbIncident *self)
{
  g_return_val_if_fail (JB_IS_INCIDENT (self), 0);
  return self->d.callouts != NULL ? self->d.callouts->len : 0;
}

const JbCallout *
jb_incident_get_callout (JbIncident *self,
                         guint       i)
{
  g_return_val_if_fail (JB_IS_INCIDENT (self), NULL);
  g_return_val_if_fail (self->d.callouts != NULL && i < self->d.callouts->len, NULL);
  return &g_array_index (self->d.callouts, JbCallout, i);
}

GListModel *
jb_incident_get_clips (JbIncident *self)
{
  g_return_val_if_fail (JB_IS_INCIDENT (self), NULL);
  return G_LIST_MODEL (self->clips);
}

JbClip *
jb_incident_lookup_clip (JbIncident *self,
                         const char *clip_id)
{
  guint pos;
  JbClip *clip;

  g_return_val_if_fail (JB_IS_INCIDENT (self), NULL);

  pos = clips_find (self->clips, clip_id);
  if (pos == G_MAXUINT)
    return NULL;
  clip = g_list_model_get_item (G_LIST_MODEL (self->clips), pos);
  g_object_unref (clip);  /* the list still holds it */
  return clip;
}

JbClip *
_jb_incident_put_clip (JbIncident *self,
                       JbClip     *clip)
{
  guint pos;

  g_return_val_if_fail (JB_IS_INCIDENT (self), NULL);
  g_return_val_if_fail (JB_IS_CLIP (clip), NULL);

  pos = clips_find (self->clips, jb_clip_get_id (clip));
  if (pos != G_MAXUINT)
    {
      g_autoptr(JbClip) old = g_list_model_get_item (G_LIST_MODEL (self->clips), pos);

      _jb_clip_update_from_clip (old, clip);
      return old;
    }

  g_list_store_append (self->clips, clip);
  return clip;
}

gboolean
_jb_incident_remove_clip (JbIncident *self,
                          const char *clip_id)
{
  guint pos;

  g_return_val_if_fail (JB_IS_INCIDENT (self), FALSE);

  pos = clips_find (self->clips, clip_id);
  if (pos == G_MAXUINT)
    return FALSE;
  g_list_store_remove (self->clips, pos);
  return TRUE;
}
