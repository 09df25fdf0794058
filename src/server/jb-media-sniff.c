/* jb-media-sniff.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "jb-media-sniff"

#include "jb-media-sniff.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "jb-error.h"

/* Elements and boxes visited at most: a hostile file cannot make us loop. */
#define MAX_STEPS 100000
#define MAX_DEPTH 8

typedef struct
{
  int     fd;
  gint64  size;
  guint   steps;
  guint   video;   /* accepted video tracks */
  guint   audio;   /* accepted audio tracks */
  GError *error;
} Reader;

static gboolean
refuse (Reader     *r,
        const char *format,
        ...) G_GNUC_PRINTF (2, 3);

static gboolean
refuse (Reader     *r,
        const char *format,
        ...)
{
  va_list args;

  if (r->error == NULL)
    {
      va_start (args, format);
      r->error = g_error_new_valist (JB_ERROR, JB_ERROR_UNSUPPORTED_MEDIA, format, args);
      va_end (args);
    }
  return FALSE;
}

/* Reads exactly @len bytes at @pos, inside the file. */
static gboolean
read_at (Reader *r,
         gint64  pos,
         void   *buf,
         gsize   len)
{
  gsize done = 0;

  if (pos < 0 || pos > r->size || (gint64) len > r->size - pos)
    return refuse (r, "The file ends inside a header (truncated or not a clip).");
  while (done < len)
    {
      ssize_t n = pread (r->fd, (char *) buf + done, len - done, pos + (gint64) done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return refuse (r, "The clip cannot be read back.");
      done += (gsize) n;
    }
  return TRUE;
}

static gboolean
count_step (Reader *r)
{
  if (++r->steps > MAX_STEPS)
    return refuse (r, "The container has too many elements.");
  return TRUE;
}

/* EBML (WebM) */

#define EBML_HEADER   0x1A45DFA3u
#define EBML_DOCTYPE  0x4282u
#define MKV_SEGMENT   0x18538067u
#define MKV_TRACKS    0x1654AE6Bu
#define MKV_TRACK     0xAEu
#define MKV_TYPE      0x83u
#define MKV_CODEC     0x86u
#define MKV_CLUSTER   0x1F43B675u

/* A variable-length integer at @pos: an element ID keeps its length
 * marker, a size loses it; a size of all ones is "unknown". */
static gboolean
read_vint (Reader   *r,
           gint64    pos,
           gboolean  is_id,
           guint64  *out_value,
           guint    *out_len,
           gboolean *out_unknown)
{
  guint8 bytes[8];
  guint len = 1;
  guint64 value;
  gboolean all_ones;

  if (!read_at (r, pos, bytes, 1))
    return FALSE;
  while (len <= 8 && !(bytes[0] & (0x80 >> (len - 1))))
    len++;
  if (len > (is_id ? 4u : 8u))
    return refuse (r, "An EBML number is malformed.");
  if (len > 1 && !read_at (r, pos + 1, bytes + 1, len - 1))
    return FALSE;

  value = is_id ? bytes[0] : (guint64) (bytes[0] & (0xFF >> len));
  all_ones = value == (guint64) (0xFF >> len);
  for (guint i = 1; i < len; i++)
    {
      value = (value << 8) | bytes[i];
      all_ones = all_ones && bytes[i] == 0xFF;
    }
  *out_value = value;
  *out_len = len;
  if (out_unknown != NULL)
    *out_unknown = !is_id && all_ones;
  return TRUE;
}

typedef struct
{
  guint64  id;
  gint64   data;      /* first byte of the payload */
  gint64   end;       /* one past the payload (the parent's end if unknown) */
  gboolean unknown;
} Element;

static gboolean
read_element (Reader  *r,
              gint64   pos,
              gint64   parent_end,
              Element *out)
{
  guint64 size;
  guint id_len, size_len;

  if (!count_step (r) ||
      !read_vint (r, pos, TRUE, &out->id, &id_len, NULL) ||
      !read_vint (r, pos + id_len, FALSE, &size, &size_len, &out->unknown))
    return FALSE;
  out->data = pos + id_len + size_len;
  if (out->unknown)
    out->end = parent_end;
  else
    {
      if (size > (guint64) (parent_end - out->data))
        return refuse (r, "An EBML element runs past its parent (truncated or not a clip).");
      out->end = out->data + (gint64) size;
    }
  return TRUE;
}

static char *
read_string (Reader        *r,
             const Element *e)
{
  gint64 len = e->end - e->data;
  g_autofree char *text = NULL;

  if (len > 64)
    len = 64;
  text = g_malloc0 ((gsize) len + 1);
  if (!read_at (r, e->data, text, (gsize) len))
    return NULL;
  return g_steal_pointer (&text);
}

static gboolean
read_uint (Reader        *r,
           const Element *e,
           guint64       *out)
{
  guint8 bytes[8];
  gint64 len = e->end - e->data;

  if (len < 1 || len > 8 || !read_at (r, e->data, bytes, (gsize) len))
    return refuse (r, "An EBML number is malformed.");
  *out = 0;
  for (gint64 i = 0; i < len; i++)
    *out = (*out << 8) | bytes[i];
  return TRUE;
}

static gboolean
read_track_entry (Reader        *r,
                  const Element *entry)
{
  g_autofree char *codec = NULL;
  guint64 type = 0;

  for (gint64 pos = entry->data; pos < entry->end;)
    {
      Element e;

      if (!read_element (r, pos, entry->end, &e))
        return FALSE;
      if (e.unknown)
        return refuse (r, "A track has an element of unknown size.");
      if (e.id == MKV_TYPE && !read_uint (r, &e, &type))
        return FALSE;
      if (e.id == MKV_CODEC)
        {
          g_free (codec);
          if ((codec = read_string (r, &e)) == NULL)
            return FALSE;
        }
      pos = e.end;
    }

  if (type == 1)
    {
      if (g_strcmp0 (codec, "V_VP8") != 0 && g_strcmp0 (codec, "V_VP9") != 0)
        return refuse (r, "A WebM clip's video must be VP8 or VP9, not %s.", codec ? codec : "unnamed");
      r->video++;
    }
  else if (type == 2)
    {
      if (g_strcmp0 (codec, "A_OPUS") != 0 && g_strcmp0 (codec, "A_VORBIS") != 0)
        return refuse (r, "A WebM clip's audio must be Opus or Vorbis, not %s.", codec ? codec : "unnamed");
      r->audio++;
    }
  return TRUE;
}

static gboolean
read_tracks (Reader        *r,
             const Element *tracks)
{
  for (gint64 pos = tracks->data; pos < tracks->end;)
    {
      Element e;

      if (!read_element (r, pos, tracks->end, &e))
        return FALSE;
      if (e.unknown)
        return refuse (r, "The track list has an element of unknown size.");
      if (e.id == MKV_TRACK && !read_track_entry (r, &e))
        return FALSE;
      pos = e.end;
    }
  return TRUE;
}

static const char *
sniff_webm (Reader *r)
{
  Element header, segment;
  g_autofree char *doctype = NULL;
  gboolean have_tracks = FALSE, have_cluster = FALSE;

  if (!read_element (r, 0, r->size, &header) || header.id != EBML_HEADER || header.unknown)
    return refuse (r, "The file has no EBML header."), NULL;
  for (gint64 pos = header.data; pos < header.end;)
    {
      Element e;

      if (!read_element (r, pos, header.end, &e) || e.unknown)
        return refuse (r, "The EBML header is malformed."), NULL;
      if (e.id == EBML_DOCTYPE && (doctype = read_string (r, &e)) == NULL)
        return NULL;
      pos = e.end;
    }
  if (g_strcmp0 (doctype, "webm") != 0)
    return refuse (r, "The EBML DocType is %s, not webm.", doctype ? doctype : "missing"), NULL;

  if (!read_element (r, header.end, r->size, &segment) || segment.id != MKV_SEGMENT)
    return refuse (r, "The WebM file has no segment."), NULL;

  /* Level-1 elements up to the first cluster: muxers write the tracks
   * before the media. */
  for (gint64 pos = segment.data; pos < segment.end && !have_cluster;)
    {
      Element e;

      if (!read_element (r, pos, segment.end, &e))
        return NULL;
      if (e.id == MKV_CLUSTER)
        have_cluster = TRUE;
      else if (e.unknown)
        return refuse (r, "A WebM element other than a cluster has an unknown size."), NULL;
      else if (e.id == MKV_TRACKS)
        {
          if (!read_tracks (r, &e))
            return NULL;
          have_tracks = TRUE;
        }
      pos = e.end;
    }

  if (!have_tracks)
    return refuse (r, "The WebM file lists no tracks before its media."), NULL;
  if (r->video == 0)
    return refuse (r, "The WebM file has no VP8 or VP9 video track."), NULL;
  if (!have_cluster)
    return refuse (r, "The WebM file holds no media (no cluster)."), NULL;
  return "video/webm";
}

/* ISO BMFF (MP4) */

typedef struct
{
  char    type[5];
  gint64  data;
  gint64  end;
} Box;

static gboolean
read_box (Reader *r,
          gint64  pos,
          gint64  parent_end,
          Box    *out)
{
  guint8 head[16];
  guint64 size;
  gint64 header = 8;

  if (!count_step (r) || !read_at (r, pos, head, 8))
    return FALSE;
  size = ((guint64) head[0] << 24) | ((guint64) head[1] << 16) | ((guint64) head[2] << 8) | head[3];
  memcpy (out->type, head + 4, 4);
  out->type[4] = '\0';
  if (size == 1)
    {
      if (!read_at (r, pos + 8, head + 8, 8))
        return FALSE;
      size = 0;
      for (int i = 8; i < 16; i++)
        size = (size << 8) | head[i];
      header = 16;
    }
  else if (size == 0)
    size = (guint64) (parent_end - pos);
  if (size < (guint64) header || size > (guint64) (parent_end - pos))
    return refuse (r, "An MP4 box has a bad size (truncated or not a clip).");
  out->data = pos + header;
  out->end = pos + (gint64) size;
  return TRUE;
}

/* Finds the first child box of @type in [@start, @end). */
static gboolean
find_child (Reader     *r,
            gint64      start,
            gint64      end,
            const char *type,
            Box        *out)
{
  for (gint64 pos = start; pos < end;)
    {
      if (!read_box (r, pos, end, out))
        return FALSE;
      if (memcmp (out->type, type, 4) == 0)
        return TRUE;
      pos = out->end;
    }
  return FALSE;
}

static gboolean
read_trak (Reader    *r,
           const Box *trak)
{
  Box mdia, hdlr, minf, stbl, stsd, entry;
  char handler[5] = { 0 };

  if (!find_child (r, trak->data, trak->end, "mdia", &mdia) ||
      !find_child (r, mdia.data, mdia.end, "hdlr", &hdlr))
    return refuse (r, "An MP4 track has no media handler.");
  /* version/flags (4), pre_defined (4), handler_type (4) */
  if (hdlr.end - hdlr.data < 12 || !read_at (r, hdlr.data + 8, handler, 4))
    return refuse (r, "An MP4 track's handler is malformed.");
  if (strcmp (handler, "vide") != 0 && strcmp (handler, "soun") != 0)
    return TRUE;  /* hints, timecodes, metadata: not played */

  if (!find_child (r, mdia.data, mdia.end, "minf", &minf) ||
      !find_child (r, minf.data, minf.end, "stbl", &stbl) ||
      !find_child (r, stbl.data, stbl.end, "stsd", &stsd))
    return refuse (r, "An MP4 track has no sample description.");
  /* version/flags (4), entry_count (4), then the first sample entry */
  if (!read_box (r, stsd.data + 8, stsd.end, &entry))
    return refuse (r, "An MP4 track's sample description is malformed.");

  if (strcmp (handler, "vide") == 0)
    {
      if (strcmp (entry.type, "avc1") != 0 && strcmp (entry.type, "avc3") != 0)
        return refuse (r, "An MP4 clip's video must be H.264, not %s.", entry.type);
      r->video++;
    }
  else
    {
      if (strcmp (entry.type, "mp4a") != 0)
        return refuse (r, "An MP4 clip's audio must be AAC, not %s.", entry.type);
      r->audio++;
    }
  return TRUE;
}

static const char *
sniff_mp4 (Reader *r)
{
  Box box;
  gboolean have_moov = FALSE, have_mdat = FALSE;

  if (!read_box (r, 0, r->size, &box) || strcmp (box.type, "ftyp") != 0)
    return refuse (r, "The file does not start with an MP4 ftyp box."), NULL;
  for (gint64 pos = box.end; pos < r->size;)
    {
      if (!read_box (r, pos, r->size, &box))
        return NULL;
      if (strcmp (box.type, "mdat") == 0)
        have_mdat = TRUE;
      else if (strcmp (box.type, "moov") == 0)
        {
          Box trak;

          have_moov = TRUE;
          for (gint64 child = box.data; child < box.end; child = trak.end)
            {
              if (!read_box (r, child, box.end, &trak))
                return NULL;
              if (strcmp (trak.type, "trak") == 0 && !read_trak (r, &trak))
                return NULL;
            }
        }
      pos = box.end;
    }
  if (!have_moov)
    return refuse (r, "The MP4 file has no moov box."), NULL;
  if (!have_mdat)
    return refuse (r, "The MP4 file holds no media (no mdat box)."), NULL;
  if (r->video == 0)
    return refuse (r, "The MP4 file has no H.264 video track."), NULL;
  return "video/mp4";
}

const char *
jb_media_sniff_fd (int      fd,
                   gint64   size,
                   GError **error)
{
  Reader r = { .fd = fd, .size = size };
  guint8 head[8];
  const char *type = NULL;

  if (size >= 8 && read_at (&r, 0, head, 8))
    {
      if (head[0] == 0x1A && head[1] == 0x45 && head[2] == 0xDF && head[3] == 0xA3)
        type = sniff_webm (&r);
      else if (memcmp (head + 4, "ftyp", 4) == 0)
        type = sniff_mp4 (&r);
      else
        refuse (&r, "The file is neither WebM nor MP4.");
    }
  else
    refuse (&r, "The file is too short to be a clip.");

  if (type == NULL)
    {
      g_propagate_error (error, r.error);
      return NULL;
    }
  g_clear_error (&r.error);
  return type;
}

const char *
jb_media_sniff_file (const char  *path,
                     GError     **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  const char *type;
  gint64 size;

  if (fd < 0)
    {
      g_set_error (error, JB_ERROR, JB_ERROR_INTERNAL, "Cannot open %s: %s", path, g_strerror (errno));
      return NULL;
    }
  size = lseek (fd, 0, SEEK_END);
  type = jb_media_sniff_fd (fd, size, error);
  close (fd);
  return type;
}
