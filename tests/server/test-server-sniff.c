/* test-server-sniff.c — the container sniffer reads what a file really is
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "jb-error.h"
#include "jb-media-sniff.h"
#include "jb-test-clip.h"

static char *tmpdir;

/* EBML: an ID (its bytes as written) and a payload, with an 8-byte size. */
static void
ebml (GByteArray   *out,
      guint32       id,
      const guint8 *payload,
      gsize         len)
{
  guint8 size[8] = { 0x01 };
  guint8 id_bytes[4];
  guint n = id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1;

  for (guint i = 0; i < n; i++)
    id_bytes[i] = (guint8) (id >> (8 * (n - 1 - i)));
  g_byte_array_append (out, id_bytes, n);
  for (int i = 0; i < 7; i++)
    size[7 - i] = (guint8) (len >> (8 * i));
  size[0] = 0x01;
  g_byte_array_append (out, size, 8);
  g_byte_array_append (out, payload, len);
}

static void
ebml_string (GByteArray *out,
             guint32     id,
             const char *text)
{
  ebml (out, id, (const guint8 *) text, strlen (text));
}

static void
ebml_uint (GByteArray *out,
           guint32     id,
           guint8      value)
{
  ebml (out, id, &value, 1);
}

static GByteArray *
track (guint8      type,
       const char *codec)
{
  GByteArray *entry = g_byte_array_new ();

  ebml_uint (entry, 0xD7, 1);      /* TrackNumber */
  ebml_uint (entry, 0x83, type);   /* TrackType */
  ebml_string (entry, 0x86, codec);
  return entry;
}

static GBytes *
webm (const char *doctype,
      const char *video_codec,
      const char *audio_codec,
      gboolean    with_cluster)
{
  g_autoptr(GByteArray) header = g_byte_array_new ();
  g_autoptr(GByteArray) tracks = g_byte_array_new ();
  g_autoptr(GByteArray) segment = g_byte_array_new ();
  GByteArray *file = g_byte_array_new ();
  guint8 frame[32] = { 0 };

  ebml_uint (header, 0x4286, 1);           /* EBMLVersion */
  ebml_string (header, 0x4282, doctype);   /* DocType */
  if (video_codec != NULL)
    {
      g_autoptr(GByteArray) entry = track (1, video_codec);

      ebml (tracks, 0xAE, entry->data, entry->len);
    }
  if (audio_codec != NULL)
    {
      g_autoptr(GByteArray) entry = track (2, audio_codec);

      ebml (tracks, 0xAE, entry->data, entry->len);
    }
  ebml (segment, 0xEC, frame, 8);          /* Void */
  ebml (segment, 0x1654AE6B, tracks->data, tracks->len);
  if (with_cluster)
    ebml (segment, 0x1F43B675, frame, sizeof frame);
  ebml (file, 0x1A45DFA3, header->data, header->len);
  ebml (file, 0x18538067, segment->data, segment->len);
  return g_byte_array_free_to_bytes (file);
}

/* MP4: a box of @type around @payload. */
static void
box (GByteArray   *out,
     const char   *type,
     const guint8 *payload,
     gsize         len)
{
  guint32 size = (guint32) (len + 8);
  guint8 head[8] = { size >> 24, size >> 16, size >> 8, size };

  memcpy (head + 4, type, 4);
  g_byte_array_append (out, head, 8);
  g_byte_array_append (out, payload, len);
}

static GByteArray *
mp4_trak (const char *handler,
          const char *entry_type)
{
  g_autoptr(GByteArray) hdlr = g_byte_array_new ();
  g_autoptr(GByteArray) stsd = g_byte_array_new ();
  g_autoptr(GByteArray) stbl = g_byte_array_new ();
  g_autoptr(GByteArray) minf = g_byte_array_new ();
  g_autoptr(GByteArray) mdia = g_byte_array_new ();
  GByteArray *trak = g_byte_array_new ();
  guint8 zeros[24] = { 0 };
  guint8 count[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };

  g_byte_array_append (hdlr, zeros, 8);
  g_byte_array_append (hdlr, (const guint8 *) handler, 4);
  g_byte_array_append (hdlr, zeros, 12);
  g_byte_array_append (stsd, count, 8);
  box (stsd, entry_type, zeros, sizeof zeros);
  box (stbl, "stsd", stsd->data, stsd->len);
  box (minf, "stbl", stbl->data, stbl->len);
  box (mdia, "hdlr", hdlr->data, hdlr->len);
  box (mdia, "minf", minf->data, minf->len);
  box (trak, "mdia", mdia->data, mdia->len);
  return trak;
}

static GBytes *
mp4 (const char *video_entry,
     const char *audio_entry,
     gboolean    moov_last)
{
  g_autoptr(GByteArray) moov = g_byte_array_new ();
  GByteArray *file = g_byte_array_new ();
  guint8 ftyp[12] = { 'i', 's', 'o', 'm', 0, 0, 2, 0, 'm', 'p', '4', '1' };
  guint8 media[64] = { 0 };

  if (video_entry != NULL)
    {
      g_autoptr(GByteArray) trak = mp4_trak ("vide", video_entry);

      box (moov, "trak", trak->data, trak->len);
    }
  if (audio_entry != NULL)
    {
      g_autoptr(GByteArray) trak = mp4_trak ("soun", audio_entry);

      box (moov, "trak", trak->data, trak->len);
    }
  box (file, "ftyp", ftyp, sizeof ftyp);
  if (!moov_last)
    box (file, "moov", moov->data, moov->len);
  box (file, "mdat", media, sizeof media);
  if (moov_last)
    box (file, "moov", moov->data, moov->len);
  return g_byte_array_free_to_bytes (file);
}

