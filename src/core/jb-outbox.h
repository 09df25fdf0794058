/* jb-outbox.h — the journal of a console's commands on disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jb-command.h"

G_BEGIN_DECLS

#define JB_TYPE_OUTBOX (jb_outbox_get_type ())

G_DECLARE_FINAL_TYPE (JbOutbox, jb_outbox, JB, OUTBOX, GObject)

/* "$XDG_DATA_HOME/jingbao/outbox-HASH-USER.db" for @server_url and
 * @username (@dir: the directory, NULL for the user's data dir). */
char       *jb_outbox_path_for        (const char           *dir,
                                       const char           *server_url,
                                       const char           *username);

/* Opens (creating) the SQLite journal at @path and starts its writer
 * thread. Reading happens here, once; every write after runs on the
 * writer thread, in order, fsync'd (synchronous=FULL). */
JbOutbox   *jb_outbox_open            (const char           *path,
                                       GError              **error);
const char *jb_outbox_get_path        (JbOutbox             *self);

/* The commands in the journal, in the order they were given (JbCommand,
 * restored with their key, issued-at time and last state). */
GPtrArray  *jb_outbox_load            (JbOutbox             *self,
                                       GError              **error);

/* Writes @command's current state (insert or replace); @callback runs in
 * the caller's thread-default context once it is on disk. */
void        jb_outbox_write_async     (JbOutbox             *self,
                                       JbCommand            *command,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean    jb_outbox_write_finish    (JbOutbox             *self,
                                       GAsyncResult         *result,
                                       GError              **error);
/* Forgets the command with @key (done, dismissed), in order with the
 * writes. */
void        jb_outbox_remove          (JbOutbox             *self,
                                       const char           *key);
/* Blocks until every write queued so far is on disk (tests, shutdown). */
void        jb_outbox_flush           (JbOutbox             *self);

G_END_DECLS
