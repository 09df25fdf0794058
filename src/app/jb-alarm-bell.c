/* jb-alarm-bell.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-alarm-bell"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "jb-alarm-bell.h"
#include "jb-queue.h"
#include "jb-labels.h"

#define REPEAT_MS   10000
#define SAMPLE_RATE 22050

struct _JbAlarmBell
{
  GObject         parent_instance;

  /* Borrowed (weak) */
  GtkWindow      *window;

  /* Owned references */
  JbClient       *client;
  GtkMediaStream *stream;
  GFile          *sound_files[2];  /* temporary WAVs: [urgent] */
  GHashTable     *seen;      /* ids that rang once already */
  GHashTable     *ringing;   /* id → priority, status new */
  GHashTable     *notified;  /* ids with a notification out */
  guint           ring_idle_id;
  guint           repeat_id;
  guint           repeat_ms;
  guint           n_played;
  double          volume;         /* 0 to 1, the alert-volume setting */
  guint           n_notifications;
  gboolean        muted;
  gboolean        beep_fallback;
};

G_DEFINE_FINAL_TYPE (JbAlarmBell, jb_alarm_bell, G_TYPE_OBJECT)

enum {
  RANG,
  NOTIFICATION_SENT,
  NOTIFICATION_WITHDRAWN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The sound ------------------------------------------------------------ */

typedef struct
{
  double freq;   /* Hz, 0 for silence */
  double secs;
} Tone;

static void
put_le16 (GByteArray *array,
          guint16     value)
{
  guint8 b[2] = { value & 0xff, value >> 8 };

  g_byte_array_append (array, b, 2);
}

static void
put_le32 (GByteArray *array,
          guint32     value)
{
  guint8 b[4] = { value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, value >> 24 };

  g_byte_array_append (array, b, 4);
}

static GBytes *
synthesize (const Tone *tones,
            guint       n_tones,
            double      volume)
{
  GByteArray *wav = g_byte_array_new ();
  guint32 n_samples = 0;

  for (guint t = 0; t < n_tones; t++)
    n_samples += (guint32) (tones[t].secs * SAMPLE_RATE);

  /* RIFF header, 16-bit mono PCM. */
  g_byte_array_append (wav, (const guint8 *) "RIFF", 4);
  put_le32 (wav, 36 + n_samples * 2);
  g_byte_array_append (wav, (const guint8 *) "WAVEfmt ", 8);
  put_le32 (wav, 16);
  put_le16 (wav, 1);
  put_le16 (wav, 1);
  put_le32 (wav, SAMPLE_RATE);
  put_le32 (wav, SAMPLE_RATE * 2);
  put_le16 (wav, 2);
  put_le16 (wav, 16);
  g_byte_array_append (wav, (const guint8 *) "data", 4);
  put_le32 (wav, n_samples * 2);

  for (guint t = 0; t < n_tones; t++)
    {
      guint n = (guint) (tones[t].secs * SAMPLE_RATE);
      guint ramp = SAMPLE_RATE / 200;  /* 5 ms fades: no clicks */

      for (guint i = 0; i < n; i++)
        {
          double env = 1.0, phase, v = 0.0;

          if (i < ramp)
            env = (double) i / ramp;
          else if (n - i < ramp)
            env = (double) (n - i) / ramp;

          if (tones[t].freq > 0)
            {
              phase = 2.0 * G_PI * tones[t].freq * i / SAMPLE_RATE;
              /* A touch of the third harmonic: it cuts through room noise. */
              v = (sin (phase) * 0.8 + sin (3 * phase) * 0.2) * env * volume;
            }
          put_le16 (wav, (guint16) (gint16) lrint (v * 32000));
        }
    }

  return g_byte_array_free_to_bytes (wav);
}

GBytes *
jb_alarm_bell_get_sound (gboolean urgent)
{
  static GBytes *sounds[2];

  if (sounds[!!urgent] == NULL)
    {
      /* Two tones, falling, twice: "attention". Priority 1: a fast
       * alternating siren, higher and louder. */
      static const Tone normal[] = {
        { 880, 0.22 }, { 660, 0.22 }, { 0, 0.10 }, { 880, 0.22 }, { 660, 0.22 },
      };
      static const Tone urgent_tones[] = {
        { 1175, 0.11 }, { 880, 0.11 }, { 1175, 0.11 }, { 880, 0.11 },
        { 1175, 0.11 }, { 880, 0.11 }, { 1175, 0.11 }, { 880, 0.11 },
      };

      sounds[!!urgent] = urgent
        ? synthesize (urgent_tones, G_N_ELEMENTS (urgent_tones), 0.95)
        : synthesize (normal, G_N_ELEMENTS (normal), 0.75);
    }

  return g_bytes_ref (sounds[!!urgent]);
}

static void
beep (JbAlarmBell *self)
{
  GdkDisplay *display = self->window ? gtk_widget_get_display (GTK_WIDGET (self->window))
                                     : gdk_display_get_default ();

  if (display != NULL)
    gdk_display_beep (display);
}

static void
fall_back_to_beep (JbAlarmBell  *self,
                   const GError *error)
{
  if (!self->beep_fallback)
    g_message ("No sound output (%s); alerts use the display's beep",
               error ? error->message : "unknown error");
  self->beep_fallback = TRUE;
  beep (self);
}

static void
stream_error_cb (JbAlarmBell    *self,
                 GParamSpec     *pspec,
                 GtkMediaStream *stream)
{
  const GError *error = gtk_media_stream_get_error (stream);

  if (error == NULL || stream != self->stream)
    return;

  fall_back_to_beep (self, error);
}

static void
clear_stream (JbAlarmBell *self)
{
  if (self->stream == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->stream, self);
  gtk_media_stream_pause (self->stream);
  g_clear_object (&self->stream);
}

/* GTK 4.8's GStreamer backend cannot play a GInputStream (it asserts:
 * gtk_media_file_new_for_input_stream() aborts the program), so the
 * synthesized sound goes to a temporary file once, removed at dispose. */
static GFile *
get_sound_file (JbAlarmBell  *self,
                gboolean      urgent,
                GError      **error)
{
  g_autoptr(GFileIOStream) io = NULL;
  g_autoptr(GBytes) sound = NULL;
  g_autoptr(GFile) file = NULL;
  gsize written = 0;
  const guint8 *data;
  gsize size;

  if (self->sound_files[!!urgent] != NULL)
    return self->sound_files[!!urgent];

  file = g_file_new_tmp (urgent ? "jingbao-alert-urgent-XXXXXX.wav" : "jingbao-alert-XXXXXX.wav", &io, error);
  if (file == NULL)
    return NULL;

  sound = jb_alarm_bell_get_sound (urgent);
  data = g_bytes_get_data (sound, &size);
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (io)), data, size,
                                  &written, NULL, error) ||
      !g_io_stream_close (G_IO_STREAM (io), NULL, error))
    {
      g_file_delete (file, NULL, NULL);
      return NULL;
    }

  self->sound_files[!!urgent] = g_steal_pointer (&file);
  return self->sound_files[!!urgent];
}

