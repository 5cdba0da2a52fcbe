import QtQuick
import QtQuick.Controls
import Era.Client
import Era.Theme

// What can be done with a message under the pointer: a quick reaction, reply, copy, more reactions.
Rectangle {
    id: bar
    property bool canWrite: false
    property bool hasText: false
    signal react(string emoji)
    signal moreReactions()
    signal reply()
    signal copy()

    implicitWidth: row.implicitWidth + 8
    implicitHeight: 32
    radius: height / 2
    color: Theme.surface
    border.color: Theme.border

    Row {
        id: row
        anchors.centerIn: parent
        spacing: 0
        Repeater {
            model: bar.canWrite ? Session.quickReactions : []
            delegate: AbstractButton {
                id: quick
                required property string modelData
                implicitWidth: 28
                implicitHeight: 28
                hoverEnabled: true
                onClicked: bar.react(modelData)
                background: Rectangle {
                    radius: 14
                    color: quick.hovered ? Theme.hover : "transparent"
                }
                contentItem: Label {
                    text: quick.modelData
                    font.pixelSize: quick.hovered ? 18 : 16
                    horizontalAlignment: Text.AlignHCenter
                    verticalAlignment: Text.AlignVCenter
                }
            }
        }
        ToolIconButton {
            visible: bar.canWrite
            iconName: "react"
            tip: qsTr("More reactions")
            implicitWidth: 28
            implicitHeight: 28
            onClicked: bar.moreReactions()
        }
        ToolIconButton {
            visible: bar.canWrite
            iconName: "reply"
            tip: qsTr("Reply")
            implicitWidth: 28
            implicitHeight: 28
            onClicked: bar.reply()
        }
        ToolIconButton {
            visible: bar.hasText
            iconName: "copy"
            tip: qsTr("Copy text")
            implicitWidth: 28
            implicitHeight: 28
            onClicked: bar.copy()
        }
    }
}
