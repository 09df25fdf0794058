/* jb-terminal-layer.h — alarm buttons, sensors and other fixed terminals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-point-layer.h"

G_BEGIN_DECLS

#define JB_TYPE_TERMINAL_LAYER (jb_terminal_layer_get_type ())

G_DECLARE_FINAL_TYPE (JbTerminalLayer, jb_terminal_layer, JB, TERMINAL_LAYER, JbPointLayer)

JbTerminalLayer *jb_terminal_layer_new           (ShumateViewport *viewport);

/* Rebuilds from a model of JbTerminal (index i is item i). Terminals
 * without a fixed location (carried ones) are hidden: their unit shows. */
void             jb_terminal_layer_set_terminals (JbTerminalLayer *self,
                                                  GListModel      *terminals);
/* Re-reads item @position only. */
void             jb_terminal_layer_update        (JbTerminalLayer *self,
                                                  GListModel      *terminals,
                                                  guint            position);
guint            jb_terminal_layer_get_n_located (JbTerminalLayer *self);

G_END_DECLS
