/* jb-callout-view.h — an incident's latest call-out (一呼百应) with live counts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-incident.h"

G_BEGIN_DECLS

#define JB_TYPE_CALLOUT_VIEW (jb_callout_view_get_type ())
G_DECLARE_FINAL_TYPE (JbCalloutView, jb_callout_view, JB, CALLOUT_VIEW, GtkWidget)

/* Shows @incident's latest call-out; hidden when it has none (or NULL). */
void        jb_callout_view_set_incident (JbCalloutView *self,
                                          JbIncident    *incident);
/* The counts line as shown, for tests. */
const char *jb_callout_view_get_counts   (JbCalloutView *self);

G_END_DECLS
