import QtQuick
import QtQuick.Controls.impl

// A monochrome icon from the desk's set, tinted.
IconImage {
    id: root
    property string glyph
    property int size: 18
    source: root.glyph ? Theme.icon(root.glyph) : ""
    sourceSize.width: size
    sourceSize.height: size
    width: size
    height: size
    color: Theme.textMuted
}
