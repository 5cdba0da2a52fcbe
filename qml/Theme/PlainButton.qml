import QtQuick
import QtQuick.Controls

// A secondary action: outlined, quiet.
Button {
    id: button
    property color tint: Theme.text
    property string iconName
    hoverEnabled: true
    implicitHeight: 36
    leftPadding: 14
    rightPadding: 14
    font.family: Theme.font
    font.pixelSize: Theme.fontSize
    font.weight: Font.Medium
    contentItem: Item {
        implicitWidth: plainRow.implicitWidth
        implicitHeight: plainRow.implicitHeight
        Row {
            id: plainRow
            anchors.centerIn: parent
            spacing: 6
            Glyph {
                visible: button.iconName !== ""
                glyph: button.iconName
                color: button.enabled ? button.tint : Theme.textFaint
                anchors.verticalCenter: parent.verticalCenter
            }
            Label {
                text: button.text
                color: button.enabled ? button.tint : Theme.textFaint
                font: button.font
                anchors.verticalCenter: parent.verticalCenter
            }
        }
    }
    background: Rectangle {
        radius: Theme.radiusSmall + 2
        color: button.down ? Theme.selected : button.hovered ? Theme.hover : Theme.surface
        border.color: Theme.border
    }
}
