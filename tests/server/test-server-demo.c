/* test-server-demo.c — the demo city: counts, geography, strictness, determinism
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>

#include "jb-demo.h"
#include "jb-enums.h"
#include "jb-geo.h"
#include "jb-json.h"

/* One city shared by the read-only tests: building it is the slow part. */
static JbDemoCity *default_city;

static JbDemoCity *
get_city (void)
{
  if (default_city == NULL)
    {
      g_autoptr(GError) error = NULL;
      JbDemoOptions options;
      gint64 start;

      jb_demo_options_init (&options);
      start = g_get_monotonic_time ();
      default_city = jb_demo_city_new (&options, &error);
      g_assert_no_error (error);
      g_assert_nonnull (default_city);
      g_test_message ("demo city with %u units built in %.1f ms", default_city->units->len,
                      (g_get_monotonic_time () - start) / 1000.0);
    }
  return default_city;
}

static const char *
str (JsonObject *o,
     const char *member)
{
  g_autoptr(GError) error = NULL;
  const char *value = NULL;

  g_assert_true (jb_json_get_string (o, member, TRUE, &value, &error));
  g_assert_no_error (error);
  return value;
}

static JbGeoShape *
jurisdiction_of (JbDemoCity *city,
                 const char *station_id)
{
  for (guint i = 0; i < city->stations->len; i++)
    {
      JsonObject *st = g_ptr_array_index (city->stations, i);

      if (g_str_equal (str (st, "id"), station_id))
        {
          g_autoptr(GError) error = NULL;
          JbGeoShape *shape = jb_geo_shape_new_from_json (json_object_get_member (st, "jurisdiction"), &error);

          g_assert_no_error (error);
          return shape;
        }
    }

  g_assert_not_reached ();
  return NULL;
}

static GHashTable *
index_by_id (GPtrArray *objects)
{
  GHashTable *table = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < objects->len; i++)
    {
      JsonObject *o = g_ptr_array_index (objects, i);

      /* ids are unique */
      g_assert_true (g_hash_table_insert (table, (gpointer) str (o, "id"), o));
    }
  return table;
}

static void
test_counts (void)
{
  JbDemoCity *city = get_city ();
  guint link = 0, guards = 0, volunteers = 0, officers = 0, cars = 0, gateways = 0, handsets = 0;
  guint kinds[JB_TERMINAL_KIND_N] = { 0 };

  g_assert_cmpuint (city->stations->len, ==, 7);

  for (guint i = 0; i < city->terminals->len; i++)
    {
      JsonObject *t = g_ptr_array_index (city->terminals, i);
      JbTerminalKind kind;

      g_assert_true (jb_terminal_kind_from_string (str (t, "kind"), &kind));
      kinds[kind]++;
      if (json_object_get_boolean_member (t, "gateway"))
        gateways++;
      else if (kind != JB_TERMINAL_KIND_POLICE_HANDSET)
        link++;
      else
        handsets++;
    }
  for (guint i = 0; i < city->units->len; i++)
    {
      JbUnitKind kind;

      g_assert_true (jb_unit_kind_from_string (str (g_ptr_array_index (city->units, i), "kind"), &kind));
      guards += kind == JB_UNIT_KIND_GUARD;
      volunteers += kind == JB_UNIT_KIND_VOLUNTEER;
      officers += kind == JB_UNIT_KIND_OFFICER;
      cars += kind == JB_UNIT_KIND_PATROL_CAR;
    }

  g_test_message ("%u link terminals (%u alarm buttons, %u body cameras, %u sensors), %u gateways, %u handsets",
                  link, kinds[JB_TERMINAL_KIND_ALARM_BUTTON], kinds[JB_TERMINAL_KIND_BODY_CAMERA],
                  kinds[JB_TERMINAL_KIND_SENSOR] - gateways, gateways, handsets);
  g_test_message ("%u guards, %u volunteers, %u officers, %u patrol cars", guards, volunteers, officers, cars);

  /* The article: 200 余个终端, 联动力量超过 2000 人, 7 个派出所 */
  g_assert_cmpuint (link, >=, 200);
  g_assert_cmpuint (kinds[JB_TERMINAL_KIND_ALARM_BUTTON], >=, 140);
  g_assert_cmpuint (kinds[JB_TERMINAL_KIND_BODY_CAMERA], >=, 60);
  g_assert_cmpuint (guards, >=, 2000);
  g_assert_cmpuint (volunteers, >=, 80);
  g_assert_cmpuint (officers, >=, 7 * 15);
  g_assert_cmpuint (officers, <=, 7 * 20);
  g_assert_cmpuint (cars, >=, 7 * 4);
  g_assert_cmpuint (cars, <=, 7 * 6);
  g_assert_cmpuint (handsets, ==, officers + cars);
  g_assert_cmpuint (gateways, >=, 8);
}

