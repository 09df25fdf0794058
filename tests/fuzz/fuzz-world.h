/* fuzz-world.h — an in-process dispatch server on a temporary database for
 * the fuzz targets (the demo city, a few callers and ids)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-dispatch.h"

G_BEGIN_DECLS

typedef struct
{
  JbDispatch *dispatch;
  char       *dispatcher;   /* "Bearer …" */
  char       *viewer;
  char       *officer;
  char       *device;       /* "Basic …" of a terminal bound to a unit */
  char       *gateway;      /* "Basic …" of a gateway terminal */
  char       *incident;     /* an open incident */
  char       *unit;         /* a unit assigned to it */
  char       *free_unit;
  char       *station;
  char       *terminal;
  char       *grid;
} FuzzWorld;

/* Made once per process; removed at exit. */
FuzzWorld *fuzz_world_get        (void);
/* The snapshot the dispatcher sees, as JSON. */
JsonNode  *fuzz_world_snapshot   (FuzzWorld *world);

G_END_DECLS
