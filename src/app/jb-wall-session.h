/* jb-wall-session.h — an unattended wall: sign-in without a dialog,
 * layout, restored view, systemd watchdog
 *
 * Signs in with the password from --password-file or else the keyring
 * (retrying with backoff, never asking: the reason shows in the corner),
 * opens the wall layout, goes back to the view saved by the previous run
 * at once, writes the view every few seconds, and under systemd reports
 * READY=1 and feeds WATCHDOG=1 from the main loop (so a frozen loop gets
 * the client restarted).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-client.h"
#include "jb-wall-layout.h"

G_BEGIN_DECLS

#define JB_TYPE_WALL_SESSION (jb_wall_session_get_type ())

G_DECLARE_FINAL_TYPE (JbWallSession, jb_wall_session, JB, WALL_SESSION, GObject)

/* @settings may be NULL (defaults, nothing saved). @username NULL: the
 * settings' wall-user, else username. @password_file NULL: the keyring.
 * @home_view "LAT,LON,ZOOM" or NULL: the settings' wall-home-view. */
JbWallSession *jb_wall_session_new          (GtkApplication *application,
                                             GSettings      *settings,
                                             const char     *server_url,
                                             const char     *username,
                                             const char     *password_file,
                                             const char     *home_view);
/* Opens the windows and signs in. FALSE (with @error) on a bad layout
 * setting. */
gboolean       jb_wall_session_start        (JbWallSession  *self,
                                             GError        **error);
JbClient      *jb_wall_session_get_client   (JbWallSession  *self);
JbWallLayout  *jb_wall_session_get_layout   (JbWallSession  *self);
/* Writes the view to the settings now (normally every 5 s when changed). */
void           jb_wall_session_save_state   (JbWallSession  *self);
/* How many watchdog pings were sent (0 when not under a watchdog). */
guint          jb_wall_session_get_n_pings  (JbWallSession  *self);
void           jb_wall_session_stop         (JbWallSession  *self);
/* 20 s after the start, then every minute: maps in the font files'
 * pages, trims the heap. */
void           jb_wall_session_tend_memory  (JbWallSession  *self);
/* How many of those finished with the font files mapped in (none on a
 * kernel without MADV_POPULATE_READ). */
guint          jb_wall_session_get_n_tended (JbWallSession  *self);

/* "LAT,LON,ZOOM" → three numbers; FALSE when malformed or out of range. */
gboolean       jb_wall_parse_view           (const char     *text,
                                             double         *lat,
                                             double         *lon,
                                             double         *zoom);

G_END_DECLS
