/* jb-dispatch-positions.c — the newest fix per unit, off the event log
 *
 * A position is state, not a command: the route keeps it in memory, a
 * timer writes every unit's newest fix in one transaction (at least once a
 * second, and at shutdown), and the fixes go to the event streams as
 * "positions" frames without a seq, coalesced per unit between sends. The
 * seq log keeps the state changes only, so hours of commands can be
 * replayed; a client that reconnects gets the current positions instead of
 * every fix it missed. Servers sharing a database read the fixes the others
 * wrote every 500 ms and stream the newer ones.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-dispatch"

#include "jb-dispatch-private.h"
#include "jb-json-text.h"

#include <math.h>

/* How long fixes gather before they are streamed: a frame per period
 * instead of one per fix, and a unit moving twice is sent once. */
#define SEND_PERIOD_MS     50
/* Items per positions frame: about 140 bytes each, well under the
 * protocol's 1 MiB frame. */
#define FRAME_MAX_ITEMS    2000

/* How often the positions table is read for the fixes other servers on
 * the database wrote. Each read goes back from the newest updated_at seen
 * by the storage's margin (jb_storage_positions_read_margin): on SQLite a
 * flush that began earlier may commit after a later one, with an older
 * updated_at. */
#define POLL_PERIOD_MS     500

typedef struct
{
  char              *org_id;
  JbStoragePosition  position;
} JbFix;

static guint positions_signal;

static void
fix_free (gpointer data)
{
  JbFix *fix = data;

  g_free (fix->org_id);
  g_free (fix);
}

void
_jb_dispatch_positions_class_init (GObjectClass *klass)
{
  /**
   * JbDispatch::positions:
   * @frame: a "positions" frame (compact JSON, no seq), exactly as streamed
   *
   * Emitted with the fixes accepted since the last emission, newest per
   * unit, in frames of at most 2000 items.
   */
  positions_signal =
    g_signal_new ("positions", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static GHashTable *
fix_table_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, fix_free);
}

/* A unit created (or imported) may come with a position: the table of
 * current fixes is read again when next needed. */
static void
own_event_cb (JbDispatch *self,
              const char *frame,
              gint64      seq,
              gpointer    user_data)
{
  if (self->fixes_current != NULL && g_strstr_len (frame, 64, "\"type\":\"unit.created\"") != NULL)
    g_clear_pointer (&self->fixes_current, g_hash_table_unref);
}

void
_jb_dispatch_positions_init (JbDispatch *self)
{
  self->fixes_unflushed = fix_table_new ();
  self->fixes_flushing = fix_table_new ();
  self->fixes_unsent = fix_table_new ();
  self->positions_event_id = g_signal_connect (self, "event", G_CALLBACK (own_event_cb), NULL);
}

/* The fixes of the round as the storage takes them: copies, so that a
 * worker thread can write them while the main loop goes on with the
 * tables. */
static GPtrArray *
round_fixes (JbDispatch *self)
{
  GPtrArray *fixes = g_ptr_array_new_full (g_hash_table_size (self->fixes_flushing), jb_stored_fix_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->fixes_flushing);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      JbStoredFix *fix = g_new0 (JbStoredFix, 1);

      fix->unit_id = g_strdup (key);
      fix->org_id = g_strdup (((JbFix *) value)->org_id);
      fix->position = ((JbFix *) value)->position;
      g_ptr_array_add (fixes, fix);
    }
  return fixes;
}

/* Writes the fixes of the round in one transaction (one fsync for all;
 * transactions of a few thousand each cost one fsync apiece and took
 * several times longer in all). On failure they stay for the next try.
 * Fixes only: no event, so the seq cannot move. */
static gboolean
write_round (JbDispatch  *self,
             GError     **error)
{
  g_autoptr(GPtrArray) fixes = round_fixes (self);
  JbStorage *storage = self->positions_storage != NULL ? self->positions_storage : self->storage;

  if (!jb_storage_write_positions (storage, (JbStoredFix * const *) fixes->pdata, fixes->len, error))
    return FALSE;
  g_hash_table_remove_all (self->fixes_flushing);
  return TRUE;
}

