import QtQuick
import QtQuick.Controls
import Era.Client
import Era.Theme

// A video: its thumbnail (or a dark frame) with a play mark and its length; opens in the desktop's player.
Rectangle {
    id: body
    property string fileId
    property string fileName
    property string fileState
    property string fileReason
    property string durationText
    property url thumbnailUrl
    property int mediaWidth
    property int mediaHeight
    readonly property real aspect: mediaWidth > 0 && mediaHeight > 0 ? mediaWidth / mediaHeight : 16 / 9
    implicitWidth: 300
    implicitHeight: Math.max(120, Math.min(320, 300 / aspect))
    radius: Theme.radiusSmall
    color: "#1F2733"
    clip: true

    Image {
        anchors.fill: parent
        source: body.thumbnailUrl
        fillMode: Image.PreserveAspectCrop
        asynchronous: true
    }
    Rectangle {
        anchors.centerIn: parent
        width: 52
        height: 52
        radius: 26
        color: Qt.rgba(0, 0, 0, 0.55)
        Glyph {
            anchors.centerIn: parent
            glyph: body.fileState === "ready" ? "play" : "alert"
            size: 24
            color: "white"
        }
    }
    Label {
        anchors.left: parent.left
        anchors.bottom: parent.bottom
        anchors.margins: 8
        text: body.fileState === "pending" ? qsTr("Receiving the video…")
              : body.fileState === "ready" ? body.durationText : body.fileReason
        color: "white"
        font.family: Theme.font
        font.pixelSize: Theme.small
        style: Text.Outline
        styleColor: Qt.rgba(0, 0, 0, 0.4)
    }
    MouseArea {
        anchors.fill: parent
        enabled: body.fileState === "ready"
        cursorShape: Qt.PointingHandCursor
        onClicked: Session.files.open(body.fileId, body.fileName || "video.mp4")
    }
}