static void
play_sound (JbAlarmBell *self,
            gboolean     urgent)
{
  g_autoptr(GError) error = NULL;
  GFile *file;

  if (self->muted)
    return;

  if (self->beep_fallback)
    {
      beep (self);
      return;
    }

  clear_stream (self);

  file = get_sound_file (self, urgent, &error);
  if (file == NULL)
    {
      fall_back_to_beep (self, error);
      return;
    }

  self->stream = gtk_media_file_new_for_file (file);
  g_signal_connect_object (self->stream, "notify::error", G_CALLBACK (stream_error_cb),
                           self, G_CONNECT_SWAPPED);

  /* Without a media backend the error is there at once. */
  if (gtk_media_stream_get_error (self->stream) != NULL)
    {
      fall_back_to_beep (self, gtk_media_stream_get_error (self->stream));
      clear_stream (self);
      return;
    }

  gtk_media_stream_set_volume (self->stream, self->volume);
  gtk_media_stream_play (self->stream);
}

/* Ringing --------------------------------------------------------------- */

static gboolean
any_urgent (JbAlarmBell *self)
{
  GHashTableIter iter;
  gpointer priority;

  g_hash_table_iter_init (&iter, self->ringing);
  while (g_hash_table_iter_next (&iter, NULL, &priority))
    if (GPOINTER_TO_UINT (priority) == 1)
      return TRUE;

  return FALSE;
}

