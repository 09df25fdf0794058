/* jb-window-private.h — what jb-window.c and jb-window-actions.c share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-alarm-bell.h"
#include "jb-clip-panel.h"
#include "jb-wall-video.h"
#include "jb-window.h"

G_BEGIN_DECLS

struct _JbWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  AdwToastOverlay     *toast_overlay;
  AdwWindowTitle      *title;
  GtkLabel            *state_label;
  GtkLabel            *alert_count;
  struct _JbAlertList *alert_list;
  GtkLabel            *age_label;
  GtkLabel            *server_label;  /* host:port of the server in use */
  GtkWidget           *state_box;
  GtkLabel            *clock_label;
  GtkLabel            *user_label;
  GtkLabel            *queue_title;
  GtkWidget           *other_stations_button;
  GtkLabel            *other_stations_label;
  AdwStatusPage       *queue_empty_page;
  GtkListView         *queue;
  GtkStack            *queue_stack;
  GtkSearchBar        *search_bar;
  GtkSearchEntry      *search_entry;
  GtkWidget           *own_station_button;
  GtkWidget           *new_incident_button;
  GtkWidget           *command_bar;
  GtkMenuButton       *status_button;
  GtkStack            *side_stack;
  GtkBox              *roster_box;
  JbMapView           *map_view;
  JbDetailPane        *detail_pane;
  JbLegend            *legend;
  JbWallVideo         *wall_video;

  /* Owned references */
  JbClient            *client;
  JbAlarmBell         *bell;
  GtkSingleSelection  *selection;
  GtkFilterListModel  *filtered;
  GtkCustomFilter     *filter;
  GtkWidget           *roster_panel;
  JbClipCache         *clip_cache;
  JbClipPanel         *clip_panel;
  GtkWindow           *history;        /* weak */
  GtkWindow           *catchup;        /* weak */
  gboolean             was_offline;    /* the connection was lost since LIVE */
  char                *last_message;
  guint                tick_id;
  gboolean             syncing_selection;
  gboolean             own_station;
  guint                n_other_open;     /* open incidents outside the own-station filter */
  GHashTable          *owner_confirmed;  /* incident ids: commanding another's incident agreed */
  GtkWindow           *owner_dialog;     /* weak: the question being asked */
  char                *gate_action;      /* the command waiting for the answer */
  GVariant            *gate_param;
};

void        _jb_window_class_install_actions (GtkWidgetClass *widget_class);
/* Presents the catch-up when the connection comes back with commands
 * given offline. */
void        _jb_window_watch_catchup         (JbWindow       *self);
/* Enables and disables the actions for the role and the selection. */
void        _jb_window_update_actions        (JbWindow       *self);
/* The selected incident (queue or map), borrowed, or NULL. */
JbIncident *_jb_window_get_selected_incident (JbWindow       *self);
/* JbClient::command-changed: a failed command sent by the window's
 * actions becomes a message. */
void        _jb_window_command_changed       (JbWindow       *self,
                                              JbCommand      *command);
void        _jb_window_show_message          (JbWindow       *self,
                                              const char     *text);
void        _jb_window_select_incident_id    (JbWindow       *self,
                                              const char     *incident_id);
/* TRUE unless the signed-in role is viewer (or nobody is signed in). */
gboolean    _jb_window_can_command           (JbWindow       *self);

/* FALSE (and asks, once per incident) when the selected incident was
 * acknowledged by someone else: the action runs again on "Send". */
gboolean    _jb_window_owner_gate            (JbWindow       *self,
                                              const char     *action_name,
                                              GVariant       *param);
/* The question being asked, or NULL; answers it ("send" or "cancel"). */
GtkWindow  *_jb_window_get_owner_dialog      (JbWindow       *self);
void        _jb_window_answer_owner_dialog   (JbWindow       *self,
                                              const char     *response);

/* Open incidents of other stations hidden by the own-station filter (for
 * tests and the queue's note). */
guint       _jb_window_get_n_other_open      (JbWindow       *self);
const char *_jb_window_get_other_stations_text (JbWindow     *self);

G_END_DECLS
