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

G_END_DECLS
