import QtQuick
import QtTest
import Era.Client
import Era.Conversation

// The emoji picker hands over the emoji clicked and remembers it as recent.
Item {
    width: 500
    height: 500

    EmojiPicker {
        id: picker
        x: 10
        y: 10
    }
    SignalSpy { id: picked; target: picker; signalName: "picked" }

    TestCase {
        name: "EmojiPicker"
        when: windowShown

        function test_aClickPicksThatEmoji() {
            picker.open()
            tryCompare(picker, "opened", true)
            const grid = findChild(picker.contentItem, "emojiGrid")
            verify(grid)
            tryVerify(() => grid.count > 300)
            const first = grid.itemAtIndex(0)
            verify(first)
            mouseClick(first)
            compare(picked.count, 1)
            compare(picked.signalArguments[0][0], first.emoji)
            verify(Session.settings.recentEmoji.indexOf(first.emoji) === 0)
        }
    }
}
