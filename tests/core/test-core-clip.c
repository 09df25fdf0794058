/* test-core-clip.c — JbClip codec, an incident's clips, the store's clip
 * and wall events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "jb-core.h"

#define HASH_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define HASH_B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define CLIP_1 "clip-0000000000000000000000000000000a"
#define CLIP_2 "clip-0000000000000000000000000000000b"
#define CLIP_3 "clip-0000000000000000000000000000000c"

static char *
clip_json (const char *id,
           const char *incident_id,
           const char *state,
           gint64      received)
{
  gboolean verified = g_str_equal (state, "verified");

  return g_strdup_printf ("{\"id\": \"%s\", \"incident_id\": \"%s\", \"terminal_id\": \"t-cam-1\","
                          " \"unit_id\": \"u-00001\", \"started_at\": 1795400000000, \"duration_ms\": 10000,"
                          " \"size\": 1000, \"sha256\": \"" HASH_A "\", \"content_type\": \"video/webm\","
                          " \"location\": {\"lat\": 28.2, \"lon\": 112.98}, \"state\": \"%s\","
                          " \"received\": %" G_GINT64_FORMAT ", \"created_at\": 1795400001000,"
                          " \"verified_at\": %s, \"keep_until\": %s, \"future\": 1}",
                          id, incident_id, state, received,
                          verified ? "1795400002000" : "null",
                          verified ? "1811200002000" : "null");
}

static char *
incident_json (const char *id,
               const char *clips)
{
  return g_strdup_printf ("{\"id\": \"%s\", \"number\": \"KF-%s\", \"type\": \"fight\", \"priority\": 1,"
                          " \"status\": \"dispatched\", \"source\": \"phone\", \"terminal_id\": null,"
                          " \"reported_by\": \"dispatcher\", \"location\": {\"lat\": 28.2, \"lon\": 112.98},"
                          " \"address\": \"X\", \"venue\": null, \"station_id\": \"st-a\","
                          " \"description\": \"\", \"created_at\": 1795400000000,"
                          " \"assignments\": [], \"procedure\": [], \"notes\": [], \"timeline\": [],"
                          " \"disposition\": null, \"updated_at\": 1795400000000%s%s}",
                          id, id, clips ? ", \"clips\": " : "", clips ? clips : "");
}

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  return node;
}

static JsonNode *
make_snapshot (gint64      seq,
               const char *clips)
{
  g_autofree char *inc = incident_json ("inc-1", clips);
  g_autofree char *other = incident_json ("inc-2", "[]");
  g_autofree char *text =
    g_strdup_printf ("{\"seq\": %" G_GINT64_FORMAT ", \"server_time\": 1795400000000,"
                     " \"user\": {\"username\": \"dispatcher\", \"role\": \"dispatcher\"},"
                     " \"config\": {}, \"stations\": [], \"units\": [], \"terminals\": [],"
                     " \"incidents\": [%s, %s]}", seq, inc, other);

  return parse (text);
}

static JbStoreApply
apply (JbStore    *store,
       gint64      seq,
       const char *type,
       const char *data,
       GError    **error)
{
  g_autofree char *text = g_strdup_printf ("{\"seq\": %" G_GINT64_FORMAT ", \"type\": \"%s\","
                                           " \"time\": 1795400001000, \"data\": %s}", seq, type, data);

  return jb_store_apply_event_text (store, text, strlen (text), error);
}

static void
test_clip_codec (void)
{
  g_autofree char *json = clip_json (CLIP_1, "inc-1", "uploading", 250);
  g_autoptr(JsonNode) node = parse (json);
  g_autoptr(GError) error = NULL;
  g_autoptr(JbClip) clip = jb_clip_new_from_json (node, &error);
  g_autoptr(JsonNode) back = NULL;
  g_autoptr(JbClip) again = NULL;
  double lat = 0, lon = 0;

  g_assert_no_error (error);
  g_assert_cmpstr (jb_clip_get_id (clip), ==, CLIP_1);
  g_assert_cmpstr (jb_clip_get_incident_id (clip), ==, "inc-1");
  g_assert_cmpstr (jb_clip_get_terminal_id (clip), ==, "t-cam-1");
  g_assert_cmpstr (jb_clip_get_unit_id (clip), ==, "u-00001");
  g_assert_cmpint (jb_clip_get_started_at (clip), ==, 1795400000000);
  g_assert_cmpint (jb_clip_get_duration_ms (clip), ==, 10000);
  g_assert_cmpint (jb_clip_get_size (clip), ==, 1000);
  g_assert_cmpstr (jb_clip_get_sha256 (clip), ==, HASH_A);
  g_assert_cmpstr (jb_clip_get_extension (clip), ==, "webm");
  g_assert_true (jb_clip_get_location (clip, &lat, &lon));
  g_assert_cmpfloat_with_epsilon (lat, 28.2, 1e-9);
  g_assert_cmpfloat_with_epsilon (lon, 112.98, 1e-9);
  g_assert_cmpint (jb_clip_get_state (clip), ==, JB_CLIP_STATE_UPLOADING);
  g_assert_false (jb_clip_is_verified (clip));
  g_assert_cmpint (jb_clip_get_received (clip), ==, 250);
  g_assert_cmpfloat_with_epsilon (jb_clip_get_progress (clip), 0.25, 1e-9);
  g_assert_cmpint (jb_clip_get_verified_at (clip), ==, 0);

  /* Encode, decode: the same clip. */
  back = jb_clip_to_json (clip);
  again = jb_clip_new_from_json (back, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jb_clip_get_id (again), ==, CLIP_1);
  g_assert_cmpstr (jb_clip_get_sha256 (again), ==, HASH_A);
  g_assert_cmpint (jb_clip_get_received (again), ==, 250);
  g_assert_cmpint (jb_clip_get_duration_ms (again), ==, 10000);
  g_assert_true (jb_clip_get_location (again, NULL, NULL));
}

