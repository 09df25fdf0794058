/* jb-draft-list.c — new incidents the server has not numbered yet, as
 * incidents the queue can show
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-draft-list"

#include "jb-draft-list.h"

#define DRAFT_COMMAND_KEY "jb-draft-command"

struct _JbDraftList
{
  GObject         parent_instance;

  JbCommandQueue *queue;
  JbStore        *store;
  GPtrArray      *drafts;  /* JbIncident, each with its command as qdata */
};

static void jb_draft_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JbDraftList, jb_draft_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, jb_draft_list_model_init))

static gboolean
is_create (JbCommand *command)
{
  return g_str_equal (jb_command_get_method (command), "POST") &&
         g_str_equal (jb_command_get_path (command), "/api/v1/incidents");
}

/* Shown while the server has not numbered it, or has but the store does
 * not have it yet. */
static gboolean
wants_draft (JbDraftList *self,
             JbCommand   *command)
{
  const char *id;

  if (!is_create (command) || !jb_command_is_pending (command))
    return FALSE;
  id = jb_command_get_target_id (command);
  return id == NULL || jb_store_lookup_incident (self->store, id) == NULL;
}

/* The command's body as an incident the queue can show: status new, no
 * number, given at the time the person gave it. */
static JbIncident *
new_draft (JbCommand *command)
{
  JsonNode *body = jb_command_get_body (command);
  JsonObject *given;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  static const char *copied[] = { "type", "priority", "location", "address", "description", "source" };
  JbIncident *incident;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return NULL;
  given = json_node_get_object (body);
  id = g_strconcat ("draft:", jb_command_get_idempotency_key (command), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "new");
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_int_value (builder, jb_command_get_issued_at (command));
  for (guint i = 0; i < G_N_ELEMENTS (copied); i++)
    if (json_object_has_member (given, copied[i]))
      {
        json_builder_set_member_name (builder, copied[i]);
        json_builder_add_value (builder, json_node_copy (json_object_get_member (given, copied[i])));
      }
  if (json_object_has_member (given, "venue_name"))
    {
      json_builder_set_member_name (builder, "venue");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_value (builder, json_node_copy (json_object_get_member (given, "venue_name")));
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  if ((incident = jb_incident_new_from_json (node, &error)) == NULL)
    {
      /* Our own body: this is a bug, but the command itself is kept. */
      g_warning ("A draft cannot be shown: %s", error->message);
      return NULL;
    }
  g_object_set_data_full (G_OBJECT (incident), DRAFT_COMMAND_KEY, g_object_ref (command), g_object_unref);
  return incident;
}

static gboolean
is_listed (JbDraftList *self,
           JbCommand   *command)
{
  for (guint i = 0; i < self->drafts->len; i++)
    if (jb_draft_list_get_command (self->drafts->pdata[i]) == command)
      return TRUE;
  return FALSE;
}

static void
refresh (JbDraftList *self)
{
  GListModel *pending = jb_command_queue_get_pending (self->queue);
  guint n = g_list_model_get_n_items (pending);

  /* Gone first (accepted and in the store, refused, finished) … */
  for (guint i = self->drafts->len; i > 0; i--)
    {
      JbCommand *command = jb_draft_list_get_command (self->drafts->pdata[i - 1]);

      if (!wants_draft (self, command))
        {
          g_ptr_array_remove_index (self->drafts, i - 1);
          g_list_model_items_changed (G_LIST_MODEL (self), i - 1, 1, 0);
        }
    }
  /* … then the new ones, in the order given. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JbCommand) command = g_list_model_get_item (pending, i);
      JbIncident *draft;

      if (!wants_draft (self, command) || is_listed (self, command) || (draft = new_draft (command)) == NULL)
        continue;
      g_ptr_array_add (self->drafts, draft);
      g_list_model_items_changed (G_LIST_MODEL (self), self->drafts->len - 1, 0, 1);
    }
}

static void
store_changed_cb (JbDraftList   *self,
                  JbStoreChange  kind,
                  const char    *id)
{
  if (kind == JB_STORE_CHANGE_INCIDENT && self->drafts->len > 0)
    refresh (self);
}

gboolean
jb_draft_list_is_draft (JbIncident *incident)
{
  return jb_draft_list_get_command (incident) != NULL;
}

JbCommand *
jb_draft_list_get_command (JbIncident *incident)
{
  g_return_val_if_fail (JB_IS_INCIDENT (incident), NULL);
  return g_object_get_data (G_OBJECT (incident), DRAFT_COMMAND_KEY);
}

/* GListModel */

static GType
jb_draft_list_get_item_type (GListModel *model)
{
  return JB_TYPE_INCIDENT;
}

static guint
jb_draft_list_get_n_items (GListModel *model)
{
  return JB_DRAFT_LIST (model)->drafts->len;
}

static gpointer
jb_draft_list_get_item (GListModel *model,
                        guint       position)
{
  JbDraftList *self = JB_DRAFT_LIST (model);

  if (position >= self->drafts->len)
    return NULL;
  return g_object_ref (self->drafts->pdata[position]);
}

static void
jb_draft_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = jb_draft_list_get_item_type;
  iface->get_n_items = jb_draft_list_get_n_items;
  iface->get_item = jb_draft_list_get_item;
}

/* GObject */

JbDraftList *
jb_draft_list_new (JbCommandQueue *queue,
                   JbStore        *store)
{
  JbDraftList *self;

  g_return_val_if_fail (JB_IS_COMMAND_QUEUE (queue), NULL);
  g_return_val_if_fail (JB_IS_STORE (store), NULL);

  self = g_object_new (JB_TYPE_DRAFT_LIST, NULL);
  self->queue = g_object_ref (queue);
  self->store = g_object_ref (store);
  /* A command joins or leaves the pending list, changes state (accepted:
   * numbered), or the store gets the real incident. */
  g_signal_connect_object (jb_command_queue_get_pending (queue), "items-changed",
                           G_CALLBACK (refresh), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (queue, "command-changed", G_CALLBACK (refresh), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "snapshot-loaded", G_CALLBACK (refresh), self, G_CONNECT_SWAPPED);
  refresh (self);
  return self;
}

static void
jb_draft_list_finalize (GObject *object)
{
  JbDraftList *self = (JbDraftList *)object;

  g_clear_pointer (&self->drafts, g_ptr_array_unref);
  g_clear_object (&self->queue);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (jb_draft_list_parent_class)->finalize (object);
}

static void
jb_draft_list_class_init (JbDraftListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = jb_draft_list_finalize;
}

static void
jb_draft_list_init (JbDraftList *self)
{
  self->drafts = g_ptr_array_new_with_free_func (g_object_unref);
}
