import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Era.Theme

// Every keyboard shortcut of the desk.
Popup {
    id: dialog
    parent: Overlay.overlay
    anchors.centerIn: parent
    width: 460
    modal: true
    focus: true
    padding: 24
    background: Rectangle {
        radius: Theme.radius + 2
        color: Theme.surface
        border.color: Theme.border
    }
    contentItem: ColumnLayout {
        spacing: 10
        Label {
            text: qsTr("Keyboard shortcuts")
            color: Theme.text
            font.family: Theme.font
            font.pixelSize: Theme.title
            font.weight: Font.Bold
        }
        Repeater {
            model: [
                { keys: "Ctrl+Shift+A", what: qsTr("Accept the offer") },
                { keys: "Ctrl+Tab, Alt+↓", what: qsTr("Next dialog") },
                { keys: "Ctrl+Shift+Tab, Alt+↑", what: qsTr("Previous dialog") },
                { keys: "Ctrl+Shift+F", what: qsTr("Finish the dialog") },
                { keys: "Ctrl+Shift+T", what: qsTr("Transfer the dialog") },
                { keys: "Enter", what: qsTr("Send the message") },
                { keys: "Shift+Enter", what: qsTr("New line") },
                { keys: "Ctrl+V", what: qsTr("Paste text or a picture") },
                { keys: "Esc", what: qsTr("Cancel the reply") },
                { keys: "Ctrl+1, Ctrl+2", what: qsTr("Dialogs, Supervision") },
                { keys: "Ctrl+,", what: qsTr("Settings") }
            ]
            delegate: RowLayout {
                required property var modelData
                Layout.fillWidth: true
                Label {
                    Layout.fillWidth: true
                    text: parent.modelData.what
                    color: Theme.text
                    font.family: Theme.font
                    font.pixelSize: Theme.fontSize
                }
                Rectangle {
                    implicitWidth: keysLabel.implicitWidth + 14
                    implicitHeight: 24
                    radius: 6
                    color: Theme.surfaceAlt
                    border.color: Theme.border
                    Label {
                        id: keysLabel
                        anchors.centerIn: parent
                        text: parent.parent.modelData.keys
                        color: Theme.textMuted
                        font.family: Theme.font
                        font.pixelSize: Theme.small
                        font.weight: Font.Medium
                    }
                }
            }
        }
    }
}
