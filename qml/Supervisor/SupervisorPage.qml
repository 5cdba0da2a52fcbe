import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Era.Client
import Era.Theme

// The supervisor's view: live figures per queue and every colleague with their state and load.
Rectangle {
    id: page
    color: Theme.window

    function minutes(sec) {
        return sec >= 60 ? qsTr("%1 min %2 s").arg(Math.floor(sec / 60)).arg(sec % 60) : qsTr("%1 s").arg(sec)
    }

    Flickable {
        anchors.fill: parent
        contentHeight: column.implicitHeight + 48
        clip: true
        boundsBehavior: Flickable.StopAtBounds
        ScrollBar.vertical: ScrollBar {}

        ColumnLayout {
            id: column
            x: 24
            y: 24
            width: page.width - 48
            spacing: 18

            RowLayout {
                Layout.fillWidth: true
                Label {
                    Layout.fillWidth: true
                    text: qsTr("Queues right now")
                    color: Theme.text
                    font.family: Theme.font
                    font.pixelSize: 22
                    font.weight: Font.Bold
                }
                Label {
                    text: Session.queues.statsAt ? qsTr("Updated %1").arg(Qt.formatTime(Session.queues.statsAt, "HH:mm:ss")) : ""
                    color: Theme.textFaint
                    font.family: Theme.font
                    font.pixelSize: Theme.small
                }
            }

            RowLayout {
                spacing: 12
                StatTile {
                    label: qsTr("Waiting customers")
                    value: Session.queues.waitingTotal
                    tint: Session.queues.waitingTotal > 0 ? Theme.warning : Theme.text
                }
                StatTile {
                    label: qsTr("Longest wait")
                    value: page.minutes(Session.queues.longestWaitSec)
                    tint: Session.queues.longestWaitSec > 120 ? Theme.danger : Theme.text
                }
                StatTile {
                    label: qsTr("Open dialogs")
                    value: Session.dialogs.count
                }
                StatTile {
                    label: qsTr("Colleagues online")
                    value: Session.operators.onlineCount
                    tint: Theme.success
                }
            }

            Card {
                Layout.fillWidth: true
                implicitHeight: queueColumn.implicitHeight + 8
                ColumnLayout {
                    id: queueColumn
                    width: parent.width
                    spacing: 0
                    RowLayout {
                        Layout.fillWidth: true
                        Layout.margins: 14
                        spacing: 0
                        Repeater {
                            model: [qsTr("Queue"), qsTr("Waiting", "column: customers waiting"), qsTr("Longest wait"),
                                    qsTr("In progress"), qsTr("Online", "column: members online"),
                                    qsTr("Away", "column: members away"), qsTr("Offline", "column: members offline")]
                            delegate: Label {
                                required property string modelData
                                required property int index
                                Layout.preferredWidth: index === 0 ? 220 : 110
                                Layout.fillWidth: index === 0
                                text: modelData
                                color: Theme.textFaint
                                font.family: Theme.font
                                font.pixelSize: Theme.tiny
                                font.weight: Font.DemiBold
                            }
                        }
                    }
                    Repeater {
                        model: Session.queues
                        delegate: Rectangle {
                            id: queueRow
                            required property string name
                            required property int waiting
                            required property int longestWaitSec
                            required property int activeDialogs
                            required property int online
                            required property int away
                            required property int offline
                            Layout.fillWidth: true
                            implicitHeight: 44
                            color: "transparent"
                            Rectangle { width: parent.width; height: 1; color: Theme.divider }
                            RowLayout {
                                anchors.fill: parent
                                anchors.leftMargin: 14
                                anchors.rightMargin: 14
                                spacing: 0
                                Label {
                                    Layout.preferredWidth: 220
                                    Layout.fillWidth: true
                                    text: queueRow.name
                                    elide: Text.ElideRight
                                    color: Theme.text
                                    font.family: Theme.font
                                    font.pixelSize: Theme.fontSize
                                    font.weight: Font.Medium
                                }
                                Label {
                                    Layout.preferredWidth: 110
                                    text: queueRow.waiting
                                    color: queueRow.waiting > 0 ? Theme.warning : Theme.text
                                    font.family: Theme.font
                                    font.pixelSize: Theme.fontSize
                                    font.weight: queueRow.waiting > 0 ? Font.Bold : Font.Normal
                                }
                                Label {
                                    Layout.preferredWidth: 110
                                    text: queueRow.waiting > 0 ? page.minutes(queueRow.longestWaitSec) : "—"
                                    color: queueRow.longestWaitSec > 120 ? Theme.danger : Theme.text
                                    font.family: Theme.font
                                    font.pixelSize: Theme.fontSize
                                }
                                Label { Layout.preferredWidth: 110; text: queueRow.activeDialogs; color: Theme.text; font.family: Theme.font; font.pixelSize: Theme.fontSize }
                                Label { Layout.preferredWidth: 110; text: queueRow.online; color: Theme.online; font.family: Theme.font; font.pixelSize: Theme.fontSize }
                                Label { Layout.preferredWidth: 110; text: queueRow.away; color: Theme.away; font.family: Theme.font; font.pixelSize: Theme.fontSize }
                                Label { Layout.preferredWidth: 110; text: queueRow.offline; color: Theme.textMuted; font.family: Theme.font; font.pixelSize: Theme.fontSize }
                            }
                        }
                    }
                }
            }

            Label {
                text: qsTr("Colleagues")
                color: Theme.text
                font.family: Theme.font
                font.pixelSize: Theme.title
                font.weight: Font.Bold
            }
            Flow {
                Layout.fillWidth: true
                spacing: 12
                Repeater {
                    model: Session.operators
                    delegate: Card {
                        id: person
                        required property string displayName
                        required property string initials
                        required property string roleName
                        required property string presence
                        required property int active
                        required property int capacity
                        required property string loadText
                        width: 250
                        height: 76
                        RowLayout {
                            anchors.fill: parent
                            anchors.margins: 14
                            spacing: 12
                            Avatar {
                                name: person.displayName
                                initials: person.initials
                                presence: person.presence
                                size: 44
                            }
                            ColumnLayout {
                                Layout.fillWidth: true
                                spacing: 4
                                Label {
                                    Layout.fillWidth: true
                                    text: person.displayName
                                    elide: Text.ElideRight
                                    color: Theme.text
                                    font.family: Theme.font
                                    font.pixelSize: Theme.fontSize
                                    font.weight: Font.DemiBold
                                }
                                RowLayout {
                                    spacing: 8
                                    Label {
                                        text: person.presence === "online" ? qsTr("Online") : person.presence === "away" ? qsTr("Away") : qsTr("Offline")
                                        color: Theme.presenceColor(person.presence)
                                        font.family: Theme.font
                                        font.pixelSize: Theme.small
                                    }
                                    Label {
                                        text: person.loadText
                                        color: Theme.textMuted
                                        font.family: Theme.font
                                        font.pixelSize: Theme.small
                                    }
                                }
                                Rectangle {
                                    Layout.fillWidth: true
                                    height: 4
                                    radius: 2
                                    color: Theme.divider
                                    Rectangle {
                                        height: parent.height
                                        radius: 2
                                        width: parent.width * (person.capacity > 0 ? Math.min(1, person.active / person.capacity) : 0)
                                        color: person.capacity > 0 && person.active >= person.capacity ? Theme.warning : Theme.accent
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
