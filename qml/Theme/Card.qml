import QtQuick

// A white panel with a soft border.
Rectangle {
    color: Theme.surface
    radius: Theme.radius
    border.color: Theme.border
}
