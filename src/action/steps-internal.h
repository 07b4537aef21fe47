/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Step kinds implemented by verbs (migrate's are in src/virt/migrate-steps.c, later). */
#pragma once

#include "action.h"
