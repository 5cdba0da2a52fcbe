import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Era.Theme

// One dialog in the list: avatar with the channel's mark, the customer, the latest message, the unread
// count and how long the customer has been waiting.
ItemDelegate {
    id: row
    required property var dialogId
    required property string subscriberName
    required property string initials
    required property string channelKind
    required property string channelName
    required property string lastMessage
    required property string lastDirection
    required property var lastMessageAt
    required property int unread
    required property var waitingSince
    required property string section
    required property var offerExpiresAt
    property bool current: false
    property var now
    property string waitedText

    signal chosen(var dialogId)

    width: ListView.view ? ListView.view.width : 300
    height: 68
    hoverEnabled: true
    leftPadding: 14
    rightPadding: 12
    topPadding: 0
    bottomPadding: 0
    onClicked: row.chosen(row.dialogId)

    background: Rectangle {
        color: row.current ? Theme.selected : row.hovered ? Theme.hover : "transparent"
        Rectangle {
            visible: row.current
            width: 3
            height: parent.height - 16
            radius: 2
            anchors.verticalCenter: parent.verticalCenter
            color: Theme.accent
        }
    }

    contentItem: RowLayout {
        spacing: 10

        Avatar {
            name: row.subscriberName
            initials: row.initials
            channelKind: row.channelKind
            size: 42
            Layout.alignment: Qt.AlignVCenter
        }
        ColumnLayout {
            Layout.fillWidth: true
            spacing: 3
            RowLayout {
                Layout.fillWidth: true
                spacing: 6
                Label {
                    Layout.fillWidth: true
                    text: row.subscriberName
                    elide: Text.ElideRight
                    color: Theme.text
                    font.family: Theme.font
                    font.pixelSize: Theme.fontSize
                    font.weight: row.unread > 0 ? Font.Bold : Font.DemiBold
                }
                Label {
                    text: row.section === "finished" ? Qt.formatTime(row.lastMessageAt, "HH:mm") : row.waitedText
                    visible: text !== ""
                    color: row.section !== "finished" && row.waitingSince ? Theme.warning : Theme.textFaint
                    font.family: Theme.font
                    font.pixelSize: Theme.tiny
                    font.weight: Font.Medium
                }
            }
            RowLayout {
                Layout.fillWidth: true
                spacing: 6
                Label {
                    Layout.fillWidth: true
                    text: (row.lastDirection === "out" ? qsTr("You: ") : "") + row.lastMessage
                    elide: Text.ElideRight
                    maximumLineCount: 1
                    color: row.unread > 0 ? Theme.text : Theme.textMuted
                    font.family: Theme.font
                    font.pixelSize: Theme.small
                }
                CountBadge {
                    count: row.unread
                    tint: row.section === "finished" ? Theme.textFaint : Theme.accent
                }
            }
        }
    }
}
