/* jb-queue.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-queue.h"

#include <string.h>

int
jb_queue_compare (JbIncident *a,
                  JbIncident *b)
{
  gboolean oa, ob;
  guint pa, pb;
  gint64 ta, tb;

  g_return_val_if_fail (JB_IS_INCIDENT (a) && JB_IS_INCIDENT (b), 0);

  /* A resolved incident is done with: below every active one. */
  oa = jb_incident_is_active (a);
  ob = jb_incident_is_active (b);
  if (oa != ob)
    return oa ? -1 : 1;
  pa = jb_incident_get_priority (a);
  pb = jb_incident_get_priority (b);
  if (pa != pb)
    return pa < pb ? -1 : 1;
  ta = jb_incident_get_created_at (a);
  tb = jb_incident_get_created_at (b);
  if (ta != tb)
    return ta < tb ? -1 : 1;
  return g_strcmp0 (jb_incident_get_id (a), jb_incident_get_id (b));
}

gboolean
jb_queue_in_scope (JbIncident         *incident,
                   const char * const *station_ids)
{
  const char *station;

  g_return_val_if_fail (JB_IS_INCIDENT (incident), FALSE);

  if (station_ids == NULL || station_ids[0] == NULL)
    return TRUE;
  station = jb_incident_get_station_id (incident);
  return station != NULL && g_strv_contains (station_ids, station);
}

static gboolean
contains_casefold (const char *haystack,
                   const char *needle)
{
  g_autofree char *folded = NULL;

  if (haystack == NULL)
    return FALSE;
  folded = g_utf8_casefold (haystack, -1);
  return strstr (folded, needle) != NULL;
}

gboolean
jb_queue_matches (JbIncident *incident,
                  const char *text,
                  const char *type_label)
{
  g_autofree char *needle = NULL;

  g_return_val_if_fail (JB_IS_INCIDENT (incident), FALSE);

  if (text == NULL || text[0] == '\0')
    return TRUE;
  needle = g_utf8_casefold (text, -1);
  return contains_casefold (jb_incident_get_number (incident), needle) ||
         contains_casefold (type_label, needle) ||
         contains_casefold (jb_incident_get_venue_name (incident), needle) ||
         contains_casefold (jb_incident_get_address (incident), needle) ||
         contains_casefold (jb_incident_get_description (incident), needle);
}