static void
test_stations (void)
{
  JbDemoCity *city = get_city ();
  static const char * const names[] = {
    "清水塘派出所", "沙坪派出所", "四方坪派出所", "伍家岭派出所", "湘雅路派出所", "东风路派出所", "捞刀河派出所",
  };
  g_autoptr(GHashTable) units = index_by_id (city->units);
  gboolean xie_yang = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      JsonObject *st = g_ptr_array_index (city->stations, i);
      g_autoptr(JbGeoShape) shape = jurisdiction_of (city, str (st, "id"));
      JsonObject *location = json_object_get_object_member (st, "location");
      JsonObject *roster = json_object_get_object_member (st, "roster");
      JsonObject *leader = json_object_get_object_member (roster, "leader");
      JsonArray *officers = json_object_get_array_member (roster, "officers");
      double lat = 0, lon = 0;

      g_assert_cmpstr (str (st, "name"), ==, names[i]);
      g_assert_true (g_str_has_prefix (str (st, "id"), "st-"));
      g_assert_true (g_str_has_prefix (str (st, "phone"), "0731-8"));
      g_assert_cmpuint (strlen (str (st, "phone")), ==, strlen ("0731-81234567"));
      g_assert_true (jb_json_get_lat_lon (location, &lat, &lon, NULL));
      /* the seat lies in its own jurisdiction */
      g_assert_true (jb_geo_shape_contains (shape, lat, lon));
      g_assert_false (jb_geo_shape_is_empty (shape));

      g_assert_true (g_regex_match_simple ("^\\d{4}-\\d{2}-\\d{2}$", str (roster, "date"), 0, 0));
      g_assert_nonnull (str (leader, "name"));
      g_assert_true (g_regex_match_simple ("^1[3-9]\\d{9}$", str (leader, "phone"), 0, 0));
      if (g_str_equal (str (leader, "name"), "谢阳"))
        {
          g_assert_cmpstr (str (st, "short_name"), ==, "沙坪");
          g_assert_cmpstr (str (leader, "rank"), ==, "所长");
          xie_yang = TRUE;
        }
      g_assert_cmpuint (json_array_get_length (officers), >=, 3);
      g_assert_cmpuint (json_array_get_length (officers), <=, 5);
      for (guint k = 0; k < json_array_get_length (officers); k++)
        {
          JsonObject *o = json_array_get_object_element (officers, k);
          JsonObject *u = g_hash_table_lookup (units, str (o, "unit_id"));

          g_assert_nonnull (u);
          g_assert_cmpstr (str (u, "kind"), ==, "officer");
          g_assert_cmpstr (str (u, "station_id"), ==, str (st, "id"));
          g_assert_cmpstr (str (u, "name"), ==, str (o, "name"));
          g_assert_cmpstr (str (u, "status"), ==, "available");
        }
    }

  g_assert_true (xie_yang);
}

static void
test_jurisdictions_tile (void)
{
  JbDemoCity *city = get_city ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  JbGeoShape *shapes[7];
  double min_lat = G_MAXDOUBLE, min_lon = G_MAXDOUBLE, max_lat = -G_MAXDOUBLE, max_lon = -G_MAXDOUBLE;
  guint hits = 0;

  for (guint i = 0; i < 7; i++)
    {
      double a, b, c, d;

      shapes[i] = jurisdiction_of (city, str (g_ptr_array_index (city->stations, i), "id"));
      g_assert_true (jb_geo_shape_get_bbox (shapes[i], &a, &b, &c, &d));
      min_lat = MIN (min_lat, a), min_lon = MIN (min_lon, b);
      max_lat = MAX (max_lat, c), max_lon = MAX (max_lon, d);
    }

  /* No point of the bounding box is in two jurisdictions. */
  for (guint k = 0; k < 5000; k++)
    {
      double lat = g_rand_double_range (rand, min_lat, max_lat);
      double lon = g_rand_double_range (rand, min_lon, max_lon);
      guint n = 0;

      for (guint i = 0; i < 7; i++)
        n += jb_geo_shape_contains (shapes[i], lat, lon);
      g_assert_cmpuint (n, <=, 1);
      hits += n;
    }
  g_assert_cmpuint (hits, >, 1000);

  for (guint i = 0; i < 7; i++)
    jb_geo_shape_unref (shapes[i]);
}

