import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Era.Client
import Era.Theme

// The left column: offers, waiting, active and finished dialogs in sections.
Rectangle {
    id: pane
    color: Theme.sidebar

    ListView {
        id: list
        objectName: "dialogList"
        anchors.fill: parent
        clip: true
        model: Session.dialogs
        boundsBehavior: Flickable.StopAtBounds
        ScrollBar.vertical: ScrollBar {}
        section.property: "sectionTitle"
        section.criteria: ViewSection.FullString
        section.delegate: Item {
            required property string section
            width: ListView.view.width
            height: 34
            Label {
                anchors.left: parent.left
                anchors.leftMargin: 16
                anchors.bottom: parent.bottom
                anchors.bottomMargin: 6
                text: parent.section.toUpperCase()
                color: Theme.textFaint
                font.family: Theme.font
                font.pixelSize: Theme.tiny
                font.weight: Font.DemiBold
                font.letterSpacing: 0.6
            }
        }
        delegate: DialogDelegate {
            current: dialogId === Session.currentDialogId
            waitedText: Session.now && waitingSince ? Session.waitedSince(waitingSince) : ""
            onChosen: id => Session.openDialog(id)
        }
    }

    ColumnLayout {
        anchors.centerIn: parent
        visible: list.count === 0
        spacing: 8
        width: parent.width - 48
        Glyph {
            Layout.alignment: Qt.AlignHCenter
            glyph: "inbox"
            size: 40
            color: Theme.textFaint
        }
        Label {
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: Session.presence === "online" ? qsTr("No dialogs yet. New ones will be offered to you here.")
                  : Session.presence === "away" ? qsTr("You are away. Go online to receive dialogs.")
                  : qsTr("You are offline. Go online to receive dialogs.")
            color: Theme.textMuted
            font.family: Theme.font
            font.pixelSize: Theme.small
        }
    }
}
