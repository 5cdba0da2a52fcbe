import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Era.Client
import Era.Theme
import Era.Dialogs

// The bar across the top: who I am and my status, the pages, the connection and the settings.
Rectangle {
    id: bar
    property string page: "dialogs"
    signal pageChosen(string page)
    signal settingsRequested()
    signal shortcutsRequested()
    implicitHeight: 56
    color: Theme.surface

    Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.divider }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 16
        anchors.rightMargin: 12
        spacing: 14

        Rectangle {
            width: 32
            height: 32
            radius: 9
            color: Theme.accent
            Glyph {
                anchors.centerIn: parent
                glyph: "inbox"
                size: 18
                color: "white"
            }
        }
        Label {
            text: qsTr("ERA Desk")
            color: Theme.text
            font.family: Theme.font
            font.pixelSize: Theme.large
            font.weight: Font.Bold
        }

        Row {
            spacing: 4
            Layout.leftMargin: 10
            Repeater {
                model: Session.isStaff ? [ { key: "dialogs", label: qsTr("Dialogs"), icon: "inbox" },
                                           { key: "supervisor", label: qsTr("Supervision"), icon: "chart" } ]
                                       : [ { key: "dialogs", label: qsTr("Dialogs"), icon: "inbox" } ]
                delegate: AbstractButton {
                    id: tab
                    required property var modelData
                    readonly property bool chosen: bar.page === modelData.key
                    objectName: "page_" + modelData.key
                    implicitHeight: 34
                    implicitWidth: tabRow.implicitWidth + 24
                    hoverEnabled: true
                    onClicked: bar.pageChosen(modelData.key)
                    background: Rectangle {
                        radius: Theme.radiusSmall + 2
                        color: tab.chosen ? Theme.accentSoft : tab.hovered ? Theme.hover : "transparent"
                    }
                    contentItem: Row {
                        id: tabRow
                        spacing: 6
                        anchors.centerIn: parent
                        Glyph {
                            glyph: tab.modelData.icon
                            color: tab.chosen ? Theme.accent : Theme.textMuted
                            anchors.verticalCenter: parent.verticalCenter
                        }
                        Label {
                            text: tab.modelData.label
                            color: tab.chosen ? Theme.accent : Theme.textMuted
                            font.family: Theme.font
                            font.pixelSize: Theme.fontSize
                            font.weight: tab.chosen ? Font.DemiBold : Font.Medium
                            anchors.verticalCenter: parent.verticalCenter
                        }
                        CountBadge {
                            count: tab.modelData.key === "dialogs" ? Session.dialogs.unreadTotal : Session.queues.waitingTotal
                            tint: tab.modelData.key === "dialogs" ? Theme.accent : Theme.warning
                            anchors.verticalCenter: parent.verticalCenter
                        }
                    }
                }
            }
        }

        Item { Layout.fillWidth: true }

        // The connection, when it is not simply fine.
        Rectangle {
            visible: Session.state !== Session.Online
            implicitHeight: 30
            implicitWidth: statusRow.implicitWidth + 20
            radius: 15
            color: Session.state === Session.Reconnecting ? Theme.warningSoft : Theme.accentSoft
            Row {
                id: statusRow
                anchors.centerIn: parent
                spacing: 6
                Glyph {
                    glyph: Session.state === Session.Reconnecting ? "wifi-off" : "clock"
                    color: Session.state === Session.Reconnecting ? Theme.warning : Theme.accent
                    size: 16
                    anchors.verticalCenter: parent.verticalCenter
                }
                Label {
                    text: Session.now ? Session.statusText : ""
                    color: Theme.text
                    font.family: Theme.font
                    font.pixelSize: Theme.small
                    anchors.verticalCenter: parent.verticalCenter
                }
            }
        }
        Label {
            visible: Session.unsentCount > 0
            text: qsTr("%n unsent", "", Session.unsentCount)
            color: Theme.warning
            font.family: Theme.font
            font.pixelSize: Theme.small
            font.weight: Font.Medium
        }

        PresenceSwitch {
            objectName: "presenceSwitch"
            presence: Session.presence
            onChosen: p => Session.setPresence(p)
        }

        Rectangle { width: 1; height: 28; color: Theme.divider }

        Avatar {
            name: Session.user.displayName || ""
            initials: Session.initials(Session.user.displayName || "")
            presence: Session.presence
            size: 32
        }
        ColumnLayout {
            spacing: 0
            Label {
                text: Session.user.displayName || ""
                color: Theme.text
                font.family: Theme.font
                font.pixelSize: Theme.small
                font.weight: Font.DemiBold
            }
            Label {
                text: Session.capacity > 0 ? qsTr("Dialogs: %1 of %2").arg(Session.dialogs.mineCount).arg(Session.capacity)
                      : Session.user.role === "admin" ? qsTr("Administrator")
                      : Session.user.role === "supervisor" ? qsTr("Supervisor") : qsTr("Operator")
                color: Theme.textMuted
                font.family: Theme.font
                font.pixelSize: Theme.tiny
            }
        }
        ToolIconButton {
            iconName: "keyboard"
            tip: qsTr("Keyboard shortcuts (F1)")
            onClicked: bar.shortcutsRequested()
        }
        ToolIconButton {
            objectName: "settingsButton"
            iconName: "settings"
            tip: qsTr("Settings")
            onClicked: bar.settingsRequested()
        }
        ToolIconButton {
            objectName: "logoutButton"
            iconName: "logout"
            tip: qsTr("Log out")
            onClicked: Session.logout()
        }
    }
}
