import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Era.Client
import Era.Theme

// The body of one message: forwarded-from line, reply quote, the content of its kind, caption, and a footer
// with the time, an edit mark and, for ours, the delivery mark.
Rectangle {
    id: bubble
    property var m // the message delegate, with every role of MessageListModel
    property int maxWidth: 480
    readonly property bool bare: m.kind === "sticker" || (m.kind === "text" && m.emojiOnly && !m.deleted)
    readonly property bool hasCaption: m.kind !== "text" && m.kind !== "system" && m.kind !== "unsupported" && m.text !== ""
    signal openImage()
    signal jumpToReply()

    implicitWidth: Math.min(maxWidth, Math.max(content.implicitWidth, footer.implicitWidth + 4) + 24)
    implicitHeight: content.implicitHeight + 16
    radius: 14
    color: bare ? "transparent" : m.outgoing ? Theme.bubbleOut : Theme.bubbleIn
    border.color: bare ? "transparent" : m.outgoing ? Theme.bubbleOutBorder : Theme.border
    border.width: 1

    ColumnLayout {
        id: content
        x: 12
        y: 8
        width: bubble.width - 24
        spacing: 6

        // What most messages do not have is made only for those that do (a delegate is cheaper to build).
        Loader {
            active: bubble.m.forwarded
            visible: active
            sourceComponent: Label {
                text: bubble.m.forwardedFrom !== "" ? qsTr("Forwarded from %1").arg(bubble.m.forwardedFrom)
                                                    : qsTr("Forwarded from a hidden sender")
                color: Theme.textMuted
                font.family: Theme.font
                font.pixelSize: Theme.tiny
                font.italic: true
            }
        }
        Loader {
            active: bubble.m.replyToId > 0
            visible: active
            Layout.fillWidth: true
            sourceComponent: ReplyQuote {
                author: bubble.m.replyAuthor
                snippet: bubble.m.replySnippet
                outgoing: bubble.m.outgoing
                onJump: bubble.jumpToReply()
            }
        }
        Loader {
            id: body
            Layout.fillWidth: bubble.m.kind === "text"
            sourceComponent: bubble.m.deleted ? deletedBody
                             : bubble.m.kind === "text" ? textBody
                             : bubble.m.kind === "image" ? imageBody
                             : bubble.m.kind === "video" ? videoBody
                             : bubble.m.kind === "audio" || bubble.m.kind === "voice" ? audioBody
                             : bubble.m.kind === "document" ? fileBody
                             : bubble.m.kind === "sticker" ? stickerBody
                             : bubble.m.kind === "location" ? locationBody
                             : bubble.m.kind === "contact" ? contactBody
                             : noteBody
        }
        Loader {
            active: bubble.hasCaption && !bubble.m.deleted
            visible: active
            Layout.fillWidth: true
            Layout.maximumWidth: bubble.maxWidth - 24
            sourceComponent: Label {
                text: bubble.m.richText
                textFormat: Text.StyledText
                wrapMode: Text.Wrap
                color: Theme.text
                linkColor: Theme.link
                font.family: Theme.font
                font.pixelSize: Theme.fontSize
                onLinkActivated: link => Session.files.openExternal(link)
            }
        }
        Loader {
            active: bubble.m.uploadProgress >= 0
            visible: active
            Layout.fillWidth: true
            sourceComponent: ProgressBar {
                value: bubble.m.uploadProgress
                implicitHeight: 4
            }
        }
        RowLayout {
            id: footer
            Layout.alignment: Qt.AlignRight
            spacing: 4
            Label {
                visible: bubble.m.edited
                text: qsTr("edited")
                color: Theme.textFaint
                font.family: Theme.font
                font.pixelSize: Theme.tiny
            }
            Label {
                text: bubble.m.timeText
                color: Theme.textFaint
                font.family: Theme.font
                font.pixelSize: Theme.tiny
            }
            DeliveryMark {
                visible: bubble.m.outgoing
                status: bubble.m.status
            }
        }
    }

    Component {
        id: textBody
        Label {
            text: bubble.m.richText
            textFormat: Text.StyledText
            wrapMode: Text.Wrap
            color: Theme.text
            linkColor: Theme.link
            font.family: Theme.font
            font.pixelSize: bubble.m.emojiOnly ? Theme.emojiLarge : Theme.fontSize
            lineHeight: 1.15
            onLinkActivated: link => Session.files.openExternal(link)
            HoverHandler { cursorShape: parent.hoveredLink ? Qt.PointingHandCursor : Qt.ArrowCursor }
        }
    }
    Component {
        id: deletedBody
        Label {
            text: qsTr("Message deleted")
            color: Theme.textFaint
            font.family: Theme.font
            font.pixelSize: Theme.fontSize
            font.italic: true
        }
    }
    Component {
        id: imageBody
        ImageBody {
            thumbnailUrl: bubble.m.thumbnailUrl
            fileUrl: bubble.m.fileUrl
            fileState: bubble.m.fileState
            fileReason: bubble.m.fileReason
            mediaWidth: bubble.m.mediaWidth
            mediaHeight: bubble.m.mediaHeight
            maxSide: Math.min(300, bubble.maxWidth - 24)
            onOpen: bubble.openImage()
        }
    }
    Component {
        id: videoBody
        VideoBody {
            fileId: bubble.m.fileId
            fileName: bubble.m.fileName
            fileState: bubble.m.fileState
            fileReason: bubble.m.fileReason
            durationText: bubble.m.durationText
            thumbnailUrl: bubble.m.thumbnailUrl
            mediaWidth: bubble.m.mediaWidth
            mediaHeight: bubble.m.mediaHeight
        }
    }
    Component {
        id: audioBody
        AudioBody {
            fileId: bubble.m.fileId
            fileName: bubble.m.fileName
            fileState: bubble.m.fileState
            fileReason: bubble.m.fileReason
            durationText: bubble.m.durationText
            voice: bubble.m.kind === "voice"
        }
    }
    Component {
        id: fileBody
        FileBody {
            fileId: bubble.m.fileId
            fileName: bubble.m.fileName
            fileSizeText: bubble.m.fileSizeText
            fileState: bubble.m.fileState
            fileReason: bubble.m.fileReason
            mimeType: bubble.m.mimeType
            outgoing: bubble.m.outgoing
        }
    }
    Component {
        id: stickerBody
        StickerBody {
            thumbnailUrl: bubble.m.thumbnailUrl
            stickerEmoji: bubble.m.stickerEmoji
            fileState: bubble.m.fileState
        }
    }
    Component {
        id: locationBody
        LocationBody {
            latitude: bubble.m.latitude
            longitude: bubble.m.longitude
            title: bubble.m.locationTitle
            address: bubble.m.address
            mapUrl: bubble.m.mapUrl
        }
    }
    Component {
        id: contactBody
        ContactBody {
            contactName: bubble.m.contactName
            contactPhone: bubble.m.contactPhone
        }
    }
    Component {
        id: noteBody
        NoteBody {
            note: bubble.m.text
        }
    }
}