static void
test_clip_codec_refuses (void)
{
  /* Each breaks one member; none may become a clip. */
  const struct { const char *from; const char *to; int code; } cases[] = {
    { CLIP_1, "clip-../../etc/passwd", JB_ERROR_INVALID_VALUE },
    { CLIP_1, "t-1", JB_ERROR_INVALID_VALUE },
    { HASH_A, "0123", JB_ERROR_INVALID_VALUE },
    { HASH_A, "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", JB_ERROR_INVALID_VALUE },
    { "\"uploading\"", "\"played\"", JB_ERROR_INVALID_VALUE },
    { "\"size\": 1000", "\"size\": -1", JB_ERROR_OUT_OF_RANGE },
    { "\"size\": 1000", "\"size\": \"big\"", JB_ERROR_INVALID_TYPE },
    { "\"incident_id\": \"inc-1\", ", "", JB_ERROR_MISSING_FIELD },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = clip_json (CLIP_1, "inc-1", "uploading", 0);
      g_autoptr(GString) bad = g_string_new (json);
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JbClip) clip = NULL;

      g_assert_cmpuint (g_string_replace (bad, cases[i].from, cases[i].to, 1), ==, 1);
      node = parse (bad->str);
      clip = jb_clip_new_from_json (node, &error);
      g_assert_null (clip);
      g_assert_error (error, JB_ERROR, cases[i].code);
    }
}

typedef struct
{
  guint  n_clip_changes;
  char  *last_id;
  guint  n_pushed;
  JbClip *pushed;
  char  *pushed_incident;
  char  *pushed_by;
  char  *pushed_reason;
} Recorder;

static void
recorder_clear (Recorder *r)
{
  g_clear_pointer (&r->last_id, g_free);
  g_clear_object (&r->pushed);
  g_clear_pointer (&r->pushed_incident, g_free);
  g_clear_pointer (&r->pushed_by, g_free);
  g_clear_pointer (&r->pushed_reason, g_free);
}

static void
changed_cb (JbStore       *store,
            JbStoreChange  kind,
            const char    *id,
            Recorder      *r)
{
  if (kind != JB_STORE_CHANGE_CLIP)
    return;
  r->n_clip_changes++;
  g_free (r->last_id);
  r->last_id = g_strdup (id);
}

