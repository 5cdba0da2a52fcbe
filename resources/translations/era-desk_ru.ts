<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>AudioBody</name>
    <message>
        <location filename="../../qml/Conversation/AudioBody.qml" line="+84"/>
        <source>Receiving…</source>
        <translation>Получение…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Voice message</source>
        <translation>Голосовое сообщение</translation>
    </message>
</context>
<context>
    <name>Bubble</name>
    <message>
        <location filename="../../qml/Conversation/Bubble.qml" line="+34"/>
        <source>Forwarded from %1</source>
        <translation>Переслано от %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Forwarded from a hidden sender</source>
        <translation>Переслано от скрытого отправителя</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>edited</source>
        <translation>изменено</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Message deleted</source>
        <translation>Сообщение удалено</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <location filename="../../qml/Conversation/Composer.qml" line="+51"/>
        <source>Cancel the reply</source>
        <translation>Отменить ответ</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Attach files</source>
        <translation>Прикрепить файлы</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Write a message…</source>
        <translation>Напишите сообщение…</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Emoji</source>
        <translation>Эмодзи</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Send (Enter)</source>
        <translation>Отправить (Enter)</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Send files</source>
        <translation>Отправить файлы</translation>
    </message>
</context>
<context>
    <name>ContactBody</name>
    <message>
        <location filename="../../qml/Conversation/ContactBody.qml" line="+38"/>
        <source>Copy the number</source>
        <translation>Скопировать номер</translation>
    </message>
</context>
<context>
    <name>ConversationPane</name>
    <message>
        <location filename="../../qml/Conversation/ConversationPane.qml" line="+64"/>
        <source>In progress</source>
        <translation>В работе</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Served by %1</source>
        <translation>Обслуживает %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Finished</source>
        <translation>Завершён</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Offered to you</source>
        <translation>Предложен вам</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting in queue, position %1</source>
        <translation>В очереди, позиция %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting</source>
        <translation>Ожидает</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Transfer</source>
        <translation>Передать</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Transfer to a queue or a colleague (Ctrl+Shift+T)</source>
        <translation>Передать в очередь или коллеге (Ctrl+Shift+T)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Finish</source>
        <translation>Завершить</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>End the service (Ctrl+Shift+F)</source>
        <translation>Завершить обслуживание (Ctrl+Shift+F)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Customer details</source>
        <translation>Данные клиента</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>This dialog is offered to you. Accept it to answer.</source>
        <translation>Этот диалог предложен вам. Примите его, чтобы ответить.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Decline</source>
        <translation>Отклонить</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Accept</source>
        <translation>Принять</translation>
    </message>
    <message>
        <location line="+65"/>
        <source>The beginning of the dialog</source>
        <translation>Начало диалога</translation>
    </message>
    <message>
        <location line="+88"/>
        <source>Drop files to send them</source>
        <translation>Перетащите файлы сюда, чтобы отправить их</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>This dialog is finished. The customer&apos;s next message opens a new one.</source>
        <translation>Диалог завершён. Следующее сообщение клиента откроет новый.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>You are reading this dialog; only its operator can write.</source>
        <translation>Вы просматриваете диалог; писать в него может только его оператор.</translation>
    </message>
</context>
<context>
    <name>DeliveryMark</name>
    <message>
        <location filename="../../qml/Conversation/DeliveryMark.qml" line="+20"/>
        <source>Sending…</source>
        <translation>Отправка…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stored, being delivered</source>
        <translation>Сохранено, доставляется</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delivered to the channel</source>
        <translation>Доставлено в канал</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Not delivered</source>
        <translation>Не доставлено</translation>
    </message>
</context>
<context>
    <name>DialogDelegate</name>
    <message>
        <location filename="../../qml/Dialogs/DialogDelegate.qml" line="+88"/>
        <source>You: </source>
        <translation>Вы: </translation>
    </message>
</context>
<context>
    <name>DialogListModel</name>
    <message>
        <location filename="../../client/model/DialogListModel.cpp" line="+39"/>
        <source>Offered to you</source>
        <translation>Предложены вам</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Waiting in queues</source>
        <translation>Ожидают в очередях</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>In progress</source>
        <translation>В работе</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Finished</source>
        <translation>Завершённые</translation>
    </message>
    <message>
        <location line="+122"/>
        <source>Customer</source>
        <translation>Клиент</translation>
    </message>