static gboolean repeat_cb (gpointer user_data);

static void
ring (JbAlarmBell *self)
{
  gboolean urgent;

  g_clear_handle_id (&self->repeat_id, g_source_remove);

  if (g_hash_table_size (self->ringing) == 0)
    return;

  urgent = any_urgent (self);
  self->n_played++;
  play_sound (self, urgent);
  g_signal_emit (self, signals[RANG], 0, g_hash_table_size (self->ringing), urgent);

  /* Loud until acknowledged. */
  self->repeat_id = g_timeout_add (self->repeat_ms, repeat_cb, self);
}

static gboolean
repeat_cb (gpointer user_data)
{
  JbAlarmBell *self = user_data;

  self->repeat_id = 0;
  ring (self);

  return G_SOURCE_REMOVE;
}

static gboolean
ring_idle_cb (gpointer user_data)
{
  JbAlarmBell *self = user_data;

  self->ring_idle_id = 0;
  ring (self);

  return G_SOURCE_REMOVE;
}

/* Notifications ---------------------------------------------------------- */

static char *
notification_id (const char *incident_id)
{
  return g_strconcat ("incident-", incident_id, NULL);
}

static GApplication *
get_application (JbAlarmBell *self)
{
  GApplication *app = NULL;

  if (self->window != NULL)
    app = G_APPLICATION (gtk_window_get_application (self->window));
  if (app == NULL)
    app = g_application_get_default ();

  /* GLib's backends talk D-Bus: with no registered application on a bus
   * there is nobody to tell (tests, a bare X session). */
  if (app == NULL || !g_application_get_is_registered (app) || g_application_get_is_remote (app) ||
      g_application_get_dbus_connection (app) == NULL)
    return NULL;

  return app;
}

char *
jb_alarm_bell_describe (JbAlarmBell *self,
                        JbIncident  *incident)
{
  JbStore *store = jb_client_get_store (self->client);
  const char *station_id = jb_incident_get_station_id (incident);
  JbStation *station = station_id ? jb_store_lookup_station (store, station_id) : NULL;
  const char *station_name = station ? jb_station_get_name (station) : station_id;

  if (station_name == NULL)
    /* Translators: a new incident's notification text: its number, then
     * what to do */
    return g_strdup_printf (_("%s — not acknowledged yet"), jb_incident_get_number (incident));
  /* Whose alarm it is: a duty officer hears other stations' alarms too. */
  if (jb_client_get_role (self->client) == JB_ROLE_DUTY_OFFICER &&
      !jb_queue_in_scope (incident, jb_client_get_station_ids (self->client)))
    /* Translators: a ringing incident of a station the duty officer does
     * not command: number, station */
    return g_strdup_printf (_("%s at %s, not your station — its duty officer or the command room answers"),
                            jb_incident_get_number (incident), station_name);
  /* Translators: a new incident's notification text: number, station */
  return g_strdup_printf (_("%s at %s — not acknowledged yet"), jb_incident_get_number (incident), station_name);
}

static void
send_notification (JbAlarmBell *self,
                   JbIncident  *incident)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = notification_id (jb_incident_get_id (incident));
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  const char *place = jb_incident_get_venue_name (incident);
  const char *address = jb_incident_get_address (incident);
  guint priority = CLAMP (jb_incident_get_priority (incident), 1, 4);
  GApplication *app;

  if (place == NULL || place[0] == '\0')
    place = address;
  if (place == NULL || place[0] == '\0')
    place = jb_incident_get_number (incident);

  /* Translators: a desktop notification's title for a new incident:
   * priority, type, place ("P1 Fight · 星光KTV") */
  title = g_strdup_printf (_("P%u %s · %s"), priority,
                           jb_incident_type_get_label (jb_incident_get_incident_type (incident)),
                           place ? place : "");
  body = jb_alarm_bell_describe (self, incident);

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification,
                               priority == 1 ? G_NOTIFICATION_PRIORITY_URGENT
                               : priority == 2 ? G_NOTIFICATION_PRIORITY_HIGH
                               : G_NOTIFICATION_PRIORITY_NORMAL);

  app = get_application (self);
  if (app != NULL)
    g_application_send_notification (app, id, notification);

  g_hash_table_add (self->notified, g_strdup (jb_incident_get_id (incident)));
  self->n_notifications++;
  g_signal_emit (self, signals[NOTIFICATION_SENT], 0, id, notification);
}

