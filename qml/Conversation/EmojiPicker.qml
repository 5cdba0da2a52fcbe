import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Era.Client
import Era.Theme

// Emoji by category, the recent ones first.
Popup {
    id: picker
    signal picked(string emoji)
    width: 352
    height: 340
    padding: 0
    modal: false
    focus: true
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside

    EmojiModel {
        id: emoji
        recent: Session.settings.recentEmoji
    }

    background: Rectangle {
        radius: Theme.radius
        color: Theme.surface
        border.color: Theme.border
    }

    contentItem: ColumnLayout {
        spacing: 0
        GridView {
            id: grid
            objectName: "emojiGrid"
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.margins: 8
            clip: true
            cellWidth: 37
            cellHeight: 37
            model: emoji
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {}
            signal chosen(string emoji)
            onChosen: emoji => {
                Session.settings.noteEmojiUsed(emoji)
                picker.picked(emoji)
            }
            delegate: AbstractButton {
                id: cell
                required property string emoji
                width: 36
                height: 36
                hoverEnabled: true
                onClicked: grid.chosen(cell.emoji)
                background: Rectangle {
                    radius: 8
                    color: cell.hovered ? Theme.hover : "transparent"
                }
                contentItem: Label {
                    text: cell.emoji
                    font.pixelSize: 22
                    horizontalAlignment: Text.AlignHCenter
                    verticalAlignment: Text.AlignVCenter
                }
            }
        }
        Rectangle {
            Layout.fillWidth: true
            height: 1
            color: Theme.divider
        }
        TabBar {
            id: tabs
            Layout.fillWidth: true
            background: Item {}
            Repeater {
                model: [ "🕘", "😀", "👍", "❤️", "🐶", "🍎", "⚽", "💡", "🏁" ]
                delegate: TabButton {
                    required property string modelData
                    required property int index
                    text: modelData
                    font.pixelSize: 16
                    width: implicitWidth
                    ToolTip.visible: hovered
                    ToolTip.text: emoji.categories[index] || ""
                    onClicked: grid.positionViewAtIndex(emoji.firstRowOf(index), GridView.Beginning)
                }
            }
        }
    }
}