</context>
<context>
    <name>DialogListPane</name>
    <message>
        <location filename="../../qml/Dialogs/DialogListPane.qml" line="+61"/>
        <source>No dialogs yet. New ones will be offered to you here.</source>
        <translation>Диалогов пока нет. Новые диалоги будут предложены вам здесь.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>You are away. Go online to receive dialogs.</source>
        <translation>Вы отошли. Перейдите в статус «В сети», чтобы получать диалоги.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>You are offline. Go online to receive dialogs.</source>
        <translation>Вы не в сети. Перейдите в статус «В сети», чтобы получать диалоги.</translation>
    </message>
</context>
<context>
    <name>EmojiModel</name>
    <message>
        <location filename="../../client/model/EmojiModel.cpp" line="+22"/>
        <source>Smileys</source>
        <translation>Смайлики</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Gestures and people</source>
        <translation>Жесты и люди</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Hearts and symbols</source>
        <translation>Сердечки и символы</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Animals and nature</source>
        <translation>Животные и природа</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Food and drink</source>
        <translation>Еда и напитки</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Activities and travel</source>
        <translation>Занятия и путешествия</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Objects</source>
        <translation>Предметы</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Flags</source>
        <translation>Флаги</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Recent</source>
        <translation>Недавние</translation>
    </message>
</context>
<context>
    <name>EmptyConversation</name>
    <message>
        <location filename="../../qml/Desk/EmptyConversation.qml" line="+21"/>
        <source>A customer is waiting for you</source>
        <translation>Вас ждёт клиент</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose a dialog on the left</source>
        <translation>Выберите диалог слева</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All caught up</source>
        <translation>Всё разобрано</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Ctrl+Shift+A accepts an offer · Ctrl+Tab goes to the next dialog · F1 lists every shortcut</source>
        <translation>Ctrl+Shift+A — принять входящий диалог · Ctrl+Tab — следующий диалог · F1 — все сочетания клавиш</translation>
    </message>
</context>
<context>
    <name>FileBody</name>
    <message>
        <location filename="../../qml/Conversation/FileBody.qml" line="+51"/>
        <source>Receiving…</source>
        <translation>Получение…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Downloading… %1%</source>
        <translation>Скачивание… %1%</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Open</source>
        <translation>Открыть</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Download</source>
        <translation>Скачать</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Show in folder</source>
        <translation>Показать в папке</translation>
    </message>
</context>
<context>
    <name>ImageBody</name>
    <message>
        <location filename="../../qml/Conversation/ImageBody.qml" line="+41"/>
        <source>Receiving the photo…</source>
        <translation>Получение фото…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The photo could not be loaded</source>
        <translation>Не удалось загрузить фото</translation>
    </message>
</context>
<context>
    <name>ImageViewer</name>
    <message>
        <location filename="../../qml/Conversation/ImageViewer.qml" line="+43"/>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
</context>
<context>
    <name>LocationBody</name>
    <message>
        <location filename="../../qml/Conversation/LocationBody.qml" line="+34"/>
        <source>Location</source>
        <translation>Местоположение</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Open map</source>
        <translation>Открыть карту</translation>
    </message>
</context>
<context>
    <name>LoginPage</name>
    <message>
        <location filename="../../qml/Login/LoginPage.qml" line="+47"/>
        <source>ERA Desk</source>
        <translation>ERA Desk</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Every customer, every channel, one desk</source>
        <translation>Все клиенты и все каналы — в одном окне</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Server</source>
        <translation>Сервер</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Login</source>
        <translation>Логин</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>your.name</source>
        <translation>ivan.petrov</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Password</source>
        <translation>Пароль</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Remember me on this computer</source>
        <translation>Запомнить меня на этом компьютере</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Log in</source>
        <translation>Войти</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <location filename="../../qml/Desk/Main.qml" line="+17"/>
        <source>(%1) ERA Desk</source>
        <translation>(%1) ERA Desk</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>ERA Desk</source>
        <translation>ERA Desk</translation>
    </message>
</context>
<context>
    <name>MessageActions</name>
    <message>
        <location filename="../../qml/Conversation/MessageActions.qml" line="+50"/>
        <source>More reactions</source>
        <translation>Другие реакции</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Reply</source>
        <translation>Ответить</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Copy text</source>
        <translation>Копировать текст</translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <location filename="../../qml/Conversation/MessageDelegate.qml" line="+185"/>
        <source>Not delivered: %1</source>
        <translation>Не доставлено: %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Send again</source>
        <translation>Отправить снова</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Retry</source>
        <translation>Повторить</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Discard</source>
        <translation>Удалить</translation>
    </message>
