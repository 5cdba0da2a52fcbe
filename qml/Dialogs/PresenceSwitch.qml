import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Era.Theme

// Online / Away / Offline as one segmented control.
Rectangle {
    id: root
    property string presence: "offline"
    signal chosen(string presence)

    implicitWidth: row.implicitWidth + 6
    implicitHeight: 32
    radius: height / 2
    color: Theme.surfaceAlt
    border.color: Theme.border

    RowLayout {
        id: row
        anchors.centerIn: parent
        spacing: 2
        Repeater {
            model: [
                { value: "online", label: qsTr("Online") },
                { value: "away", label: qsTr("Away") },
                { value: "offline", label: qsTr("Offline") }
            ]
            delegate: AbstractButton {
                id: segment
                required property var modelData
                readonly property bool chosenNow: root.presence === modelData.value
                objectName: "presence_" + modelData.value
                implicitHeight: 26
                implicitWidth: segmentRow.implicitWidth + 20
                hoverEnabled: true
                onClicked: root.chosen(modelData.value)
                background: Rectangle {
                    radius: height / 2
                    color: segment.chosenNow ? Theme.surface : segment.hovered ? Theme.hover : "transparent"
                    border.color: segment.chosenNow ? Theme.border : "transparent"
                }
                contentItem: Row {
                    id: segmentRow
                    spacing: 6
                    anchors.centerIn: parent
                    PresenceDot {
                        presence: segment.modelData.value
                        size: 8
                        anchors.verticalCenter: parent.verticalCenter
                    }
                    Label {
                        text: segment.modelData.label
                        color: segment.chosenNow ? Theme.text : Theme.textMuted
                        font.family: Theme.font
                        font.pixelSize: Theme.small
                        font.weight: segment.chosenNow ? Font.DemiBold : Font.Normal
                        anchors.verticalCenter: parent.verticalCenter
                    }
                }
            }
        }
    }
}
