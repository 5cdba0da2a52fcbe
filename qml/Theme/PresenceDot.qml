import QtQuick

// Online, away or offline, as a coloured dot.
Rectangle {
    property string presence: "offline"
    property int size: 10
    width: size
    height: size
    radius: size / 2
    color: Theme.presenceColor(presence)
    border.color: Theme.surface
    border.width: size > 9 ? 2 : 1
}