</context>
<context>
    <name>MessageListModel</name>
    <message>
        <location filename="../../client/model/MessageListModel.cpp" line="+59"/>
        <source>Photo</source>
        <translation>Фото</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Video</source>
        <translation>Видео</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Audio</source>
        <translation>Аудио</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Voice message</source>
        <translation>Голосовое сообщение</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sticker</source>
        <translation>Стикер</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>File</source>
        <translation>Файл</translation>
    </message>
</context>
<context>
    <name>OfferBanner</name>
    <message>
        <location filename="../../qml/Dialogs/OfferBanner.qml" line="+60"/>
        <source>New dialog</source>
        <translation>Новый диалог</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>%1 s</source>
        <translation>%1 с</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Decline</source>
        <translation>Отклонить</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Accept</source>
        <translation>Принять</translation>
    </message>
</context>
<context>
    <name>PresenceSwitch</name>
    <message>
        <location filename="../../qml/Dialogs/PresenceSwitch.qml" line="+24"/>
        <source>Online</source>
        <translation>В сети</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Away</source>
        <translation>Отошёл</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Offline</source>
        <translation>Не в сети</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../qml/Desk/SettingsDialog.qml" line="+24"/>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Language</source>
        <translation>Язык</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>As the system</source>
        <translation>Как в системе</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Desktop notifications for offers and new messages</source>
        <translation>Уведомления на рабочем столе о входящих диалогах и новых сообщениях</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sounds</source>
        <translation>Звуки</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Keep running in the tray when the window is closed</source>
        <translation>Оставаться в трее, когда окно закрыто</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Keep my login in a plain file when no keychain is available</source>
        <translation>Хранить данные входа в обычном файле, если хранилище паролей недоступно</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Anyone who can read your files could then use your session. Leave this off on shared computers.</source>
        <translation>Тогда любой, кто может читать ваши файлы, сможет воспользоваться вашей сессией. Не включайте на общих компьютерах.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Signed in to %1 as %2</source>
        <translation>Вы вошли на %1 как %2</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <location filename="../../qml/Desk/ShortcutsDialog.qml" line="+23"/>
        <source>Keyboard shortcuts</source>
        <translation>Сочетания клавиш</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Accept the offer</source>
        <translation>Принять входящий диалог</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next dialog</source>
        <translation>Следующий диалог</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Previous dialog</source>
        <translation>Предыдущий диалог</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Finish the dialog</source>
        <translation>Завершить диалог</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Transfer the dialog</source>
        <translation>Передать диалог</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send the message</source>
        <translation>Отправить сообщение</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New line</source>
        <translation>Новая строка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paste text or a picture</source>
        <translation>Вставить текст или изображение</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel the reply</source>
        <translation>Отменить ответ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dialogs, Supervision</source>
        <translation>Диалоги, мониторинг</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
</context>
<context>
    <name>SubscriberPanel</name>
    <message>
        <location filename="../../qml/Conversation/SubscriberPanel.qml" line="+70"/>
        <source>Channel</source>
        <translation>Канал</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Language</source>
        <translation>Язык</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Dialog since</source>
        <translation>Диалог начат</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>In queue</source>
        <translation>В очереди</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>position %1</source>
        <translation>позиция %1</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Earlier dialogs</source>
        <translation>Предыдущие диалоги</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>This is the first dialog with this customer.</source>
        <translation>Это первый диалог с этим клиентом.</translation>
    </message>
