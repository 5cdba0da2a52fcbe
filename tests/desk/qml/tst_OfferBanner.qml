import QtQuick
import QtTest
import Era.Dialogs

// An offer: who and from where, the time left as a bar, Accept and Decline.
Item {
    width: 600
    height: 120

    OfferBanner {
        id: banner
        dialogId: 77
        subscriberName: "Anna Petrova"
        initials: "AP"
        channelKind: "telegram"
        channelName: "Shop bot"
        lastMessage: "Hello, when do you open?"
        offerExpiresAt: new Date()
        offerTimeoutSec: 30
        secondsLeft: 30
    }

    SignalSpy { id: accepted; target: banner; signalName: "accepted" }
    SignalSpy { id: declined; target: banner; signalName: "declined" }

    TestCase {
        name: "OfferBanner"
        when: windowShown

        function test_acceptAndDeclineNameTheDialog() {
            mouseClick(findChild(banner, "acceptButton"))
            compare(accepted.count, 1)
            compare(accepted.signalArguments[0][0], 77)
            mouseClick(findChild(banner, "declineButton"))
            compare(declined.count, 1)
            compare(declined.signalArguments[0][0], 77)
        }

        function test_theCountdownShowsTheSecondsLeft() {
            banner.secondsLeft = 12
            const label = findChildByText(banner, "12 s")
            verify(label, "a label with the seconds left")
        }

        function findChildByText(item, text) {
            if (item.text === text)
                return item
            for (let i = 0; i < item.children.length; ++i) {
                const found = findChildByText(item.children[i], text)
                if (found)
                    return found
            }
            return null
        }
    }
}
