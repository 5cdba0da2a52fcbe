import QtQuick
import QtQuick.Controls
import Era.Theme

// A sticker: its picture without a bubble; an animated one we cannot play shows its emoji large.
Item {
    id: body
    property url thumbnailUrl
    property string stickerEmoji
    property string fileState
    implicitWidth: 160
    implicitHeight: 160
    Image {
        id: picture
        anchors.fill: parent
        source: body.thumbnailUrl
        fillMode: Image.PreserveAspectFit
        asynchronous: true
        sourceSize.width: 320
    }
    Label {
        anchors.centerIn: parent
        visible: picture.status !== Image.Ready
        text: body.stickerEmoji || "🖼️"
        font.pixelSize: 72
    }
}