</context>
<context>
    <name>SupervisorPage</name>
    <message>
        <location filename="../../qml/Supervisor/SupervisorPage.qml" line="+13"/>
        <source>%1 min %2 s</source>
        <translation>%1 мин %2 с</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 s</source>
        <translation>%1 с</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Queues right now</source>
        <translation>Очереди сейчас</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Updated %1</source>
        <translation>Обновлено в %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Waiting customers</source>
        <translation>Клиентов в ожидании</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+27"/>
        <source>Longest wait</source>
        <translation>Макс. ожидание</translation>
    </message>
    <message>
        <location line="-22"/>
        <source>Open dialogs</source>
        <translation>Открытых диалогов</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Colleagues online</source>
        <translation>Коллег в сети</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Queue</source>
        <translation>Очередь</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Waiting</source>
        <comment>column: customers waiting</comment>
        <translation>Ожидают</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In progress</source>
        <translation>В работе</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Online</source>
        <comment>column: members online</comment>
        <translation>В сети</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Away</source>
        <comment>column: members away</comment>
        <translation>Отошли</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Offline</source>
        <comment>column: members offline</comment>
        <translation>Не в сети</translation>
    </message>
    <message>
        <location line="+117"/>
        <source>Online</source>
        <translation>В сети</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Away</source>
        <translation>Отошёл</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Offline</source>
        <translation>Не в сети</translation>
    </message>
    <message>
        <location line="-47"/>
        <source>Colleagues</source>
        <translation>Коллеги</translation>
    </message>
</context>
<context>
    <name>TopBar</name>
    <message>
        <location filename="../../qml/Desk/TopBar.qml" line="+39"/>
        <source>ERA Desk</source>
        <translation>ERA Desk</translation>
    </message>
    <message>
        <location line="+11"/>
        <location line="+2"/>
        <source>Dialogs</source>
        <translation>Диалоги</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Supervision</source>
        <translation>Мониторинг</translation>
    </message>
    <message numerus="yes">
        <location line="+72"/>
        <source>%n unsent</source>
        <translation>
            <numerusform>%n неотправленное</numerusform>
            <numerusform>%n неотправленных</numerusform>
            <numerusform>%n неотправленных</numerusform>
        </translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Dialogs: %1 of %2</source>
        <translation>Диалогов: %1 из %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Administrator</source>
        <translation>Администратор</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Supervisor</source>
        <translation>Супервизор</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Keyboard shortcuts (F1)</source>
        <translation>Сочетания клавиш (F1)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Log out</source>
        <translation>Выйти</translation>
    </message>
</context>
<context>
    <name>TransferDialog</name>
    <message>
        <location filename="../../qml/Desk/TransferDialog.qml" line="+36"/>
        <source>Transfer the dialog</source>
        <translation>Передать диалог</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>To a queue</source>
        <translation>В очередь</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To a colleague</source>
        <translation>Коллеге</translation>
    </message>
    <message numerus="yes">
        <location line="+30"/>
        <source>%n member(s)</source>
        <translation>
            <numerusform>%n оператор</numerusform>
            <numerusform>%n оператора</numerusform>
            <numerusform>%n операторов</numerusform>
        </translation>
    </message>
    <message>
        <location line="+35"/>
        <source> (you)</source>
        <translation> (вы)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>not connected</source>
        <translation>не подключён</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
</context>
<context>
    <name>VideoBody</name>
    <message>
        <location filename="../../qml/Conversation/VideoBody.qml" line="+47"/>
        <source>Receiving the video…</source>
        <translation>Получение видео…</translation>
    </message>
</context>
<context>
    <name>content</name>
    <message>
        <location filename="../../shared/era/content/Preview.cpp" line="+37"/>
        <source>Photo</source>
        <translation>Фото</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Video</source>
        <translation>Видео</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Audio</source>
        <translation>Аудио</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Voice message</source>
        <translation>Голосовое сообщение</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Document</source>
        <translation>Документ</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+1"/>
        <source>Sticker</source>
        <translation>Стикер</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Location</source>
        <translation>Местоположение</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Contact</source>
        <translation>Контакт</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Unsupported message</source>
        <translation>Неподдерживаемое сообщение</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Message deleted</source>
        <translation>Сообщение удалено</translation>
    </message>
</context>
<context>
    <name>era::desk::Conversation</name>
    <message>
        <location filename="../../client/session/Conversation.cpp" line="+61"/>
        <source>Customer</source>
        <translation>Клиент</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>yes</source>
        <translation>да</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>нет</translation>
    </message>
    <message>
        <location line="+193"/>
        <source>The reaction did not reach the customer: %1</source>
        <translation>Реакция не дошла до клиента: %1</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>Cannot send %1: not a readable file</source>
        <translation>Не удалось отправить %1: файл недоступен для чтения</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Cannot keep the pasted image in %1</source>
        <translation>Не удалось сохранить вставленное изображение в %1</translation>
    </message>
