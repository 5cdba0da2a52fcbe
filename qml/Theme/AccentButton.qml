import QtQuick
import QtQuick.Controls

// The main action of a place (Accept, Log in, Finish).
Button {
    id: button
    property color tint: Theme.accent
    property string iconName
    hoverEnabled: true
    implicitHeight: 36
    leftPadding: 16
    rightPadding: 16
    font.family: Theme.font
    font.pixelSize: Theme.fontSize
    font.weight: Font.DemiBold
    contentItem: Item {
        implicitWidth: accentRow.implicitWidth
        implicitHeight: accentRow.implicitHeight
        Row {
            id: accentRow
            anchors.centerIn: parent
            spacing: 6
            Glyph {
                visible: button.iconName !== ""
                glyph: button.iconName
                color: Theme.accentText
                anchors.verticalCenter: parent.verticalCenter
            }
            Label {
                text: button.text
                color: Theme.accentText
                font: button.font
                anchors.verticalCenter: parent.verticalCenter
            }
        }
    }
    background: Rectangle {
        radius: Theme.radiusSmall + 2
        color: !button.enabled ? Theme.textFaint : button.down ? Qt.darker(button.tint, 1.15)
               : button.hovered ? Qt.darker(button.tint, 1.07) : button.tint
    }
}