static void
wall_pushed_cb (JbStore    *store,
                JbClip     *clip,
                const char *incident_id,
                const char *by,
                const char *reason,
                Recorder   *r)
{
  r->n_pushed++;
  g_set_object (&r->pushed, clip);
  g_free (r->pushed_incident);
  r->pushed_incident = g_strdup (incident_id);
  g_free (r->pushed_by);
  r->pushed_by = g_strdup (by);
  g_free (r->pushed_reason);
  r->pushed_reason = g_strdup (reason);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_store_clip_events (void)
{
  g_autoptr(JbStore) store = jb_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *verified = clip_json (CLIP_1, "inc-1", "verified", 1000);
  g_autofree char *clips = g_strdup_printf ("[%s]", verified);
  g_autoptr(JsonNode) snapshot = make_snapshot (10, clips);
  JbIncident *incident;
  GListModel *list;
  JbClip *clip2;
  g_autoptr(JbClip) held = NULL;
  Recorder r = { 0, };
  guint n_progress = 0, n_state = 0;
  g_autofree char *created = NULL, *added = NULL, *data = NULL;

  g_signal_connect (store, "changed", G_CALLBACK (changed_cb), &r);
  g_assert_true (jb_store_load_snapshot (store, snapshot, &error));
  g_assert_no_error (error);

  incident = jb_store_lookup_incident (store, "inc-1");
  list = jb_incident_get_clips (incident);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  g_assert_true (jb_store_lookup_clip (store, CLIP_1) == jb_incident_lookup_clip (incident, CLIP_1));
  g_assert_true (jb_clip_is_verified (jb_store_lookup_clip (store, CLIP_1)));
  g_assert_null (jb_store_lookup_clip (store, CLIP_2));

  /* clip.created: a second clip appears, uploading. */
  created = clip_json (CLIP_2, "inc-1", "uploading", 0);
  data = g_strdup_printf ("{\"clip\": %s}", created);
  g_assert_cmpint (apply (store, 11, "clip.created", data, &error), ==, JB_STORE_APPLY_OK);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 2);
  clip2 = jb_store_lookup_clip (store, CLIP_2);
  g_assert_nonnull (clip2);
  held = g_object_ref (clip2);
  g_assert_cmpuint (r.n_clip_changes, ==, 1);
  g_assert_cmpstr (r.last_id, ==, CLIP_2);
  g_assert_cmpfloat (jb_clip_get_progress (clip2), ==, 0.0);

  /* clip.progress: the same object advances and says so. */
  g_signal_connect (clip2, "notify::progress", G_CALLBACK (count_notify_cb), &n_progress);
  g_signal_connect (clip2, "notify::state", G_CALLBACK (count_notify_cb), &n_state);
  g_assert_cmpint (apply (store, 12, "clip.progress",
                          "{\"id\": \"" CLIP_2 "\", \"incident_id\": \"inc-1\", \"received\": 600}",
                          &error), ==, JB_STORE_APPLY_OK);
  g_assert_cmpint (jb_clip_get_received (clip2), ==, 600);
  g_assert_cmpfloat_with_epsilon (jb_clip_get_progress (clip2), 0.6, 1e-9);
  g_assert_cmpuint (n_progress, ==, 1);
  /* Late progress never goes back. */
  g_assert_cmpint (apply (store, 13, "clip.progress",
                          "{\"id\": \"" CLIP_2 "\", \"incident_id\": \"inc-1\", \"received\": 300}",
                          &error), ==, JB_STORE_APPLY_OK);
  g_assert_cmpint (jb_clip_get_received (clip2), ==, 600);
  g_assert_cmpuint (n_progress, ==, 1);
  /* Progress of a clip nobody holds is skipped, the seq counts. */
  g_assert_cmpint (apply (store, 14, "clip.progress",
                          "{\"id\": \"" CLIP_3 "\", \"incident_id\": \"inc-9\", \"received\": 5}",
                          &error), ==, JB_STORE_APPLY_OK);
  g_assert_cmpint (jb_store_get_seq (store), ==, 14);

  /* clip.added: verified in place, same object, same position. */
  g_free (added);
  added = clip_json (CLIP_2, "inc-1", "verified", 1000);
  g_free (data);
  data = g_strdup_printf ("{\"clip\": %s}", added);
  g_assert_cmpint (apply (store, 15, "clip.added", data, &error), ==, JB_STORE_APPLY_OK);
  g_assert_true (jb_store_lookup_clip (store, CLIP_2) == held);
  g_assert_true (jb_clip_is_verified (held));
  g_assert_cmpfloat (jb_clip_get_progress (held), ==, 1.0);
  g_assert_cmpint (jb_clip_get_verified_at (held), ==, 1795400002000);
  g_assert_cmpuint (n_state, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 2);

  /* A bad clip is an error and changes nothing. */
  g_assert_cmpint (apply (store, 16, "clip.added", "{\"clip\": {\"id\": \"" CLIP_3 "\"}}", &error),
                   ==, JB_STORE_APPLY_ERROR);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (jb_store_get_seq (store), ==, 15);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 2);

  /* An incident.updated with its clips keeps the clip objects. */
  {
    g_autofree char *c1 = clip_json (CLIP_1, "inc-1", "verified", 1000);
    g_autofree char *c2 = clip_json (CLIP_2, "inc-1", "verified", 1000);
    g_autofree char *both = g_strdup_printf ("[%s, %s]", c1, c2);
    g_autofree char *inc = incident_json ("inc-1", both);
    g_autofree char *upd = g_strdup_printf ("{\"incident\": %s}", inc);
    guint n_items_changed = 0;
    gulong h = g_signal_connect_swapped (list, "items-changed", G_CALLBACK (count_notify_cb), &n_items_changed);

    g_assert_cmpint (apply (store, 16, "incident.updated", upd, &error), ==, JB_STORE_APPLY_OK);
    g_assert_no_error (error);
    g_assert_true (jb_store_lookup_clip (store, CLIP_2) == held);
    g_assert_cmpuint (n_items_changed, ==, 0);
    g_signal_handler_disconnect (list, h);
  }

  /* wall.pushed hands out the store's own object. */
  g_signal_connect (store, "wall-pushed", G_CALLBACK (wall_pushed_cb), &r);
  g_free (data);
  data = g_strdup_printf ("{\"clip\": %s, \"incident_id\": \"inc-1\", \"by\": \"dispatcher\", \"reason\": null}", added);
  g_assert_cmpint (apply (store, 17, "wall.pushed", data, &error), ==, JB_STORE_APPLY_OK);
  g_assert_cmpuint (r.n_pushed, ==, 1);
  g_assert_true (r.pushed == held);
  g_assert_cmpstr (r.pushed_incident, ==, "inc-1");
  g_assert_cmpstr (r.pushed_by, ==, "dispatcher");
  g_assert_null (r.pushed_reason);

  /* clip.removed: gone from the incident and from lookups. */
  g_assert_cmpint (apply (store, 18, "clip.removed",
                          "{\"id\": \"" CLIP_2 "\", \"incident_id\": \"inc-1\", \"reason\": \"expired\"}",
                          &error), ==, JB_STORE_APPLY_OK);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  g_assert_null (jb_store_lookup_clip (store, CLIP_2));
  g_assert_cmpstr (r.last_id, ==, CLIP_2);

  /* A clip of an incident not held goes nowhere. */
  {
    g_autofree char *c = clip_json (CLIP_3, "inc-9", "uploading", 0);
    g_autofree char *d = g_strdup_printf ("{\"clip\": %s}", c);

    g_assert_cmpint (apply (store, 19, "clip.created", d, &error), ==, JB_STORE_APPLY_OK);
    g_assert_null (jb_store_lookup_clip (store, CLIP_3));
  }

  recorder_clear (&r);
}

