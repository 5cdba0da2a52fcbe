import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Era.Client
import Era.Theme

// The desk's settings: language, sounds, notifications and how the login is kept.
Popup {
    id: dialog
    parent: Overlay.overlay
    anchors.centerIn: parent
    width: 480
    modal: true
    focus: true
    padding: 24
    background: Rectangle {
        radius: Theme.radius + 2
        color: Theme.surface
        border.color: Theme.border
    }
    contentItem: ColumnLayout {
        spacing: 14
        Label {
            text: qsTr("Settings")
            color: Theme.text
            font.family: Theme.font
            font.pixelSize: Theme.title
            font.weight: Font.Bold
        }
        RowLayout {
            Layout.fillWidth: true
            Label {
                Layout.fillWidth: true
                text: qsTr("Language")
                color: Theme.text
                font.family: Theme.font
                font.pixelSize: Theme.fontSize
            }
            ComboBox {
                id: language
                objectName: "languageBox"
                implicitWidth: 200
                textRole: "label"
                valueRole: "value"
                model: [ { value: "", label: qsTr("As the system") }, { value: "en", label: "English" },
                         { value: "ru", label: "Русский" } ]
                Component.onCompleted: currentIndex = indexOfValue(Session.settings.language)
                onActivated: Session.settings.language = currentValue
            }
        }
        Switch {
            text: qsTr("Desktop notifications for offers and new messages")
            checked: Session.settings.notificationsEnabled
            onToggled: Session.settings.notificationsEnabled = checked
        }
        Switch {
            text: qsTr("Sounds")
            checked: Session.settings.soundsEnabled
            onToggled: Session.settings.soundsEnabled = checked
        }
        Switch {
            objectName: "closeToTraySwitch"
            visible: Session.trayAvailable
            text: qsTr("Keep running in the tray when the window is closed")
            checked: Session.settings.closeToTray
            onToggled: Session.settings.closeToTray = checked
        }
        Rectangle { Layout.fillWidth: true; height: 1; color: Theme.divider }
        Switch {
            id: plaintext
            text: qsTr("Keep my login in a plain file when no keychain is available")
            checked: Session.settings.plaintextTokenAllowed
            onToggled: Session.settings.plaintextTokenAllowed = checked
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: qsTr("Anyone who can read your files could then use your session. Leave this off on shared computers.")
            color: plaintext.checked ? Theme.warning : Theme.textFaint
            font.family: Theme.font
            font.pixelSize: Theme.small
        }
        Label {
            Layout.fillWidth: true
            visible: Session.keychainNote !== ""
            wrapMode: Text.Wrap
            text: Session.keychainNote
            color: Theme.warning
            font.family: Theme.font
            font.pixelSize: Theme.small
        }
        Rectangle { Layout.fillWidth: true; height: 1; color: Theme.divider }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: qsTr("Signed in to %1 as %2").arg(Session.serverUrl).arg(Session.user.login || "")
            color: Theme.textMuted
            font.family: Theme.font
            font.pixelSize: Theme.small
        }
        PlainButton {
            Layout.alignment: Qt.AlignRight
            text: qsTr("Close")
            onClicked: dialog.close()
        }
    }
}
