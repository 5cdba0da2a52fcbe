#pragma once

#include <QAbstractListModel>
#include <QJsonArray>
#include <QJsonObject>
#include <QtQml/qqmlregistration.h>

namespace era::desk {

// Colleagues: every enabled user with their presence and load (operators.list), kept live by
// presence.changed and, for supervisors, queue.stats. Names authors of outgoing messages and lists
// transfer targets.
class OperatorListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the session owns the operator list")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(int onlineCount READ onlineCount NOTIFY onlineCountChanged)
public:
    enum Role {
        UserIdRole = Qt::UserRole + 1, // qint64
        LoginRole,                     // QString
        DisplayNameRole,               // QString
        InitialsRole,                  // QString: one or two letters for the avatar
        RoleNameRole,                  // QString: operator | supervisor | admin
        PresenceRole,                  // QString: online | away | offline (offline when not connected)
        ConnectedRole,                 // bool
        ActiveRole,                    // int: dialogs served now
        CapacityRole,                  // int: most dialogs at once
        LoadTextRole,                  // QString: "2 / 5"
        IsMeRole,                      // bool
    };
    Q_ENUM(Role)

    struct Operator {
        qint64 id = 0;
        QString login;
        QString displayName;
        QString role;
        QString presence = QStringLiteral("offline");
        bool connected = false;
        int active = 0;
        int capacity = 0;
    };

    explicit OperatorListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setMe(qint64 id) { m_me = id; }
    // The `operators` array of operators.list.
    void reset(const QJsonArray &operators);
    void setPresence(qint64 userId, const QString &presence);
    // The members of every queue in a queue.stats object.
    void applyStats(const QJsonObject &stats);
    QString nameOf(qint64 userId) const;
    int onlineCount() const;
    const Operator *find(qint64 userId) const;

Q_SIGNALS:
    void countChanged();
    void namesChanged();
    void onlineCountChanged();

private:
    int rowOf(qint64 userId) const;

    QList<Operator> m_rows;
    qint64 m_me = 0;
};

} // namespace era::desk
