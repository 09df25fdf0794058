/* jb-pushback-stream.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-pushback-stream"

#include "jb-pushback-stream.h"

#include <string.h>

/* The input side: a pollable filter stream that returns the head before
 * anything of its base. */

#define JB_TYPE_PUSHBACK_INPUT (jb_pushback_input_get_type ())
G_DECLARE_FINAL_TYPE (JbPushbackInput, jb_pushback_input, JB, PUSHBACK_INPUT, GFilterInputStream)

struct _JbPushbackInput
{
  GFilterInputStream parent_instance;

  GBytes            *head;    /* NULL once read */
  gsize              offset;  /* into head */
};

static void jb_pushback_input_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JbPushbackInput, jb_pushback_input, G_TYPE_FILTER_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      jb_pushback_input_pollable_init))

static GInputStream *
base_of (gpointer stream)
{
  return g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream));
}

/* Up to @count bytes of the head into @buffer (nullable: skipped). */
static gssize
take_head (JbPushbackInput *self,
           void            *buffer,
           gsize            count)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (self->head, &size);
  gsize n = MIN (count, size - self->offset);

  if (buffer != NULL)
    memcpy (buffer, data + self->offset, n);
  self->offset += n;
  if (self->offset == size)
    {
      g_clear_pointer (&self->head, g_bytes_unref);
      self->offset = 0;
    }
  return (gssize) n;
}

static gssize
jb_pushback_input_read (GInputStream  *stream,
                        void          *buffer,
                        gsize          count,
                        GCancellable  *cancellable,
                        GError       **error)
{
  JbPushbackInput *self = JB_PUSHBACK_INPUT (stream);

  if (self->head != NULL)
    return take_head (self, buffer, count);
  return g_input_stream_read (base_of (stream), buffer, count, cancellable, error);
}

static gssize
jb_pushback_input_skip (GInputStream  *stream,
                        gsize          count,
                        GCancellable  *cancellable,
                        GError       **error)
{
  JbPushbackInput *self = JB_PUSHBACK_INPUT (stream);

  if (self->head != NULL)
    return take_head (self, NULL, count);
  return g_input_stream_skip (base_of (stream), count, cancellable, error);
}

static gboolean
jb_pushback_input_can_poll (GPollableInputStream *stream)
{
  GInputStream *base = base_of (stream);

  return G_IS_POLLABLE_INPUT_STREAM (base) &&
         g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (base));
}

static gboolean
jb_pushback_input_is_readable (GPollableInputStream *stream)
{
  return JB_PUSHBACK_INPUT (stream)->head != NULL ||
         g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (base_of (stream)));
}

/* With a head left the source is ready at once. */
static GSource *
jb_pushback_input_create_source (GPollableInputStream *stream,
                                 GCancellable         *cancellable)
{
  g_autoptr(GSource) child = NULL;

  if (JB_PUSHBACK_INPUT (stream)->head != NULL)
    child = g_timeout_source_new (0);
  else
    child = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (base_of (stream)), NULL);
  return g_pollable_source_new_full (stream, child, cancellable);
}

static gssize
jb_pushback_input_read_nonblocking (GPollableInputStream  *stream,
                                    void                  *buffer,
                                    gsize                  count,
                                    GError               **error)
{
  JbPushbackInput *self = JB_PUSHBACK_INPUT (stream);

  if (self->head != NULL)
    return take_head (self, buffer, count);
  return g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (base_of (stream)),
                                                   buffer, count, NULL, error);
}

static void
jb_pushback_input_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = jb_pushback_input_can_poll;
  iface->is_readable = jb_pushback_input_is_readable;
  iface->create_source = jb_pushback_input_create_source;
  iface->read_nonblocking = jb_pushback_input_read_nonblocking;
}

static void
jb_pushback_input_finalize (GObject *object)
{
  g_clear_pointer (&JB_PUSHBACK_INPUT (object)->head, g_bytes_unref);

  G_OBJECT_CLASS (jb_pushback_input_parent_class)->finalize (object);
}

static void
jb_pushback_input_class_init (JbPushbackInputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = jb_pushback_input_finalize;
  stream_class->read_fn = jb_pushback_input_read;
  stream_class->skip = jb_pushback_input_skip;
}

