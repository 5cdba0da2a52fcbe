#pragma once

#include <QAbstractListModel>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

namespace era::desk {

// The emoji picker's content: the operator's recent emoji, then the common emoji by category.
class EmojiModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QStringList categories READ categories CONSTANT)
    // Space-separated recent emoji (DeskSettings::recentEmoji), shown as the first category.
    Q_PROPERTY(QString recent READ recent WRITE setRecent NOTIFY recentChanged)
public:
    enum Role {
        EmojiRole = Qt::UserRole + 1, // QString: the emoji itself
        CategoryRole,                 // QString: the category's name, translated
        CategoryIndexRole,            // int: index into `categories`
    };
    Q_ENUM(Role)

    explicit EmojiModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QStringList categories() const;
    QString recent() const { return m_recent.join(u' '); }
    void setRecent(const QString &recent);
    // The first row of a category (for the picker's tabs).
    Q_INVOKABLE int firstRowOf(int category) const;
    // The emoji for quick reactions under a message.
    static QStringList quickReactions();

Q_SIGNALS:
    void recentChanged();

private:
    QStringList m_recent;
};

} // namespace era::desk