</context>
<context>
    <name>era::desk::DeskApp</name>
    <message>
        <location filename="../../client/app/DeskApp.cpp" line="+119"/>
        <source>ERA Desk is still running</source>
        <translation>ERA Desk продолжает работать</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New dialogs and messages are announced here. Quit from this icon&apos;s menu.</source>
        <translation>Новые диалоги и сообщения появятся здесь. Выйти можно из меню этого значка.</translation>
    </message>
</context>
<context>
    <name>era::desk::DesktopNotifications</name>
    <message>
        <location filename="../../client/notify/DesktopNotifications.cpp" line="+70"/>
        <source>Open</source>
        <translation>Открыть</translation>
    </message>
</context>
<context>
    <name>era::desk::FileTransfers</name>
    <message>
        <location filename="../../client/session/FileTransfers.cpp" line="+62"/>
        <source>Cannot write %1: %2</source>
        <translation>Не удалось записать %1: %2</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Cancelled</source>
        <translation>Отменено</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The file is no longer on the server</source>
        <translation>Файла больше нет на сервере</translation>
    </message>
</context>
<context>
    <name>era::desk::Notifier</name>
    <message>
        <location filename="../../client/notify/Notifier.cpp" line="+54"/>
        <source>New dialog: %1</source>
        <translation>Новый диалог: %1</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%1
Accept within %n s</source>
        <translation>
            <numerusform>%1
Примите в течение %n с</numerusform>
            <numerusform>%1
Примите в течение %n с</numerusform>
            <numerusform>%1
Примите в течение %n с</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+24"/>
        <source>%1 (%n new)</source>
        <translation>
            <numerusform>%1 (%n новое)</numerusform>
            <numerusform>%1 (%n новых)</numerusform>
            <numerusform>%1 (%n новых)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>era::desk::SendQueue</name>
    <message>
        <location filename="../../client/session/SendQueue.cpp" line="+207"/>
        <source>Cannot read %1: %2</source>
        <translation>Не удалось прочитать %1: %2</translation>
    </message>
</context>
<context>
    <name>era::desk::ServerConnection</name>
    <message>
        <location filename="../../client/net/ServerConnection.cpp" line="+80"/>
        <location line="+115"/>
        <source>Not connected to the server</source>
        <translation>Нет подключения к серверу</translation>
    </message>
    <message>
        <location line="+84"/>
        <source>The connection to the server was lost</source>
        <translation>Соединение с сервером потеряно</translation>
    </message>
</context>
<context>
    <name>era::desk::Session</name>
    <message>
        <location filename="../../client/session/Session.cpp" line="+60"/>
        <source>Your login is kept in a plain file, as you allowed.</source>
        <translation>Данные входа хранятся в обычном файле, как вы разрешили.</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Your session has expired. Please log in again.</source>
        <translation>Срок действия сессии истёк. Войдите снова.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This account is disabled.</source>
        <translation>Эта учётная запись отключена.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your session has ended (%1). Please log in again.</source>
        <translation>Сессия завершена (%1). Войдите снова.</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>The dialog with %1: %2</source>
        <translation>Диалог с клиентом %1: %2</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Not signed in</source>
        <translation>Вход не выполнен</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Signing in…</source>
        <translation>Вход…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Connecting to %1…</source>
        <translation>Подключение к %1…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Connected</source>
        <translation>Подключено</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>Connection lost%1. Retrying in %n s…</source>
        <translation>
            <numerusform>Соединение потеряно%1. Повтор через %n с…</numerusform>
            <numerusform>Соединение потеряно%1. Повтор через %n с…</numerusform>
            <numerusform>Соединение потеряно%1. Повтор через %n с…</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reconnecting…</source>
        <translation>Переподключение…</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>Enter the server address, e.g. https://era.example.com</source>
        <translation>Введите адрес сервера, например https://era.example.com</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Enter your login and password</source>
        <translation>Введите логин и пароль</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Wrong login or password</source>
        <translation>Неверный логин или пароль</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Too many attempts. Try again in %n s</source>
        <translation>
            <numerusform>Слишком много попыток. Повторите через %n с</numerusform>
            <numerusform>Слишком много попыток. Повторите через %n с</numerusform>
            <numerusform>Слишком много попыток. Повторите через %n с</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This account is disabled</source>
        <translation>Эта учётная запись отключена</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cannot reach the server at %1: %2</source>
        <translation>Сервер %1 недоступен: %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The secure connection to %1 failed: %2</source>
        <translation>Не удалось установить защищённое соединение с %1: %2</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>No keychain answered; your login is kept in a plain file, as you allowed.</source>
        <translation>Хранилище паролей не ответило; данные входа хранятся в обычном файле, как вы разрешили.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No keychain is available (%1), so your login is not remembered. You can allow keeping it in a plain file in Settings.</source>
        <translation>Хранилище паролей недоступно (%1), поэтому данные входа не сохранены. В настройках можно разрешить хранить их в обычном файле.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>The keychain did not answer (%1); please log in.</source>
        <translation>Хранилище паролей не ответило (%1); войдите в систему.</translation>
    </message>
    <message>
        <location line="+101"/>
        <source>the offer is no longer yours</source>
        <translation>диалог больше не предложен вам</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>not connected to the server</source>
        <translation>нет подключения к серверу</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Could not change your status</source>
        <translation>Не удалось сменить статус</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>Could not accept the dialog</source>
        <translation>Не удалось принять диалог</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Could not decline the dialog</source>
        <translation>Не удалось отклонить диалог</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Could not finish the dialog</source>
        <translation>Не удалось завершить диалог</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Dialog finished</source>
        <translation>Диалог завершён</translation>
    </message>
    <message>
        <location line="+12"/>
        <location line="+8"/>
        <source>Could not transfer the dialog</source>
        <translation>Не удалось передать диалог</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>Transferred to the queue %1</source>
        <translation>Диалог передан в очередь «%1»</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Transferred to %1</source>
        <translation>Диалог передан: %1</translation>
    </message>
