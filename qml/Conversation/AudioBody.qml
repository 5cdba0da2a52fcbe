import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtMultimedia
import Era.Client
import Era.Theme

// A voice message or an audio file: play and pause in place (the file is fetched first), with its length.
RowLayout {
    id: body
    property string fileId
    property string fileName
    property string fileState
    property string fileReason
    property string durationText
    property bool voice: true
    readonly property var saved: Session.files.saved[fileId]
    property bool wantPlay: false
    spacing: 10

    onSavedChanged: if (saved && wantPlay) { player.source = saved; player.play(); wantPlay = false }

    MediaPlayer {
        id: player
        audioOutput: AudioOutput {}
    }

    RoundButton {
        id: play
        implicitWidth: 40
        implicitHeight: 40
        enabled: body.fileState === "ready"
        icon.source: player.playbackState === MediaPlayer.PlayingState ? Theme.icon("pause") : Theme.icon("play")
        icon.color: "white"
        icon.width: 18
        icon.height: 18
        background: Rectangle {
            radius: width / 2
            color: play.enabled ? Theme.accent : Theme.textFaint
        }
        onClicked: {
            if (player.playbackState === MediaPlayer.PlayingState) {
                player.pause()
            } else if (body.saved) {
                player.source = body.saved
                player.play()
            } else {
                body.wantPlay = true
                Session.files.download(body.fileId, body.fileName)
            }
        }
    }
    ColumnLayout {
        spacing: 3
        // A quiet picture of a sound; the bar fills as it plays.
        Row {
            spacing: 2
            Repeater {
                model: 28
                delegate: Rectangle {
                    required property int index
                    width: 3
                    height: 6 + ((index * 7919) % 13)
                    radius: 1.5
                    anchors.verticalCenter: parent.verticalCenter
                    color: player.duration > 0 && index / 28 <= player.position / player.duration ? Theme.accent
                                                                                                   : Theme.textFaint
                }
            }
        }
        Label {
            text: body.fileState === "pending" ? qsTr("Receiving…")
                  : body.fileState === "failed" || body.fileState === "too_large" ? body.fileReason
                  : (body.voice ? qsTr("Voice message") : body.fileName) + (body.durationText ? " · " + body.durationText : "")
            elide: Text.ElideRight
            Layout.maximumWidth: 240
            color: Theme.textMuted
            font.family: Theme.font
            font.pixelSize: Theme.small
        }
    }
}
