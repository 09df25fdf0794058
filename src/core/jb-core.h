/* jb-core.h — everything libjingbao-core offers the app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jb-basemap.h"
#include "jb-client.h"
#include "jb-command.h"
#include "jb-command-queue.h"
#include "jb-outbox.h"
#include "jb-config.h"
#include "jb-enum-types.h"
#include "jb-enums.h"
#include "jb-error.h"
#include "jb-geo.h"
#include "jb-geo-index.h"
#include "jb-grid-set.h"
#include "jb-alert.h"
#include "jb-incident.h"
#include "jb-json.h"
#include "jb-model-list.h"
#include "jb-position.h"
#include "jb-recommender.h"
#include "jb-session.h"
#include "jb-station.h"
#include "jb-store.h"
#include "jb-stream.h"
#include "jb-targets.h"
#include "jb-terminal.h"
#include "jb-tile-fetcher.h"
#include "jb-unit.h"