static void
test_everything_in_place (void)
{
  JbDemoCity *city = get_city ();
  g_autoptr(GHashTable) terminals = index_by_id (city->terminals);
  g_autoptr(GHashTable) units = index_by_id (city->units);
  g_autoptr(GHashTable) callsigns = g_hash_table_new (g_str_hash, g_str_equal);
  JbGeoShape *shapes[7];
  const char *ids[7];

  for (guint i = 0; i < 7; i++)
    {
      ids[i] = str (g_ptr_array_index (city->stations, i), "id");
      shapes[i] = jurisdiction_of (city, ids[i]);
    }

  for (guint i = 0; i < city->units->len; i++)
    {
      JsonObject *u = g_ptr_array_index (city->units, i);
      JsonObject *position = json_object_get_object_member (u, "position");
      JsonObject *t = g_hash_table_lookup (terminals, str (u, "terminal_id"));
      JsonNode *bound;
      double lat, lon;
      guint s;

      for (s = 0; s < 7 && !g_str_equal (ids[s], str (u, "station_id")); s++)
        ;
      g_assert_cmpuint (s, <, 7);
      g_assert_true (jb_json_get_lat_lon (position, &lat, &lon, NULL));
      g_assert_true (jb_geo_shape_contains (shapes[s], lat, lon));
      g_assert_true (g_hash_table_insert (callsigns, (gpointer) str (u, "callsign"), u));

      /* Every unit is reachable: its own device, or its organisation's gateway. */
      g_assert_nonnull (t);
      bound = json_object_get_member (t, "unit_id");
      if (JSON_NODE_HOLDS_NULL (bound))
        {
          g_assert_true (json_object_get_boolean_member (t, "gateway"));
          g_assert_cmpstr (str (t, "org_id"), ==, str (u, "org_id"));
        }
      else
        g_assert_cmpstr (json_node_get_string (bound), ==, str (u, "id"));

      if (g_str_equal (str (u, "kind"), "officer") || g_str_equal (str (u, "kind"), "patrol_car"))
        {
          g_assert_cmpstr (str (t, "kind"), ==, "police_handset");
          g_assert_cmpstr (str (u, "org_id"), ==, str (u, "station_id"));
        }
      else
        {
          /* and every guard and volunteer has a gateway of its own organisation */
          gboolean found = FALSE;

          for (guint k = 0; k < city->terminals->len && !found; k++)
            {
              JsonObject *g = g_ptr_array_index (city->terminals, k);

              found = json_object_get_boolean_member (g, "gateway") &&
                      g_str_equal (str (g, "org_id"), str (u, "org_id"));
            }
          g_assert_true (found);
        }
    }

  for (guint i = 0; i < city->terminals->len; i++)
    {
      JsonObject *t = g_ptr_array_index (city->terminals, i);
      JsonNode *location = json_object_get_member (t, "location");
      JsonNode *unit_id = json_object_get_member (t, "unit_id");
      guint s;

      for (s = 0; s < 7 && !g_str_equal (ids[s], str (t, "station_id")); s++)
        ;
      g_assert_cmpuint (s, <, 7);

      if (!JSON_NODE_HOLDS_NULL (location))
        {
          double lat, lon;

          g_assert_true (jb_json_get_lat_lon (json_node_get_object (location), &lat, &lon, NULL));
          g_assert_true (jb_geo_shape_contains (shapes[s], lat, lon));
          g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (t, "venue")));
        }
      else
        {
          /* a mobile terminal: its unit has the position */
          JsonObject *u = g_hash_table_lookup (units, json_node_get_string (unit_id));

          g_assert_nonnull (u);
          g_assert_cmpstr (str (u, "terminal_id"), ==, str (t, "id"));
          g_assert_cmpstr (str (u, "station_id"), ==, str (t, "station_id"));
          g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (t, "venue")));
        }

      /* the demo secret is the documented one */
      {
        g_autofree char *secret = jb_demo_terminal_secret (str (t, "id"));

        g_assert_cmpstr (str (t, "secret"), ==, secret);
        g_assert_true (g_str_has_prefix (secret, "demo-"));
      }
    }

  for (guint i = 0; i < 7; i++)
    jb_geo_shape_unref (shapes[i]);
}

