import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Era.Client
import Era.Theme

// A shared contact: name and phone, with a copy action for the phone.
RowLayout {
    id: body
    property string contactName
    property string contactPhone
    spacing: 10
    Avatar {
        name: body.contactName
        initials: Session.initials(body.contactName)
        size: 40
    }
    ColumnLayout {
        spacing: 2
        Label {
            text: body.contactName
            color: Theme.text
            font.family: Theme.font
            font.pixelSize: Theme.fontSize
            font.weight: Font.Medium
        }
        RowLayout {
            visible: body.contactPhone !== ""
            spacing: 6
            Label {
                text: body.contactPhone
                color: Theme.textMuted
                font.family: Theme.font
                font.pixelSize: Theme.small
            }
            ToolIconButton {
                iconName: "copy"
                tip: qsTr("Copy the number")
                implicitWidth: 24
                implicitHeight: 24
                icon.width: 14
                icon.height: 14
                onClicked: Session.copyText(body.contactPhone)
            }
        }
    }
}
