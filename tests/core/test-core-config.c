/* test-core-config.c — JbConfig: the server's config read typed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jb-core.h"

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_full (void)
{
  g_autoptr(JsonObject) object = parse_object (
    "{\"targets\": {\"guard_s\": 45, \"police_s\": 150, \"reinforce_s\": 240},"
    " \"freshness\": {\"body_camera_s\": 20, \"police_handset_s\": 25, \"unit_s\": 90},"
    " \"city\": {\"name\": \"长沙市\", \"district\": \"开福区\", \"center\": {\"lat\": 28.25, \"lon\": 112.99}, \"zoom\": 12},"
    " \"incident_types\": [\"fight\", \"theft\"],"
    " \"dispositions\": [\"resolved_on_scene\", \"false_alarm\"]}");
  g_autoptr(JbConfig) config = jb_config_new_from_json (object);
  const JbTargetLimits *limits = jb_config_get_target_limits (config);
  const JbIncidentType *types;
  const JbDisposition *dispositions;
  double lat = 0, lon = 0;
  guint n = 0;

  g_assert_cmpuint (limits->guard_s, ==, 45);
  g_assert_cmpuint (limits->police_s, ==, 150);
  g_assert_cmpuint (limits->reinforce_s, ==, 240);
  g_assert_cmpuint (jb_config_get_body_camera_freshness (config), ==, 20);
  g_assert_cmpuint (jb_config_get_handset_freshness (config), ==, 25);
  g_assert_cmpuint (jb_config_get_unit_freshness (config), ==, 90);
  g_assert_cmpstr (jb_config_get_city_name (config), ==, "长沙市");
  g_assert_cmpstr (jb_config_get_city_district (config), ==, "开福区");
  g_assert_true (jb_config_get_city_center (config, &lat, &lon));
  g_assert_cmpfloat (lat, ==, 28.25);
  g_assert_cmpfloat (lon, ==, 112.99);
  g_assert_cmpfloat (jb_config_get_city_zoom (config), ==, 12);

  types = jb_config_get_incident_types (config, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (types[0], ==, JB_INCIDENT_TYPE_FIGHT);
  g_assert_cmpint (types[1], ==, JB_INCIDENT_TYPE_THEFT);
  dispositions = jb_config_get_dispositions (config, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (dispositions[0], ==, JB_DISPOSITION_RESOLVED_ON_SCENE);
  g_assert_cmpint (dispositions[1], ==, JB_DISPOSITION_FALSE_ALARM);
}

static void
check_defaults (JbConfig *config)
{
  const JbTargetLimits *limits = jb_config_get_target_limits (config);
  JbTargetLimits defaults;
  double lat = -1, lon = -1;
  guint n = 99;

  jb_target_limits_init_default (&defaults);
  g_assert_cmpuint (limits->guard_s, ==, defaults.guard_s);
  g_assert_cmpuint (limits->police_s, ==, defaults.police_s);
  g_assert_cmpuint (limits->reinforce_s, ==, defaults.reinforce_s);
  g_assert_cmpuint (jb_config_get_body_camera_freshness (config), ==, 30);
  g_assert_cmpuint (jb_config_get_handset_freshness (config), ==, 30);
  g_assert_cmpuint (jb_config_get_unit_freshness (config), ==, 120);
  g_assert_cmpstr (jb_config_get_city_name (config), ==, "");
  g_assert_cmpstr (jb_config_get_city_district (config), ==, "");
  g_assert_false (jb_config_get_city_center (config, &lat, &lon));
  g_assert_cmpfloat (lat, ==, -1);  /* untouched */
  g_assert_cmpfloat (jb_config_get_city_zoom (config), ==, 0);
  g_assert_null (jb_config_get_incident_types (config, &n));
  g_assert_cmpuint (n, ==, 0);
}

static void
test_defaults (void)
{
  g_autoptr(JbConfig) none = jb_config_new_from_json (NULL);
  g_autoptr(JsonObject) empty_object = parse_object ("{}");
  g_autoptr(JbConfig) empty = jb_config_new_from_json (empty_object);

  check_defaults (none);
  check_defaults (empty);
}

/* Wrong types and values keep the defaults; unknown members and names are
 * ignored, so a newer server's config still reads. */
