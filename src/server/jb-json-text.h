/* jb-json-text.h — appending JSON text directly, for the large answers
 *
 * The snapshot of a city holds tens of thousands of units; writing their
 * JSON straight from database rows is several times faster than building
 * a json-glib tree and generating it. The output matches json-glib's:
 * doubles always carry a decimal point or an exponent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A JSON string literal, or null when @text is NULL. */
void jb_json_text_append_string (GString    *out,
                                 const char *text);
/* A JSON number written as a double ("90.0", "28.21695"), or null when
 * @value is NaN. */
void jb_json_text_append_double (GString    *out,
                                 double      value);

G_END_DECLS
