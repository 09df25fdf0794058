/* jb-callout-dialog.h — asks for a call-out's (一呼百应) reach and message
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-client.h"

G_BEGIN_DECLS

/* Asks, then sends the call-out for @incident through @client. */
void jb_callout_dialog_present (GtkWindow  *parent,
                                JbClient   *client,
                                JbIncident *incident);

G_END_DECLS