static void
test_tolerant (void)
{
  g_autoptr(JsonObject) object = parse_object (
    "{\"targets\": \"soon\", \"freshness\": {\"body_camera_s\": -5, \"police_handset_s\": \"x\", \"unit_s\": 0},"
    " \"city\": {\"name\": 7, \"district\": null, \"center\": {\"lat\": 95, \"lon\": 112}, \"zoom\": \"far\"},"
    " \"incident_types\": 3, \"dispositions\": {},"
    " \"weather\": {\"rain\": true}, \"video\": [1, 2]}");
  g_autoptr(JsonObject) partial_object = parse_object (
    "{\"city\": {\"name\": \"长沙市\", \"center\": {\"lat\": 28.2}},"
    " \"incident_types\": [\"fight\", \"alien_landing\", 5, \"dispute\"]}");
  g_autoptr(JbConfig) config = jb_config_new_from_json (object);
  g_autoptr(JbConfig) partial = jb_config_new_from_json (partial_object);
  const JbIncidentType *types;
  guint n = 0;

  check_defaults (config);

  g_assert_cmpstr (jb_config_get_city_name (partial), ==, "长沙市");
  g_assert_false (jb_config_get_city_center (partial, NULL, NULL));  /* no lon */
  types = jb_config_get_incident_types (partial, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (types[0], ==, JB_INCIDENT_TYPE_FIGHT);
  g_assert_cmpint (types[1], ==, JB_INCIDENT_TYPE_DISPUTE);
}

/* The store's typed config follows its snapshot. */
static void
test_store (void)
{
  g_autoptr(JbStore) store = jb_store_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JbConfig *before, *after;

  before = jb_store_get_typed_config (store);
  check_defaults (before);
  g_assert_true (jb_store_get_typed_config (store) == before);

  g_assert_true (json_parser_load_from_data (parser,
    "{\"seq\": 3, \"server_time\": 1700000000000, \"user\": {\"username\": \"d\", \"role\": \"dispatcher\"},"
    " \"config\": {\"city\": {\"name\": \"长沙市\", \"district\": \"开福区\"}, \"freshness\": {\"unit_s\": 60}},"
    " \"stations\": [], \"units\": [], \"terminals\": [], \"incidents\": []}", -1, &error));
  g_assert_true (jb_store_load_snapshot (store, json_parser_get_root (parser), &error));
  g_assert_no_error (error);

  after = jb_store_get_typed_config (store);
  g_assert_cmpstr (jb_config_get_city_name (after), ==, "长沙市");
  g_assert_cmpuint (jb_config_get_unit_freshness (after), ==, 60);
}

/* config.basemap: the server's tiles, null without --tiles, and a
 * malformed one ignored rather than failing the config. */
static void
test_basemap (void)
{
  g_autoptr(JsonObject) with = parse_object (
    "{\"basemap\": {\"name\": \"长沙\", \"attribution\": \"<a href='x'>&copy; Data &amp; more</a>\","
    " \"format\": \"PNG\", \"bounds\": [112.8, 28.05, 113.16, 28.42], \"minzoom\": 10, \"maxzoom\": 16,"
    " \"tile_size\": 256, \"version\": \"abc\"}}");
  g_autoptr(JsonObject) none = parse_object ("{\"basemap\": null}");
  g_autoptr(JsonObject) bad = parse_object ("{\"basemap\": {\"name\": \"x\", \"format\": \"png\","
                                            " \"bounds\": [1, 2, 3], \"minzoom\": 1, \"maxzoom\": 2}}");
  g_autoptr(JbConfig) config = jb_config_new_from_json (with);
  g_autoptr(JbConfig) without = jb_config_new_from_json (none);
  g_autoptr(JbConfig) malformed = jb_config_new_from_json (bad);
  const JbBasemap *basemap = jb_config_get_basemap (config);

  g_assert_nonnull (basemap);
  g_assert_cmpstr (basemap->name, ==, "长沙");
  g_assert_cmpstr (basemap->attribution, ==, "© Data & more");
  g_assert_cmpstr (basemap->format, ==, "png");
  g_assert_true (jb_basemap_is_raster (basemap));
  g_assert_cmpfloat (basemap->west, ==, 112.8);
  g_assert_cmpfloat (basemap->north, ==, 28.42);
  g_assert_cmpuint (basemap->minzoom, ==, 10);
  g_assert_cmpuint (basemap->maxzoom, ==, 16);
  g_assert_cmpstr (basemap->version, ==, "abc");
  g_assert_null (jb_config_get_basemap (without));
  g_assert_null (jb_config_get_basemap (malformed));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/config/full", test_full);
  g_test_add_func ("/core/config/defaults", test_defaults);
  g_test_add_func ("/core/config/tolerant", test_tolerant);
  g_test_add_func ("/core/config/store", test_store);
  g_test_add_func ("/core/config/basemap", test_basemap);

  return g_test_run ();
}
