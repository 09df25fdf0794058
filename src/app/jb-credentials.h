/* jb-credentials.h — passwords in the desktop keyring (libsecret)
 *
 * One secret per server and user name, found again by both (a password
 * stored with `secret-tool store --label=… server URL user NAME` is
 * found too). Nothing is ever written to a plain file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void      jb_credentials_store_async   (const char           *server_url,
                                        const char           *username,
                                        const char           *password,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
gboolean  jb_credentials_store_finish  (GAsyncResult         *result,
                                        GError              **error);

/* The password, or NULL without an error when none is stored. */
void      jb_credentials_lookup_async  (const char           *server_url,
                                        const char           *username,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
char     *jb_credentials_lookup_finish (GAsyncResult         *result,
                                        GError              **error);

/* TRUE when something was removed. */
void      jb_credentials_clear_async   (const char           *server_url,
                                        const char           *username,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
gboolean  jb_credentials_clear_finish  (GAsyncResult         *result,
                                        GError              **error);

G_END_DECLS
