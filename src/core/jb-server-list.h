/* jb-server-list.h — the dispatch servers a client may use, in order:
 * "http://a:8080,http://b:8080" as given on the command line and kept in
 * the settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Splits @text at commas (spaces around them are ignored) into server
 * addresses, in order, each without its trailing '/'; a repeat is dropped.
 * NULL with JB_ERROR_INVALID_VALUE, naming the entry, when one is not an
 * http(s) address with a host, or when there is none. */
GStrv  jb_server_list_parse  (const char          *text,
                              GError             **error);
/* The list as the settings keep it: "URL1,URL2". */
char  *jb_server_list_format (const char * const  *urls);
/* "host:port" of @url for the status bar ("[::1]:8080" for IPv6; the
 * scheme's port when none is given); @url itself when it does not parse. */
char  *jb_server_list_label  (const char          *url);

G_END_DECLS
