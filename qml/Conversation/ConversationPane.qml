import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Era.Client
import Era.Theme

// One open dialog: who it is with, the messages (newest at the bottom, older pages as you scroll up), and
// the composer while it is mine. Kept alive while other dialogs are shown, so it comes back as it was.
Rectangle {
    id: pane
    required property Conversation conversation
    property bool panelShown: true
    readonly property bool isCurrent: Session.currentDialogId === conversation.dialogId
    color: Theme.window

    signal transferRequested()
    signal togglePanel()

    // Opening a dialog I can write in puts the cursor in its composer.
    function focusComposer() {
        if (composerLoader.item && pane.isCurrent)
            composerLoader.item.textArea.forceActiveFocus()
    }
    onIsCurrentChanged: focusComposer()

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // Header.
        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: 60
            color: Theme.surface
            Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.divider }
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 18
                anchors.rightMargin: 12
                spacing: 12
                Avatar {
                    name: pane.conversation.title
                    initials: Session.initials(pane.conversation.title)
                    channelKind: pane.conversation.channelKind
                    size: 38
                }
                ColumnLayout {
                    Layout.fillWidth: true
                    spacing: 1
                    Label {
                        Layout.fillWidth: true
                        text: pane.conversation.title
                        elide: Text.ElideRight
                        color: Theme.text
                        font.family: Theme.font
                        font.pixelSize: Theme.large
                        font.weight: Font.DemiBold
                    }
                    Label {
                        Layout.fillWidth: true
                        elide: Text.ElideRight
                        text: {
                            const state = pane.conversation.state === "active"
                                ? (pane.conversation.canWrite ? qsTr("In progress") : qsTr("Served by %1").arg(Session.operatorName(pane.conversation.operatorId, Session.operators.count)))
                                : pane.conversation.state === "closed" ? qsTr("Finished")
                                : pane.conversation.offered ? qsTr("Offered to you")
                                : pane.conversation.queuePosition > 0 ? qsTr("Waiting in queue, position %1").arg(pane.conversation.queuePosition)
                                : qsTr("Waiting")
                            return pane.conversation.channelName !== "" ? pane.conversation.channelName + " · " + state : state
                        }
                        color: Theme.textMuted
                        font.family: Theme.font
                        font.pixelSize: Theme.small
                    }
                }
                PlainButton {
                    objectName: "transferButton"
                    visible: pane.conversation.canWrite || (Session.isStaff && pane.conversation.state === "active")
                    text: qsTr("Transfer")
                    iconName: "transfer"
                    onClicked: pane.transferRequested()
                    ToolTip.visible: hovered
                    ToolTip.text: qsTr("Transfer to a queue or a colleague (Ctrl+Shift+T)")
                }
                AccentButton {
                    objectName: "finishButton"
                    visible: pane.conversation.canWrite || (Session.isStaff && pane.conversation.state !== "closed" && pane.conversation.state !== "")
                    text: qsTr("Finish")
                    iconName: "finish"
                    tint: Theme.success
                    onClicked: Session.finish(pane.conversation.dialogId)
                    ToolTip.visible: hovered
                    ToolTip.text: qsTr("End the service (Ctrl+Shift+F)")
                }
                ToolIconButton {
                    iconName: "panel"
                    checkable: true
                    checked: pane.panelShown
                    tip: qsTr("Customer details")
                    onClicked: pane.togglePanel()
                }
            }
        }

        // Offered to me: take it here too.
        Rectangle {
            visible: pane.conversation.offered
            Layout.fillWidth: true
            Layout.preferredHeight: 52
            color: Theme.accentSoft
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 18
                anchors.rightMargin: 12
                spacing: 10
                Label {
                    Layout.fillWidth: true
                    text: qsTr("This dialog is offered to you. Accept it to answer.")
                    color: Theme.text
                    font.family: Theme.font
                    font.pixelSize: Theme.fontSize
                }
                PlainButton {
                    text: qsTr("Decline")
                    onClicked: Session.decline(pane.conversation.dialogId)
                }
                AccentButton {
                    text: qsTr("Accept")
                    onClicked: Session.accept(pane.conversation.dialogId)
                }
            }
        }

        // The messages.
        Item {
            Layout.fillWidth: true
            Layout.fillHeight: true

            ListView {
                id: messages
                objectName: "messageList"
                anchors.fill: parent
                model: pane.conversation.messages
                verticalLayoutDirection: ListView.BottomToTop
                spacing: 0
                clip: true
                cacheBuffer: 800
                reuseItems: true
                boundsBehavior: Flickable.StopAtBounds
                topMargin: 12
                bottomMargin: 12
                ScrollBar.vertical: ScrollBar {}
                property var highlightId: 0

                delegate: MessageDelegate {
                    canWrite: pane.conversation.canWrite
                    highlighted: messageId === messages.highlightId
                    onOpenImage: source => {
                        viewer.active = true
                        viewer.item.source = source
                        viewer.item.open()
                    }
                    onJumpTo: id => pane.conversation.showMessage(id)
                    onReact: (id, emoji) => pane.conversation.toggleReaction(id, emoji)
                    onMoreReactions: (id, anchor) => {
                        reactionPicker.active = true
                        const picker = reactionPicker.item
                        picker.messageId = id
                        const p = anchor.mapToItem(pane, 0, 0)
                        picker.x = Math.min(pane.width - picker.width - 8, Math.max(8, p.x))
                        picker.y = Math.max(8, p.y - picker.height - 4)
                        picker.open()
                    }
                    onReply: id => pane.conversation.startReply(id)
                    onRetry: (clientId, id) => id > 0 ? pane.conversation.resend(id) : pane.conversation.retry(clientId)
                    onDiscard: clientId => pane.conversation.discard(clientId)
                }

                header: Item { width: 1; height: 4 }
                footer: Item {
                    width: messages.width
                    height: pane.conversation.messages.loadingOlder || !pane.conversation.messages.hasMore ? 44 : 0
                    BusyIndicator {
                        anchors.centerIn: parent
                        running: pane.conversation.messages.loadingOlder
                        visible: running
                        implicitWidth: 28
                        implicitHeight: 28
                    }
                    Label {
                        anchors.centerIn: parent
                        visible: !pane.conversation.messages.hasMore && !pane.conversation.loading && messages.count > 0
                        text: qsTr("The beginning of the dialog")
                        color: Theme.textFaint
                        font.family: Theme.font
                        font.pixelSize: Theme.tiny
                    }
                }

                // A page made again comes back where it was left.
                Component.onCompleted: {
                    const state = pane.conversation.viewState
                    if (state.index !== undefined && !state.atNewest)
                        Qt.callLater(() => messages.positionViewAtIndex(state.index, ListView.Center))
                }
                Component.onDestruction: {
                    if (pane.conversation)
                        pane.conversation.viewState = {
                            atNewest: messages.atYEnd,
                            index: messages.indexAt(messages.width / 2, messages.contentY + messages.height / 2)
                        }
                }

                Connections {
                    target: pane.conversation
                    function onMessageShown(row, messageId) {
                        messages.positionViewAtIndex(row, ListView.Center)
                        messages.highlightId = messageId
                        highlightTimer.restart()
                    }
                }
                Timer {
                    id: highlightTimer
                    interval: 1600
                    onTriggered: messages.highlightId = 0
                }
            }

            BusyIndicator {
                anchors.centerIn: parent
                running: pane.conversation.loading && messages.count === 0
                visible: running
            }
            Label {
                anchors.centerIn: parent
                visible: pane.conversation.error !== "" && messages.count === 0
                text: pane.conversation.error
                color: Theme.danger
                font.family: Theme.font
                font.pixelSize: Theme.small
            }

            // Back to the newest message.
            RoundButton {
                anchors.right: parent.right
                anchors.bottom: parent.bottom
                anchors.margins: 18
                visible: !messages.atYEnd && messages.count > 0
                implicitWidth: 40
                implicitHeight: 40
                icon.source: Theme.icon("chevron-down")
                icon.color: Theme.textMuted
                background: Rectangle {
                    radius: 20
                    color: Theme.surface
                    border.color: Theme.border
                }
                onClicked: messages.positionViewAtBeginning()
            }

            DropArea {
                id: drop
                anchors.fill: parent
                enabled: pane.conversation.canWrite
                onDropped: dropEvent => {
                    if (dropEvent.hasUrls) {
                        pane.conversation.sendFiles(dropEvent.urls, "")
                        dropEvent.acceptProposedAction()
                    }
                }
                Rectangle {
                    anchors.fill: parent
                    anchors.margins: 10
                    visible: drop.containsDrag
                    radius: Theme.radius
                    color: Qt.rgba(0.18, 0.44, 0.92, 0.08)
                    border.color: Theme.accent
                    border.width: 2
                    Label {
                        anchors.centerIn: parent
                        text: qsTr("Drop files to send them")
                        color: Theme.accent
                        font.family: Theme.font
                        font.pixelSize: Theme.large
                        font.weight: Font.DemiBold
                    }
                }
            }
        }

        Label {
            visible: pane.conversation.error !== "" && messages.count > 0
            Layout.fillWidth: true
            Layout.leftMargin: 18
            Layout.bottomMargin: 4
            text: pane.conversation.error
            elide: Text.ElideRight
            color: Theme.danger
            font.family: Theme.font
            font.pixelSize: Theme.small
        }

        Loader {
            id: composerLoader
            Layout.fillWidth: true
            active: pane.conversation.canWrite
            visible: active
            // Made after the messages are painted (the first frame of an opened dialog shows them sooner).
            asynchronous: true
            onLoaded: pane.focusComposer()
            sourceComponent: Composer {
                conversation: pane.conversation
            }
        }
        Rectangle {
            visible: !pane.conversation.canWrite && !pane.conversation.offered && pane.conversation.state !== ""
            Layout.fillWidth: true
            Layout.preferredHeight: 48
            color: Theme.surfaceAlt
            Label {
                anchors.centerIn: parent
                text: pane.conversation.state === "closed" ? qsTr("This dialog is finished. The customer's next message opens a new one.")
                      : qsTr("You are reading this dialog; only its operator can write.")
                color: Theme.textMuted
                font.family: Theme.font
                font.pixelSize: Theme.small
            }
        }
    }

    // Made when first needed.
    Loader {
        id: viewer
        active: false
        sourceComponent: ImageViewer {}
    }
    Loader {
        id: reactionPicker
        active: false
        sourceComponent: EmojiPicker {
            parent: pane
            property var messageId: 0
            onPicked: emoji => {
                pane.conversation.toggleReaction(messageId, emoji)
                close()
            }
        }
    }
}
