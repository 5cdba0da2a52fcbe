import QtQuick
import QtQuick.Controls

// A text field in the desk's look.
TextField {
    id: field
    font.family: Theme.font
    font.pixelSize: Theme.fontSize
    color: Theme.text
    placeholderTextColor: Theme.textFaint
    selectByMouse: true
    implicitHeight: 38
    leftPadding: 12
    rightPadding: 12
    background: Rectangle {
        radius: Theme.radiusSmall + 2
        color: Theme.surface
        border.color: field.activeFocus ? Theme.accent : Theme.border
        border.width: field.activeFocus ? 2 : 1
    }
}
