import QtQuick
import QtQuick.Controls

// The main action of a place (Accept, Log in, Send).
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
    icon.source: iconName ? Theme.icon(iconName) : ""
    icon.width: 18
    icon.height: 18
    icon.color: Theme.onAccent
    palette.buttonText: Theme.onAccent
    contentItem: Row {
        spacing: 6
        Glyph {
            visible: button.iconName !== ""
            name: button.iconName
            color: Theme.onAccent
            anchors.verticalCenter: parent.verticalCenter
        }
        Label {
            text: button.text
            color: Theme.onAccent
            font: button.font
            anchors.verticalCenter: parent.verticalCenter
        }
    }
    background: Rectangle {
        radius: Theme.radiusSmall + 2
        color: !button.enabled ? Theme.textFaint : button.down ? Qt.darker(button.tint, 1.15)
               : button.hovered ? Qt.darker(button.tint, 1.07) : button.tint
    }
}
