import QtQuick
import QtQuick.Controls
import QtQuick.Window
import Era.Client
import Era.Theme
import Era.Login

// The desk's window: the login page until a session exists, then the work area.
ApplicationWindow {
    id: window
    objectName: "mainWindow"
    width: 1320
    height: 820
    minimumWidth: 980
    minimumHeight: 600
    visible: true
    title: Session.dialogs.unreadTotal > 0 ? qsTr("(%1) ERA Desk").arg(Session.dialogs.unreadTotal) : qsTr("ERA Desk")
    color: Theme.window
    font.family: Theme.font
    font.pixelSize: Theme.fontSize

    readonly property bool signedIn: Session.state !== Session.LoggedOut && Session.state !== Session.LoggingIn

    Binding {
        target: Session.notifier
        property: "windowActive"
        value: window.active
    }
    Binding {
        target: Session.notifier
        property: "windowVisible"
        value: window.visible && window.visibility !== Window.Minimized && window.visibility !== Window.Hidden
    }
    Connections {
        target: Session
        function onRaiseRequested() {
            window.show()
            window.raise()
            window.requestActivate()
        }
    }

    Loader {
        id: pageLoader
        anchors.fill: parent
        sourceComponent: window.signedIn ? mainPage : loginPage
    }
    Component {
        id: loginPage
        LoginPage {}
    }
    Component {
        id: mainPage
        MainPage {}
    }

    Toast {
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 24
    }
}
