/* jb-presence.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-presence"

#include "jb-presence.h"

#include <json-glib/json-glib.h>

typedef struct
{
  char   *username;
  char   *display_name;
  char   *incident_id;
  gint64  since;
  guint64 order;      /* when it was first seen: a stable listing */
} Viewer;

struct _JbPresence
{
  GObject     parent_instance;

  GHashTable *viewers;  /* who → Viewer */
  guint64     next_order;
};

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (JbPresence, jb_presence, G_TYPE_OBJECT)

static void
viewer_free (gpointer data)
{
  Viewer *v = data;

  g_free (v->username);
  g_free (v->display_name);
  g_free (v->incident_id);
  g_free (v);
}

void
jb_presence_set (JbPresence    *self,
                 gconstpointer  who,
                 const char    *username,
                 const char    *display_name,
                 const char    *incident_id)
{
  Viewer *v;

  g_return_if_fail (JB_IS_PRESENCE (self));
  g_return_if_fail (username != NULL);

  v = g_hash_table_lookup (self->viewers, who);
  if (v != NULL && g_strcmp0 (v->incident_id, incident_id) == 0)
    return;
  if (v == NULL)
    {
      v = g_new0 (Viewer, 1);
      v->username = g_strdup (username);
      v->display_name = g_strdup (display_name ? display_name : username);
      v->order = self->next_order++;
      g_hash_table_insert (self->viewers, (gpointer) who, v);
    }
  g_free (v->incident_id);
  v->incident_id = g_strdup (incident_id);
  v->since = g_get_real_time () / 1000;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
jb_presence_remove (JbPresence    *self,
                    gconstpointer  who)
{
  Viewer *v;
  gboolean listed;

  g_return_if_fail (JB_IS_PRESENCE (self));

  v = g_hash_table_lookup (self->viewers, who);
  if (v == NULL)
    return;
  listed = v->incident_id != NULL;
  g_hash_table_remove (self->viewers, who);
  if (listed)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static int
compare_viewers (gconstpointer a,
                 gconstpointer b)
{
  const Viewer *x = *(const Viewer * const *) a;
  const Viewer *y = *(const Viewer * const *) b;

  return x->order < y->order ? -1 : x->order > y->order;
}

char *
jb_presence_build_frame (JbPresence *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) listed = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (JB_IS_PRESENCE (self), NULL);

  g_hash_table_iter_init (&iter, self->viewers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Viewer *) value)->incident_id != NULL)
      g_ptr_array_add (listed, value);
  g_ptr_array_sort (listed, compare_viewers);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "presence");
  json_builder_set_member_name (builder, "time");
  json_builder_add_int_value (builder, g_get_real_time () / 1000);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "viewers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < listed->len; i++)
    {
      const Viewer *v = listed->pdata[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "username");
      json_builder_add_string_value (builder, v->username);
      json_builder_set_member_name (builder, "display_name");
      json_builder_add_string_value (builder, v->display_name);
      json_builder_set_member_name (builder, "incident_id");
      json_builder_add_string_value (builder, v->incident_id);
      json_builder_set_member_name (builder, "since");
      json_builder_add_int_value (builder, v->since);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static void
jb_presence_finalize (GObject *object)
{
  JbPresence *self = JB_PRESENCE (object);

  g_clear_pointer (&self->viewers, g_hash_table_unref);

  G_OBJECT_CLASS (jb_presence_parent_class)->finalize (object);
}

static void
jb_presence_class_init (JbPresenceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = jb_presence_finalize;

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
jb_presence_init (JbPresence *self)
{
  self->viewers = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, viewer_free);
}

JbPresence *
jb_presence_new (void)
{
  return g_object_new (JB_TYPE_PRESENCE, NULL);
}
