import QtQuick
import QtQuick.Controls

// A round avatar with initials, optionally with the channel's mark or a presence dot in the corner.
Item {
    id: avatar
    property string name
    property string initials: "?"
    property string channelKind
    property string presence
    property int size: 40
    implicitWidth: size
    implicitHeight: size

    Rectangle {
        anchors.fill: parent
        radius: width / 2
        color: Theme.avatarColor(avatar.name)
        Label {
            anchors.centerIn: parent
            text: avatar.initials
            color: "white"
            font.family: Theme.font
            font.pixelSize: avatar.size * 0.38
            font.weight: Font.DemiBold
        }
    }
    ChannelMark {
        visible: avatar.channelKind !== ""
        kind: avatar.channelKind
        size: Math.round(avatar.size * 0.42)
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: -2
    }
    PresenceDot {
        visible: avatar.presence !== "" && avatar.channelKind === ""
        presence: avatar.presence
        size: Math.round(avatar.size * 0.3)
        anchors.right: parent.right
        anchors.bottom: parent.bottom
    }
}
