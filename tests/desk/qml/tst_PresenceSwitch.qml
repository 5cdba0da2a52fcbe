import QtQuick
import QtTest
import Era.Dialogs

Item {
    width: 400
    height: 60

    PresenceSwitch {
        id: presence
        presence: "online"
    }
    SignalSpy { id: chosen; target: presence; signalName: "chosen" }

    TestCase {
        name: "PresenceSwitch"
        when: windowShown

        function test_aClickChoosesThatPresence() {
            mouseClick(findChild(presence, "presence_away"))
            compare(chosen.count, 1)
            compare(chosen.signalArguments[0][0], "away")
            mouseClick(findChild(presence, "presence_offline"))
            compare(chosen.signalArguments[1][0], "offline")
        }
    }
}