static const char *
sniff (GBytes  *bytes,
       GError **error)
{
  g_autofree char *path = g_build_filename (tmpdir, "sniff", NULL);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  const char *type;

  g_assert_true (g_file_set_contents (path, data, (gssize) len, NULL));
  type = jb_media_sniff_file (path, error);
  g_unlink (path);
  return type;
}

static void
assert_accepted (GBytes     *bytes,
                 const char *expected)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (sniff (bytes, &error), ==, expected);
  g_assert_no_error (error);
}

static void
assert_refused (GBytes     *bytes,
                const char *words)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (sniff (bytes, &error));
  g_assert_error (error, JB_ERROR, JB_ERROR_UNSUPPORTED_MEDIA);
  if (words != NULL && strstr (error->message, words) == NULL)
    g_error ("\"%s\" does not say \"%s\"", error->message, words);
}

static void
test_webm (void)
{
  g_autoptr(GBytes) vp8_vorbis = webm ("webm", "V_VP8", "A_VORBIS", TRUE);
  g_autoptr(GBytes) vp9_opus = webm ("webm", "V_VP9", "A_OPUS", TRUE);
  g_autoptr(GBytes) silent = webm ("webm", "V_VP8", NULL, TRUE);
  g_autoptr(GBytes) matroska = webm ("matroska", "V_VP8", "A_VORBIS", TRUE);
  g_autoptr(GBytes) h264 = webm ("webm", "V_MPEG4/ISO/AVC", "A_OPUS", TRUE);
  g_autoptr(GBytes) aac = webm ("webm", "V_VP8", "A_AAC", TRUE);
  g_autoptr(GBytes) audio_only = webm ("webm", NULL, "A_OPUS", TRUE);
  g_autoptr(GBytes) no_media = webm ("webm", "V_VP8", "A_OPUS", FALSE);
  g_autoptr(GBytes) truncated = g_bytes_new_from_bytes (vp8_vorbis, 0, g_bytes_get_size (vp8_vorbis) / 2);

  assert_accepted (vp8_vorbis, "video/webm");
  assert_accepted (vp9_opus, "video/webm");
  assert_accepted (silent, "video/webm");
  assert_refused (matroska, "matroska");
  assert_refused (h264, "V_MPEG4/ISO/AVC");
  assert_refused (aac, "A_AAC");
  assert_refused (audio_only, "no VP8 or VP9");
  assert_refused (no_media, "no cluster");
  assert_refused (truncated, NULL);
}

static void
test_mp4 (void)
{
  g_autoptr(GBytes) avc_aac = mp4 ("avc1", "mp4a", FALSE);
  g_autoptr(GBytes) moov_last = mp4 ("avc3", "mp4a", TRUE);
  g_autoptr(GBytes) hevc = mp4 ("hvc1", "mp4a", FALSE);
  g_autoptr(GBytes) mp3 = mp4 ("avc1", ".mp3", FALSE);
  g_autoptr(GBytes) audio_only = mp4 (NULL, "mp4a", FALSE);
  g_autoptr(GBytes) truncated = g_bytes_new_from_bytes (avc_aac, 0, g_bytes_get_size (avc_aac) - 10);

  assert_accepted (avc_aac, "video/mp4");
  assert_accepted (moov_last, "video/mp4");
  assert_refused (hevc, "hvc1");
  assert_refused (mp3, ".mp3");
  assert_refused (audio_only, "no H.264");
  assert_refused (truncated, NULL);
}

static void
test_other_bytes (void)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
  g_autoptr(GBytes) image = g_bytes_new_static (png, sizeof png);
  g_autoptr(GBytes) tiny = g_bytes_new_static ("ab", 2);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  /* An EBML size that claims more than the file holds. */
  static const guint8 liar[] = { 0x1A, 0x45, 0xDF, 0xA3, 0x08, 0, 0, 0, 0, 0, 0, 0, 0x42, 0x82 };
  g_autoptr(GBytes) lying = g_bytes_new_static (liar, sizeof liar);
  guint8 noise[4096];

  assert_refused (image, "neither WebM nor MP4");
  assert_refused (tiny, "too short");
  assert_refused (empty, "too short");
  assert_refused (lying, NULL);
  /* Random bytes with a WebM or MP4 start: refused, never a crash. */
  for (guint round = 0; round < 200; round++)
    {
      g_autoptr(GBytes) bytes = NULL;

      for (guint i = 0; i < sizeof noise; i++)
        noise[i] = (guint8) g_test_rand_int ();
      if (round % 2 == 0)
        memcpy (noise, "\x1A\x45\xDF\xA3", 4);
      else
        memcpy (noise + 4, "ftyp", 4);
      bytes = g_bytes_new (noise, sizeof noise);
      assert_refused (bytes, NULL);
    }
}

static void
test_real_clip (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = jb_test_clip_make (tmpdir, 1, 160, 90, "sniff", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (jb_media_sniff_file (path, &error), ==, "video/webm");
  g_assert_no_error (error);
  g_unlink (path);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("jb-sniff-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/server/sniff/webm", test_webm);
  g_test_add_func ("/server/sniff/mp4", test_mp4);
  g_test_add_func ("/server/sniff/other-bytes", test_other_bytes);
  g_test_add_func ("/server/sniff/real-clip", test_real_clip);
  status = g_test_run ();

  g_rmdir (tmpdir);
  g_free (tmpdir);
  return status;
}
