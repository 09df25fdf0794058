/* jb-memory.c — what a client that runs for weeks does about its memory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A wall's memory must stay flat for weeks, so that growth means a leak
 * (docs/wall.md). Two things grow that are not leaks: pages the heap
 * took for a moment and keeps free, and the pages of the font files,
 * which count in the RSS once a character on them is first drawn. The
 * first are given back; the second are mapped in at once, up to the
 * files' size, as the icon atlas is drawn whole at start.
 */
#define G_LOG_DOMAIN "jb-memory"

#include <errno.h>
#include <gio/gio.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "jb-memory.h"

/**
 * jb_memory_is_font_file:
 * @path: a file's path
 *
 * Whether @path names a font file of a form FreeType and HarfBuzz map
 * whole (.ttf, .ttc, .otf, .otc, in any case); compressed ones (.pcf.gz)
 * are read, not mapped.
 */
gboolean
jb_memory_is_font_file (const char *path)
{
  static const char *const suffixes[] = { ".ttf", ".ttc", ".otf", ".otc" };
  gsize len = strlen (path);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      gsize n = strlen (suffixes[i]);

      if (len > n && g_ascii_strcasecmp (path + len - n, suffixes[i]) == 0)
        return TRUE;
    }
  return FALSE;
}

/**
 * jb_memory_map_in_font_files:
 * @out_n_files: (out) (optional): the font files' mappings mapped in (a
 *   font is mapped twice: by FreeType, which draws, and HarfBuzz, which
 *   shapes)
 * @out_bytes: (out) (optional): their size, now resident
 * @error: %G_IO_ERROR_NOT_SUPPORTED where the kernel cannot do it
 *
 * Maps in every page of the font files this process has mapped
 * (FreeType maps a font file whole and reads a glyph from it when it is
 * first drawn). The pages are clean and shared with every process using
 * the font; the kernel may drop them under pressure and they come back
 * on the next read. A mapping that goes away meanwhile is skipped.
 *
 * Returns: %FALSE with %G_IO_ERROR_NOT_SUPPORTED when the kernel has no
 * MADV_POPULATE_READ (Linux before 5.14), or another error when the maps
 * cannot be read
 */
gboolean
jb_memory_map_in_font_files (guint   *out_n_files,
                             gsize   *out_bytes,
                             GError **error)
{
#if defined(__linux__) && defined(MADV_POPULATE_READ)
  g_autofree char *maps = NULL;
  guint n_files = 0;
  gsize bytes = 0;
  char *line, *next;

  /* An empty range at an aligned address: refused only for advice the
   * kernel does not know. */
  if (madvise ((void *) (guintptr) sysconf (_SC_PAGESIZE), 0, MADV_POPULATE_READ) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "This kernel cannot map a file's pages in ahead (MADV_POPULATE_READ, Linux 5.14)");
      return FALSE;
    }
  if (!g_file_get_contents ("/proc/self/maps", &maps, NULL, error))
    return FALSE;

  for (line = maps; line != NULL && *line != '\0'; line = next)
    {
      guint64 start, end;
      char *p, *path;

      next = strchr (line, '\n');
      if (next != NULL)
        *next++ = '\0';

      /* start-end perms offset dev inode path */
      start = g_ascii_strtoull (line, &p, 16);
      if (*p != '-')
        continue;
      end = g_ascii_strtoull (p + 1, &p, 16);
      if (*p != ' ' || p[1] != 'r' || end <= start)
        continue;
      path = strchr (p, '/');
      /* A font replaced by an upgrade is still the one drawn from. */
      if (path != NULL && g_str_has_suffix (path, " (deleted)"))
        path[strlen (path) - strlen (" (deleted)")] = '\0';
      if (path == NULL || !jb_memory_is_font_file (path))
        continue;

      /* A mapping gone since the maps were read (a face closed) fails
       * here and is skipped. */
      if (madvise ((void *) (guintptr) start, end - start, MADV_POPULATE_READ) == 0)
        {
          n_files++;
          bytes += end - start;
        }
    }

  if (out_n_files != NULL)
    *out_n_files = n_files;
  if (out_bytes != NULL)
    *out_bytes = bytes;
  return TRUE;
#else
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               "Mapping font files in ahead needs Linux 5.14 or later");
  return FALSE;
#endif
}

/**
 * jb_memory_trim:
 *
 * Gives the heap's free pages back to the system, in every arena. A peak
 * (a burst of frames, a reload) leaves its pages free in the heap, and
 * glibc returns only those at the heap's top by itself. It takes the
 * arenas' locks in turn, up to tens of ms for a city: call it from a
 * worker. The main thread still waits for the main arena while that one
 * is trimmed (a few ms).
 *
 * Returns: whether any memory went back
 */
gboolean
jb_memory_trim (void)
{
#ifdef __GLIBC__
  return malloc_trim (0) != 0;
#else
  return FALSE;
#endif
}