</context>
<context>
    <name>era::desk::TrayIcon</name>
    <message>
        <location filename="../../client/notify/TrayIcon.cpp" line="+18"/>
        <source>Show ERA Desk</source>
        <translation>Показать ERA Desk</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Online</source>
        <translation>В сети</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Away</source>
        <translation>Отошёл</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Offline</source>
        <translation>Не в сети</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Quit</source>
        <translation>Выход</translation>
    </message>
    <message numerus="yes">
        <location line="+65"/>
        <source>%n new dialog(s) offered</source>
        <translation>
            <numerusform>%n входящий диалог</numerusform>
            <numerusform>%n входящих диалога</numerusform>
            <numerusform>%n входящих диалогов</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n unread message(s)</source>
        <translation>
            <numerusform>%n непрочитанное сообщение</numerusform>
            <numerusform>%n непрочитанных сообщения</numerusform>
            <numerusform>%n непрочитанных сообщений</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>ERA Desk: nothing new</source>
        <translation>ERA Desk: ничего нового</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ERA Desk: %1</source>
        <comment>the parts joined by commas</comment>
        <translation>ERA Desk: %1</translation>
    </message>
</context>
<context>
    <name>era::desk::Workspace</name>
    <message>
        <location filename="../../client/session/Workspace.cpp" line="+272"/>
        <location line="+3"/>
        <location line="+221"/>
        <source>Customer</source>
        <translation>Клиент</translation>
    </message>
    <message>
        <location line="-135"/>
        <source>it went back to its queue while you were disconnected</source>
        <translation>он вернулся в очередь, пока вы были не на связи</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>finished by %1</source>
        <translation>завершён: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>finished</source>
        <translation>завершён</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>transferred to %1</source>
        <translation>передан: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>transferred to the queue %1</source>
        <translation>передан в очередь «%1»</translation>
    </message>
    <message>
        <location line="+89"/>
        <source>You</source>
        <translation>Вы</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Colleague</source>
        <translation>Коллега</translation>
    </message>
</context>
<context>
    <name>format</name>
    <message>
        <location filename="../../client/model/TextFormat.cpp" line="+67"/>
        <source>%1 B</source>
        <translation>%1 Б</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 KB</source>
        <translation>%1 КБ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 MB</source>
        <translation>%1 МБ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 GB</source>
        <translation>%1 ГБ</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Today</source>
        <translation>Сегодня</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Yesterday</source>
        <translation>Вчера</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>now</source>
        <translation>только что</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 s</source>
        <translation>%1 с</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 min</source>
        <translation>%1 мин</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 h %2 min</source>
        <translation>%1 ч %2 мин</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 h</source>
        <translation>%1 ч</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 d</source>
        <translation>%1 дн.</translation>
    </message>
</context>
</TS>
