import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Era.Client
import Era.Theme

// Hand the dialog over: back to a queue, or straight to a colleague who is connected.
Popup {
    id: dialog
    property var dialogId: 0
    function openFor(id) {
        dialogId = id
        tabs.currentIndex = 0
        Session.refreshOperators()
        open()
    }

    parent: Overlay.overlay
    anchors.centerIn: parent
    width: 440
    height: 480
    modal: true
    focus: true
    padding: 0
    background: Rectangle {
        radius: Theme.radius + 2
        color: Theme.surface
        border.color: Theme.border
    }

    contentItem: ColumnLayout {
        spacing: 0
        Label {
            Layout.margins: 20
            Layout.bottomMargin: 8
            text: qsTr("Transfer the dialog")
            color: Theme.text
            font.family: Theme.font
            font.pixelSize: Theme.title
            font.weight: Font.Bold
        }
        TabBar {
            id: tabs
            Layout.fillWidth: true
            Layout.leftMargin: 20
            Layout.rightMargin: 20
            TabButton { text: qsTr("To a queue") }
            TabButton { text: qsTr("To a colleague") }
        }
        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.margins: 12
            currentIndex: tabs.currentIndex

            ListView {
                clip: true
                model: Session.queues
                delegate: ItemDelegate {
                    id: queueItem
                    required property var queueId
                    required property string name
                    required property int memberCount
                    width: ListView.view.width
                    height: 48
                    onClicked: { Session.transferToQueue(dialog.dialogId, queueId); dialog.close() }
                    contentItem: RowLayout {
                        spacing: 10
                        Glyph { glyph: "queue" }
                        Label {
                            Layout.fillWidth: true
                            text: queueItem.name
                            color: Theme.text
                            font.family: Theme.font
                            font.pixelSize: Theme.fontSize
                        }
                        Label {
                            text: qsTr("%n member(s)", "", queueItem.memberCount)
                            color: Theme.textFaint
                            font.family: Theme.font
                            font.pixelSize: Theme.small
                        }
                    }
                }
            }
            ListView {
                clip: true
                model: Session.operators
                delegate: ItemDelegate {
                    id: person
                    required property var userId
                    required property string displayName
                    required property string initials
                    required property string presence
                    required property bool connected
                    required property string loadText
                    required property bool isMe
                    width: ListView.view.width
                    height: 52
                    enabled: person.connected && !person.isMe
                    opacity: enabled ? 1 : 0.5
                    onClicked: { Session.transferToOperator(dialog.dialogId, userId); dialog.close() }
                    contentItem: RowLayout {
                        spacing: 10
                        Avatar {
                            name: person.displayName
                            initials: person.initials
                            presence: person.presence
                            size: 34
                        }
                        Label {
                            Layout.fillWidth: true
                            text: person.displayName + (person.isMe ? qsTr(" (you)") : "")
                            elide: Text.ElideRight
                            color: Theme.text
                            font.family: Theme.font
                            font.pixelSize: Theme.fontSize
                        }
                        Label {
                            text: person.connected ? person.loadText : qsTr("not connected")
                            color: Theme.textFaint
                            font.family: Theme.font
                            font.pixelSize: Theme.small
                        }
                    }
                }
            }
        }
        PlainButton {
            Layout.alignment: Qt.AlignRight
            Layout.margins: 16
            text: qsTr("Cancel")
            onClicked: dialog.close()
        }
    }
}