/* The strict readers accept every object: no unknown member, every enum a
 * wire name of jb-enums. */
static void
check_position (JsonObject *o)
{
  static const char * const members[] = { "lat", "lon", "heading", "speed", "accuracy", "time", NULL };
  g_autoptr(GError) error = NULL;
  double lat, lon, speed = -1, accuracy = -1, heading = 0;
  gint64 time = 0;

  g_assert_true (jb_json_check_members (o, members, &error));
  g_assert_true (jb_json_get_lat_lon (o, &lat, &lon, &error));
  g_assert_true (jb_json_get_double (o, "heading", FALSE, &heading, &error));
  g_assert_true (jb_json_get_double (o, "speed", FALSE, &speed, &error));
  g_assert_true (jb_json_get_double (o, "accuracy", FALSE, &accuracy, &error));
  g_assert_true (jb_json_get_int (o, "time", TRUE, &time, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (speed, >=, 0);
  g_assert_cmpfloat (accuracy, >=, 0);
  g_assert_cmpint (time, >, 1700000000000);
}

static void
test_strict (void)
{
  static const char * const unit_members[] = {
    "id", "kind", "callsign", "name", "org_id", "org_name", "station_id", "status", "terminal_id",
    "incident_id", "phone", "position", "updated_at", NULL,
  };
  static const char * const terminal_members[] = {
    "id", "kind", "name", "venue", "station_id", "unit_id", "location", "online", "last_seen_at",
    "heartbeat_interval_s", "secret", "gateway", "org_id", NULL,
  };
  static const char * const venue_members[] = { "name", "kind", "address", "contact", "phone", NULL };
  static const char * const station_members[] = {
    "id", "name", "short_name", "code", "address", "phone", "location", "jurisdiction", "roster", NULL,
  };
  static const char * const roster_members[] = { "date", "leader", "officers", "phone", NULL };
  static const char * const user_members[] = { "username", "password", "display_name", "role", "station_id",
                                                "station_ids", NULL };
  JbDemoCity *city = get_city ();
  g_autoptr(GError) error = NULL;
  int value;

  for (guint i = 0; i < city->units->len; i++)
    {
      JsonObject *u = g_ptr_array_index (city->units, i);
      JsonObject *position = NULL;
      gint64 updated_at = 0;

      g_assert_true (jb_json_check_members (u, unit_members, &error));
      g_assert_true (jb_json_get_enum (u, "kind", TRUE, JB_ENUM_PARSER (jb_unit_kind_from_string), &value, &error));
      g_assert_true (jb_json_get_enum (u, "status", TRUE, JB_ENUM_PARSER (jb_unit_status_from_string), &value, &error));
      g_assert_true (value == JB_UNIT_STATUS_AVAILABLE || value == JB_UNIT_STATUS_BUSY ||
                     value == JB_UNIT_STATUS_OFF_DUTY);
      g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (u, "incident_id")));
      g_assert_true (jb_json_get_object (u, "position", TRUE, &position, &error));
      g_assert_true (jb_json_get_int (u, "updated_at", TRUE, &updated_at, &error));
      g_assert_no_error (error);
      check_position (position);
      g_assert_true (g_regex_match_simple ("^1[3-9]\\d{9}$", str (u, "phone"), 0, 0));
      g_assert_true (g_regex_match_simple ("^(警|巡|保|义)-[A-Z]{2,3}-\\d{2,}$", str (u, "callsign"), 0, 0));
      g_assert_true (g_regex_match_simple ("^u-\\d{5}$", str (u, "id"), 0, 0));
      str (u, "name"), str (u, "org_id"), str (u, "org_name"), str (u, "station_id");
    }

  for (guint i = 0; i < city->terminals->len; i++)
    {
      JsonObject *t = g_ptr_array_index (city->terminals, i);
      JsonObject *venue = NULL;
      gint64 interval = 0, last_seen = 0;
      gboolean online = FALSE, gateway = FALSE;

      g_assert_true (jb_json_check_members (t, terminal_members, &error));
      g_assert_true (jb_json_get_enum (t, "kind", TRUE, JB_ENUM_PARSER (jb_terminal_kind_from_string), &value, &error));
      g_assert_true (jb_json_get_object (t, "venue", FALSE, &venue, &error));
      if (venue != NULL)
        {
          g_assert_true (jb_json_check_members (venue, venue_members, &error));
          g_assert_true (jb_json_get_enum (venue, "kind", TRUE, JB_ENUM_PARSER (jb_venue_kind_from_string), &value, &error));
          g_assert_true (g_str_has_prefix (str (venue, "address"), "开福区"));
          str (venue, "name"), str (venue, "contact"), str (venue, "phone");
        }
      g_assert_true (jb_json_get_boolean (t, "online", TRUE, &online, &error));
      g_assert_true (jb_json_get_boolean (t, "gateway", TRUE, &gateway, &error));
      g_assert_true (jb_json_get_int (t, "last_seen_at", TRUE, &last_seen, &error));
      g_assert_true (jb_json_get_int (t, "heartbeat_interval_s", TRUE, &interval, &error));
      g_assert_no_error (error);
      g_assert_cmpint (interval, >, 0);
      if (gateway)
        g_assert_cmpstr (str (t, "kind"), ==, "sensor");
    }

  for (guint i = 0; i < city->stations->len; i++)
    {
      JsonObject *st = g_ptr_array_index (city->stations, i);
      JsonObject *roster = NULL;

      g_assert_true (jb_json_check_members (st, station_members, &error));
      g_assert_true (jb_json_get_object (st, "roster", TRUE, &roster, &error));
      g_assert_true (jb_json_check_members (roster, roster_members, &error));
      g_assert_no_error (error);
    }

  for (guint i = 0; i < city->users->len; i++)
    {
      JsonObject *u = g_ptr_array_index (city->users, i);

      g_assert_true (jb_json_check_members (u, user_members, &error));
      g_assert_true (jb_json_get_enum (u, "role", TRUE, JB_ENUM_PARSER (jb_role_from_string), &value, &error));
      g_assert_no_error (error);
    }
}

