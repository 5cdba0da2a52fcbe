#pragma once

#include <QObject>
#include <QString>
#include <functional>

class QSettings;

namespace era::desk {

// Keeps the session token of "remember me" in the operating system's keychain (Secret Service through
// QtKeychain). When no keychain answers, the token is kept nowhere, unless the user has explicitly allowed
// storing it in a plain file (`setPlaintextAllowed`); never silently.
class TokenVault : public QObject {
    Q_OBJECT
public:
    enum class Place { Nowhere, Keychain, PlainFile };
    struct Outcome {
        bool ok = false;
        Place place = Place::Nowhere;
        QString token; // read: the token, empty when none is stored
        QString error; // for people, when the keychain failed
    };
    using Callback = std::function<void(const Outcome &)>;

    // `plainFile` is where tokens go when the user opted in (and where the opt-in is read from).
    TokenVault(const QString &service, QSettings *plainFile, QObject *parent = nullptr);

    void setPlaintextAllowed(bool allowed);
    bool plaintextAllowed() const { return m_plaintextAllowed; }

    // `account` names one login on one server, e.g. "https://era.example.com/|olga".
    void read(const QString &account, QObject *context, Callback done);
    void write(const QString &account, const QString &token, QObject *context, Callback done);
    void remove(const QString &account);

private:
    QString plainKey(const QString &account) const;

    QString m_service;
    QSettings *m_plainFile;
    bool m_plaintextAllowed = false;
};

} // namespace era::desk
