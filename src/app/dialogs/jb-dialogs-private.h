/* jb-dialogs-private.h — what the dialogs and panels share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-client.h"
#include "jb-enums.h"

G_BEGIN_DECLS

/* Loads the dialogs' style sheet once for the default display. Every
 * class_init calls it (it also pulls the resource into the link). */
void        _jb_dialogs_ensure_style         (void);

/* JbDisposition and JbProcedureStep in words: jb-labels.h has no
 * function for these yet. */
const char *_jb_disposition_get_label        (JbDisposition    disposition);
const char *_jb_procedure_step_get_label     (JbProcedureStep  step);

/* "2026-11-23 14:05" in local time, "—" for 0. */
char       *_jb_format_date_time             (gint64           ms);

/* A command's error as a sentence for the person at the console.
 * @forbidden and @conflict are the sentences for 403 and 409 in this
 * context (may be NULL: the server's own message is used). Every other
 * code has a generic sentence; the server's message is added when it
 * says more. */
char       *_jb_describe_command_error       (const GError    *error,
                                              const char      *forbidden,
                                              const char      *conflict);

/* The station the logged-in user belongs to (duty officers), or NULL. */
const char *_jb_client_get_user_station_id   (JbClient        *client);

/* A weak reference for async callbacks that may outlive their widget. */
typedef struct _JbWeakRef JbWeakRef;
JbWeakRef  *_jb_weak_ref_new                 (gpointer         object);
/* A new reference, or NULL when the object is gone. Frees @ref. */
gpointer    _jb_weak_ref_steal               (JbWeakRef       *ref);

G_END_DECLS
