import QtQuick
import QtQuick.Controls
import Era.Client
import Era.Theme

// Short messages from the session ("Dialog finished", why something failed), a few seconds each.
Rectangle {
    id: toast
    property string message
    width: Math.min(560, label.implicitWidth + 36)
    height: 40
    radius: 20
    color: "#1F2733"
    opacity: message !== "" ? 0.95 : 0
    visible: opacity > 0
    z: 100
    Behavior on opacity { NumberAnimation { duration: 180 } }

    Label {
        id: label
        anchors.centerIn: parent
        width: Math.min(implicitWidth, 524)
        elide: Text.ElideRight
        text: toast.message
        color: "white"
        font.family: Theme.font
        font.pixelSize: Theme.fontSize
    }
    Timer {
        id: hide
        interval: 4000
        onTriggered: toast.message = ""
    }
    Connections {
        target: Session
        function onNotice(text) {
            toast.message = text
            hide.restart()
        }
    }
}
