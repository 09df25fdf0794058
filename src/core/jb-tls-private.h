/* jb-tls-private.h — which CAs the client trusts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* https servers are verified against the system's CAs, or only against the
 * PEM file named by the environment variable JINGBAO_CA_FILE (a police
 * intranet runs its own CA). An unreadable file leaves the system's CAs,
 * which fails closed. */
void _jb_tls_use_ca_file (SoupSession *soup);

G_END_DECLS
