import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs
import Era.Client
import Era.Theme

// Writing to the customer: Enter sends, Shift+Enter breaks the line; attach files, paste a picture, pick
// an emoji; the message being replied to shows above. The draft lives in the conversation.
Rectangle {
    id: composer
    required property Conversation conversation
    property alias textArea: input
    implicitHeight: column.implicitHeight + 20
    color: Theme.surface

    function send() {
        if (composer.conversation.send(input.text))
            input.text = ""
    }

    Rectangle {
        anchors.top: parent.top
        width: parent.width
        height: 1
        color: Theme.divider
    }

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: 10
        spacing: 8

        // Replying to:
        RowLayout {
            visible: composer.conversation.replyToId > 0
            Layout.fillWidth: true
            spacing: 8
            Glyph {
                glyph: "reply"
                color: Theme.accent
            }
            ReplyQuote {
                Layout.fillWidth: true
                author: composer.conversation.replyToAuthor
                snippet: composer.conversation.replyToSnippet
            }
            ToolIconButton {
                iconName: "close"
                tip: qsTr("Cancel the reply")
                onClicked: composer.conversation.cancelReply()
            }
        }

        RowLayout {
            Layout.fillWidth: true
            spacing: 6
            ToolIconButton {
                objectName: "attachButton"
                iconName: "attach"
                tip: qsTr("Attach files")
                Layout.alignment: Qt.AlignBottom
                onClicked: fileDialog.open()
            }
            Rectangle {
                Layout.fillWidth: true
                Layout.preferredHeight: Math.min(140, Math.max(40, input.implicitHeight + 4))
                radius: 20
                color: Theme.surfaceAlt
                border.color: input.activeFocus ? Theme.accent : Theme.border
                ScrollView {
                    anchors.fill: parent
                    anchors.leftMargin: 6
                    anchors.rightMargin: 6
                    TextArea {
                        id: input
                        objectName: "composerInput"
                        text: composer.conversation.draft
                        placeholderText: qsTr("Write a message…")
                        placeholderTextColor: Theme.textFaint
                        wrapMode: TextEdit.Wrap
                        selectByMouse: true
                        color: Theme.text
                        font.family: Theme.font
                        font.pixelSize: Theme.fontSize
                        background: Item {}
                        onTextChanged: composer.conversation.draft = text
                        Keys.onPressed: event => {
                            if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter)
                                    && !(event.modifiers & Qt.ShiftModifier)) {
                                composer.send()
                                event.accepted = true
                            } else if (event.key === Qt.Key_V && (event.modifiers & Qt.ControlModifier)) {
                                // A picture on the clipboard is sent as a photo; text is pasted as usual.
                                event.accepted = composer.conversation.pasteImage()
                            } else if (event.key === Qt.Key_Escape && composer.conversation.replyToId > 0) {
                                composer.conversation.cancelReply()
                                event.accepted = true
                            }
                        }
                    }
                }
            }
            ToolIconButton {
                id: emojiButton
                objectName: "emojiButton"
                iconName: "emoji"
                tip: qsTr("Emoji")
                Layout.alignment: Qt.AlignBottom
                onClicked: {
                    emojiPicker.active = true
                    emojiPicker.item.opened ? emojiPicker.item.close() : emojiPicker.item.open()
                }
            }
            RoundButton {
                id: sendButton
                objectName: "sendButton"
                Layout.alignment: Qt.AlignBottom
                implicitWidth: 40
                implicitHeight: 40
                enabled: input.text.trim() !== ""
                icon.source: Theme.icon("send")
                icon.color: "white"
                icon.width: 18
                icon.height: 18
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Send (Enter)")
                background: Rectangle {
                    radius: width / 2
                    color: sendButton.enabled ? (sendButton.down ? Theme.accentHover : Theme.accent) : Theme.textFaint
                }
                onClicked: composer.send()
            }
        }
    }

    // Made on the first press of the emoji button: hundreds of colour emoji are not free.
    Loader {
        id: emojiPicker
        active: false
        sourceComponent: EmojiPicker {
            parent: composer
            x: composer.width - width - 60
            y: -height - 6
            onPicked: emoji => {
                input.insert(input.cursorPosition, emoji)
                input.forceActiveFocus()
            }
        }
    }

    FileDialog {
        id: fileDialog
        title: qsTr("Send files")
        fileMode: FileDialog.OpenFiles
        onAccepted: {
            if (composer.conversation.sendFiles(selectedFiles, input.text) > 0)
                input.text = ""
        }
    }

    Connections {
        target: composer.conversation
        function onDraftChanged() {
            if (input.text !== composer.conversation.draft)
                input.text = composer.conversation.draft
        }
        function onReplyChanged() {
            if (composer.conversation.replyToId > 0)
                input.forceActiveFocus()
        }
    }
}
