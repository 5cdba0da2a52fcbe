import QtQuick
import QtQuick.Controls
import Era.Theme

// The reactions of a message: one chip per emoji with how many chose it; mine are highlighted and a click
// takes mine back or adds it.
Flow {
    id: chips
    property var reactions: []
    property bool interactive: true
    signal toggled(string emoji)
    spacing: 4
    visible: reactions.length > 0

    Repeater {
        model: chips.reactions
        delegate: AbstractButton {
            id: chip
            required property var modelData
            implicitHeight: 24
            implicitWidth: chipRow.implicitWidth + 14
            hoverEnabled: true
            enabled: chips.interactive
            onClicked: chips.toggled(modelData.emoji)
            background: Rectangle {
                radius: height / 2
                color: chip.modelData.mine ? Theme.accentSoft : Theme.surface
                border.color: chip.modelData.mine ? Theme.accent : Theme.border
            }
            contentItem: Row {
                id: chipRow
                spacing: 4
                anchors.centerIn: parent
                Label {
                    text: chip.modelData.emoji
                    font.pixelSize: 14
                    anchors.verticalCenter: parent.verticalCenter
                }
                Label {
                    visible: chip.modelData.count > 1
                    text: chip.modelData.count
                    color: Theme.textMuted
                    font.family: Theme.font
                    font.pixelSize: Theme.tiny
                    anchors.verticalCenter: parent.verticalCenter
                }
            }
        }
    }
}
