import QtQuick
import QtQuick.Controls

// A square icon button with a tooltip, for toolbars.
ToolButton {
    id: button
    property string iconName
    property string tip
    property color tint: Theme.textMuted
    implicitWidth: 34
    implicitHeight: 34
    padding: 0
    icon.source: iconName ? Theme.icon(iconName) : ""
    icon.width: 20
    icon.height: 20
    icon.color: enabled ? (checked ? Theme.accent : tint) : Theme.textFaint
    display: AbstractButton.IconOnly
    hoverEnabled: true
    ToolTip.visible: hovered && tip !== ""
    ToolTip.text: tip
    ToolTip.delay: 500
    Accessible.name: tip
    background: Rectangle {
        radius: Theme.radiusSmall
        color: button.down ? Theme.selected : (button.hovered || button.checked ? Theme.hover : "transparent")
    }
}
