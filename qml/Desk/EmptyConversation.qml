import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Era.Client
import Era.Theme

// The centre when no dialog is chosen.
Rectangle {
    color: Theme.window
    ColumnLayout {
        anchors.centerIn: parent
        spacing: 10
        Glyph {
            Layout.alignment: Qt.AlignHCenter
            glyph: "inbox"
            size: 56
            color: Theme.border
        }
        Label {
            Layout.alignment: Qt.AlignHCenter
            text: Session.dialogs.offeredCount > 0 ? qsTr("A customer is waiting for you")
                  : Session.dialogs.activeCount > 0 ? qsTr("Choose a dialog on the left")
                  : qsTr("All caught up")
            color: Theme.text
            font.family: Theme.font
            font.pixelSize: Theme.title
            font.weight: Font.DemiBold
        }
        Label {
            Layout.alignment: Qt.AlignHCenter
            text: qsTr("Ctrl+Shift+A accepts an offer · Ctrl+Tab goes to the next dialog · F1 lists every shortcut")
            color: Theme.textMuted
            font.family: Theme.font
            font.pixelSize: Theme.small
        }
    }
}
