#pragma once

// The desk's QML modules are static libraries: every executable that shows them imports their plugins
// once (include this header in exactly one source file of the executable).
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(Era_ClientPlugin)
Q_IMPORT_QML_PLUGIN(Era_ThemePlugin)
Q_IMPORT_QML_PLUGIN(Era_LoginPlugin)
Q_IMPORT_QML_PLUGIN(Era_DialogsPlugin)
Q_IMPORT_QML_PLUGIN(Era_ConversationPlugin)
Q_IMPORT_QML_PLUGIN(Era_SupervisorPlugin)
Q_IMPORT_QML_PLUGIN(Era_DeskPlugin)
