import QtQuick
import QtQuick.Controls
import Era.Client
import Era.Theme

// A picture at full size over the window; Escape or a click closes it.
Popup {
    id: viewer
    property url source
    parent: Overlay.overlay
    anchors.centerIn: parent
    width: parent ? parent.width : 800
    height: parent ? parent.height : 600
    modal: true
    focus: true
    padding: 0
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside
    background: Rectangle { color: Qt.rgba(0.05, 0.07, 0.1, 0.88) }

    Image {
        id: picture
        anchors.centerIn: parent
        width: Math.min(parent.width - 80, implicitWidth)
        height: Math.min(parent.height - 80, implicitHeight)
        fillMode: Image.PreserveAspectFit
        source: viewer.source
        asynchronous: true
    }
    BusyIndicator {
        anchors.centerIn: parent
        running: picture.status === Image.Loading
    }
    MouseArea {
        anchors.fill: parent
        onClicked: viewer.close()
    }
    ToolIconButton {
        anchors.top: parent.top
        anchors.right: parent.right
        anchors.margins: 16
        iconName: "close"
        tint: "white"
        tip: qsTr("Close")
        onClicked: viewer.close()
    }
}