static void
withdraw_notification (JbAlarmBell *self,
                       const char  *incident_id)
{
  g_autofree char *id = notification_id (incident_id);
  GApplication *app = get_application (self);

  if (app != NULL)
    g_application_withdraw_notification (app, id);

  g_signal_emit (self, signals[NOTIFICATION_WITHDRAWN], 0, id);
}

static gboolean
window_is_active (JbAlarmBell *self)
{
  return self->window != NULL && gtk_window_is_active (self->window);
}

/* Watching the store ------------------------------------------------------ */

static void
refresh (JbAlarmBell *self)
{
  GListModel *incidents = jb_store_get_incidents (jb_client_get_store (self->client));
  g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key;
  guint n = g_list_model_get_n_items (incidents);
  gboolean arrived = FALSE;

  g_hash_table_remove_all (self->ringing);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JbIncident) incident = g_list_model_get_item (incidents, i);
      const char *id = jb_incident_get_id (incident);

      g_hash_table_add (present, (gpointer) id);
      if (jb_incident_get_status (incident) != JB_INCIDENT_STATUS_NEW)
        continue;

      g_hash_table_insert (self->ringing, g_strdup (id),
                           GUINT_TO_POINTER (jb_incident_get_priority (incident)));

      if (!g_hash_table_contains (self->seen, id))
        {
          g_hash_table_add (self->seen, g_strdup (id));
          arrived = TRUE;
          if (!window_is_active (self))
            send_notification (self, incident);
        }
    }

  /* Acknowledged or gone: withdraw, and forget what left the store. */
  g_hash_table_iter_init (&iter, self->notified);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (self->ringing, key))
      {
        withdraw_notification (self, key);
        g_hash_table_iter_remove (&iter);
      }

  g_hash_table_iter_init (&iter, self->seen);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (present, key))
      g_hash_table_iter_remove (&iter);

  if (g_hash_table_size (self->ringing) == 0)
    {
      g_clear_handle_id (&self->repeat_id, g_source_remove);
      g_clear_handle_id (&self->ring_idle_id, g_source_remove);
      return;
    }

  /* One sound for a burst of arrivals (a snapshot, several alarms in one
   * batch of events). At default priority, not idle: while the map pulses
   * the new incident, redraws (above idle priority) may never leave the
   * main loop idle on a slow machine. */
  if (arrived && self->ring_idle_id == 0)
    self->ring_idle_id = g_idle_add_full (G_PRIORITY_DEFAULT, ring_idle_cb, self, NULL);
}

static void
incidents_changed_cb (JbAlarmBell *self)
{
  refresh (self);
}

static void
window_active_cb (JbAlarmBell *self)
{
  GListModel *incidents;
  guint n;

  if (window_is_active (self) || self->window == NULL)
    return;

  /* Left the room's screen: whatever still rings goes to the desktop. */
  incidents = jb_store_get_incidents (jb_client_get_store (self->client));
  n = g_list_model_get_n_items (incidents);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JbIncident) incident = g_list_model_get_item (incidents, i);

      if (g_hash_table_contains (self->ringing, jb_incident_get_id (incident)) &&
          !g_hash_table_contains (self->notified, jb_incident_get_id (incident)))
        send_notification (self, incident);
    }
}

static void
jb_alarm_bell_dispose (GObject *object)
{
  JbAlarmBell *self = (JbAlarmBell *) object;

  g_clear_handle_id (&self->ring_idle_id, g_source_remove);
  g_clear_handle_id (&self->repeat_id, g_source_remove);
  clear_stream (self);
  for (guint i = 0; i < G_N_ELEMENTS (self->sound_files); i++)
    if (self->sound_files[i] != NULL)
      {
        g_file_delete (self->sound_files[i], NULL, NULL);
        g_clear_object (&self->sound_files[i]);
      }
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (jb_store_get_incidents (jb_client_get_store (self->client)), self);
  g_clear_object (&self->client);
  g_clear_weak_pointer (&self->window);

  G_OBJECT_CLASS (jb_alarm_bell_parent_class)->dispose (object);
}

