/* jb-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-error"

#include "jb-error.h"

#include <string.h>

G_DEFINE_QUARK (jb-error-quark, jb_error)

static const struct
{
  const char *name;
  guint       http_status;
} error_table[JB_ERROR_N] = {
  [JB_ERROR_MALFORMED_JSON] = { "malformed_json", 400 },
  [JB_ERROR_NOT_AN_OBJECT] = { "not_an_object", 400 },
  [JB_ERROR_MISSING_FIELD] = { "missing_field", 400 },
  [JB_ERROR_INVALID_TYPE] = { "invalid_type", 400 },
  [JB_ERROR_INVALID_VALUE] = { "invalid_value", 400 },
  [JB_ERROR_UNKNOWN_FIELD] = { "unknown_field", 400 },
  [JB_ERROR_OUT_OF_RANGE] = { "out_of_range", 400 },
  [JB_ERROR_BAD_REQUEST] = { "bad_request", 400 },
  [JB_ERROR_UNAUTHORIZED] = { "unauthorized", 401 },
  [JB_ERROR_FORBIDDEN] = { "forbidden", 403 },
  [JB_ERROR_NOT_FOUND] = { "not_found", 404 },
  [JB_ERROR_METHOD_NOT_ALLOWED] = { "method_not_allowed", 405 },
  [JB_ERROR_CONFLICT] = { "conflict", 409 },
  [JB_ERROR_PAYLOAD_TOO_LARGE] = { "payload_too_large", 413 },
  [JB_ERROR_IDEMPOTENCY_KEY_REUSED] = { "idempotency_key_reused", 422 },
  [JB_ERROR_HASH_MISMATCH] = { "hash_mismatch", 422 },
  [JB_ERROR_UNSUPPORTED_MEDIA] = { "unsupported_media", 422 },
  [JB_ERROR_INTERNAL] = { "internal", 500 },
  [JB_ERROR_NETWORK] = { "network", 0 },
  [JB_ERROR_PROTOCOL] = { "protocol", 0 },
  [JB_ERROR_TOO_MANY_REQUESTS] = { "too_many_requests", 429 },
  [JB_ERROR_UNAVAILABLE] = { "unavailable", 503 },
};

const char *
jb_error_code_to_string (JbErrorCode code)
{
  if ((int) code < 0 || code >= JB_ERROR_N)
    return "internal";
  return error_table[code].name;
}

gboolean
jb_error_code_from_string (const char  *str,
                           JbErrorCode *out_code)
{
  if (str == NULL)
    return FALSE;

  for (int i = 0; i < JB_ERROR_N; i++)
    if (strcmp (error_table[i].name, str) == 0)
      {
        if (out_code != NULL)
          *out_code = (JbErrorCode) i;
        return TRUE;
      }

  return FALSE;
}

guint
jb_error_code_http_status (JbErrorCode code)
{
  if ((int) code < 0 || code >= JB_ERROR_N || error_table[code].http_status == 0)
    return 500;
  return error_table[code].http_status;
}
