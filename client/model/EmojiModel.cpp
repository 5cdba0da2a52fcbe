#include "model/EmojiModel.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace era::desk {

namespace {

struct Category {
    const char *name; // translated in context "EmojiModel"
    QStringList emoji;
};

// Common emoji by the Unicode emoji groups, the ones people use most first.
const QList<Category> &catalogue()
{
    static const QList<Category> all = [] {
        auto split = [](const QString &s) { return s.split(u' ', Qt::SkipEmptyParts); };
        // Lines of emoji: clang-format 14 splits them a little more on every run.
        // clang-format off
        return QList<Category>{
            {QT_TRANSLATE_NOOP("EmojiModel", "Smileys"),
             split(u"😀 😃 😄 😁 😆 😅 🤣 😂 🙂 🙃 😉 😊 😇 🥰 😍 🤩 "
                   u"😘 😗 😚 😙 😋 😛 😜 🤪 😝 🤑 🤗 🤭 🤫 🤔 🤐 🤨 "
                   u"😐 😑 😶 😏 😒 🙄 😬 😌 😔 😪 🤤 😴 😷 🤒 🤕 🤢 "
                   u"🤮 🥵 🥶 😵 🤯 🤠 🥳 😎 🤓 🧐 😕 😟 🙁 😮 😯 😲 "
                   u"😳 🥺 😦 😧 😨 😰 😥 😢 😭 😱 😖 😣 😞 😓 😩 😫 "
                   u"🥱 😤 😡 😠 🤬 😈 💀 💩 🤡 👻 👽 🤖 😺 😸 😹 😻 "
                   u"😼 😽 🙀 😿 😾"_s)},
            {QT_TRANSLATE_NOOP("EmojiModel", "Gestures and people"),
             split(u"👍 👎 👌 🤌 ✌️ 🤞 🤟 🤘 🤙 👈 👉 👆 👇 ☝️ ✋ 🤚 "
                   u"🖐️ 🖖 👋 🤝 🙏 👏 🙌 👐 🤲 💪 ✍️ 💅 🤳 👀 👁️ 👂 "
                   u"👃 🧠 👶 🧒 👦 👧 🧑 👨 👩 🧓 👴 👵 🙋 🙅 🙆 💁 "
                   u"🤷 🤦 🙇 👮 🕵️ 💂 👷 🧑‍💻 🧑‍🔧 🧑‍🍳 🧑‍⚕️ 🧑‍🏫 🧑‍💼 🏃 🚶 💃 "
                   u"🕺 👯 🧘"_s)},
            {QT_TRANSLATE_NOOP("EmojiModel", "Hearts and symbols"),
             split(u"❤️ 🧡 💛 💚 💙 💜 🖤 🤍 🤎 💔 ❣️ 💕 💞 💓 💗 💖 "
                   u"💘 💝 ✅ ☑️ ✔️ ❌ ❎ ➕ ➖ ❗ ❓ ‼️ ⁉️ 💯 🔥 ✨ "
                   u"⭐ 🌟 💫 ⚡ 💥 💢 💤 💬 💭 🗯️ 🔔 🔕 📣 📢 ⚠️ 🚫 "
                   u"⛔ 🆗 🆕 🆓 🔝 🔜 ♻️ ⏳ ⌛ ⏰ 🕐 ▶️ ⏸️ ⏹️ ⏺️ ⏭️ "
                   u"🔁 🔄 ➡️ ⬅️ ⬆️ ⬇️ ↩️ ↪️ 🔴 🟠 🟡 🟢 🔵 🟣 ⚫ ⚪"_s)},
            {QT_TRANSLATE_NOOP("EmojiModel", "Animals and nature"),
             split(u"🐶 🐱 🐭 🐹 🐰 🦊 🐻 🐼 🐨 🐯 🦁 🐮 🐷 🐸 🐵 🙈 "
                   u"🙉 🙊 🐔 🐧 🐦 🐤 🦆 🦅 🦉 🐺 🐴 🦄 🐝 🐛 🦋 🐌 "
                   u"🐞 🐢 🐍 🐙 🐬 🐳 🐟 🐠 🦈 🐘 🦒 🐪 🐄 🐎 🐑 🐈 "
                   u"🐕 🌵 🎄 🌲 🌳 🌴 🌱 🌿 🍀 🍁 🍂 🌷 🌹 🌺 🌸 🌼 "
                   u"🌻 🌞 🌝 🌚 🌙 ⭐ ☀️ ⛅ ☁️ 🌧️ ⛈️ ❄️ ☃️ 🌈 💧 🌊"_s)},
            {QT_TRANSLATE_NOOP("EmojiModel", "Food and drink"),
             split(u"🍏 🍎 🍐 🍊 🍋 🍌 🍉 🍇 🍓 🫐 🍒 🍑 🥭 🍍 🥥 🥝 "
                   u"🍅 🥑 🥦 🥕 🌽 🥔 🥐 🍞 🥖 🧀 🥚 🍳 🥞 🥓 🍗 🍖 "
                   u"🌭 🍔 🍟 🍕 🥪 🌮 🌯 🥗 🍝 🍜 🍲 🍣 🍱 🥟 🍤 🍚 "
                   u"🍰 🎂 🧁 🍩 🍪 🍫 🍬 🍭 🍯 🥛 ☕ 🍵 🧃 🥤 🍺 🍻 "
                   u"🥂 🍷 🍸 🍹 🍾"_s)},
            {QT_TRANSLATE_NOOP("EmojiModel", "Activities and travel"),
             split(u"⚽ 🏀 🏈 ⚾ 🎾 🏐 🏓 🏸 🥅 ⛳ 🎣 🎿 🏆 🥇 🥈 🥉 "
                   u"🏅 🎉 🎊 🎁 🎈 🎄 🎃 🎫 🎮 🎲 🎯 🎨 🎬 🎤 🎧 🎵 "
                   u"🎶 🎸 🎹 🚗 🚕 🚙 🚌 🚎 🏎️ 🚓 🚑 🚒 🚚 🚛 🚜 🛵 "
                   u"🚲 🛴 🚨 🚥 🚦 🚧 ⛽ 🚆 🚇 🚊 ✈️ 🛫 🛬 🚀 🚁 ⛵ "
                   u"🚢 ⚓ 🗺️ 🏠 🏡 🏢 🏬 🏥 🏦 🏨 🏪 🏫 ⛪ 🏰 🗼 🗽 "
                   u"⛲ ⛺ 🏖️ 🏝️"_s)},
            {QT_TRANSLATE_NOOP("EmojiModel", "Objects"),
             split(u"📱 💻 🖥️ ⌨️ 🖱️ 🖨️ 📷 📸 📹 🎥 📞 ☎️ 📺 📻 ⏱️ ⌚ "
                   u"💡 🔦 🕯️ 🔋 🔌 💰 💳 💵 💶 🧾 💎 🔧 🔨 🛠️ ⚙️ 🔩 "
                   u"🧰 🧲 🔑 🗝️ 🔒 🔓 🚪 🛒 🛍️ 🎁 📦 📫 📬 📮 ✉️ 📧 "
                   u"📨 📩 📝 📄 📃 📑 📊 📈 📉 📅 📆 📌 📍 📎 🖇️ ✂️ "
                   u"🗑️ 📁 📂 🗂️ 📚 📖 🔖 🏷️ 🔍 🔎 🧪 💊 🩹 🧴 🧻 🧹"_s)},
            {QT_TRANSLATE_NOOP("EmojiModel", "Flags"),
             split(u"🏁 🚩 🏳️ 🏴 🏳️‍🌈 🇷🇺 🇺🇦 🇧🇾 🇰🇿 🇺🇿 🇦🇲 🇬🇪 🇦🇿 🇺🇸 🇬🇧 🇩🇪 "
                   u"🇫🇷 🇮🇹 🇪🇸 🇵🇹 🇳🇱 🇵🇱 🇹🇷 🇨🇳 🇯🇵 🇰🇷 🇮🇳 🇧🇷 🇨🇦 🇦🇺 🇪🇺"_s)},
        };
        // clang-format on
    }();
    return all;
}

} // namespace

