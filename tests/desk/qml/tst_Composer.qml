import QtQuick
import QtTest
import Era.Conversation

// The composer: Enter sends, Shift+Enter breaks the line, the draft lives in the conversation, Escape drops
// the quote.
Item {
    id: root
    width: 700
    height: 200

    Composer {
        id: composer
        width: parent.width
        conversation: testConversation
    }

    TestCase {
        name: "Composer"
        when: windowShown

        function init() {
            composer.textArea.text = ""
            composer.textArea.forceActiveFocus()
        }

        function test_enterSendsTheMessageAndClearsTheField() {
            const before = testSends.size
            keyClick("H")
            keyClick("i")
            compare(testConversation.draft, "Hi")
            keyClick(Qt.Key_Return)
            compare(testSends.size, before + 1)
            compare(composer.textArea.text, "")
            compare(testConversation.draft, "")
        }

        function test_shiftEnterBreaksTheLineWithoutSending() {
            const before = testSends.size
            keyClick("a")
            keyClick(Qt.Key_Return, Qt.ShiftModifier)
            keyClick("b")
            compare(composer.textArea.text, "a\nb")
            compare(testSends.size, before)
        }

        function test_blankTextIsNotSent() {
            const before = testSends.size
            keyClick(Qt.Key_Space)
            keyClick(Qt.Key_Return)
            compare(testSends.size, before)
            const send = findChild(composer, "sendButton")
            verify(send)
            verify(!send.enabled)
        }

        function test_theDraftComesBackFromTheConversation() {
            testConversation.draft = "kept while I looked elsewhere"
            compare(composer.textArea.text, "kept while I looked elsewhere")
        }

        function test_theSendButtonSendsToo() {
            const before = testSends.size
            keyClick("o")
            keyClick("k")
            const send = findChild(composer, "sendButton")
            verify(send.enabled)
            mouseClick(send)
            compare(testSends.size, before + 1)
        }
    }
}