static void
jb_pushback_input_init (JbPushbackInput *self)
{
}

/* The GIOStream: our input, the base's output. */

struct _JbPushbackStream
{
  GIOStream        parent_instance;

  GIOStream       *base;
  JbPushbackInput *input;
  gboolean         disposing;
};

G_DEFINE_FINAL_TYPE (JbPushbackStream, jb_pushback_stream, G_TYPE_IO_STREAM)

static GInputStream *
jb_pushback_stream_get_input_stream (GIOStream *stream)
{
  return G_INPUT_STREAM (JB_PUSHBACK_STREAM (stream)->input);
}

static GOutputStream *
jb_pushback_stream_get_output_stream (GIOStream *stream)
{
  return g_io_stream_get_output_stream (JB_PUSHBACK_STREAM (stream)->base);
}

/* Dropped without a close (the base goes on without it), the base is
 * left open: GIOStream closes a stream that is disposed open. */
static gboolean
jb_pushback_stream_close (GIOStream     *stream,
                          GCancellable  *cancellable,
                          GError       **error)
{
  JbPushbackStream *self = JB_PUSHBACK_STREAM (stream);

  if (self->disposing)
    return TRUE;
  return g_io_stream_close (self->base, cancellable, error);
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

/* From the main thread: the default would run close_fn in a worker thread
 * on a stream the main loop still polls. */
static void
jb_pushback_stream_close_async (GIOStream           *stream,
                                int                  io_priority,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_io_stream_close_async (JB_PUSHBACK_STREAM (stream)->base, io_priority, cancellable, base_closed_cb, task);
}

static gboolean
jb_pushback_stream_close_finish (GIOStream     *stream,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
jb_pushback_stream_dispose (GObject *object)
{
  JB_PUSHBACK_STREAM (object)->disposing = TRUE;

  G_OBJECT_CLASS (jb_pushback_stream_parent_class)->dispose (object);
}

static void
jb_pushback_stream_finalize (GObject *object)
{
  JbPushbackStream *self = JB_PUSHBACK_STREAM (object);

  g_clear_object (&self->input);
  g_clear_object (&self->base);

  G_OBJECT_CLASS (jb_pushback_stream_parent_class)->finalize (object);
}

static void
jb_pushback_stream_class_init (JbPushbackStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  object_class->dispose = jb_pushback_stream_dispose;
  object_class->finalize = jb_pushback_stream_finalize;
  stream_class->get_input_stream = jb_pushback_stream_get_input_stream;
  stream_class->get_output_stream = jb_pushback_stream_get_output_stream;
  stream_class->close_fn = jb_pushback_stream_close;
  stream_class->close_async = jb_pushback_stream_close_async;
  stream_class->close_finish = jb_pushback_stream_close_finish;
}

static void
jb_pushback_stream_init (JbPushbackStream *self)
{
}

JbPushbackStream *
jb_pushback_stream_new (GIOStream *base,
                        GBytes    *head)
{
  JbPushbackStream *self;

  g_return_val_if_fail (G_IS_IO_STREAM (base), NULL);
  g_return_val_if_fail (head != NULL && g_bytes_get_size (head) > 0, NULL);

  self = g_object_new (JB_TYPE_PUSHBACK_STREAM, NULL);
  self->base = g_object_ref (base);
  self->input = g_object_new (JB_TYPE_PUSHBACK_INPUT,
                              "base-stream", g_io_stream_get_input_stream (base),
                              "close-base-stream", FALSE,
                              NULL);
  self->input->head = g_bytes_ref (head);
  return self;
}

GBytes *
jb_pushback_stream_steal_head (JbPushbackStream *self)
{
  JbPushbackInput *input;
  GBytes *rest;

  g_return_val_if_fail (JB_IS_PUSHBACK_STREAM (self), NULL);

  input = self->input;
  if (input->head == NULL)
    return NULL;
  rest = g_bytes_new_from_bytes (input->head, input->offset, g_bytes_get_size (input->head) - input->offset);
  g_clear_pointer (&input->head, g_bytes_unref);
  input->offset = 0;
  return rest;
}
