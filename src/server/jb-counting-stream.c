/* jb-counting-stream.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-counting-stream"

#include "jb-counting-stream.h"

/* The output side: a pollable filter stream that adds up what the base
 * stream accepted. */

#define JB_TYPE_COUNTING_OUTPUT (jb_counting_output_get_type ())
G_DECLARE_FINAL_TYPE (JbCountingOutput, jb_counting_output, JB, COUNTING_OUTPUT, GFilterOutputStream)

struct _JbCountingOutput
{
  GFilterOutputStream parent_instance;

  guint64             written;
};

static void jb_counting_output_pollable_init (GPollableOutputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JbCountingOutput, jb_counting_output, G_TYPE_FILTER_OUTPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM,
                                                      jb_counting_output_pollable_init))

static GOutputStream *
base_of (gpointer stream)
{
  return g_filter_output_stream_get_base_stream (G_FILTER_OUTPUT_STREAM (stream));
}

static gssize
jb_counting_output_write (GOutputStream  *stream,
                          const void     *buffer,
                          gsize           count,
                          GCancellable   *cancellable,
                          GError        **error)
{
  JbCountingOutput *self = JB_COUNTING_OUTPUT (stream);
  gssize n = g_output_stream_write (base_of (stream), buffer, count, cancellable, error);

  if (n > 0)
    self->written += (guint64) n;
  return n;
}

static gboolean
jb_counting_output_can_poll (GPollableOutputStream *stream)
{
  GOutputStream *base = base_of (stream);

  return G_IS_POLLABLE_OUTPUT_STREAM (base) &&
         g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (base));
}

static gboolean
jb_counting_output_is_writable (GPollableOutputStream *stream)
{
  return g_pollable_output_stream_is_writable (G_POLLABLE_OUTPUT_STREAM (base_of (stream)));
}

static GSource *
jb_counting_output_create_source (GPollableOutputStream *stream,
                                  GCancellable          *cancellable)
{
  g_autoptr(GSource) base_source =
    g_pollable_output_stream_create_source (G_POLLABLE_OUTPUT_STREAM (base_of (stream)), NULL);

  return g_pollable_source_new_full (stream, base_source, cancellable);
}

static gssize
jb_counting_output_write_nonblocking (GPollableOutputStream  *stream,
                                      const void             *buffer,
                                      gsize                   count,
                                      GError                **error)
{
  JbCountingOutput *self = JB_COUNTING_OUTPUT (stream);
  gssize n = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (base_of (stream)),
                                                         buffer, count, NULL, error);

  if (n > 0)
    self->written += (guint64) n;
  return n;
}

static void
jb_counting_output_pollable_init (GPollableOutputStreamInterface *iface)
{
  iface->can_poll = jb_counting_output_can_poll;
  iface->is_writable = jb_counting_output_is_writable;
  iface->create_source = jb_counting_output_create_source;
  iface->write_nonblocking = jb_counting_output_write_nonblocking;
}

static void
jb_counting_output_class_init (JbCountingOutputClass *klass)
{
  GOutputStreamClass *stream_class = G_OUTPUT_STREAM_CLASS (klass);

  stream_class->write_fn = jb_counting_output_write;
}

static void
jb_counting_output_init (JbCountingOutput *self)
{
}

/* The GIOStream: the base's input as is, our counting output. */

#define LINGER_S 30

struct _JbCountingStream
{
  GIOStream         parent_instance;

  GIOStream        *base;
  GSocket          *socket;  /* nullable */
  JbCountingOutput *output;
};

typedef struct
{
  GCancellable *cancellable;
  guint         timeout_id;
  guint8        buffer[4096];
} Linger;

static void
linger_free (gpointer data)
{
  Linger *linger = data;

  g_clear_handle_id (&linger->timeout_id, g_source_remove);
  g_clear_object (&linger->cancellable);
  g_free (linger);
}

G_DEFINE_FINAL_TYPE (JbCountingStream, jb_counting_stream, G_TYPE_IO_STREAM)

static GInputStream *
jb_counting_stream_get_input_stream (GIOStream *stream)
{
  return g_io_stream_get_input_stream (JB_COUNTING_STREAM (stream)->base);
}

