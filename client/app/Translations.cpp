#include "app/Translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QQmlEngine>

using namespace Qt::StringLiterals;

namespace era::desk {

Translations::Translations(QObject *parent) : QObject(parent) {}

QString Translations::apply(const QString &language)
{
    QString lang = language;
    if (!available().contains(lang)) {
        const QString system = QLocale::system().name().left(2);
        lang = available().contains(system) ? system : u"en"_s;
    }
    for (auto *t : {m_desk.get(), m_qt.get()}) {
        if (t)
            QCoreApplication::removeTranslator(t);
    }
    m_desk = std::make_unique<QTranslator>();
    m_qt = std::make_unique<QTranslator>();
    QLocale::setDefault(QLocale(lang == u"ru"_s ? QLocale::Russian : QLocale::English,
                                lang == u"ru"_s ? QLocale::Russia : QLocale::UnitedStates));
    // English is the source language: no file needed, but one may exist for plural forms.
    if (m_desk->load(u":/i18n/era-desk_"_s + lang + u".qm"_s))
        QCoreApplication::installTranslator(m_desk.get());
    if (m_qt->load(QLocale(lang), u"qtbase"_s, u"_"_s, QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(m_qt.get());
    if (m_engine)
        m_engine->retranslate();
    return lang;
}

} // namespace era::desk
