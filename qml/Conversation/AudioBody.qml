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
    // The player is made on the first press only: a conversation full of voice notes costs nothing until one
    // is played, and a machine with a broken media stack shows the messages all the same.
    readonly property var player: playerLoader.item
    readonly property bool playing: player !== null && player.playbackState === MediaPlayer.PlayingState
    spacing: 10

    function play() {
        playerLoader.active = true
        body.player.source = body.saved
        body.player.play()
    }
    onSavedChanged: if (saved && wantPlay) { wantPlay = false; play() }

    Loader {
        id: playerLoader
        active: false
        sourceComponent: MediaPlayer {
            audioOutput: AudioOutput {}
        }
    }

    RoundButton {
        id: playButton
        objectName: "playButton"
        implicitWidth: 40
        implicitHeight: 40
        enabled: body.fileState === "ready"
        icon.source: body.playing ? Theme.icon("pause") : Theme.icon("play")
        icon.color: "white"
        icon.width: 18
        icon.height: 18
        background: Rectangle {
            radius: width / 2
            color: playButton.enabled ? Theme.accent : Theme.textFaint
        }
        onClicked: {
            if (body.playing) {
                body.player.pause()
            } else if (body.saved) {
                body.play()
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
                    color: body.player && body.player.duration > 0
                           && index / 28 <= body.player.position / body.player.duration ? Theme.accent : Theme.textFaint
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