static void
test_users (void)
{
  JbDemoCity *city = get_city ();
  static const struct { const char *username, *role, *station_id; } expected[] = {
    { "dispatcher", "dispatcher", NULL },
    { "qingshuitang", "duty_officer", "st-qingshuitang" },
    { "wall", "viewer", NULL },
    { "zhongxin", "duty_officer", "st-sifangping" },
  };
  JsonObject *c = city->city;
  double lat, lon;

  g_assert_cmpuint (city->users->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      JsonObject *u = g_ptr_array_index (city->users, i);
      JsonNode *station = json_object_get_member (u, "station_id");

      g_assert_cmpstr (str (u, "username"), ==, expected[i].username);
      g_assert_cmpstr (str (u, "password"), ==, "demo");
      g_assert_cmpstr (str (u, "role"), ==, expected[i].role);
      if (expected[i].station_id == NULL)
        g_assert_true (JSON_NODE_HOLDS_NULL (station));
      else
        g_assert_cmpstr (json_node_get_string (station), ==, expected[i].station_id);
    }

  g_assert_cmpstr (str (c, "name"), ==, "长沙市");
  g_assert_cmpstr (str (c, "district"), ==, "开福区");
  g_assert_true (jb_json_get_lat_lon (json_object_get_object_member (c, "center"), &lat, &lon, NULL));
  g_assert_cmpint (json_object_get_int_member (c, "zoom"), ==, 12);
}

static char *
city_to_string (JbDemoCity *city)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *root = json_object_new ();
  GPtrArray *arrays[] = { city->stations, city->units, city->terminals, city->users };
  const char *names[] = { "stations", "units", "terminals", "users" };

  for (guint k = 0; k < G_N_ELEMENTS (arrays); k++)
    {
      JsonArray *a = json_array_new ();

      for (guint i = 0; i < arrays[k]->len; i++)
        json_array_add_object_element (a, json_object_ref (g_ptr_array_index (arrays[k], i)));
      json_object_set_array_member (root, names[k], a);
    }
  json_object_set_object_member (root, "city", json_object_ref (city->city));
  json_node_take_object (node, root);
  return jb_json_to_string (node, NULL);
}

