/* jb-connection-stream.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-connection-stream"

#include "jb-connection-stream.h"

#include <string.h>

/* The two halves are pollable filter streams over the base's: the input
 * returns the bytes put back before anything of its base, the output adds
 * up what its base accepted. */

#define JB_TYPE_CONNECTION_INPUT (jb_connection_input_get_type ())
G_DECLARE_FINAL_TYPE (JbConnectionInput, jb_connection_input, JB, CONNECTION_INPUT, GFilterInputStream)

struct _JbConnectionInput
{
  GFilterInputStream parent_instance;

  GBytes            *head;    /* put back, NULL once read */
  gsize              offset;  /* into head */
};

static void jb_connection_input_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JbConnectionInput, jb_connection_input, G_TYPE_FILTER_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      jb_connection_input_pollable_init))

static GPollableInputStream *
input_base (gpointer stream)
{
  return G_POLLABLE_INPUT_STREAM (g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream)));
}

/* Up to @count bytes of the head into @buffer (nullable: skipped). */
static gssize
take_head (JbConnectionInput *self,
           void              *buffer,
           gsize              count)
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
jb_connection_input_read (GInputStream  *stream,
                          void          *buffer,
                          gsize          count,
                          GCancellable  *cancellable,
                          GError       **error)
{
  JbConnectionInput *self = JB_CONNECTION_INPUT (stream);

  if (self->head != NULL)
    return take_head (self, buffer, count);
  return g_input_stream_read (G_INPUT_STREAM (input_base (stream)), buffer, count, cancellable, error);
}

static gssize
jb_connection_input_skip (GInputStream  *stream,
                          gsize          count,
                          GCancellable  *cancellable,
                          GError       **error)
{
  JbConnectionInput *self = JB_CONNECTION_INPUT (stream);

  if (self->head != NULL)
    return take_head (self, NULL, count);
  return g_input_stream_skip (G_INPUT_STREAM (input_base (stream)), count, cancellable, error);
}

static gboolean
jb_connection_input_can_poll (GPollableInputStream *stream)
{
  GInputStream *base = g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream));

  return G_IS_POLLABLE_INPUT_STREAM (base) &&
         g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (base));
}

static gboolean
jb_connection_input_is_readable (GPollableInputStream *stream)
{
  return JB_CONNECTION_INPUT (stream)->head != NULL ||
         g_pollable_input_stream_is_readable (input_base (stream));
}

/* With a head left the source is ready at once. */
static GSource *
jb_connection_input_create_source (GPollableInputStream *stream,
                                   GCancellable         *cancellable)
{
  g_autoptr(GSource) child = NULL;

  if (JB_CONNECTION_INPUT (stream)->head != NULL)
    child = g_timeout_source_new (0);
  else
    child = g_pollable_input_stream_create_source (input_base (stream), NULL);
  return g_pollable_source_new_full (stream, child, cancellable);
}

static gssize
jb_connection_input_read_nonblocking (GPollableInputStream  *stream,
                                      void                  *buffer,
                                      gsize                  count,
                                      GError               **error)
{
  JbConnectionInput *self = JB_CONNECTION_INPUT (stream);

  if (self->head != NULL)
    return take_head (self, buffer, count);
  return g_pollable_input_stream_read_nonblocking (input_base (stream), buffer, count, NULL, error);
}

static void
jb_connection_input_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = jb_connection_input_can_poll;
  iface->is_readable = jb_connection_input_is_readable;
  iface->create_source = jb_connection_input_create_source;
  iface->read_nonblocking = jb_connection_input_read_nonblocking;
}

static void
jb_connection_input_finalize (GObject *object)
{
  g_clear_pointer (&JB_CONNECTION_INPUT (object)->head, g_bytes_unref);

  G_OBJECT_CLASS (jb_connection_input_parent_class)->finalize (object);
}

static void
jb_connection_input_class_init (JbConnectionInputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = jb_connection_input_finalize;
  stream_class->read_fn = jb_connection_input_read;
  stream_class->skip = jb_connection_input_skip;
}

