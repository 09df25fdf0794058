/* jb-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-json"

#include "jb-json.h"

#include <math.h>
#include <string.h>

/* json-glib reads an integer literal outside the int64 range by wrapping it
 * (-1000000000000000000000000000000 becomes 1) and cuts a string at an
 * escaped NUL: the raw text is checked for both before it is parsed. */

static gboolean
integer_fits (const char *digits,
              gsize       n_digits,
              gboolean    negative)
{
  const char *limit = negative ? "9223372036854775808" : "9223372036854775807";

  if (n_digits != 19)
    return n_digits < 19;
  return memcmp (digits, limit, 19) <= 0;
}

/* The UTF-16 unit of a "\\uXXXX" escape at @text, or -1 when it is not one. */
static int
escaped_unit (const char *text,
              gsize       length)
{
  int unit = 0;

  if (length < 6 || text[0] != '\\' || text[1] != 'u')
    return -1;
  for (gsize k = 2; k < 6; k++)
    {
      int digit = g_ascii_xdigit_value (text[k]);

      if (digit < 0)
        return -1;
      unit = unit * 16 + digit;
    }
  return unit;
}

gboolean
jb_json_check_text (const char  *data,
                    gsize        length,
                    GError     **error)
{
  gsize i = 0;
  int depth = 0;
  gboolean closed = FALSE;  /* the first value's last bracket was read */

  while (i < length)
    {
      char c = data[i];

      /* json-glib reads a second value after the first as the body and
       * leaks the first: one value, then only white space. */
      if (closed && c != ' ' && c != '\t' && c != '\n' && c != '\r')
        {
          g_set_error_literal (error, JB_ERROR, JB_ERROR_MALFORMED_JSON,
                               "The body holds more than one JSON value.");
          return FALSE;
        }
      if (c == '{' || c == '[')
        depth++;
      else if ((c == '}' || c == ']') && --depth == 0)
        closed = TRUE;
      if (c == '"')
        {
          for (i++; i < length && data[i] != '"'; i++)
            {
              if (data[i] != '\\')
                continue;
              /* json-glib's scanner also takes octal escapes ("\\300"),
               * which make bytes that are not UTF-8: JSON has only these. */
              if (i + 1 < length && strchr ("\"\\/bfnrtu", data[i + 1]) == NULL)
                {
                  g_set_error_literal (error, JB_ERROR, JB_ERROR_MALFORMED_JSON,
                                       "A backslash in text must start one of JSON's escapes.");
                  return FALSE;
                }
              if (i + 1 < length && data[i + 1] == 'u')
                {
                  int unit = escaped_unit (data + i, length - i);

                  if (unit == 0)
                    {
                      g_set_error_literal (error, JB_ERROR, JB_ERROR_INVALID_VALUE,
                                           "Text may not contain the NUL character (\\u0000).");
                      return FALSE;
                    }
                  /* json-glib lets a short escape or a lone surrogate
                   * through as bytes that are not UTF-8. */
                  if (unit < 0 || (unit >= 0xDC00 && unit <= 0xDFFF) ||
                      (unit >= 0xD800 && unit <= 0xDBFF &&
                       !(escaped_unit (data + i + 6, length - i - 6) >= 0xDC00 &&
                         escaped_unit (data + i + 6, length - i - 6) <= 0xDFFF)))
                    {
                      g_set_error_literal (error, JB_ERROR, JB_ERROR_MALFORMED_JSON,
                                           "A \\u escape is not four hex digits of valid UTF-16.");
                      return FALSE;
                    }
                  if (unit >= 0xD800 && unit <= 0xDBFF)
                    i += 6;  /* the low surrogate just checked */
                  i += 4;
                }
              i++;  /* skips the escaped character, \" included */
            }
          i++;
        }
      else if (c == '-' || g_ascii_isdigit (c))
        {
          gboolean negative = c == '-';
          gsize token = i;
          gsize start = negative ? i + 1 : i;
          gsize end = start;
          gboolean integer;

          while (end < length && g_ascii_isdigit (data[end]))
            end++;
          integer = end >= length || (data[end] != '.' && data[end] != 'e' && data[end] != 'E');
          while (start + 1 < end && data[start] == '0')
            start++;
          if (integer && !integer_fits (data + start, end - start, negative))
            {
              g_set_error_literal (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE,
                                   "An integer is outside the 64-bit range.");
              return FALSE;
            }
          i = end;
          while (i < length && data[i] != '\0' && (g_ascii_isdigit (data[i]) || strchr (".eE+-", data[i]) != NULL))
            i++;
          /* 1e400 would be read as infinity, which no JSON can carry. */
          if (!integer)
            {
              char number[128];

              if (i - token >= sizeof number)
                {
                  g_set_error_literal (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE, "A number is too long.");
                  return FALSE;
                }
              memcpy (number, data + token, i - token);
              number[i - token] = '\0';
              if (!isfinite (g_ascii_strtod (number, NULL)))
                {
                  g_set_error_literal (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE,
                                       "A number is outside the range of a double.");
                  return FALSE;
                }
            }
        }
      else
        i++;
    }
  return TRUE;
}

