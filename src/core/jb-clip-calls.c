/* jb-clip-calls.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-clip"

#include "jb-clip-calls.h"

static char *
clip_path (const char *clip_id,
           const char *action)
{
  g_autofree char *id = g_uri_escape_string (clip_id, NULL, FALSE);

  return g_strconcat ("/api/v1/clips/", id, "/", action, NULL);
}

JbCommand *
jb_command_new_clip_snapshot (const char *clip_id,
                              gint64      frame_ms,
                              const char *reason)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (clip_id != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "action");
  json_builder_add_string_value (builder, "snapshot");
  json_builder_set_member_name (builder, "frame_ms");
  json_builder_add_int_value (builder, MAX (frame_ms, 0));
  if (reason != NULL && *reason != '\0')
    {
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, reason);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  path = clip_path (clip_id, "audit");
  return jb_command_new ("POST", path, body);
}

JbCommand *
jb_command_new_clip_push (const char *clip_id,
                          const char *reason)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (clip_id != NULL, NULL);

  json_builder_begin_object (builder);
  if (reason != NULL && *reason != '\0')
    {
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, reason);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  path = clip_path (clip_id, "push");
  return jb_command_new ("POST", path, body);
}
