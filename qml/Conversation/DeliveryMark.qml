import QtQuick
import QtQuick.Controls
import Era.Theme

// Where an outgoing message is: being sent (clock), stored (one tick), delivered to the channel (two ticks),
// failed (red mark).
Item {
    id: mark
    property string status
    implicitWidth: 16
    implicitHeight: 14
    Glyph {
        anchors.centerIn: parent
        size: 14
        glyph: mark.status === "sending" ? "clock" : mark.status === "pending" ? "check"
              : mark.status === "sent" ? "check-double" : mark.status === "failed" ? "alert" : ""
        color: mark.status === "sent" ? Theme.accent : mark.status === "failed" ? Theme.danger : Theme.textFaint
    }
    ToolTip.visible: hover.hovered
    ToolTip.text: mark.status === "sending" ? qsTr("Sending…") : mark.status === "pending" ? qsTr("Stored, being delivered")
                  : mark.status === "sent" ? qsTr("Delivered to the channel") : qsTr("Not delivered")
    HoverHandler { id: hover }
}