static void
jb_connection_input_init (JbConnectionInput *self)
{
}

#define JB_TYPE_CONNECTION_OUTPUT (jb_connection_output_get_type ())
G_DECLARE_FINAL_TYPE (JbConnectionOutput, jb_connection_output, JB, CONNECTION_OUTPUT, GFilterOutputStream)

struct _JbConnectionOutput
{
  GFilterOutputStream parent_instance;

  guint64             written;
};

static void jb_connection_output_pollable_init (GPollableOutputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JbConnectionOutput, jb_connection_output, G_TYPE_FILTER_OUTPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM,
                                                      jb_connection_output_pollable_init))

static GPollableOutputStream *
output_base (gpointer stream)
{
  return G_POLLABLE_OUTPUT_STREAM (g_filter_output_stream_get_base_stream (G_FILTER_OUTPUT_STREAM (stream)));
}

static gssize
jb_connection_output_write (GOutputStream  *stream,
                            const void     *buffer,
                            gsize           count,
                            GCancellable   *cancellable,
                            GError        **error)
{
  JbConnectionOutput *self = JB_CONNECTION_OUTPUT (stream);
  gssize n = g_output_stream_write (G_OUTPUT_STREAM (output_base (stream)), buffer, count, cancellable, error);

  if (n > 0)
    self->written += (guint64) n;
  return n;
}

static gboolean
jb_connection_output_can_poll (GPollableOutputStream *stream)
{
  GOutputStream *base = g_filter_output_stream_get_base_stream (G_FILTER_OUTPUT_STREAM (stream));

  return G_IS_POLLABLE_OUTPUT_STREAM (base) &&
         g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (base));
}

static gboolean
jb_connection_output_is_writable (GPollableOutputStream *stream)
{
  return g_pollable_output_stream_is_writable (output_base (stream));
}

static GSource *
jb_connection_output_create_source (GPollableOutputStream *stream,
                                    GCancellable          *cancellable)
{
  g_autoptr(GSource) child = g_pollable_output_stream_create_source (output_base (stream), NULL);

  return g_pollable_source_new_full (stream, child, cancellable);
}

static gssize
jb_connection_output_write_nonblocking (GPollableOutputStream  *stream,
                                        const void             *buffer,
                                        gsize                   count,
                                        GError                **error)
{
  JbConnectionOutput *self = JB_CONNECTION_OUTPUT (stream);
  gssize n = g_pollable_output_stream_write_nonblocking (output_base (stream), buffer, count, NULL, error);

  if (n > 0)
    self->written += (guint64) n;
  return n;
}

static void
jb_connection_output_pollable_init (GPollableOutputStreamInterface *iface)
{
  iface->can_poll = jb_connection_output_can_poll;
  iface->is_writable = jb_connection_output_is_writable;
  iface->create_source = jb_connection_output_create_source;
  iface->write_nonblocking = jb_connection_output_write_nonblocking;
}

static void
jb_connection_output_class_init (JbConnectionOutputClass *klass)
{
  GOutputStreamClass *stream_class = G_OUTPUT_STREAM_CLASS (klass);

  stream_class->write_fn = jb_connection_output_write;
}

static void
jb_connection_output_init (JbConnectionOutput *self)
{
}

/* The GIOStream */

#define LINGER_S 30

struct _JbConnectionStream
{
  GIOStream           parent_instance;

  GIOStream          *base;
  GSocket            *socket;  /* set when an asynchronous close lingers */
  JbConnectionInput  *input;
  JbConnectionOutput *output;
};

G_DEFINE_FINAL_TYPE (JbConnectionStream, jb_connection_stream, G_TYPE_IO_STREAM)

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

static GInputStream *
jb_connection_stream_get_input_stream (GIOStream *stream)
{
  return G_INPUT_STREAM (JB_CONNECTION_STREAM (stream)->input);
}

static GOutputStream *
jb_connection_stream_get_output_stream (GIOStream *stream)
{
  return G_OUTPUT_STREAM (JB_CONNECTION_STREAM (stream)->output);
}

