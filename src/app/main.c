/* main.c — jingbao, the command-room console
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <locale.h>

#include "jb-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JbApplication) app = NULL;
  const char *localedir;

  setlocale (LC_ALL, "");
  /* JB_LOCALEDIR lets an uninstalled build use its own catalogues. */
  localedir = g_getenv ("JB_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = jb_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
