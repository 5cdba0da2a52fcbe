import QtQuick
import QtQuick.Controls
import QtTest
import Era.Conversation

// One message of each kind shows what it should: large emoji, links, files with their size, places,
// contacts, the delivery mark, and the failure reason with a retry.
Item {
    id: root
    width: 800
    height: 600

    Component {
        id: delegate
        MessageDelegate { width: 800 }
    }

    TestCase {
        name: "MessageDelegate"
        when: windowShown

        function message(overrides) {
            const m = {
                index: 0, messageId: 1, clientId: "", direction: "in", outgoing: false, mine: false,
                authorName: "Anna", kind: "text", text: "", richText: "", emojiOnly: false, fileId: "",
                fileState: "", fileReason: "", fileName: "", fileSizeText: "", mimeType: "", mediaWidth: 0,
                mediaHeight: 0, durationText: "", fileUrl: "", thumbnailUrl: "", stickerEmoji: "", latitude: 0,
                longitude: 0, locationTitle: "", address: "", mapUrl: "", contactName: "", contactPhone: "",
                replyToId: 0, replyAuthor: "", replySnippet: "", reactions: [], edited: false, deleted: false,
                forwarded: false, forwardedFrom: "", status: "received", failure: "", uploadProgress: -1, timeText: "14:05",
                dayText: "Today", firstOfDay: false, groupedWithOlder: false
            }
            for (const k in overrides)
                m[k] = overrides[k]
            return createTemporaryObject(delegate, root, m)
        }

        function texts(item, out) {
            if (item.text !== undefined && typeof item.text === "string" && item.visible)
                out.push(item.text)
            for (let i = 0; i < item.children.length; ++i)
                texts(item.children[i], out)
            return out
        }
        function findItem(item, predicate) {
            if (predicate(item))
                return item
            for (let i = 0; i < item.children.length; ++i) {
                const found = findItem(item.children[i], predicate)
                if (found)
                    return found
            }
            return null
        }
        function shows(item, text) {
            return texts(item, []).some(t => t.indexOf(text) >= 0)
        }

        function test_textWithALinkIsRichText() {
            const m = message({ text: "see example.com", richText: "see <a href=\"https://www.example.com\">www.example.com</a>" })
            verify(m.implicitHeight > 20)
            const label = findItem(m, i => i.textFormat === Text.StyledText && i.text.indexOf("<a href") >= 0)
            verify(label, "the text is shown with its link")
            verify(shows(m, "14:05"))
        }

        function test_emojiAloneIsLarge() {
            const m = message({ text: "🎉", richText: "🎉", emojiOnly: true })
            const label = findItem(m, i => i.text === "🎉" && i.font !== undefined && i.visible)
            verify(label)
            verify(label.font.pixelSize >= 36, "pixel size " + label.font.pixelSize)
        }

        function test_aDocumentShowsItsNameSizeAndDownload() {
            const m = message({ kind: "document", fileId: "ab12", fileState: "ready", fileName: "invoice.pdf",
                               fileSizeText: "1.2 MB", mimeType: "application/pdf" })
            verify(shows(m, "invoice.pdf"))
            verify(shows(m, "1.2 MB"))
            verify(shows(m, "Download"))
        }

        function test_aFileTooLargeSaysWhy() {
            const m = message({ kind: "document", fileState: "too_large", fileReason: "over the 20 MB limit",
                               fileName: "backup.zip" })
            verify(shows(m, "over the 20 MB limit"))
            verify(!shows(m, "Download"))
        }

        function test_aVoiceMessageShowsItsLengthAndMakesNoPlayerUntilPlayed() {
            const m = message({ kind: "voice", fileId: "cd34", fileState: "ready", durationText: "0:12", fileName: "Voice message" })
            verify(shows(m, "Voice message · 0:12"))
            const audio = findItem(m, i => i.player !== undefined && i.durationText === "0:12")
            verify(audio, "the voice body")
            compare(audio.player, null)
            verify(findChild(m, "playButton").enabled)
        }

        function test_aPlaceHasItsAddressAndAMapLink() {
            const m = message({ kind: "location", latitude: 59.9386, longitude: 30.3141, locationTitle: "Cafe Singer",
                               address: "Nevsky 28", mapUrl: "https://www.openstreetmap.org/?mlat=59.9386&mlon=30.3141" })
            verify(shows(m, "Cafe Singer"))
            verify(shows(m, "Nevsky 28"))
            verify(shows(m, "59.93860, 30.31410"))
            verify(shows(m, "Open map"))
        }

        function test_aContactShowsNameAndPhone() {
            const m = message({ kind: "contact", contactName: "Ivan Petrov", contactPhone: "+79001234567" })
            verify(shows(m, "Ivan Petrov"))
            verify(shows(m, "+79001234567"))
        }

        function test_aReplyShowsTheQuote() {
            const m = message({ text: "yes", richText: "yes", replyToId: 41, replyAuthor: "Anna", replySnippet: "Is it in stock?" })
            verify(shows(m, "Is it in stock?"))
        }

        function test_aCaptionForwardedFromAndUploadShowOnlyWhenThere() {
            const plain = message({ text: "hello", richText: "hello" })
            verify(!shows(plain, "Forwarded"))
            verify(!findItem(plain, i => i instanceof ProgressBar))

            const m = message({ kind: "document", fileId: "ab12", fileState: "ready", fileName: "photo-of-receipt.pdf",
                               fileSizeText: "80 KB", text: "the receipt", richText: "the receipt",
                               forwarded: true, forwardedFrom: "Shop news", direction: "out", outgoing: true,
                               mine: true, status: "sending", uploadProgress: 0.4 })
            verify(shows(m, "the receipt"))
            verify(shows(m, "Forwarded from Shop news"))
            const bar = findItem(m, i => i instanceof ProgressBar) // the upload's: no download runs
            verify(bar && bar.visible)
            compare(bar.value, 0.4)
            // The caption sits under the file, inside the bubble's width.
            const caption = findItem(m, i => i instanceof Label && i.visible && i.text === "the receipt")
            verify(caption.width > 0 && caption.width <= 480)
            verify(caption.height > 0)
        }

        function test_aFailedMessageShowsWhyAndOffersRetry() {
            const m = message({ direction: "out", outgoing: true, mine: true, messageId: 0, clientId: "c-1",
                               text: "hello", richText: "hello", status: "failed", failure: "the bot was blocked" })
            verify(shows(m, "Not delivered: the bot was blocked"))
            const retry = findChild(m, "retryLink")
            verify(retry && retry.visible)
            verify(shows(m, "Discard"))
        }

        function test_theDayLineShowsOnTheFirstOfADay() {
            verify(shows(message({ text: "a", richText: "a", firstOfDay: true }), "Today"))
            verify(!shows(message({ text: "a", richText: "a", firstOfDay: false }), "Today"))
        }

        function test_aSystemNoticeIsCentredText() {
            const m = message({ kind: "system", direction: "system", text: "Transferred to Sales" })
            verify(shows(m, "Transferred to Sales"))
            verify(!shows(m, "14:05")) // no bubble
            const line = findItem(m, i => i instanceof Label && i.visible && i.text === "Transferred to Sales")
            verify(line.height > 0 && line.width < m.width)
            verify(m.implicitHeight >= line.height + 12)
        }

        function test_reactionsShowAsChips() {
            const m = message({ text: "ok", richText: "ok", reactions: [{ emoji: "👍", count: 2, mine: true }] })
            verify(shows(m, "👍"))
            verify(shows(m, "2"))
        }
    }
}