static gboolean
jb_connection_stream_close (GIOStream     *stream,
                            GCancellable  *cancellable,
                            GError       **error)
{
  return g_io_stream_close (JB_CONNECTION_STREAM (stream)->base, cancellable, error);
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
  JbConnectionStream *self = g_task_get_source_object (task);
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

/* From the main thread: the default would run close_fn in a worker thread
 * on a stream the main loop still polls. */
static void
jb_connection_stream_close_async (GIOStream           *stream,
                                  int                  io_priority,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  JbConnectionStream *self = JB_CONNECTION_STREAM (stream);
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
jb_connection_stream_close_finish (GIOStream     *stream,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
jb_connection_stream_finalize (GObject *object)
{
  JbConnectionStream *self = JB_CONNECTION_STREAM (object);

  g_clear_object (&self->input);
  g_clear_object (&self->output);
  g_clear_object (&self->socket);
  g_clear_object (&self->base);

  G_OBJECT_CLASS (jb_connection_stream_parent_class)->finalize (object);
}

static void
jb_connection_stream_class_init (JbConnectionStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  object_class->finalize = jb_connection_stream_finalize;
  stream_class->get_input_stream = jb_connection_stream_get_input_stream;
  stream_class->get_output_stream = jb_connection_stream_get_output_stream;
  stream_class->close_fn = jb_connection_stream_close;
  stream_class->close_async = jb_connection_stream_close_async;
  stream_class->close_finish = jb_connection_stream_close_finish;
}

static void
jb_connection_stream_init (JbConnectionStream *self)
{
}

JbConnectionStream *
jb_connection_stream_new (GIOStream *base)
{
  JbConnectionStream *self;

  g_return_val_if_fail (G_IS_IO_STREAM (base), NULL);

  self = g_object_new (JB_TYPE_CONNECTION_STREAM, NULL);
  self->base = g_object_ref (base);
  self->input = g_object_new (JB_TYPE_CONNECTION_INPUT,
                              "base-stream", g_io_stream_get_input_stream (base),
                              "close-base-stream", FALSE,
                              NULL);
  self->output = g_object_new (JB_TYPE_CONNECTION_OUTPUT,
                               "base-stream", g_io_stream_get_output_stream (base),
                               "close-base-stream", FALSE,
                               NULL);
  return self;
}

void
jb_connection_stream_unread (JbConnectionStream *self,
                             GBytes             *bytes)
{
  JbConnectionInput *input;
  g_autoptr(GByteArray) head = NULL;

  g_return_if_fail (JB_IS_CONNECTION_STREAM (self));
  g_return_if_fail (bytes != NULL);

  input = self->input;
  if (g_bytes_get_size (bytes) == 0)
    return;
  if (input->head == NULL)
    {
      input->head = g_bytes_ref (bytes);
      input->offset = 0;
      return;
    }
  head = g_byte_array_sized_new ((guint) (g_bytes_get_size (bytes) + g_bytes_get_size (input->head) - input->offset));
  g_byte_array_append (head, g_bytes_get_data (bytes, NULL), (guint) g_bytes_get_size (bytes));
  g_byte_array_append (head, (const guint8 *) g_bytes_get_data (input->head, NULL) + input->offset,
                       (guint) (g_bytes_get_size (input->head) - input->offset));
  g_bytes_unref (input->head);
  input->head = g_byte_array_free_to_bytes (g_steal_pointer (&head));
  input->offset = 0;
}

gboolean
jb_connection_stream_has_unread (JbConnectionStream *self)
{
  g_return_val_if_fail (JB_IS_CONNECTION_STREAM (self), FALSE);
  return self->input->head != NULL;
}

guint64
jb_connection_stream_get_written (JbConnectionStream *self)
{
  g_return_val_if_fail (JB_IS_CONNECTION_STREAM (self), 0);
  return self->output->written;
}

void
jb_connection_stream_linger (JbConnectionStream *self,
                             GSocket            *socket)
{
  g_return_if_fail (JB_IS_CONNECTION_STREAM (self));
  g_return_if_fail (G_IS_SOCKET (socket));

  g_set_object (&self->socket, socket);
}
