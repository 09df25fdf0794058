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

/* "2026-11-23 14:05" in local time, "—" for 0. */
char       *_jb_format_date_time             (gint64           ms);

/* A command's error as a sentence for the person at the console:
 * @forbidden and @conflict are this context's sentences for 403 and 409
 * (NULL: the general one); everything else as jb_describe_command_error()
 * says it. */
char       *_jb_describe_command_error       (JbClient        *client,
                                              const GError    *error,
                                              const char      *forbidden,
                                              const char      *conflict);

/* A weak reference for async callbacks that may outlive their widget. */
typedef struct _JbWeakRef JbWeakRef;
JbWeakRef  *_jb_weak_ref_new                 (gpointer         object);
/* A new reference, or NULL when the object is gone. Frees @ref. */
gpointer    _jb_weak_ref_steal               (JbWeakRef       *ref);

G_END_DECLS
