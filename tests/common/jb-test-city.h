/* jb-test-city.h — the demo city on a real server, its people signed in
 *
 * The server tests that speak to the API as the demo's three accounts
 * start from the same place: jingbao-dispatchd with the demo city, a
 * token for each account and the dispatcher's snapshot.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-test-server.h"

G_BEGIN_DECLS

typedef struct
{
  JbTestServer *server;
  char         *dispatcher;  /* "Bearer …" */
  char         *officer;     /* qingshuitang, duty officer of 清水塘派出所 */
  char         *viewer;      /* wall */
  JsonNode     *snapshot;    /* GET /api/v1/snapshot as the dispatcher */
} JbTestCity;

/* Starts the server with @server_args (which should include "--demo"),
 * signs the three accounts in and reads the snapshot, asserting each. */
void jb_test_city_start (JbTestCity         *city,
                         const char * const *server_args);
/* Stops the server (asserting a clean exit) and frees the rest. */
void jb_test_city_stop  (JbTestCity         *city);

G_END_DECLS
