/* jb-tls.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-tls"

#include "jb-tls-private.h"

void
_jb_tls_use_ca_file (SoupSession *soup)
{
  const char *path = g_getenv ("JINGBAO_CA_FILE");
  g_autoptr(GTlsDatabase) ca = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL || *path == '\0')
    return;
  ca = g_tls_file_database_new (path, &error);
  if (ca == NULL)
    {
      g_warning ("Cannot read JINGBAO_CA_FILE: %s", error->message);
      return;
    }
  soup_session_set_tls_database (soup, ca);
}
