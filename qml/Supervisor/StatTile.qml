import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Era.Theme

// One live figure with its label.
Card {
    id: tile
    property string label
    property string value
    property color tint: Theme.text
    implicitWidth: 180
    implicitHeight: 84
    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 16
        spacing: 2
        Label {
            text: tile.label
            color: Theme.textMuted
            font.family: Theme.font
            font.pixelSize: Theme.small
        }
        Label {
            text: tile.value
            color: tile.tint
            font.family: Theme.font
            font.pixelSize: 26
            font.weight: Font.Bold
        }
    }
}
