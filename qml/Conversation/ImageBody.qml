import QtQuick
import QtQuick.Controls
import Era.Theme

// A picture: the thumbnail, sized to its aspect; a click opens the full picture. While the file is still
// being fetched, a placeholder says so.
Item {
    id: body
    property url thumbnailUrl
    property url fileUrl
    property string fileState
    property string fileReason
    property int mediaWidth
    property int mediaHeight
    property int maxSide: 300
    signal open()

    readonly property real aspect: mediaWidth > 0 && mediaHeight > 0 ? mediaWidth / mediaHeight : 4 / 3
    implicitWidth: aspect >= 1 ? maxSide : Math.max(120, maxSide * aspect)
    implicitHeight: aspect >= 1 ? Math.max(90, maxSide / aspect) : maxSide

    Rectangle {
        anchors.fill: parent
        radius: Theme.radiusSmall
        color: Theme.surfaceAlt
        visible: picture.status !== Image.Ready
        Column {
            anchors.centerIn: parent
            spacing: 6
            Glyph {
                anchors.horizontalCenter: parent.horizontalCenter
                glyph: body.fileState === "failed" || body.fileState === "too_large" ? "alert" : "image"
                size: 28
                color: Theme.textFaint
            }
            Label {
                anchors.horizontalCenter: parent.horizontalCenter
                width: body.width - 24
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                text: body.fileState === "pending" ? qsTr("Receiving the photo…")
                      : body.fileState === "failed" || body.fileState === "too_large" ? body.fileReason
                      : picture.status === Image.Error ? qsTr("The photo could not be loaded") : ""
                color: Theme.textMuted
                font.family: Theme.font
                font.pixelSize: Theme.small
            }
        }
    }
    Image {
        id: picture
        anchors.fill: parent
        source: body.thumbnailUrl
        asynchronous: true
        fillMode: Image.PreserveAspectCrop
        sourceSize.width: body.maxSide * 2
        smooth: true
    }
    MouseArea {
        anchors.fill: parent
        enabled: body.fileState === "ready"
        cursorShape: Qt.PointingHandCursor
        onClicked: body.open()
    }
}
