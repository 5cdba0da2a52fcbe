import QtQuick
import QtQuick.Controls.impl

// The channel a dialog comes from: its colour and mark in a small circle.
Rectangle {
    id: mark
    property string kind
    property int size: 18
    width: size
    height: size
    radius: size / 2
    color: Theme.channelColor(kind)
    border.color: Theme.surface
    border.width: 2
    IconImage {
        anchors.centerIn: parent
        source: Theme.channelIcon(mark.kind)
        sourceSize.width: Math.round(mark.size * 0.62)
        sourceSize.height: Math.round(mark.size * 0.62)
        color: "white"
    }
}
