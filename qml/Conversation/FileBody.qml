import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Era.Client
import Era.Theme

// A document: its name and size, with Download / Open and a progress bar while it downloads.
RowLayout {
    id: body
    property string fileId
    property string fileName
    property string fileSizeText
    property string fileState
    property string fileReason
    property string mimeType
    property string iconName: "file"
    property bool outgoing: false
    readonly property var progress: Session.files.progress[fileId]
    readonly property bool downloading: progress !== undefined
    readonly property bool saved: Session.files.saved[fileId] !== undefined
    readonly property string error: Session.files.errors[fileId] || ""
    spacing: 10

    Rectangle {
        Layout.alignment: Qt.AlignTop
        width: 40
        height: 40
        radius: 10
        color: body.outgoing ? Theme.surface : Theme.accentSoft
        Glyph {
            anchors.centerIn: parent
            glyph: body.fileState === "failed" || body.fileState === "too_large" ? "alert" : body.iconName
            color: body.fileState === "failed" || body.fileState === "too_large" ? Theme.danger : Theme.accent
            size: 20
        }
    }
    ColumnLayout {
        spacing: 2
        Layout.maximumWidth: 260
        Label {
            Layout.fillWidth: true
            text: body.fileName
            elide: Text.ElideMiddle
            color: Theme.text
            font.family: Theme.font
            font.pixelSize: Theme.fontSize
            font.weight: Font.Medium
        }
        Label {
            Layout.fillWidth: true
            text: body.fileState === "pending" ? qsTr("Receiving…")
                  : body.fileState === "failed" || body.fileState === "too_large" ? body.fileReason
                  : body.error !== "" ? body.error
                  : body.downloading ? qsTr("Downloading… %1%").arg(Math.round(body.progress * 100))
                  : body.fileSizeText
            wrapMode: Text.Wrap
            color: body.error !== "" || body.fileState === "failed" || body.fileState === "too_large" ? Theme.danger
                   : Theme.textMuted
            font.family: Theme.font
            font.pixelSize: Theme.small
        }
        Loader { // made while a download runs
            Layout.fillWidth: true
            active: body.downloading
            visible: active
            sourceComponent: ProgressBar {
                value: body.progress || 0
                implicitHeight: 4
            }
        }
        RowLayout {
            visible: body.fileState === "ready" && body.fileId !== ""
            spacing: 12
            Label {
                text: body.downloading ? qsTr("Cancel") : body.saved ? qsTr("Open") : qsTr("Download")
                color: Theme.link
                font.family: Theme.font
                font.pixelSize: Theme.small
                font.weight: Font.Medium
                MouseArea {
                    anchors.fill: parent
                    cursorShape: Qt.PointingHandCursor
                    onClicked: body.downloading ? Session.files.cancel(body.fileId)
                               : body.saved ? Session.files.open(body.fileId, body.fileName)
                               : Session.files.download(body.fileId, body.fileName)
                }
            }
            Label {
                visible: body.saved
                text: qsTr("Show in folder")
                color: Theme.link
                font.family: Theme.font
                font.pixelSize: Theme.small
                MouseArea {
                    anchors.fill: parent
                    cursorShape: Qt.PointingHandCursor
                    onClicked: Session.files.showInFolder(body.fileId)
                }
            }
        }
    }
}
