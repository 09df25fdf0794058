/* jb-duty-board.h — the stations' duty rosters for a hall screen
 *
 * One card per station: the leader on duty (带班领导), the duty officers
 * (值班民警) and the linkage partners (the security companies and
 * volunteer teams working with the station, each with the number of its
 * people on duty and a contact phone), with the duty desk's number. Live
 * from station.updated events; the partners are counted again every
 * minute. When not all cards fit, pages of them take turns.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jb-client.h"

G_BEGIN_DECLS

#define JB_TYPE_DUTY_BOARD (jb_duty_board_get_type ())

G_DECLARE_FINAL_TYPE (JbDutyBoard, jb_duty_board, JB, DUTY_BOARD, GtkWidget)

GtkWidget *jb_duty_board_new             (JbClient    *client);
/* Cards per page (default 0: as many as fit the board at its type size)
 * and seconds per page (20). */
void       jb_duty_board_set_page_size   (JbDutyBoard *self,
                                          guint        n_cards);
void       jb_duty_board_set_page_interval (JbDutyBoard *self,
                                            guint        seconds);
guint      jb_duty_board_get_n_pages     (JbDutyBoard *self);
/* Every text of a station's card, one line each, newly allocated; NULL
 * when the board has no card for it. */
char      *jb_duty_board_get_card_text   (JbDutyBoard *self,
                                          const char  *station_id);

G_END_DECLS