JsonNode *
jb_json_parse_object (const char  *data,
                      gssize       length,
                      GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (data == NULL || length == 0)
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_MALFORMED_JSON, "The body is empty.");
      return NULL;
    }

  if (!jb_json_check_text (data, length < 0 ? strlen (data) : (gsize) length, error))
    return NULL;
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, JB_ERROR, JB_ERROR_MALFORMED_JSON,
                   "The body is not valid JSON: %s", local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, JB_ERROR, JB_ERROR_NOT_AN_OBJECT,
                           "The body must be a JSON object.");
      return NULL;
    }

  return json_node_ref (root);
}

gboolean
jb_json_check_members (JsonObject         *object,
                       const char * const *allowed,
                       GError            **error)
{
  JsonObjectIter iter;
  const char *name;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, NULL))
    {
      if (!g_strv_contains (allowed, name))
        {
          g_set_error (error, JB_ERROR, JB_ERROR_UNKNOWN_FIELD,
                       "Unknown field \"%s\".", name);
          return FALSE;
        }
    }

  return TRUE;
}

/* Returns the member's node, NULL when absent or null. Sets *ok to FALSE
 * (and @error) only when absent and required. */
static JsonNode *
lookup_member (JsonObject  *object,
               const char  *member,
               gboolean     required,
               gboolean    *ok,
               GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *ok = TRUE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        {
          g_set_error (error, JB_ERROR, JB_ERROR_MISSING_FIELD,
                       "The field \"%s\" is required.", member);
          *ok = FALSE;
        }
      return NULL;
    }

  return node;
}

static gboolean
wrong_type (const char  *member,
            const char  *expected,
            GError     **error)
{
  g_set_error (error, JB_ERROR, JB_ERROR_INVALID_TYPE,
               "The field \"%s\" must be %s.", member, expected);
  return FALSE;
}

static gboolean
holds_value_of_type (JsonNode *node,
                     GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

gboolean
jb_json_get_string (JsonObject   *object,
                    const char   *member,
                    gboolean      required,
                    const char  **out,
                    GError      **error)
{
  gboolean ok;
  JsonNode *node = lookup_member (object, member, required, &ok, error);

  if (node == NULL)
    return ok;
  if (!holds_value_of_type (node, G_TYPE_STRING))
    return wrong_type (member, "a string", error);

  *out = json_node_get_string (node);
  return TRUE;
}

gboolean
jb_json_get_int (JsonObject  *object,
                 const char  *member,
                 gboolean     required,
                 gint64      *out,
                 GError     **error)
{
  gboolean ok;
  JsonNode *node = lookup_member (object, member, required, &ok, error);

  if (node == NULL)
    return ok;
  if (!holds_value_of_type (node, G_TYPE_INT64))
    return wrong_type (member, "an integer", error);

  *out = json_node_get_int (node);
  return TRUE;
}

gboolean
jb_json_get_double (JsonObject  *object,
                    const char  *member,
                    gboolean     required,
                    double      *out,
                    GError     **error)
{
  gboolean ok;
  JsonNode *node = lookup_member (object, member, required, &ok, error);
  double value;

  if (node == NULL)
    return ok;

  /* json-glib parses "3" as an integer and "3.0" as a double: take both. */
  if (holds_value_of_type (node, G_TYPE_DOUBLE))
    value = json_node_get_double (node);
  else if (holds_value_of_type (node, G_TYPE_INT64))
    value = (double) json_node_get_int (node);
  else
    return wrong_type (member, "a number", error);

  if (!isfinite (value))
    {
      g_set_error (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE,
                   "The field \"%s\" must be a finite number.", member);
      return FALSE;
    }

  *out = value;
  return TRUE;
}

gboolean
jb_json_get_boolean (JsonObject  *object,
                     const char  *member,
                     gboolean     required,
                     gboolean    *out,
                     GError     **error)
{
  gboolean ok;
  JsonNode *node = lookup_member (object, member, required, &ok, error);

  if (node == NULL)
    return ok;
  if (!holds_value_of_type (node, G_TYPE_BOOLEAN))
    return wrong_type (member, "true or false", error);

  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
jb_json_get_object (JsonObject   *object,
                    const char   *member,
                    gboolean      required,
                    JsonObject  **out,
                    GError      **error)
{
  gboolean ok;
  JsonNode *node = lookup_member (object, member, required, &ok, error);

  if (node == NULL)
    return ok;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return wrong_type (member, "an object", error);

  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
jb_json_get_array (JsonObject  *object,
                   const char  *member,
                   gboolean     required,
                   JsonArray  **out,
                   GError     **error)
{
  gboolean ok;
  JsonNode *node = lookup_member (object, member, required, &ok, error);

  if (node == NULL)
    return ok;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return wrong_type (member, "an array", error);

  *out = json_node_get_array (node);
  return TRUE;
}

gboolean
jb_json_get_enum (JsonObject       *object,
                  const char       *member,
                  gboolean          required,
                  JbEnumParseFunc   parse,
                  int              *out,
                  GError          **error)
{
  const char *str = NULL;

  if (!jb_json_get_string (object, member, required, &str, error))
    return FALSE;
  if (str == NULL)
    return TRUE;

  if (!parse (str, out))
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INVALID_VALUE,
                   "\"%s\" is not a valid value for \"%s\".", str, member);
      return FALSE;
    }

  return TRUE;
}

gboolean
jb_json_get_lat_lon (JsonObject  *object,
                     double      *out_lat,
                     double      *out_lon,
                     GError     **error)
{
  double lat = 0, lon = 0;

  if (!jb_json_get_double (object, "lat", TRUE, &lat, error) ||
      !jb_json_get_double (object, "lon", TRUE, &lon, error))
    return FALSE;

  if (lat < -90.0 || lat > 90.0)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE,
                   "The latitude %g is outside [-90, 90].", lat);
      return FALSE;
    }
  if (lon < -180.0 || lon > 180.0)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_OUT_OF_RANGE,
                   "The longitude %g is outside [-180, 180].", lon);
      return FALSE;
    }

  *out_lat = lat;
  *out_lon = lon;
  return TRUE;
}

