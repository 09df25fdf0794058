/* jb-server-list.c — parsing and naming the servers of a failover list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-server-list"

#include "jb-server-list.h"

#include <string.h>

#include "jb-error.h"

static gboolean
is_http_url (const char *text)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;

  return uri != NULL &&
         (g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0) &&
         g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0';
}

GStrv
jb_server_list_parse (const char  *text,
                      GError     **error)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) urls = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  parts = g_strsplit (text != NULL ? text : "", ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *url = g_strstrip (parts[i]);
      gsize len = strlen (url);
      gboolean seen = FALSE;

      /* Paths start with '/': the base has none at its end. */
      while (len > 0 && url[len - 1] == '/')
        url[--len] = '\0';
      if (len == 0)
        continue;
      if (!is_http_url (url))
        {
          g_set_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE,
                       "\"%s\" is not a server address (http://host:port)", url);
          return NULL;
        }
      for (guint j = 0; j < urls->len && !seen; j++)
        seen = g_ascii_strcasecmp (urls->pdata[j], url) == 0;
      if (!seen)
        g_ptr_array_add (urls, g_strdup (url));
    }
  if (urls->len == 0)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_INVALID_VALUE, "No server address given");
      return NULL;
    }
  g_ptr_array_add (urls, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&urls), FALSE);
}

char *
jb_server_list_format (const char * const *urls)
{
  g_return_val_if_fail (urls != NULL, NULL);
  return g_strjoinv (",", (char **) urls);
}

char *
jb_server_list_label (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *host;
  int port;

  g_return_val_if_fail (url != NULL, NULL);

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return g_strdup (url);
  port = g_uri_get_port (uri);
  if (port < 0)
    port = g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%d", host, port);
  return g_strdup_printf ("%s:%d", host, port);
}
