import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Era.Client
import Era.Theme

// Sign in: server address, login, password, remember me.
Rectangle {
    id: page
    color: Theme.window
    readonly property bool busy: Session.state === Session.LoggingIn || Session.state === Session.Connecting

    function submit() {
        if (!page.busy)
            Session.login(server.text, login.text, password.text, remember.checked)
    }

    Card {
        id: card
        anchors.centerIn: parent
        width: 400
        height: column.implicitHeight + 64

        ColumnLayout {
            id: column
            anchors.fill: parent
            anchors.margins: 32
            spacing: 14

            RowLayout {
                spacing: 12
                Rectangle {
                    width: 44
                    height: 44
                    radius: 12
                    color: Theme.accent
                    Glyph {
                        anchors.centerIn: parent
                        glyph: "inbox"
                        size: 24
                        color: "white"
                    }
                }
                ColumnLayout {
                    spacing: 0
                    Label {
                        text: qsTr("ERA Desk")
                        font.family: Theme.font
                        font.pixelSize: 22
                        font.weight: Font.Bold
                        color: Theme.text
                    }
                    Label {
                        text: qsTr("Every customer, every channel, one desk")
                        font.family: Theme.font
                        font.pixelSize: Theme.small
                        color: Theme.textMuted
                    }
                }
            }

            Item { implicitHeight: 6 }

            Label {
                text: qsTr("Server")
                font.family: Theme.font
                font.pixelSize: Theme.small
                font.weight: Font.Medium
                color: Theme.textMuted
            }
            Field {
                id: server
                objectName: "serverField"
                Layout.fillWidth: true
                text: Session.settings.serverUrl
                placeholderText: "https://era.example.com"
                inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase
                onAccepted: login.forceActiveFocus()
            }
            Label {
                text: qsTr("Login")
                font.family: Theme.font
                font.pixelSize: Theme.small
                font.weight: Font.Medium
                color: Theme.textMuted
            }
            Field {
                id: login
                objectName: "loginField"
                Layout.fillWidth: true
                text: Session.settings.login
                placeholderText: qsTr("your.name")
                inputMethodHints: Qt.ImhNoAutoUppercase | Qt.ImhNoPredictiveText
                onAccepted: password.forceActiveFocus()
            }
            Label {
                text: qsTr("Password")
                font.family: Theme.font
                font.pixelSize: Theme.small
                font.weight: Font.Medium
                color: Theme.textMuted
            }
            Field {
                id: password
                objectName: "passwordField"
                Layout.fillWidth: true
                echoMode: TextInput.Password
                onAccepted: page.submit()
            }
            CheckBox {
                id: remember
                objectName: "rememberBox"
                text: qsTr("Remember me on this computer")
                checked: Session.settings.rememberMe
                font.family: Theme.font
                font.pixelSize: Theme.fontSize
            }
            Label {
                Layout.fillWidth: true
                visible: text !== ""
                text: Session.loginError
                wrapMode: Text.Wrap
                color: Theme.danger
                font.family: Theme.font
                font.pixelSize: Theme.small
            }
            Label {
                Layout.fillWidth: true
                visible: text !== ""
                text: Session.keychainNote
                wrapMode: Text.Wrap
                color: Theme.warning
                font.family: Theme.font
                font.pixelSize: Theme.small
            }
            AccentButton {
                objectName: "loginButton"
                Layout.fillWidth: true
                Layout.topMargin: 4
                text: page.busy ? Session.statusText : qsTr("Log in")
                enabled: !page.busy
                onClicked: page.submit()
            }
        }
    }

    Component.onCompleted: (login.text === "" ? login : password).forceActiveFocus()
}