/* json-glib 1.6 writes a double whose shortest form has an exponent and
 * no point with ".0" appended: 1e+17 becomes "1e+17.0", 1e-300 "1e-300.0",
 * which is not JSON (found by fuzz-json). Drops that ".0" in place. */
static gsize
repair_exponents (char  *text,
                  gsize  len)
{
  gsize in = 0, out = 0;
  gboolean in_string = FALSE;

  while (in < len)
    {
      char c = text[in];

      if (in_string)
        {
          text[out++] = text[in++];
          if (c == '\\' && in < len)
            text[out++] = text[in++];
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if ((c == 'e' || c == 'E') && out > 0 && g_ascii_isdigit (text[out - 1]))
        {
          gsize end = in + 1;

          if (end < len && (text[end] == '+' || text[end] == '-'))
            end++;
          while (end < len && g_ascii_isdigit (text[end]))
            end++;
          if (end + 1 < len && text[end] == '.' && text[end + 1] == '0' &&
              (end + 2 >= len || !g_ascii_isdigit (text[end + 2])))
            {
              memmove (text + out, text + in, end - in);
              out += end - in;
              in = end + 2;
              continue;
            }
        }
      text[out++] = text[in++];
    }
  text[out] = '\0';
  return out;
}

char *
jb_json_to_string (JsonNode *node,
                   gsize    *out_length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize len = 0;
  char *text;

  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, &len);
  len = repair_exponents (text, len);
  if (out_length != NULL)
    *out_length = len;
  return text;
}

char *
jb_json_error_body (const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *message = g_utf8_make_valid (error->message, -1);
  const char *code = "internal";

  if (error->domain == JB_ERROR)
    code = jb_error_code_to_string ((JbErrorCode) error->code);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  /* json-glib's parse errors quote the input, cut anywhere: a message is
   * made valid UTF-8 (found by fuzz-dispatch). */
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return jb_json_to_string (root, NULL);
}

/* Clinger's fast path: when the decimal's digits fit in 2^53 and its
 * power of ten is at most 22, both are exact doubles and one IEEE multiply
 * or divide rounds correctly, so the result is bit for bit what strtod
 * gives. Fixes' %.7f coordinates always take it. FALSE for anything
 * else (an exponent, more digits), which strtod must read. */
gboolean
jb_json_read_short_decimal (const char *p,
                            gsize       len,
                            double     *out)
{
  static const double powers[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  };
  const char *end = p + len;
  gboolean negative = FALSE;
  guint64 mantissa = 0;
  int exponent = 0;
  guint digits = 0;
  double value;

  if (p < end && *p == '-')
    {
      negative = TRUE;
      p++;
    }
  for (; p < end && g_ascii_isdigit (*p); p++)
    {
      mantissa = mantissa * 10 + (guint64) (*p - '0');
      if (mantissa != 0)
        digits++;
    }
  if (p < end && *p == '.')
    for (p++; p < end && g_ascii_isdigit (*p); p++)
      {
        mantissa = mantissa * 10 + (guint64) (*p - '0');
        if (mantissa != 0)
          digits++;
        exponent--;
      }
  if (p < end)
    return FALSE;  /* an exponent part: leave it to strtod */
  if (digits > 15 || mantissa > (G_GUINT64_CONSTANT (1) << 53) || exponent < -22)
    return FALSE;

  value = (double) mantissa;
  value = exponent < 0 ? value / powers[-exponent] : value;
  *out = negative ? -value : value;
  return TRUE;
}
