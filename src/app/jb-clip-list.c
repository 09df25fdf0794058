/* jb-clip-list.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-clip-list"

#include <glib/gi18n.h>

#include "jb-clip-list.h"
#include "jb-labels.h"

struct _JbClipList
{
  GtkWidget    parent_instance;

  GtkListBox  *list;

  /* Owned references */
  JbClipCache *cache;
  GListModel  *model;
};

G_DEFINE_FINAL_TYPE (JbClipList, jb_clip_list, GTK_TYPE_WIDGET)

enum {
  CLIP_SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What a row shows, kept on the row. */
typedef struct
{
  GtkPicture  *thumbnail;
  GtkLabel    *who;
  GtkLabel    *when;
  GtkLabel    *state;
  GtkProgressBar *progress;
  JbClipCache *cache;         /* owned */
  JbClip      *clip;          /* owned */
  gboolean     thumbnail_asked;
} RowParts;

static void
row_parts_free (RowParts *parts)
{
  g_clear_object (&parts->cache);
  g_clear_object (&parts->clip);
  g_free (parts);
}

static void
thumbnail_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GtkPicture) picture = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = jb_clip_cache_fetch_thumbnail_finish (JB_CLIP_CACHE (source), result, &error);

  if (file == NULL)
    {
      g_debug ("No thumbnail: %s", error->message);
      return;
    }
  gtk_picture_set_file (picture, file);
}

static void
update_row (GtkWidget *row)
{
  RowParts *parts = g_object_get_data (G_OBJECT (row), "jb-clip-row");
  JbClip *clip = parts->clip;
  g_autofree char *start = jb_format_time (jb_clip_get_started_at (clip));
  g_autofree char *duration = jb_format_duration (jb_clip_get_duration_ms (clip));
  g_autofree char *when = NULL;
  g_autofree char *state = NULL;
  const char *unit = jb_clip_get_unit_id (clip);
  const char *terminal = jb_clip_get_terminal_id (clip);
  g_autofree char *who = NULL;

  if (unit != NULL && terminal != NULL)
    who = g_strdup_printf ("%s · %s", unit, terminal);
  else
    who = g_strdup (unit ? unit : terminal ? terminal : "");
  gtk_label_set_text (parts->who, who);

  /* Translators: a clip's start time and duration, "14:05:09, 0:10" */
  when = g_strdup_printf (_("%s, %s long"), start, duration);
  gtk_label_set_text (parts->when, when);

  if (jb_clip_is_verified (clip))
    {
      state = g_strdup (_("verified"));
      gtk_widget_remove_css_class (GTK_WIDGET (parts->state), "warning");
      gtk_widget_add_css_class (GTK_WIDGET (parts->state), "success");
      gtk_widget_set_visible (GTK_WIDGET (parts->progress), FALSE);
    }
  else
    {
      /* Translators: a clip's upload in progress, "uploading 45 %" */
      state = g_strdup_printf (_("uploading %d %%"), (int) (jb_clip_get_progress (clip) * 100));
      gtk_widget_add_css_class (GTK_WIDGET (parts->state), "warning");
      gtk_widget_set_visible (GTK_WIDGET (parts->progress), TRUE);
      gtk_progress_bar_set_fraction (parts->progress, jb_clip_get_progress (clip));
    }
  gtk_label_set_text (parts->state, state);

  if (jb_clip_is_verified (clip) && parts->cache != NULL && !parts->thumbnail_asked)
    {
      parts->thumbnail_asked = TRUE;
      jb_clip_cache_fetch_thumbnail_async (parts->cache, clip, NULL, thumbnail_cb,
                                           g_object_ref (parts->thumbnail));
    }

  {
    g_autofree char *label = g_strdup_printf ("%s, %s, %s", who, when, state);

    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  }
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  JbClipList *self = user_data;
  JbClip *clip = item;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *frame = gtk_frame_new (NULL);
  RowParts *parts = g_new0 (RowParts, 1);

  parts->clip = g_object_ref (clip);
  parts->cache = self->cache ? g_object_ref (self->cache) : NULL;

  parts->thumbnail = GTK_PICTURE (gtk_picture_new ());
  gtk_picture_set_can_shrink (parts->thumbnail, TRUE);
  gtk_picture_set_content_fit (parts->thumbnail, GTK_CONTENT_FIT_COVER);
  gtk_widget_set_size_request (GTK_WIDGET (parts->thumbnail), 96, 54);
  gtk_frame_set_child (GTK_FRAME (frame), GTK_WIDGET (parts->thumbnail));
  gtk_widget_add_css_class (frame, "jb-clip-thumbnail");
  gtk_widget_set_valign (frame, GTK_ALIGN_CENTER);

  parts->who = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (parts->who, 0);
  gtk_label_set_ellipsize (parts->who, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (parts->who), "heading");
  parts->when = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (parts->when, 0);
  gtk_widget_add_css_class (GTK_WIDGET (parts->when), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (parts->when), "numeric");
  parts->state = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (parts->state, 0);
  gtk_widget_add_css_class (GTK_WIDGET (parts->state), "caption-heading");
  parts->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());

  gtk_box_append (GTK_BOX (text), GTK_WIDGET (parts->who));
  gtk_box_append (GTK_BOX (text), GTK_WIDGET (parts->when));
  gtk_box_append (GTK_BOX (text), GTK_WIDGET (parts->state));
  gtk_box_append (GTK_BOX (text), GTK_WIDGET (parts->progress));
  gtk_widget_set_hexpand (text, TRUE);
  gtk_widget_set_valign (text, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), frame);
  gtk_box_append (GTK_BOX (box), text);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 8);
  gtk_widget_set_margin_end (box, 8);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  g_object_set_data_full (G_OBJECT (row), "jb-clip-row", parts, (GDestroyNotify) row_parts_free);
  g_signal_connect_object (clip, "notify", G_CALLBACK (update_row), row, G_CONNECT_SWAPPED);
  update_row (row);
  return row;
}

