#pragma once

#include <QObject>
#include <QTranslator>
#include <memory>

class QQmlEngine;

namespace era::desk {

// The desk's language: the system locale unless the user chose English or Russian in the settings.
// Switching takes effect at once (the engine re-evaluates every qsTr).
class Translations : public QObject {
    Q_OBJECT
public:
    explicit Translations(QObject *parent = nullptr);

    void setEngine(QQmlEngine *engine) { m_engine = engine; }
    // "" follows the system locale; "en" or "ru". Returns the language now in use.
    QString apply(const QString &language);
    static QStringList available() { return {QStringLiteral("en"), QStringLiteral("ru")}; }

private:
    QQmlEngine *m_engine = nullptr;
    std::unique_ptr<QTranslator> m_desk;
    std::unique_ptr<QTranslator> m_qt;
};

} // namespace era::desk
