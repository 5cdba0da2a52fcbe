import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Era.Client
import Era.Theme
import Era.Dialogs
import Era.Conversation
import Era.Supervisor

// The work area: the dialog list, the open conversation (one page per open dialog, kept alive so switching
// is instant), the customer panel, and the offers on top.
Rectangle {
    id: page
    objectName: "mainPage"
    color: Theme.window
    property string view: "dialogs"
    property bool panelShown: true

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        TopBar {
            Layout.fillWidth: true
            page: page.view
            onPageChosen: p => page.view = p
            onSettingsRequested: settings.open()
            onShortcutsRequested: shortcuts.open()
        }

        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: page.view === "supervisor" && Session.isStaff ? 1 : 0

            RowLayout {
                spacing: 0
                DialogListPane {
                    Layout.preferredWidth: Theme.sidebarWidth
                    Layout.fillHeight: true
                }
                Rectangle { Layout.fillHeight: true; width: 1; color: Theme.divider }

                Item {
                    Layout.fillWidth: true
                    Layout.fillHeight: true

                    EmptyConversation {
                        anchors.fill: parent
                        visible: Session.current === null
                    }
                    StackLayout {
                        id: conversations
                        anchors.fill: parent
                        visible: Session.current !== null
                        currentIndex: Session.current ? Session.openConversations.rowOf(Session.currentDialogId) : -1
                        // One page per open conversation; only the recently shown keep theirs drawn (the
                        // others are made again, scrolled where they were, when shown).
                        Repeater {
                            model: Session.openConversations
                            delegate: Loader {
                                id: slot
                                required property Conversation conversation
                                required property bool live
                                active: live || conversation === Session.current
                                sourceComponent: ConversationPane {
                                    conversation: slot.conversation
                                    panelShown: page.panelShown
                                    onTransferRequested: transfer.openFor(slot.conversation.dialogId)
                                    onTogglePanel: page.panelShown = !page.panelShown
                                }
                            }
                        }
                    }

                    // Offers float over the conversation, the soonest to expire on top.
                    Column {
                        anchors.top: parent.top
                        anchors.topMargin: 72
                        anchors.horizontalCenter: parent.horizontalCenter
                        spacing: 8
                        z: 10
                        Repeater {
                            model: Session.offers
                            delegate: OfferBanner {
                                secondsLeft: Session.now ? Session.secondsUntil(offerExpiresAt) : 0
                                onAccepted: id => Session.accept(id)
                                onDeclined: id => Session.decline(id)
                            }
                        }
                    }
                }

                SubscriberPanel {
                    visible: page.panelShown && Session.current !== null
                    Layout.preferredWidth: Theme.panelWidth
                    Layout.fillHeight: true
                    conversation: Session.current
                }
            }

            SupervisorPage {}
        }
    }

    SettingsDialog { id: settings }
    TransferDialog { id: transfer }
    ShortcutsDialog { id: shortcuts }

    Shortcut {
        sequence: "Ctrl+Shift+A"
        onActivated: Session.acceptFirstOffer()
    }
    Shortcut {
        sequences: ["Ctrl+Tab", "Alt+Down", "Ctrl+PgDown"]
        onActivated: { page.view = "dialogs"; Session.showNext(1) }
    }
    Shortcut {
        sequences: ["Ctrl+Shift+Tab", "Alt+Up", "Ctrl+PgUp"]
        onActivated: { page.view = "dialogs"; Session.showNext(-1) }
    }
    Shortcut {
        sequence: "Ctrl+Shift+F"
        enabled: Session.current !== null && Session.current.canWrite
        onActivated: Session.finish(Session.currentDialogId)
    }
    Shortcut {
        sequence: "Ctrl+Shift+T"
        enabled: Session.current !== null && Session.current.canWrite
        onActivated: transfer.openFor(Session.currentDialogId)
    }
    Shortcut {
        sequence: "Ctrl+1"
        onActivated: page.view = "dialogs"
    }
    Shortcut {
        sequence: "Ctrl+2"
        enabled: Session.isStaff
        onActivated: page.view = "supervisor"
    }
    Shortcut {
        sequence: "F1"
        onActivated: shortcuts.open()
    }
    Shortcut {
        sequence: "Ctrl+,"
        onActivated: settings.open()
    }
}