static void
test_deterministic (void)
{
  g_autoptr(JbDemoCity) again = NULL;
  g_autoptr(JbDemoCity) small = NULL;
  g_autoptr(JbDemoCity) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;
  JbDemoOptions options;

  jb_demo_options_init (&options);
  g_assert_cmpuint (options.seed, ==, 20260113);
  g_assert_cmpuint (options.n_guards, ==, 2000);
  g_assert_cmpuint (options.n_extra_units, ==, 0);

  /* the same seed, the same city */
  again = jb_demo_city_new (&options, &error);
  g_assert_no_error (error);
  a = city_to_string (get_city ());
  b = city_to_string (again);
  g_assert_cmpstr (a, ==, b);

  /* another seed, another city (small ones: this is about the seed) */
  options.n_guards = 100;
  small = jb_demo_city_new (&options, &error);
  g_assert_no_error (error);
  options.seed = 1;
  other = jb_demo_city_new (&options, &error);
  g_assert_no_error (error);
  c = city_to_string (small);
  d = city_to_string (other);
  g_assert_cmpstr (c, !=, d);
}

static void
test_extra_units (void)
{
  g_autoptr(JbDemoCity) big = NULL;
  g_autoptr(GError) error = NULL;
  JbDemoOptions options;
  JbGeoShape *shapes[7];
  const char *ids[7];
  guint base = get_city ()->units->len;
  gint64 start;

  jb_demo_options_init (&options);
  /* 8,000 here to keep the sanitizer run short; the load tests use
   * 17,747 (20,000 units in all) the same way. */
  options.n_extra_units = 8000;
  start = g_get_monotonic_time ();
  big = jb_demo_city_new (&options, &error);
  g_assert_no_error (error);
  g_test_message ("city with %u units built in %.1f ms", big->units->len,
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (big->units->len, ==, base + 8000);
  /* the extras do not change the terminals */
  g_assert_cmpuint (big->terminals->len, ==, get_city ()->terminals->len);

  for (guint i = 0; i < 7; i++)
    {
      ids[i] = str (g_ptr_array_index (big->stations, i), "id");
      shapes[i] = jurisdiction_of (big, ids[i]);
    }
  for (guint i = base; i < big->units->len; i++)
    {
      JsonObject *u = g_ptr_array_index (big->units, i);
      double lat, lon;
      guint s;

      for (s = 0; s < 7 && !g_str_equal (ids[s], str (u, "station_id")); s++)
        ;
      g_assert_cmpuint (s, <, 7);
      g_assert_true (jb_json_get_lat_lon (json_object_get_object_member (u, "position"), &lat, &lon, NULL));
      g_assert_true (jb_geo_shape_contains (shapes[s], lat, lon));
      g_assert_cmpstr (str (u, "kind"), ==, "guard");
    }
  for (guint i = 0; i < 7; i++)
    jb_geo_shape_unref (shapes[i]);
}

static void
test_secret (void)
{
  g_autofree char *a = jb_demo_terminal_secret ("t-ab-0001");
  g_autofree char *b = jb_demo_terminal_secret ("t-ab-0001");
  g_autofree char *c = jb_demo_terminal_secret ("t-ab-0002");

  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);
  g_assert_true (g_str_has_prefix (a, "demo-"));
  g_assert_cmpuint (strlen (a), ==, 5 + 64);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/demo/counts", test_counts);
  g_test_add_func ("/server/demo/stations", test_stations);
  g_test_add_func ("/server/demo/jurisdictions-tile", test_jurisdictions_tile);
  g_test_add_func ("/server/demo/in-place", test_everything_in_place);
  g_test_add_func ("/server/demo/strict", test_strict);
  g_test_add_func ("/server/demo/users", test_users);
  g_test_add_func ("/server/demo/deterministic", test_deterministic);
  g_test_add_func ("/server/demo/extra-units", test_extra_units);
  g_test_add_func ("/server/demo/secret", test_secret);

  ret = g_test_run ();
  g_clear_pointer (&default_city, jb_demo_city_free);
  return ret;
}
