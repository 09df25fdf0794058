/* jb-error.h — the protocol's error codes as a GError domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define JB_ERROR (jb_error_quark ())

/* One value per `error.code` of docs/protocol.md. */
typedef enum
{
  JB_ERROR_MALFORMED_JSON,
  JB_ERROR_NOT_AN_OBJECT,
  JB_ERROR_MISSING_FIELD,
  JB_ERROR_INVALID_TYPE,
  JB_ERROR_INVALID_VALUE,
  JB_ERROR_UNKNOWN_FIELD,
  JB_ERROR_OUT_OF_RANGE,
  JB_ERROR_BAD_REQUEST,
  JB_ERROR_UNAUTHORIZED,
  JB_ERROR_FORBIDDEN,
  JB_ERROR_NOT_FOUND,
  JB_ERROR_METHOD_NOT_ALLOWED,
  JB_ERROR_CONFLICT,
  JB_ERROR_PAYLOAD_TOO_LARGE,
  JB_ERROR_IDEMPOTENCY_KEY_REUSED,
  JB_ERROR_HASH_MISMATCH,
  JB_ERROR_UNSUPPORTED_MEDIA,
  JB_ERROR_INTERNAL,
  /* Client side only: never sent by the server. */
  JB_ERROR_NETWORK,
  JB_ERROR_PROTOCOL,
  /* Sent by the server when it refuses to do more for now. */
  JB_ERROR_TOO_MANY_REQUESTS,
  JB_ERROR_UNAVAILABLE,
  JB_ERROR_N
} JbErrorCode;

GQuark      jb_error_quark            (void);
const char *jb_error_code_to_string   (JbErrorCode code);
gboolean    jb_error_code_from_string (const char  *str,
                                       JbErrorCode *out_code);
/* The HTTP status the server answers with for this code. */
guint       jb_error_code_http_status (JbErrorCode code);

G_END_DECLS
