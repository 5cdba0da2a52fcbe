import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Era.Client
import Era.Theme

// Who the customer is: name, channel, language, what the provider told us, and their earlier dialogs.
Rectangle {
    id: panel
    property Conversation conversation
    readonly property var subscriber: conversation ? conversation.subscriber : ({})
    color: Theme.sidebar

    Rectangle {
        width: 1
        height: parent.height
        color: Theme.divider
    }

    Flickable {
        anchors.fill: parent
        anchors.leftMargin: 1
        contentHeight: column.implicitHeight + 32
        clip: true
        boundsBehavior: Flickable.StopAtBounds
        ScrollBar.vertical: ScrollBar {}

        ColumnLayout {
            id: column
            x: 20
            y: 20
            width: panel.width - 40
            spacing: 14
            visible: panel.conversation !== null

            Avatar {
                Layout.alignment: Qt.AlignHCenter
                name: panel.subscriber.title || ""
                initials: Session.initials(panel.subscriber.title || "")
                channelKind: panel.conversation ? panel.conversation.channelKind : ""
                size: 72
            }
            Label {
                Layout.fillWidth: true
                horizontalAlignment: Text.AlignHCenter
                text: panel.subscriber.title || ""
                wrapMode: Text.Wrap
                color: Theme.text
                font.family: Theme.font
                font.pixelSize: Theme.title
                font.weight: Font.DemiBold
            }
            Label {
                Layout.fillWidth: true
                horizontalAlignment: Text.AlignHCenter
                visible: (panel.subscriber.username || "") !== ""
                text: "@" + (panel.subscriber.username || "")
                color: Theme.textMuted
                font.family: Theme.font
                font.pixelSize: Theme.small
            }

            Rectangle { Layout.fillWidth: true; height: 1; color: Theme.divider }

            GridLayout {
                Layout.fillWidth: true
                columns: 2
                columnSpacing: 12
                rowSpacing: 8
                Label { text: qsTr("Channel"); color: Theme.textFaint; font.family: Theme.font; font.pixelSize: Theme.small }
                RowLayout {
                    Layout.fillWidth: true
                    spacing: 6
                    ChannelMark { kind: panel.conversation ? panel.conversation.channelKind : ""; size: 16 }
                    Label {
                        Layout.fillWidth: true
                        text: panel.conversation ? panel.conversation.channelName : ""
                        elide: Text.ElideRight
                        color: Theme.text
                        font.family: Theme.font
                        font.pixelSize: Theme.small
                    }
                }
                Label {
                    visible: (panel.subscriber.language || "") !== ""
                    text: qsTr("Language"); color: Theme.textFaint; font.family: Theme.font; font.pixelSize: Theme.small
                }
                Label {
                    visible: (panel.subscriber.language || "") !== ""
                    text: panel.subscriber.language || ""
                    color: Theme.text; font.family: Theme.font; font.pixelSize: Theme.small
                }
                Label { text: qsTr("Dialog since"); color: Theme.textFaint; font.family: Theme.font; font.pixelSize: Theme.small }
                Label {
                    text: panel.conversation ? panel.conversation.openedAtText : ""
                    color: Theme.text; font.family: Theme.font; font.pixelSize: Theme.small
                }
                Label {
                    visible: panel.conversation !== null && panel.conversation.queuePosition > 0
                    text: qsTr("In queue"); color: Theme.textFaint; font.family: Theme.font; font.pixelSize: Theme.small
                }
                Label {
                    visible: panel.conversation !== null && panel.conversation.queuePosition > 0
                    text: panel.conversation ? qsTr("position %1").arg(panel.conversation.queuePosition) : ""
                    color: Theme.warning; font.family: Theme.font; font.pixelSize: Theme.small
                }
                Repeater {
                    model: panel.subscriber.profileRows || []
                    delegate: Label {
                        required property var modelData
                        required property int index
                        Layout.column: 0
                        Layout.row: 10 + index
                        text: modelData.label
                        color: Theme.textFaint; font.family: Theme.font; font.pixelSize: Theme.small
                    }
                }
                Repeater {
                    model: panel.subscriber.profileRows || []
                    delegate: Label {
                        required property var modelData
                        required property int index
                        Layout.column: 1
                        Layout.row: 10 + index
                        Layout.fillWidth: true
                        text: modelData.value
                        wrapMode: Text.Wrap
                        color: Theme.text; font.family: Theme.font; font.pixelSize: Theme.small
                    }
                }
            }

            Rectangle { Layout.fillWidth: true; height: 1; color: Theme.divider }

            Label {
                text: qsTr("Earlier dialogs")
                color: Theme.textMuted
                font.family: Theme.font
                font.pixelSize: Theme.small
                font.weight: Font.DemiBold
            }
            Label {
                visible: panel.conversation !== null && panel.conversation.earlierDialogs.length === 0
                text: qsTr("This is the first dialog with this customer.")
                wrapMode: Text.Wrap
                Layout.fillWidth: true
                color: Theme.textFaint
                font.family: Theme.font
                font.pixelSize: Theme.small
            }
            Repeater {
                model: panel.conversation ? panel.conversation.earlierDialogs : []
                delegate: ItemDelegate {
                    id: earlier
                    required property var modelData
                    Layout.fillWidth: true
                    implicitHeight: 36
                    hoverEnabled: true
                    onClicked: Session.openDialog(modelData.dialogId)
                    background: Rectangle { radius: Theme.radiusSmall; color: earlier.hovered ? Theme.hover : "transparent" }
                    contentItem: RowLayout {
                        spacing: 8
                        Glyph { glyph: earlier.modelData.state === "closed" ? "finish" : "clock"; size: 16 }
                        Label {
                            Layout.fillWidth: true
                            text: earlier.modelData.openedText
                            color: Theme.text; font.family: Theme.font; font.pixelSize: Theme.small
                        }
                        Label {
                            text: "#" + earlier.modelData.dialogId
                            color: Theme.textFaint; font.family: Theme.font; font.pixelSize: Theme.tiny
                        }
                    }
                }
            }
        }
    }
}
