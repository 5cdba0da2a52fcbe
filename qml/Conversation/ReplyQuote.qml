import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Era.Theme

// The quoted message above a reply; a click jumps to it.
Rectangle {
    id: quote
    property string author
    property string snippet
    property bool outgoing: false
    signal jump()

    implicitHeight: column.implicitHeight + 10
    implicitWidth: Math.min(320, column.implicitWidth + 18)
    radius: Theme.radiusSmall
    color: outgoing ? Qt.rgba(0.18, 0.44, 0.92, 0.10) : Theme.surfaceAlt

    Rectangle {
        width: 3
        radius: 2
        anchors.left: parent.left
        anchors.top: parent.top
        anchors.bottom: parent.bottom
        anchors.margins: 3
        color: Theme.accent
    }
    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.leftMargin: 12
        anchors.rightMargin: 6
        anchors.topMargin: 5
        anchors.bottomMargin: 5
        spacing: 1
        Label {
            Layout.fillWidth: true
            text: quote.author
            visible: text !== ""
            elide: Text.ElideRight
            color: Theme.accent
            font.family: Theme.font
            font.pixelSize: Theme.tiny
            font.weight: Font.DemiBold
        }
        Label {
            Layout.fillWidth: true
            text: quote.snippet
            elide: Text.ElideRight
            maximumLineCount: 2
            wrapMode: Text.Wrap
            color: Theme.textMuted
            font.family: Theme.font
            font.pixelSize: Theme.small
        }
    }
    MouseArea {
        anchors.fill: parent
        cursorShape: Qt.PointingHandCursor
        onClicked: quote.jump()
    }
}
