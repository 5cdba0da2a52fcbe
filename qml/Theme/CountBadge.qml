import QtQuick
import QtQuick.Controls

// A pill with a number (unread messages, offers); hidden at zero.
Rectangle {
    id: badge
    property int count
    property color tint: Theme.accent
    visible: count > 0
    implicitHeight: 20
    implicitWidth: Math.max(20, countLabel.implicitWidth + 12)
    radius: height / 2
    color: tint
    Label {
        id: countLabel
        anchors.centerIn: parent
        text: badge.count > 99 ? "99+" : badge.count
        color: "white"
        font.family: Theme.font
        font.pixelSize: Theme.tiny
        font.weight: Font.DemiBold
    }
}
