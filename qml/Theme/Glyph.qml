import QtQuick
import QtQuick.Controls.impl

// A monochrome icon from the desk's set, tinted.
IconImage {
    id: glyph
    property string name
    property int size: 18
    source: name ? Theme.icon(name) : ""
    sourceSize.width: size
    sourceSize.height: size
    width: size
    height: size
    color: Theme.textMuted
}
