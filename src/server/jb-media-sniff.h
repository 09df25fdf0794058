/* jb-media-sniff.h — what a clip file really holds, read from its bytes
 *
 * A small reader of EBML (WebM) elements and ISO BMFF (MP4) boxes: only
 * the headers that name the container and the codecs are read, with
 * pread(), so a clip of any size costs a few kilobytes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Returns "video/webm" (EBML DocType webm; VP8/VP9 video, Opus/Vorbis
 * audio) or "video/mp4" (ftyp first; H.264 video, AAC audio) for the
 * @size bytes readable from @fd, or NULL with JB_ERROR_UNSUPPORTED_MEDIA
 * saying why. At least one video track is required; every video and audio
 * track must use one of the codecs above. */
const char *jb_media_sniff_fd   (int          fd,
                                 gint64       size,
                                 GError     **error);
const char *jb_media_sniff_file (const char  *path,
                                 GError     **error);

G_END_DECLS