static void
test_store_snapshot_keeps_clips (void)
{
  g_autoptr(JbStore) store = jb_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *c1 = clip_json (CLIP_1, "inc-1", "uploading", 100);
  g_autofree char *one = g_strdup_printf ("[%s]", c1);
  g_autofree char *c1v = clip_json (CLIP_1, "inc-1", "verified", 1000);
  g_autofree char *c2 = clip_json (CLIP_2, "inc-1", "uploading", 10);
  g_autofree char *two = g_strdup_printf ("[%s, %s]", c1v, c2);
  g_autoptr(JsonNode) first = make_snapshot (10, one);
  g_autoptr(JsonNode) second = make_snapshot (20, two);
  g_autoptr(JsonNode) third = make_snapshot (30, NULL);
  JbClip *clip1;
  GListModel *list;
  g_autoptr(JsonNode) json = NULL;

  g_assert_true (jb_store_load_snapshot (store, first, &error));
  clip1 = jb_store_lookup_clip (store, CLIP_1);
  list = jb_incident_get_clips (jb_store_lookup_incident (store, "inc-1"));
  g_assert_false (jb_clip_is_verified (clip1));

  /* A resync: the same objects, updated; the new one added. */
  g_assert_true (jb_store_load_snapshot (store, second, &error));
  g_assert_no_error (error);
  g_assert_true (jb_store_lookup_clip (store, CLIP_1) == clip1);
  g_assert_true (jb_incident_get_clips (jb_store_lookup_incident (store, "inc-1")) == list);
  g_assert_true (jb_clip_is_verified (clip1));
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 2);

  /* The incident's JSON carries its clips. */
  json = jb_incident_to_json (jb_store_lookup_incident (store, "inc-1"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (json), "clips")), ==, 2);

  /* An incident without the member (an older server) keeps them. */
  g_assert_true (jb_store_load_snapshot (store, third, &error));
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/clip/codec", test_clip_codec);
  g_test_add_func ("/clip/codec-refuses", test_clip_codec_refuses);
  g_test_add_func ("/clip/store-events", test_store_clip_events);
  g_test_add_func ("/clip/store-snapshot", test_store_snapshot_keeps_clips);

  return g_test_run ();
}