static void
row_selected_cb (JbClipList    *self,
                 GtkListBoxRow *row)
{
  JbClip *clip;

  if (row == NULL || self->model == NULL)
    return;
  clip = g_list_model_get_item (self->model, gtk_list_box_row_get_index (row));
  if (clip != NULL)
    {
      g_signal_emit (self, signals[CLIP_SELECTED], 0, clip);
      g_object_unref (clip);
    }
}

void
jb_clip_list_set_model (JbClipList *self,
                        GListModel *clips)
{
  g_return_if_fail (JB_IS_CLIP_LIST (self));

  if (!g_set_object (&self->model, clips))
    return;
  gtk_list_box_bind_model (self->list, clips, clips ? create_row : NULL, self, NULL);
}

void
jb_clip_list_set_cache (JbClipList  *self,
                        JbClipCache *cache)
{
  g_return_if_fail (JB_IS_CLIP_LIST (self));
  g_set_object (&self->cache, cache);
}

JbClip *
jb_clip_list_get_selected (JbClipList *self)
{
  GtkListBoxRow *row;
  RowParts *parts;

  g_return_val_if_fail (JB_IS_CLIP_LIST (self), NULL);

  row = gtk_list_box_get_selected_row (self->list);
  parts = row ? g_object_get_data (G_OBJECT (row), "jb-clip-row") : NULL;
  return parts ? parts->clip : NULL;
}

gboolean
jb_clip_list_select (JbClipList *self,
                     JbClip     *clip)
{
  guint n;

  g_return_val_if_fail (JB_IS_CLIP_LIST (self), FALSE);

  n = self->model ? g_list_model_get_n_items (self->model) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JbClip) item = g_list_model_get_item (self->model, i);

      if (item == clip)
        {
          GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, (int) i);

          if (gtk_list_box_get_selected_row (self->list) == row)
            row_selected_cb (self, row);
          else
            gtk_list_box_select_row (self->list, row);
          return TRUE;
        }
    }
  return FALSE;
}

const char *
jb_clip_list_get_state_text (JbClipList *self,
                             guint       i)
{
  GtkListBoxRow *row;
  RowParts *parts;

  g_return_val_if_fail (JB_IS_CLIP_LIST (self), NULL);

  row = gtk_list_box_get_row_at_index (self->list, (int) i);
  parts = row ? g_object_get_data (G_OBJECT (row), "jb-clip-row") : NULL;
  return parts ? gtk_label_get_text (parts->state) : NULL;
}

static void
jb_clip_list_dispose (GObject *object)
{
  JbClipList *self = (JbClipList *)object;

  if (self->list != NULL)
    gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
  g_clear_pointer ((GtkWidget **) &self->list, gtk_widget_unparent);
  g_clear_object (&self->model);
  g_clear_object (&self->cache);

  G_OBJECT_CLASS (jb_clip_list_parent_class)->dispose (object);
}

static void
jb_clip_list_class_init (JbClipListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jb_clip_list_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  signals[CLIP_SELECTED] =
    g_signal_new ("clip-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, JB_TYPE_CLIP);
}

static void
jb_clip_list_init (JbClipList *self)
{
  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_SINGLE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Video clips of the incident; V plays the newest"), -1);
  gtk_widget_set_parent (GTK_WIDGET (self->list), GTK_WIDGET (self));
  g_signal_connect_object (self->list, "row-selected", G_CALLBACK (row_selected_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
jb_clip_list_new (void)
{
  return g_object_new (JB_TYPE_CLIP_LIST, NULL);
}
