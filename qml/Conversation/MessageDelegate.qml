import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Era.Client
import Era.Theme

// One message in the conversation: a day line above the first of a day, system notices centred, customer
// messages on the left and ours on the right, with hover actions and the failure reason plus retry.
Item {
    id: root
    required property int index
    required property var messageId
    required property string clientId
    required property string direction
    required property bool outgoing
    required property bool mine
    required property string authorName
    required property string kind
    required property string text
    required property string richText
    required property bool emojiOnly
    required property string fileId
    required property string fileState
    required property string fileReason
    required property string fileName
    required property string fileSizeText
    required property string mimeType
    required property int mediaWidth
    required property int mediaHeight
    required property string durationText
    required property url fileUrl
    required property url thumbnailUrl
    required property string stickerEmoji
    required property real latitude
    required property real longitude
    required property string locationTitle
    required property string address
    required property url mapUrl
    required property string contactName
    required property string contactPhone
    required property var replyToId
    required property string replyAuthor
    required property string replySnippet
    required property var reactions
    required property bool edited
    required property bool deleted
    required property bool forwarded
    required property string forwardedFrom
    required property string status
    required property string failure
    required property real uploadProgress
    required property string timeText
    required property string dayText
    required property bool firstOfDay
    required property bool groupedWithOlder

    property bool canWrite: false
    property bool highlighted: false
    property int maxBubbleWidth: Math.min(520, width * 0.72)

    signal openImage(url source)
    signal jumpTo(var messageId)
    signal react(var messageId, string emoji)
    signal moreReactions(var messageId, Item anchor)
    signal reply(var messageId)
    signal retry(string clientId, var messageId)
    signal discard(string clientId)

    width: ListView.view ? ListView.view.width : 600
    implicitHeight: column.implicitHeight

    Column {
        id: column
        width: parent.width
        topPadding: root.groupedWithOlder ? 2 : 10
        bottomPadding: 2

        // The day line.
        Item {
            visible: root.firstOfDay
            width: parent.width
            // From the role, not from `visible`: in a hidden page every item is invisible, and rows that
            // collapsed to no height would make the view build hundreds of them.
            height: root.firstOfDay ? 36 : 0
            Rectangle {
                anchors.centerIn: parent
                width: dayLabel.implicitWidth + 20
                height: 24
                radius: 12
                color: Theme.surface
                border.color: Theme.border
                Label {
                    id: dayLabel
                    anchors.centerIn: parent
                    text: root.dayText
                    color: Theme.textMuted
                    font.family: Theme.font
                    font.pixelSize: Theme.tiny
                    font.weight: Font.Medium
                }
            }
        }

        // A notice of the platform.
        Loader {
            active: root.kind === "system"
            visible: active
            width: parent.width
            height: item ? item.implicitHeight + 12 : 0
            sourceComponent: Item {
                implicitHeight: systemText.implicitHeight
                Label {
                    id: systemText
                    // The width less the margins, centred (a width from implicitWidth loops when it wraps).
                    anchors.verticalCenter: parent.verticalCenter
                    x: 40
                    width: parent.width - 80
                    horizontalAlignment: Text.AlignHCenter
                    wrapMode: Text.Wrap
                    text: root.text
                    color: Theme.textMuted
                    font.family: Theme.font
                    font.pixelSize: Theme.small
                    font.italic: true
                }
            }
        }

        // The bubble, with its author and what can be done with it.
        Item {
            id: line
            visible: root.kind !== "system"
            width: parent.width
            height: root.kind !== "system" ? lineColumn.implicitHeight : 0

            // The pointer over the message or over its action bar just above it.
            Item {
                anchors.fill: parent
                anchors.topMargin: -24
                HoverHandler { id: hover }
            }

            ColumnLayout {
                id: lineColumn
                spacing: 3
                anchors.left: root.outgoing ? undefined : parent.left
                anchors.right: root.outgoing ? parent.right : undefined
                anchors.leftMargin: 20
                anchors.rightMargin: 20

                Label {
                    visible: root.outgoing && !root.mine && !root.groupedWithOlder
                    Layout.alignment: Qt.AlignRight
                    text: root.authorName
                    color: Theme.textMuted
                    font.family: Theme.font
                    font.pixelSize: Theme.tiny
                    font.weight: Font.DemiBold
                }
                Bubble {
                    id: bubble
                    m: root
                    maxWidth: root.maxBubbleWidth
                    Layout.alignment: root.outgoing ? Qt.AlignRight : Qt.AlignLeft
                    onOpenImage: root.openImage(root.fileUrl)
                    onJumpToReply: root.jumpTo(root.replyToId)
                    Rectangle {
                        anchors.fill: parent
                        radius: parent.radius
                        color: "transparent"
                        border.color: Theme.accent
                        border.width: 2
                        visible: root.highlighted
                    }
                }
                ReactionChips {
                    Layout.alignment: root.outgoing ? Qt.AlignRight : Qt.AlignLeft
                    Layout.maximumWidth: root.maxBubbleWidth
                    reactions: root.reactions
                    interactive: root.canWrite && root.messageId > 0
                    onToggled: emoji => root.react(root.messageId, emoji)
                }
                RowLayout {
                    visible: root.status === "failed"
                    Layout.alignment: Qt.AlignRight
                    spacing: 10
                    Label {
                        Layout.maximumWidth: root.maxBubbleWidth - 120
                        text: qsTr("Not delivered: %1").arg(root.failure)
                        wrapMode: Text.Wrap
                        color: Theme.danger
                        font.family: Theme.font
                        font.pixelSize: Theme.small
                    }
                    Label {
                        objectName: "retryLink"
                        text: root.messageId > 0 ? qsTr("Send again") : qsTr("Retry")
                        color: Theme.link
                        font.family: Theme.font
                        font.pixelSize: Theme.small
                        font.weight: Font.DemiBold
                        MouseArea {
                            anchors.fill: parent
                            cursorShape: Qt.PointingHandCursor
                            onClicked: root.retry(root.clientId, root.messageId)
                        }
                    }
                    Label {
                        visible: root.messageId <= 0
                        text: qsTr("Discard")
                        color: Theme.textMuted
                        font.family: Theme.font
                        font.pixelSize: Theme.small
                        MouseArea {
                            anchors.fill: parent
                            cursorShape: Qt.PointingHandCursor
                            onClicked: root.discard(root.clientId)
                        }
                    }
                }
            }

            // Made only while the pointer is over the message: a bar in every row would cost more than the
            // rows themselves (its emoji are colour glyphs).
            Loader {
                id: actions
                active: hover.hovered && root.messageId > 0 && !root.deleted && (root.canWrite || root.text !== "")
                y: item ? -item.height / 2 + 6 : 0
                z: 2
                x: item === null ? 0
                   : root.outgoing ? Math.max(8, line.width - lineColumn.width - 20 - item.width - 6)
                                   : Math.min(line.width - item.width - 8, 20 + lineColumn.width + 6)
                sourceComponent: MessageActions {
                    canWrite: root.canWrite
                    hasText: root.text !== ""
                    onReact: emoji => root.react(root.messageId, emoji)
                    onMoreReactions: root.moreReactions(root.messageId, actions)
                    onReply: root.reply(root.messageId)
                    onCopy: Session.copyText(root.text)
                }
            }
        }
    }
}
