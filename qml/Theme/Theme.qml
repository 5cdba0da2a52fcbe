pragma Singleton
import QtQuick

// Colours, type and spacing of the desk, in one place. Calm neutrals, one accent, status colours that
// mean the same everywhere.
QtObject {
    readonly property color window: "#F3F5F9"
    readonly property color surface: "#FFFFFF"
    readonly property color surfaceAlt: "#F6F7FB"
    readonly property color sidebar: "#FBFCFE"
    readonly property color hover: "#EEF2F8"
    readonly property color selected: "#E6EEFD"
    readonly property color border: "#E2E6EE"
    readonly property color divider: "#ECEFF4"
    readonly property color text: "#18212F"
    readonly property color textMuted: "#5D6778"
    readonly property color textFaint: "#97A0AF"
    readonly property color accent: "#2F6FEB"
    readonly property color accentHover: "#255FD1"
    readonly property color accentSoft: "#E7EFFE"
    readonly property color accentText: "#FFFFFF"
    readonly property color bubbleIn: "#FFFFFF"
    readonly property color bubbleOut: "#DDEBFF"
    readonly property color bubbleOutBorder: "#C9DDFB"
    readonly property color link: "#1F5FD6"
    readonly property color danger: "#D92D20"
    readonly property color dangerSoft: "#FDECEA"
    readonly property color warning: "#DC6803"
    readonly property color warningSoft: "#FEF3E2"
    readonly property color success: "#12A150"
    readonly property color successSoft: "#E6F6EC"
    readonly property color online: "#16A34A"
    readonly property color away: "#F59E0B"
    readonly property color offline: "#A0A8B5"

    readonly property string font: "Inter"
    readonly property int fontSize: 14
    readonly property int small: 12
    readonly property int tiny: 11
    readonly property int large: 16
    readonly property int title: 18
    readonly property int emojiLarge: 40

    readonly property int radius: 10
    readonly property int radiusSmall: 6
    readonly property int gap: 8
    readonly property int pad: 12
    readonly property int sidebarWidth: 330
    readonly property int panelWidth: 300

    function presenceColor(presence) {
        return presence === "online" ? online : presence === "away" ? away : offline
    }
    function channelColor(kind) {
        switch (kind) {
        case "telegram": return "#229ED9"
        case "vk": return "#0077FF"
        case "whatsapp": return "#25D366"
        case "email": return "#7A5AF8"
        case "avito": return "#00AAFF"
        case "autoru": return "#E0312B"
        case "widget": return "#0E9384"
        default: return "#667085"
        }
    }
    function channelIcon(kind) {
        const known = ["telegram", "vk", "whatsapp", "email", "avito", "autoru", "widget"]
        return "qrc:/era/icons/ch-" + (known.indexOf(kind) >= 0 ? kind : "widget") + ".svg"
    }
    function icon(name) {
        return "qrc:/era/icons/" + name + ".svg"
    }
    // A stable pastel for a person's avatar, from their name.
    function avatarColor(name) {
        const palette = ["#5B8DEF", "#E57373", "#4DB6AC", "#F4A261", "#9575CD", "#4FC3F7", "#81C784",
                         "#F06292", "#7986CB", "#FFB74D"]
        let h = 0
        for (let i = 0; i < name.length; ++i)
            h = (h * 31 + name.charCodeAt(i)) % 1000003
        return palette[h % palette.length]
    }
}
