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

struct _JbCountingStream
{
  GIOStream         parent_instance;

  GIOStream        *base;
  JbCountingOutput *output;
};

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

/* Closing the base stream from the main thread: the default would run
 * close_fn in a worker thread on a stream the main loop still polls. */
static void
jb_counting_stream_close_async (GIOStream           *stream,
                                int                  io_priority,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_io_stream_close_async (JB_COUNTING_STREAM (stream)->base, io_priority, cancellable,
                           base_closed_cb, task);
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
jb_counting_stream_new (GIOStream *base)
{
  JbCountingStream *self = g_object_new (JB_TYPE_COUNTING_STREAM, NULL);

  self->base = g_object_ref (base);
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
