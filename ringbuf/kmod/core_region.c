// SPDX-License-Identifier: GPL-2.0-or-later
/* The shared ring-buffer core, compiled into the module (see Kbuild). */
#include <region.c>
