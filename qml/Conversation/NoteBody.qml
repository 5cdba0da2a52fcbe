import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Era.Theme

// Content we could not show as itself (an unsupported provider message): what it was and what to do.
RowLayout {
    property string note
    spacing: 8
    Glyph {
        glyph: "alert"
        color: Theme.warning
        Layout.alignment: Qt.AlignTop
    }
    Label {
        Layout.maximumWidth: 300
        text: parent.note
        wrapMode: Text.Wrap
        color: Theme.textMuted
        font.family: Theme.font
        font.pixelSize: Theme.fontSize
        font.italic: true
    }
}