static GOutputStream *
jb_counting_stream_get_output_stream (GIOStream *stream)
{
  return G_OUTPUT_STREAM (JB_COUNTING_STREAM (stream)->output);
}

static gboolean
jb_counting_stream_close (GIOStream     *stream,
                          GCancellable  *cancellable,
                          GError       **error)
{
  return g_io_stream_close (JB_COUNTING_STREAM (stream)->base, cancellable, error);
}

static void
base_closed_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_io_stream_close_finish (G_IO_STREAM (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
linger_timeout_cb (gpointer user_data)
{
  Linger *linger = user_data;

  linger->timeout_id = 0;
  g_cancellable_cancel (linger->cancellable);
  return G_SOURCE_REMOVE;
}

static void
drained_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  JbCountingStream *self = g_task_get_source_object (task);
  Linger *linger = g_task_get_task_data (task);
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n > 0)
    {
      g_input_stream_read_async (G_INPUT_STREAM (source), linger->buffer, sizeof linger->buffer,
                                 G_PRIORITY_LOW, linger->cancellable, drained_cb, task);
      return;
    }
  /* End of input, an error or the timeout: now the close is clean. */
  g_io_stream_close_async (self->base, G_PRIORITY_DEFAULT, NULL, base_closed_cb, task);
}

/* Closing the base stream from the main thread: the default would run
 * close_fn in a worker thread on a stream the main loop still polls. */
static void
jb_counting_stream_close_async (GIOStream           *stream,
                                int                  io_priority,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  JbCountingStream *self = JB_COUNTING_STREAM (stream);
  GTask *task = g_task_new (stream, cancellable, callback, user_data);
  Linger *linger;

  if (self->socket == NULL || g_socket_is_closed (self->socket) ||
      !g_socket_shutdown (self->socket, FALSE, TRUE, NULL))
    {
      g_io_stream_close_async (self->base, io_priority, cancellable, base_closed_cb, task);
      return;
    }
  linger = g_new0 (Linger, 1);
  linger->cancellable = g_cancellable_new ();
  linger->timeout_id = g_timeout_add_seconds (LINGER_S, linger_timeout_cb, linger);
  g_task_set_task_data (task, linger, linger_free);
  g_input_stream_read_async (g_io_stream_get_input_stream (self->base), linger->buffer,
                             sizeof linger->buffer, G_PRIORITY_LOW, linger->cancellable,
                             drained_cb, task);
}

static gboolean
jb_counting_stream_close_finish (GIOStream     *stream,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
jb_counting_stream_finalize (GObject *object)
{
  JbCountingStream *self = JB_COUNTING_STREAM (object);

  g_clear_object (&self->output);
  g_clear_object (&self->socket);
  g_clear_object (&self->base);

  G_OBJECT_CLASS (jb_counting_stream_parent_class)->finalize (object);
}

static void
jb_counting_stream_class_init (JbCountingStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  object_class->finalize = jb_counting_stream_finalize;
  stream_class->get_input_stream = jb_counting_stream_get_input_stream;
  stream_class->get_output_stream = jb_counting_stream_get_output_stream;
  stream_class->close_fn = jb_counting_stream_close;
  stream_class->close_async = jb_counting_stream_close_async;
  stream_class->close_finish = jb_counting_stream_close_finish;
}

static void
jb_counting_stream_init (JbCountingStream *self)
{
}

JbCountingStream *
jb_counting_stream_new (GIOStream *base,
                        GSocket   *socket)
{
  JbCountingStream *self = g_object_new (JB_TYPE_COUNTING_STREAM, NULL);

  self->base = g_object_ref (base);
  self->socket = socket != NULL ? g_object_ref (socket) : NULL;
  self->output = g_object_new (JB_TYPE_COUNTING_OUTPUT,
                               "base-stream", g_io_stream_get_output_stream (base),
                               "close-base-stream", FALSE,
                               NULL);
  return self;
}

guint64
jb_counting_stream_get_written (JbCountingStream *self)
{
  g_return_val_if_fail (JB_IS_COUNTING_STREAM (self), 0);
  return self->output->written;
}
