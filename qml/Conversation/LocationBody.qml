import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Era.Client
import Era.Theme

// A place: its name and address, the coordinates, and a link that opens the map.
RowLayout {
    id: body
    property real latitude
    property real longitude
    property string title
    property string address
    property url mapUrl
    spacing: 10
    Rectangle {
        Layout.alignment: Qt.AlignTop
        width: 44
        height: 44
        radius: 10
        color: Theme.successSoft
        Glyph {
            anchors.centerIn: parent
            glyph: "location"
            size: 22
            color: Theme.success
        }
    }
    ColumnLayout {
        spacing: 2
        Layout.maximumWidth: 260
        Label {
            Layout.fillWidth: true
            text: body.title || qsTr("Location")
            wrapMode: Text.Wrap
            color: Theme.text
            font.family: Theme.font
            font.pixelSize: Theme.fontSize
            font.weight: Font.Medium
        }
        Label {
            Layout.fillWidth: true
            visible: body.address !== ""
            text: body.address
            wrapMode: Text.Wrap
            color: Theme.textMuted
            font.family: Theme.font
            font.pixelSize: Theme.small
        }
        Label {
            text: body.latitude.toFixed(5) + ", " + body.longitude.toFixed(5)
            color: Theme.textFaint
            font.family: Theme.font
            font.pixelSize: Theme.tiny
        }
        Label {
            text: qsTr("Open map")
            color: Theme.link
            font.family: Theme.font
            font.pixelSize: Theme.small
            font.weight: Font.Medium
            MouseArea {
                anchors.fill: parent
                cursorShape: Qt.PointingHandCursor
                onClicked: Session.files.openExternal(body.mapUrl)
            }
        }
    }
}