/* Moves the fixes accepted so far into the round under way (a newer fix
 * replaces one of the same unit still waiting there). */
static void
start_round (JbDispatch *self)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->fixes_unflushed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_hash_table_iter_steal (&iter);
      g_hash_table_replace (self->fixes_flushing, key, value);
    }
}

static gboolean flush_cb (gpointer user_data);
static void     start_round_thread (JbDispatch *self);
static void     finish_poll_read (JbDispatch *self,
                                  gboolean    apply);

static void
arm_flush (JbDispatch *self)
{
  if (self->positions_flush_id == 0)
    self->positions_flush_id = g_timeout_add (self->options.position_flush_ms, flush_cb, self);
}

/* A round written on a thread of its own (PostgreSQL): the main loop
 * neither waits for the database nor holds a lock other servers' commands
 * need. The fixes stay in fixes_flushing meanwhile, so that reads overlay
 * them; accepted ones gather in fixes_unflushed for the next round. */
typedef struct
{
  JbStorage *storage;
  GPtrArray *fixes;
  gboolean   ok;
  GError    *error;
  gint64     started;
  GSource   *done;
} WriteRound;

static gpointer
write_round_thread (gpointer data)
{
  WriteRound *round = data;

  round->ok = jb_storage_write_positions (round->storage, (JbStoredFix * const *) round->fixes->pdata,
                                          round->fixes->len, &round->error);
  g_source_attach (round->done, NULL);
  return NULL;
}

/* Back on the main loop, the thread joined: what it wrote leaves
 * fixes_flushing (fixes accepted since are in fixes_unflushed). */
static void
finish_round (JbDispatch *self,
              gboolean    go_on)
{
  WriteRound *round = g_steal_pointer (&self->positions_round);

  g_thread_join (g_steal_pointer (&self->positions_thread));
  g_source_destroy (round->done);
  g_source_unref (round->done);
  if (round->ok)
    {
      g_hash_table_remove_all (self->fixes_flushing);
      g_debug ("Wrote %u positions in %.1f ms", round->fixes->len,
               (g_get_monotonic_time () - round->started) / 1e3);
    }
  else
    g_warning ("Cannot write positions: %s", round->error->message);
  g_ptr_array_unref (round->fixes);
  g_clear_error (&round->error);
  g_free (round);
  /* The caller writes the rest itself. */
  if (!go_on)
    {
      self->positions_flush_due = FALSE;
      return;
    }
  if (g_hash_table_size (self->fixes_flushing) == 0 && g_hash_table_size (self->fixes_unflushed) == 0)
    return;
  /* The timer fired while this round was being written: the next one
   * starts now, so that no fix waits more than a period plus a write. */
  if (self->positions_flush_due)
    {
      g_clear_handle_id (&self->positions_flush_id, g_source_remove);
      start_round_thread (self);
    }
  else
    arm_flush (self);
}

static gboolean
round_done_cb (gpointer user_data)
{
  finish_round (JB_DISPATCH (user_data), TRUE);
  return G_SOURCE_REMOVE;
}

static void
start_round_thread (JbDispatch *self)
{
  WriteRound *round = g_new0 (WriteRound, 1);

  self->positions_flush_due = FALSE;
  start_round (self);
  round->storage = self->positions_storage;
  round->fixes = round_fixes (self);
  round->started = g_get_monotonic_time ();
  round->done = g_idle_source_new ();
  g_source_set_callback (round->done, round_done_cb, self, NULL);
  g_source_set_static_name (round->done, "jb-positions-written");
  self->positions_round = round;
  self->positions_thread = g_thread_new ("jb-positions", write_round_thread, round);
}

/* position_flush_ms after the first fix of a round: what was accepted
 * until now is written; the next fix starts the next round's timer. */
static gboolean
flush_cb (gpointer user_data)
{
  JbDispatch *self = JB_DISPATCH (user_data);
  g_autoptr(GError) error = NULL;

  self->positions_flush_id = 0;
  if (self->positions_storage != NULL)
    {
      /* A round under way starts the next when it ends. */
      if (self->positions_round != NULL)
        self->positions_flush_due = TRUE;
      else if (g_hash_table_size (self->fixes_unflushed) + g_hash_table_size (self->fixes_flushing) > 0)
        start_round_thread (self);
      return G_SOURCE_REMOVE;
    }
  if (!_jb_dispatch_flush_positions (self, &error))
    g_warning ("Cannot write positions: %s", error->message);
  return G_SOURCE_REMOVE;
}

