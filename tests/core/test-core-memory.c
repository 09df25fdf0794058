/* test-core-memory.c — font files mapped in ahead, the heap trimmed
 *
 * /core/memory/font-files maps two files of the same size, one named
 * like a font and one not, without reading them: after
 * jb_memory_map_in_font_files() the font's mapping is resident whole
 * and the other still not at all (/proc/self/smaps).
 *
 * /core/memory/trim frees most of 64 MB of small blocks, keeping every
 * 64th so that none of it is at the heap's top: glibc keeps those pages
 * until jb_memory_trim() gives them back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "jb-memory.h"
#include "jb-test-bench.h"
#include "jb-test-smaps.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

#define FILE_SIZE (2 * 1024 * 1024)

/* The resident kB of the mapping that starts at @address. */
static gint64
mapping_rss_kb (gconstpointer address)
{
  g_autoptr(GPtrArray) mappings = jb_test_smaps_read ();
  JbTestMapping *mapping = jb_test_smaps_lookup (mappings, address);

  g_assert_nonnull (mapping);
  return mapping->rss_kb;
}

/* A file of FILE_SIZE bytes of data, mapped and not read. */
static void *
map_new_file (const char *dir,
              const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *data = g_malloc (FILE_SIZE);
  void *address;
  int fd;

  for (gsize i = 0; i < FILE_SIZE; i++)
    data[i] = (char) (i * 31 + 7);
  g_assert_true (g_file_set_contents (path, data, FILE_SIZE, NULL));
  fd = g_open (path, O_RDONLY, 0);
  g_assert_cmpint (fd, >=, 0);
  address = mmap (NULL, FILE_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
  g_assert_true (address != MAP_FAILED);
  close (fd);
  return address;
}

static void
test_font_files (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jb-memory-XXXXXX", NULL);
  g_autofree char *font_path = g_build_filename (dir, "Test Sans.TTC", NULL);
  g_autofree char *other_path = g_build_filename (dir, "data.bin", NULL);
  void *font = map_new_file (dir, "Test Sans.TTC");
  void *other = map_new_file (dir, "data.bin");
  guint n_files = 0;
  gsize bytes = 0;

  g_assert_cmpint (mapping_rss_kb (font), ==, 0);
  g_assert_cmpint (mapping_rss_kb (other), ==, 0);

  if (!jb_memory_map_in_font_files (&n_files, &bytes, &error))
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
      g_test_skip (error->message);
    }
  else
    {
      g_assert_cmpuint (n_files, >=, 1);
      g_assert_cmpuint (bytes, >=, FILE_SIZE);
      g_assert_cmpint (mapping_rss_kb (font), ==, FILE_SIZE / 1024);
      g_assert_cmpint (mapping_rss_kb (other), ==, 0);
    }

  munmap (font, FILE_SIZE);
  munmap (other, FILE_SIZE);
  g_unlink (font_path);
  g_unlink (other_path);
  g_rmdir (dir);
}


static void
test_trim (void)
{
#ifdef UNDER_ASAN
  g_test_skip ("The sanitizer's allocator is not glibc's: nothing for malloc_trim to do");
#else
  enum { BLOCK = 4000, N = 16384, KEEP_EVERY = 64 };
  g_autofree char **blocks = g_new0 (char *, N);
  long before, freed, trimmed;

  for (guint i = 0; i < N; i++)
    {
      blocks[i] = malloc (BLOCK);
      g_assert_nonnull (blocks[i]);
      memset (blocks[i], (int) i, BLOCK);
    }
  before = jb_test_status_kib (getpid (), "RssAnon");
  for (guint i = 0; i < N; i++)
    if (i % KEEP_EVERY != KEEP_EVERY - 1)
      g_clear_pointer (&blocks[i], free);
  freed = jb_test_status_kib (getpid (), "RssAnon");

  g_assert_true (jb_memory_trim ());
  trimmed = jb_test_status_kib (getpid (), "RssAnon");
  g_test_message ("anonymous RSS: %ld kB with 64 MB of blocks, %ld kB after freeing 63 in 64, %ld kB after the trim",
                  before, freed, trimmed);
  /* The pages freed between the kept blocks stayed until the trim. */
  g_assert_cmpint (freed - trimmed, >, 32 * 1024);

  for (guint i = 0; i < N; i++)
    free (blocks[i]);
#endif
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/memory/font-files", test_font_files);
  g_test_add_func ("/core/memory/trim", test_trim);

  return g_test_run ();
}
