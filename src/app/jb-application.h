/* jb-application.h — the jingbao application: options, sign-in, window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define JB_DEFAULT_SERVER_URL "http://127.0.0.1:8080"

#define JB_TYPE_APPLICATION (jb_application_get_type ())

G_DECLARE_FINAL_TYPE (JbApplication, jb_application, JB, APPLICATION, AdwApplication)

JbApplication *jb_application_new (void);

/* Words for a sign-in failure, for the dialog. */
char          *jb_application_describe_login_error (const GError *error,
                                                    const char   *server_url);

/* The About window: licence and the data attributions. */
GtkWindow     *jb_application_create_about_window (GtkWindow *parent);

/* The application's style sheet (the resource style.css) on the default
 * display. The application loads it by itself (AdwApplication does for
 * the resource base path); windows call this for when they are made
 * without it, as the tests do. Once per process. */
void           jb_application_ensure_style         (void);

G_END_DECLS
