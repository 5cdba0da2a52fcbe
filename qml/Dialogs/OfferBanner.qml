import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Era.Theme

// A dialog offered to me: who, from where, what they wrote, and the time left to accept it.
Rectangle {
    id: banner
    required property var dialogId
    required property string subscriberName
    required property string initials
    required property string channelKind
    required property string channelName
    required property string lastMessage
    required property var offerExpiresAt
    required property int offerTimeoutSec
    property int secondsLeft: 0

    signal accepted(var dialogId)
    signal declined(var dialogId)

    width: 540
    height: 84
    radius: Theme.radius + 2
    color: Theme.surface
    border.color: Theme.accent
    border.width: 1

    // The time left, as a bar along the bottom edge.
    Rectangle {
        anchors.left: parent.left
        anchors.bottom: parent.bottom
        anchors.margins: 1
        height: 3
        radius: 2
        width: (parent.width - 2) * (banner.offerTimeoutSec > 0 ? Math.min(1, banner.secondsLeft / banner.offerTimeoutSec) : 0)
        color: banner.secondsLeft <= 5 ? Theme.danger : Theme.accent
        Behavior on width { NumberAnimation { duration: 900 } }
    }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 14
        anchors.rightMargin: 14
        spacing: 12
        Avatar {
            name: banner.subscriberName
            initials: banner.initials
            channelKind: banner.channelKind
            size: 44
        }
        ColumnLayout {
            Layout.fillWidth: true
            Layout.minimumWidth: 0
            spacing: 2
            RowLayout {
                Layout.fillWidth: true
                spacing: 6
                Label {
                    text: qsTr("New dialog")
                    color: Theme.accent
                    font.family: Theme.font
                    font.pixelSize: Theme.tiny
                    font.weight: Font.Bold
                }
                Label {
                    Layout.fillWidth: true
                    text: banner.channelName
                    elide: Text.ElideRight
                    visible: text !== ""
                    color: Theme.textFaint
                    font.family: Theme.font
                    font.pixelSize: Theme.tiny
                }
            }
            Label {
                Layout.fillWidth: true
                text: banner.subscriberName
                elide: Text.ElideRight
                color: Theme.text
                font.family: Theme.font
                font.pixelSize: Theme.fontSize
                font.weight: Font.DemiBold
            }
            Label {
                Layout.fillWidth: true
                text: banner.lastMessage
                elide: Text.ElideRight
                color: Theme.textMuted
                font.family: Theme.font
                font.pixelSize: Theme.small
            }
        }
        Label {
            text: qsTr("%1 s").arg(banner.secondsLeft)
            color: banner.secondsLeft <= 5 ? Theme.danger : Theme.textMuted
            font.family: Theme.font
            font.pixelSize: Theme.small
            font.weight: Font.DemiBold
        }
        PlainButton {
            objectName: "declineButton"
            text: qsTr("Decline")
            onClicked: banner.declined(banner.dialogId)
        }
        AccentButton {
            objectName: "acceptButton"
            text: qsTr("Accept")
            onClicked: banner.accepted(banner.dialogId)
        }
    }
}
