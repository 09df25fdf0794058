/* jb-legend.h — what the map symbols mean, with live counts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-store.h"
#include "jb-unit-layer.h"

G_BEGIN_DECLS

#define JB_TYPE_LEGEND (jb_legend_get_type ())

G_DECLARE_FINAL_TYPE (JbLegend, jb_legend, JB, LEGEND, GtkWidget)

GtkWidget *jb_legend_new            (void);
void       jb_legend_set_store      (JbLegend    *self,
                                     JbStore     *store);
/* Stale units are judged by the map's unit layer. */
void       jb_legend_set_unit_layer (JbLegend    *self,
                                     JbUnitLayer *layer);
/* Recounts now (it also does every second). */
void       jb_legend_update         (JbLegend    *self);

/* For tests: the number shown on a row ("units", "status", "terminals",
 * "incidents", "stale" and an index). */
guint      jb_legend_get_count      (JbLegend    *self,
                                     const char  *group,
                                     guint        index);

G_END_DECLS
