import QtQuick
import QtTest
import Era.Conversation

// A conversation's page is let go when it has not been shown for a while and made again when it is: it
// comes back scrolled where the operator left it, or at the newest message if that is where it was.
Item {
    id: root
    width: 900
    height: 640

    Component {
        id: paneComponent
        ConversationPane {
            conversation: testConversation
            width: root.width
            height: root.height
        }
    }

    TestCase {
        name: "ConversationPane"
        when: windowShown

        function middleIndex(list) {
            return list.indexAt(list.width / 2, list.contentY + list.height / 2)
        }

        function makePane() {
            const pane = createTemporaryObject(paneComponent, root)
            verify(pane)
            const list = findChild(pane, "messageList")
            verify(list)
            // (the composer's tests may have left unsent messages on top)
            tryVerify(() => list.count >= 200 && middleIndex(list) >= 0)
            return { pane: pane, list: list }
        }

        function test_aPageMadeAgainComesBackWhereItWasLeft() {
            testData.fillMessages(200)
            testConversation.viewState = {}
            const first = makePane()
            verify(middleIndex(first.list) < 10) // a new page opens at the newest messages

            first.list.positionViewAtIndex(120, ListView.Center)
            tryVerify(() => Math.abs(middleIndex(first.list) - 120) <= 1)
            const left = middleIndex(first.list)
            first.pane.destroy()
            tryVerify(() => testConversation.viewState.index !== undefined)
            compare(testConversation.viewState.atNewest, false)
            compare(testConversation.viewState.index, left)

            const again = makePane()
            tryVerify(() => Math.abs(middleIndex(again.list) - left) <= 1)
        }

        function test_aPageLeftAtTheNewestComesBackAtTheNewest() {
            testData.fillMessages(200)
            testConversation.viewState = {}
            const first = makePane()
            first.pane.destroy()
            tryVerify(() => testConversation.viewState.index !== undefined)
            compare(testConversation.viewState.atNewest, true)

            const again = makePane()
            wait(50)
            verify(middleIndex(again.list) < 10)
        }
    }
}