static void
append_item (GString                 *out,
             const char              *unit_id,
             const JbStoragePosition *position)
{
  g_string_append (out, "{\"id\":");
  jb_json_text_append_string (out, unit_id);
  g_string_append (out, ",\"lat\":");
  jb_json_text_append_double (out, position->lat);
  g_string_append (out, ",\"lon\":");
  jb_json_text_append_double (out, position->lon);
  g_string_append (out, ",\"heading\":");
  jb_json_text_append_double (out, position->heading);
  g_string_append (out, ",\"speed\":");
  jb_json_text_append_double (out, position->speed);
  g_string_append (out, ",\"accuracy\":");
  jb_json_text_append_double (out, position->accuracy);
  g_string_append_printf (out, ",\"time\":%" G_GINT64_FORMAT "}", position->time);
}

/* Builds the frames of @n items one at a time: call add for each, then
 * end; frames go to @frames. */
typedef struct
{
  GString   *text;
  guint      n;
  GPtrArray *frames;
} FrameBuilder;

static void
builder_finish_frame (FrameBuilder *b)
{
  if (b->text == NULL)
    return;
  g_string_append (b->text, "]}}");
  g_ptr_array_add (b->frames, g_string_free (g_steal_pointer (&b->text), FALSE));
  b->n = 0;
}

static void
builder_add (FrameBuilder            *b,
             const char              *unit_id,
             const JbStoragePosition *position)
{
  if (b->text == NULL)
    {
      b->text = g_string_sized_new (FRAME_MAX_ITEMS * 150);
      g_string_append_printf (b->text, "{\"type\":\"positions\",\"time\":%" G_GINT64_FORMAT
                              ",\"data\":{\"items\":[", _jb_now_ms ());
    }
  else
    g_string_append_c (b->text, ',');
  append_item (b->text, unit_id, position);
  if (++b->n == FRAME_MAX_ITEMS)
    builder_finish_frame (b);
}

static gboolean
send_cb (gpointer user_data)
{
  JbDispatch *self = JB_DISPATCH (user_data);
  FrameBuilder b = { NULL, 0, g_ptr_array_new_with_free_func (g_free) };
  g_autoptr(GHashTable) fixes = g_steal_pointer (&self->fixes_unsent);
  GHashTableIter iter;
  gpointer key, value;

  self->positions_send_id = 0;
  self->fixes_unsent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, fix_free);
  g_hash_table_iter_init (&iter, fixes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    builder_add (&b, key, &((JbFix *) value)->position);
  builder_finish_frame (&b);
  for (guint i = 0; i < b.frames->len; i++)
    g_signal_emit (self, positions_signal, 0, g_ptr_array_index (b.frames, i));
  g_ptr_array_unref (b.frames);
  return G_SOURCE_REMOVE;
}

static void
keep_fix (GHashTable              *table,
          const char              *unit_id,
          const char              *org_id,
          const JbStoragePosition *position)
{
  JbFix *fix = g_hash_table_lookup (table, unit_id);

  if (fix == NULL)
    {
      fix = g_new0 (JbFix, 1);
      g_hash_table_insert (table, g_strdup (unit_id), fix);
    }
  if (g_strcmp0 (fix->org_id, org_id) != 0)
    {
      g_free (fix->org_id);
      fix->org_id = g_strdup (org_id);
    }
  fix->position = *position;
}

/* The newest fix of @unit_id not written yet, or NULL. */
static JbFix *
unwritten_fix (JbDispatch *self,
               const char *unit_id)
{
  JbFix *fix = g_hash_table_lookup (self->fixes_unflushed, unit_id);

  return fix != NULL ? fix : g_hash_table_lookup (self->fixes_flushing, unit_id);
}

gint64
_jb_dispatch_fix_time (JbDispatch *self,
                       const char *unit_id,
                       gint64      stored_time)
{
  JbFix *fix = unwritten_fix (self, unit_id);

  return fix != NULL ? MAX (fix->position.time, stored_time) : stored_time;
}