EmojiModel::EmojiModel(QObject *parent) : QAbstractListModel(parent) {}

int EmojiModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    qsizetype n = m_recent.size();
    for (const Category &c : catalogue())
        n += c.emoji.size();
    return int(n);
}

QHash<int, QByteArray> EmojiModel::roleNames() const
{
    return {{EmojiRole, "emoji"}, {CategoryRole, "category"}, {CategoryIndexRole, "categoryIndex"}};
}

QStringList EmojiModel::categories() const
{
    QStringList names{QCoreApplication::translate("EmojiModel", "Recent")};
    for (const Category &c : catalogue())
        names.append(QCoreApplication::translate("EmojiModel", c.name));
    return names;
}

QVariant EmojiModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    qsizetype row = index.row();
    int category = 0;
    QString emoji;
    if (row < m_recent.size()) {
        emoji = m_recent.at(row);
    } else {
        row -= m_recent.size();
        for (const Category &c : catalogue()) {
            ++category;
            if (row < c.emoji.size()) {
                emoji = c.emoji.at(row);
                break;
            }
            row -= c.emoji.size();
        }
    }
    switch (role) {
    case EmojiRole:
        return emoji;
    case CategoryRole:
        return categories().value(category);
    case CategoryIndexRole:
        return category;
    }
    return {};
}

void EmojiModel::setRecent(const QString &recent)
{
    const QStringList list = recent.split(u' ', Qt::SkipEmptyParts);
    if (list == m_recent)
        return;
    beginResetModel();
    m_recent = list;
    endResetModel();
    Q_EMIT recentChanged();
}

int EmojiModel::firstRowOf(int category) const
{
    if (category <= 0)
        return 0;
    qsizetype row = m_recent.size();
    for (int i = 0; i < category - 1 && i < catalogue().size(); ++i)
        row += catalogue().at(i).emoji.size();
    return int(row);
}

QStringList EmojiModel::quickReactions()
{
    return {u"👍"_s, u"❤️"_s, u"😂"_s, u"😮"_s, u"😢"_s, u"🙏"_s};
}

} // namespace era::desk
