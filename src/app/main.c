/* main.c — jingbao, the command-room console
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <locale.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "jb-application.h"

/* A client runs for weeks (a wall): what it lets go must go back to the
 * system, or its memory only ever grows (docs/wall.md, "the soak"). */
static void
tune_allocator (char **argv)
{
  /* GLib before 2.76 keeps freed small blocks (GSlice: JSON nodes, hash
   * tables, objects) in per-thread caches and gives them back to malloc
   * only later, when nothing trims: a city's snapshot left 90 MB behind.
   * Plain malloc is what GLib 2.76 does anyway. GSlice reads G_SLICE when
   * GLib starts, before main(): set it and start again, once. */
  if (glib_check_version (2, 76, 0) != NULL && g_getenv ("G_SLICE") == NULL)
    {
      g_setenv ("G_SLICE", "always-malloc", TRUE);
      execv ("/proc/self/exe", argv);
      /* Not there (no /proc): run as we are. */
    }
#ifdef __GLIBC__
  /* glibc raises its mmap threshold to the size of the largest block
   * freed (here a window-sized surface, 8 MB), after which such blocks
   * come from the heap, and keeps twice that free at the heap's top: the
   * soak's RSS steps. Fixed values keep big blocks out of the heap and
   * bound what its top keeps. */
  mallopt (M_MMAP_THRESHOLD, 1024 * 1024);
  mallopt (M_TRIM_THRESHOLD, 4 * 1024 * 1024);
#endif
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JbApplication) app = NULL;
  const char *localedir;

  tune_allocator (argv);
  setlocale (LC_ALL, "");
  /* JB_LOCALEDIR lets an uninstalled build use its own catalogues. */
  localedir = g_getenv ("JB_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = jb_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