void
_jb_dispatch_accept_fix (JbDispatch              *self,
                         const char              *unit_id,
                         const char              *org_id,
                         const JbStoragePosition *position)
{
  keep_fix (self->fixes_unflushed, unit_id, org_id, position);
  keep_fix (self->fixes_unsent, unit_id, org_id, position);
  if (self->fixes_current != NULL)
    keep_fix (self->fixes_current, unit_id, org_id, position);
  if (self->positions_flush_id == 0)
    self->positions_flush_id = g_timeout_add (self->options.position_flush_ms, flush_cb, self);
  if (self->positions_send_id == 0)
    self->positions_send_id = g_timeout_add (SEND_PERIOD_MS, send_cb, self);
}

gboolean
_jb_dispatch_flush_positions (JbDispatch  *self,
                              GError     **error)
{
  gint64 started = g_get_monotonic_time ();
  guint n;

  /* A round on its thread: waited for, then the rest written here. */
  if (self->positions_round != NULL)
    finish_round (self, FALSE);
  /* A route's transaction is open (a read inside a write): the timer
   * comes back for them. The positions' own connection has none. */
  if (self->positions_storage == NULL && jb_storage_in_transaction (self->storage))
    {
      arm_flush (self);
      return TRUE;
    }
  start_round (self);
  n = g_hash_table_size (self->fixes_flushing);
  if (n == 0)
    return TRUE;
  if (!write_round (self, error))
    {
      arm_flush (self);
      return FALSE;
    }
  g_debug ("Wrote %u positions in %.1f ms", n, (g_get_monotonic_time () - started) / 1e3);
  return TRUE;
}

void
_jb_dispatch_positions_stop (JbDispatch *self)
{
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->positions_send_id, g_source_remove);
  g_clear_handle_id (&self->positions_poll_id, g_source_remove);
  if (self->positions_poll_read != NULL)
    finish_poll_read (self, FALSE);
  g_clear_pointer (&self->positions_reader, jb_storage_free);
  g_clear_signal_handler (&self->positions_event_id, self);
  if (self->storage != NULL && self->fixes_unflushed != NULL &&
      !_jb_dispatch_flush_positions (self, &error))
    g_warning ("Cannot write the last positions: %s", error->message);
  g_clear_handle_id (&self->positions_flush_id, g_source_remove);
  g_clear_pointer (&self->positions_storage, jb_storage_free);
}

void
_jb_dispatch_positions_finalize (JbDispatch *self)
{
  g_clear_pointer (&self->fixes_unflushed, g_hash_table_unref);
  g_clear_pointer (&self->fixes_flushing, g_hash_table_unref);
  g_clear_pointer (&self->fixes_unsent, g_hash_table_unref);
  g_clear_pointer (&self->fixes_current, g_hash_table_unref);
}

/* The unit object with its newest fix, when that one is not written yet
 * (and no other server wrote a newer one). */
