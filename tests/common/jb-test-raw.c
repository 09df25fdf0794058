/* jb-test-raw.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-test-raw.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

guint16
jb_test_url_port (const char *url)
{
  const char *colon = strrchr (url, ':');

  g_assert_nonnull (colon);
  return (guint16) atoi (colon + 1);
}

int
jb_test_raw_connect (guint16     port,
                     const char *source)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons (port) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  if (source != NULL)
    {
      struct sockaddr_in local = { .sin_family = AF_INET };

      g_assert_cmpint (inet_pton (AF_INET, source, &local.sin_addr), ==, 1);
      g_assert_cmpint (bind (fd, (struct sockaddr *) &local, sizeof local), ==, 0);
    }
  inet_pton (AF_INET, "127.0.0.1", &address.sin_addr);
  if (connect (fd, (struct sockaddr *) &address, sizeof address) != 0)
    g_error ("connect: %s", g_strerror (errno));
  return fd;
}

gboolean
jb_test_raw_send (int         fd,
                  const char *text,
                  gssize      len)
{
  gsize left = len < 0 ? strlen (text) : (gsize) len;

  while (left > 0)
    {
      ssize_t n = send (fd, text, left, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      text += n;
      left -= (gsize) n;
    }
  return TRUE;
}

static gboolean
wait_readable (int   fd,
               guint timeout_ms)
{
  struct pollfd pfd = { .fd = fd, .events = POLLIN };

  return poll (&pfd, 1, (int) timeout_ms) > 0;
}

char *
jb_test_raw_read_all (int       fd,
                      guint     timeout_ms,
                      gboolean *out_closed)
{
  GString *text = g_string_new (NULL);
  char buffer[4096];

  *out_closed = FALSE;
  while (wait_readable (fd, timeout_ms))
    {
      ssize_t n = recv (fd, buffer, sizeof buffer, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          *out_closed = TRUE;
          break;
        }
      g_string_append_len (text, buffer, n);
    }
  return g_string_free (text, FALSE);
}

char *
jb_test_raw_read_response (int   fd,
                           guint timeout_ms)
{
  GString *text = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  char buffer[4096];

  for (;;)
    {
      const char *end = strstr (text->str, "\r\n\r\n");
      gint64 left_ms = (deadline - g_get_monotonic_time ()) / 1000;
      ssize_t n;

      if (end != NULL)
        {
          const char *length = g_strstr_len (text->str, end - text->str, "Content-Length:");
          gsize want = (gsize) (end + 4 - text->str) + (length != NULL ? strtoul (length + 15, NULL, 10) : 0);

          if (text->len >= want)
            return g_string_free (text, FALSE);
        }
      if (left_ms <= 0 || !wait_readable (fd, (guint) left_ms))
        break;
      n = recv (fd, buffer, sizeof buffer, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      g_string_append_len (text, buffer, n);
    }
  if (text->len > 0 && strstr (text->str, "\r\n\r\n") != NULL)
    return g_string_free (text, FALSE);
  g_string_free (text, TRUE);
  return NULL;
}

guint
jb_test_raw_status (const char *response)
{
  if (response == NULL || !g_str_has_prefix (response, "HTTP/1.1 "))
    return 0;
  return (guint) atoi (response + 9);
}

const char *
jb_test_raw_body (const char *response)
{
  const char *end = strstr (response, "\r\n\r\n");

  return end != NULL ? end + 4 : "";
}
