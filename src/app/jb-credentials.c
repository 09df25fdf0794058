/* jb-credentials.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-credentials"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "jb-credentials.h"

static const SecretSchema *
get_schema (void)
{
  /* DONT_MATCH_NAME: a secret stored by hand with secret-tool has the
   * same attributes but no schema name; it is found too. */
  static const SecretSchema schema = {
    "io.github.jingbao.Console.Password", SECRET_SCHEMA_DONT_MATCH_NAME,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  };

  return &schema;
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (secret_password_store_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
jb_credentials_store_async (const char          *server_url,
                            const char          *username,
                            const char          *password,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *label = NULL;

  g_task_set_source_tag (task, jb_credentials_store_async);
  /* Translators: the keyring item's label: user and server */
  label = g_strdup_printf (_("Jingbao Console: %s at %s"), username, server_url);
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, password,
                         cancellable, store_cb, task,
                         "server", server_url,
                         "user", username,
                         NULL);
}

gboolean
jb_credentials_store_finish (GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *password = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, password, (GDestroyNotify) secret_password_free);
}

void
jb_credentials_lookup_async (const char          *server_url,
                             const char          *username,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, jb_credentials_lookup_async);
  secret_password_lookup (get_schema (), cancellable, lookup_cb, task,
                          "server", server_url,
                          "user", username,
                          NULL);
}

char *
jb_credentials_lookup_finish (GAsyncResult  *result,
                              GError       **error)
{
  char *secret = g_task_propagate_pointer (G_TASK (result), error);
  char *copy;

  if (secret == NULL)
    return NULL;
  /* Callers free with g_free(); the secret's own memory is wiped. */
  copy = g_strdup (secret);
  secret_password_free (secret);
  return copy;
}

static void
clear_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean removed = secret_password_clear_finish (result, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, removed);
}

void
jb_credentials_clear_async (const char          *server_url,
                            const char          *username,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, jb_credentials_clear_async);
  secret_password_clear (get_schema (), cancellable, clear_cb, task,
                         "server", server_url,
                         "user", username,
                         NULL);
}

gboolean
jb_credentials_clear_finish (GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