static void
overlay_fix (JbDispatch *self,
             JsonObject *unit)
{
  const char *id = _jb_member_string (unit, "id");
  JbFix *fix = id != NULL ? unwritten_fix (self, id) : NULL;
  JsonObject *stored = _jb_member_object (unit, "position");
  JsonObject *position;

  if (fix == NULL || (stored != NULL && _jb_member_int (stored, "time", G_MININT64) > fix->position.time))
    return;
  position = json_object_new ();
  json_object_set_double_member (position, "lat", fix->position.lat);
  json_object_set_double_member (position, "lon", fix->position.lon);
#define SET_MEASURE(name) \
  if (isnan (fix->position.name)) json_object_set_null_member (position, #name); \
  else json_object_set_double_member (position, #name, fix->position.name)
  SET_MEASURE (heading);
  SET_MEASURE (speed);
  SET_MEASURE (accuracy);
#undef SET_MEASURE
  json_object_set_int_member (position, "time", fix->position.time);
  json_object_set_object_member (unit, "position", position);
}

JsonObject *
_jb_dispatch_get_unit (JbDispatch *self,
                       const char *id)
{
  JsonObject *unit = jb_storage_get_unit (self->storage, id);

  if (unit != NULL)
    overlay_fix (self, unit);
  return unit;
}

GPtrArray *
_jb_dispatch_list_units (JbDispatch  *self,
                         GError     **error)
{
  GPtrArray *units = jb_storage_list_units (self->storage, error);

  for (guint i = 0; units != NULL && i < units->len; i++)
    overlay_fix (self, g_ptr_array_index (units, i));
  return units;
}

/* Reads every unit's position once (with the fixes not written yet);
 * accepted fixes keep the table current from then on. */
static gboolean
load_current (JbDispatch  *self,
              GError     **error)
{
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(GHashTable) current = NULL;

  if (self->fixes_current != NULL)
    return TRUE;
  if ((units = _jb_dispatch_list_units (self, error)) == NULL)
    return FALSE;
  current = fix_table_new ();
  for (guint i = 0; i < units->len; i++)
    {
      JsonObject *unit = g_ptr_array_index (units, i);
      JsonObject *position = _jb_member_object (unit, "position");
      JbStoragePosition p;
      JsonNode *node;

      if (position == NULL || _jb_member_string (unit, "id") == NULL)
        continue;
#define GET_MEASURE(name) \
  node = json_object_get_member (position, #name); \
  p.name = node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_double (node) : NAN
      GET_MEASURE (lat);
      GET_MEASURE (lon);
      GET_MEASURE (heading);
      GET_MEASURE (speed);
      GET_MEASURE (accuracy);
#undef GET_MEASURE
      p.time = _jb_member_int (position, "time", 0);
      if (isnan (p.lat) || isnan (p.lon))
        continue;
      keep_fix (current, _jb_member_string (unit, "id"), _jb_member_string (unit, "org_id"), &p);
    }
  self->fixes_current = g_steal_pointer (&current);
  return TRUE;
}

GPtrArray *
jb_dispatch_build_current_positions (JbDispatch  *self,
                                     GError     **error)
{
  FrameBuilder b = { NULL, 0, NULL };
  gint64 started = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (JB_IS_DISPATCH (self), NULL);

  if (!load_current (self, error))
    return NULL;
  b.frames = g_ptr_array_new_with_free_func (g_free);
  g_hash_table_iter_init (&iter, self->fixes_current);
  while (g_hash_table_iter_next (&iter, &key, &value))
    builder_add (&b, key, &((JbFix *) value)->position);
  builder_finish_frame (&b);
  g_debug ("Current positions of %u units in %u frames: %.1f ms", g_hash_table_size (self->fixes_current),
           b.frames->len, (g_get_monotonic_time () - started) / 1e3);
  return b.frames;
}

/* The fixes other servers on the database received (@fixes, read since
 * positions_polled_after): those newer than the one held for the unit go
 * to this server's streams like its own. */
static void
apply_polled (JbDispatch *self,
              GPtrArray  *fixes)
{
  g_autoptr(GError) error = NULL;
  /* Rows stamped with the newest time seen are read again (a later
   * write may share its millisecond). */
  gint64 margin = jb_storage_positions_read_margin (self->storage) + 1;
  gint64 newest = self->positions_polled_after + margin;

  for (guint i = 0; i < fixes->len; i++)
    newest = MAX (newest, ((JbStoredFix *) fixes->pdata[i])->updated_at);
  self->positions_polled_after = newest - margin;

  /* No stream has read the current fixes yet: the first one reads them
   * from the database, these included. */
  if (self->fixes_current == NULL &&
      !g_signal_has_handler_pending (self, positions_signal, 0, FALSE))
    return;
  if (!load_current (self, &error))
    {
      g_warning ("Cannot read the current positions: %s", error->message);
      return;
    }
  for (guint i = 0; i < fixes->len; i++)
    {
      JbStoredFix *fix = fixes->pdata[i];
      JbFix *held = g_hash_table_lookup (self->fixes_current, fix->unit_id);
      gint64 held_time = _jb_dispatch_fix_time (self, fix->unit_id,
                                                held != NULL ? held->position.time : G_MININT64);

      if (fix->position.time <= held_time)
        continue;
      keep_fix (self->fixes_current, fix->unit_id, fix->org_id, &fix->position);
      keep_fix (self->fixes_unsent, fix->unit_id, fix->org_id, &fix->position);
      if (self->positions_send_id == 0)
        self->positions_send_id = g_timeout_add (SEND_PERIOD_MS, send_cb, self);
    }
}

/* PostgreSQL: the read goes through a connection of its own on a thread
 * (with a flood on another server it is every unit twice a second), the
 * rows come back to the main loop. */
typedef struct
{
  JbStorage *storage;
  gint64     after;
  GPtrArray *fixes;  /* NULL: failed */
  GError    *error;
  GSource   *done;
} PollRead;

static gpointer
poll_read_thread (gpointer data)
{
  PollRead *read = data;

  read->fixes = jb_storage_list_positions_since (read->storage, read->after, &read->error);
  g_source_attach (read->done, NULL);
  return NULL;
}

static void
finish_poll_read (JbDispatch *self,
                  gboolean    apply)
{
  PollRead *read = g_steal_pointer (&self->positions_poll_read);

  g_thread_join (g_steal_pointer (&self->positions_poll_thread));
  g_source_destroy (read->done);
  g_source_unref (read->done);
  if (read->fixes == NULL)
    g_warning ("Cannot read other servers' positions: %s", read->error->message);
  else if (apply)
    apply_polled (self, read->fixes);
  g_clear_pointer (&read->fixes, g_ptr_array_unref);
  g_clear_error (&read->error);
  g_free (read);
}

static gboolean
poll_read_done_cb (gpointer user_data)
{
  finish_poll_read (JB_DISPATCH (user_data), TRUE);
  return G_SOURCE_REMOVE;
}

static gboolean
poll_cb (gpointer user_data)
{
  JbDispatch *self = JB_DISPATCH (user_data);
  g_autoptr(GPtrArray) fixes = NULL;
  g_autoptr(GError) error = NULL;

  if (self->positions_polled_after == 0)
    self->positions_polled_after = _jb_now_ms () - 2000;
  if (self->positions_reader != NULL)
    {
      PollRead *read;

      /* The last read is still under way: this one is skipped. */
      if (self->positions_poll_read != NULL)
        return G_SOURCE_CONTINUE;
      read = g_new0 (PollRead, 1);
      read->storage = self->positions_reader;
      read->after = self->positions_polled_after;
      read->done = g_idle_source_new ();
      g_source_set_callback (read->done, poll_read_done_cb, self, NULL);
      g_source_set_static_name (read->done, "jb-positions-polled");
      self->positions_poll_read = read;
      self->positions_poll_thread = g_thread_new ("jb-positions-poll", poll_read_thread, read);
      return G_SOURCE_CONTINUE;
    }

  if (jb_storage_in_transaction (self->storage))
    return G_SOURCE_CONTINUE;
  fixes = jb_storage_list_positions_since (self->storage, self->positions_polled_after, &error);
  if (fixes == NULL)
    {
      g_warning ("Cannot read other servers' positions: %s", error->message);
      return G_SOURCE_CONTINUE;
    }
  apply_polled (self, fixes);
  return G_SOURCE_CONTINUE;
}

void
_jb_dispatch_positions_start (JbDispatch *self,
                              const char *db_target)
{
  g_autoptr(GError) error = NULL;

  jb_storage_set_writer (self->storage, self->server_id);
  /* PostgreSQL: positions go through a connection of their own, written
   * on a thread; without it (SQLite, or if it cannot be opened) on the
   * main connection, on the main loop. */
  self->positions_storage = jb_storage_open_sibling (self->storage, db_target, &error);
  if (self->positions_storage == NULL && error != NULL)
    g_warning ("Positions will share the main database connection: %s", error->message);
  g_clear_error (&error);
  /* And the reads of other servers' fixes a third one. */
  if (self->positions_storage != NULL)
    self->positions_reader = jb_storage_open_sibling (self->storage, db_target, &error);
  if (self->positions_storage != NULL && self->positions_reader == NULL && error != NULL)
    g_warning ("Other servers' positions will be read on the main database connection: %s", error->message);
  self->positions_poll_id = g_timeout_add (POLL_PERIOD_MS, poll_cb, self);
}
