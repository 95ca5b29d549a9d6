/* ft-types.h: forward declarations shared by the app's widgets
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FtApplication      FtApplication;
typedef struct _FtCallModel        FtCallModel;
typedef struct _FtCallRow          FtCallRow;
typedef struct _FtCallView         FtCallView;
typedef struct _FtDetailPane       FtDetailPane;
typedef struct _FtJsonItem         FtJsonItem;
typedef struct _FtJsonView         FtJsonView;
typedef struct _FtPanelWindow      FtPanelWindow;
typedef struct _FtPreferencesWindow FtPreferencesWindow;
typedef struct _FtWindow           FtWindow;

/* What the call tree shows; copied into each FtCallModel so that a
 * model never changes under a GtkTreeListModel. */
typedef enum
{
  FT_CALL_MODEL_PLAIN          = 0,
  FT_CALL_MODEL_HIDE_INTERNALS = 1 << 0,
  FT_CALL_MODEL_GROUP_INSTANCE = 1 << 1,
} FtCallModelFlags;

/* Badges drawn beside a call's name. */
typedef enum
{
  FT_BADGE_NONE     = 0,
  FT_BADGE_MODULE   = 1 << 0,
  FT_BADGE_DURATION = 1 << 1,
  FT_BADGE_ERROR    = 1 << 2,
  FT_BADGE_CALLER   = 1 << 3,
  FT_BADGE_MEMORY   = 1 << 4,
} FtBadges;

G_END_DECLS
