/* jb-login-dialog.h — server, user name and password
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define JB_TYPE_LOGIN_DIALOG (jb_login_dialog_get_type ())

G_DECLARE_FINAL_TYPE (JbLoginDialog, jb_login_dialog, JB, LOGIN_DIALOG, AdwWindow)

/* ::submitted (const char *server_url, const char *username,
 *              const char *password)
 * The dialog then shows itself busy until jb_login_dialog_set_error()
 * or the caller closes it. */
JbLoginDialog *jb_login_dialog_new       (const char    *server_url,
                                          const char    *username);
void           jb_login_dialog_set_error (JbLoginDialog *self,
                                          const char    *message);
const char    *jb_login_dialog_get_error (JbLoginDialog *self);
/* Fills the password and submits (for tests). */
void           jb_login_dialog_submit    (JbLoginDialog *self,
                                          const char    *password);

/* Whether the password is to be kept in the keyring after a successful
 * sign-in (the "Remember" switch). */
gboolean       jb_login_dialog_get_remember (JbLoginDialog *self);
void           jb_login_dialog_set_remember (JbLoginDialog *self,
                                             gboolean       remember);

G_END_DECLS