static void
jb_alarm_bell_finalize (GObject *object)
{
  JbAlarmBell *self = (JbAlarmBell *) object;

  g_hash_table_unref (self->seen);
  g_hash_table_unref (self->ringing);
  g_hash_table_unref (self->notified);

  G_OBJECT_CLASS (jb_alarm_bell_parent_class)->finalize (object);
}

static void
jb_alarm_bell_class_init (JbAlarmBellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jb_alarm_bell_dispose;
  object_class->finalize = jb_alarm_bell_finalize;

  signals[RANG] =
    g_signal_new ("rang", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_BOOLEAN);
  signals[NOTIFICATION_SENT] =
    g_signal_new ("notification-sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_NOTIFICATION);
  signals[NOTIFICATION_WITHDRAWN] =
    g_signal_new ("notification-withdrawn", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
jb_alarm_bell_init (JbAlarmBell *self)
{
  self->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->ringing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->notified = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->repeat_ms = REPEAT_MS;
  self->volume = 1.0;
}

JbAlarmBell *
jb_alarm_bell_new (JbClient  *client,
                   GtkWindow *window)
{
  JbAlarmBell *self;

  g_return_val_if_fail (JB_IS_CLIENT (client), NULL);
  g_return_val_if_fail (!window || GTK_IS_WINDOW (window), NULL);

  self = g_object_new (JB_TYPE_ALARM_BELL, NULL);
  self->client = g_object_ref (client);
  g_set_weak_pointer (&self->window, window);

  g_signal_connect_object (jb_store_get_incidents (jb_client_get_store (client)), "items-changed",
                           G_CALLBACK (incidents_changed_cb), self, G_CONNECT_SWAPPED);
  if (window != NULL)
    g_signal_connect_object (window, "notify::is-active", G_CALLBACK (window_active_cb),
                             self, G_CONNECT_SWAPPED);

  refresh (self);

  return self;
}

guint
jb_alarm_bell_get_n_ringing (JbAlarmBell *self)
{
  g_return_val_if_fail (JB_IS_ALARM_BELL (self), 0);

  return g_hash_table_size (self->ringing);
}

guint
jb_alarm_bell_get_n_played (JbAlarmBell *self)
{
  g_return_val_if_fail (JB_IS_ALARM_BELL (self), 0);

  return self->n_played;
}

guint
jb_alarm_bell_get_n_notifications (JbAlarmBell *self)
{
  g_return_val_if_fail (JB_IS_ALARM_BELL (self), 0);

  return self->n_notifications;
}

guint
jb_alarm_bell_get_n_shown_notifications (JbAlarmBell *self)
{
  g_return_val_if_fail (JB_IS_ALARM_BELL (self), 0);

  return g_hash_table_size (self->notified);
}

gboolean
jb_alarm_bell_get_beep_fallback (JbAlarmBell *self)
{
  g_return_val_if_fail (JB_IS_ALARM_BELL (self), FALSE);

  return self->beep_fallback;
}

void
jb_alarm_bell_set_muted (JbAlarmBell *self,
                         gboolean     muted)
{
  g_return_if_fail (JB_IS_ALARM_BELL (self));

  self->muted = !!muted;
  if (self->muted)
    clear_stream (self);
}

void
jb_alarm_bell_set_volume (JbAlarmBell *self,
                          double       volume)
{
  g_return_if_fail (JB_IS_ALARM_BELL (self));

  self->volume = CLAMP (volume, 0.0, 1.0);
  if (self->stream != NULL)
    gtk_media_stream_set_volume (self->stream, self->volume);
}

double
jb_alarm_bell_get_volume (JbAlarmBell *self)
{
  g_return_val_if_fail (JB_IS_ALARM_BELL (self), 0);

  return self->volume;
}

gboolean
jb_alarm_bell_get_muted (JbAlarmBell *self)
{
  g_return_val_if_fail (JB_IS_ALARM_BELL (self), FALSE);

  return self->muted;
}

void
jb_alarm_bell_set_repeat_interval (JbAlarmBell *self,
                                   guint        ms)
{
  g_return_if_fail (JB_IS_ALARM_BELL (self));

  self->repeat_ms = MAX (ms, 100);
  if (self->repeat_id != 0)
    {
      g_clear_handle_id (&self->repeat_id, g_source_remove);
      self->repeat_id = g_timeout_add (self->repeat_ms, repeat_cb, self);
    }
}
