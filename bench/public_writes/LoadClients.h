#pragma once

#include <QByteArray>
#include <QString>
#include <functional>
#include <memory>
#include <vector>

// N WebSocket clients (RFC 6455, client side, masked frames) on raw non-blocking sockets and one epoll loop
// in the calling thread. A load generator shares the machine with the server it measures, so it must cost as
// little as it can: no Qt event loop, no QString per frame, one send() per command.
class LoadClients {
public:
    // What the driver does with each text message a client receives. Returns false to stop the run with an
    // error (already printed).
    using OnMessage = std::function<bool(int client, QByteArrayView text)>;

    LoadClients(QString host, quint16 port, QByteArray path);
    ~LoadClients();
    LoadClients(const LoadClients &) = delete;
    LoadClients &operator=(const LoadClients &) = delete;

    // Opens `count` connections and completes their upgrade handshakes; false (with a message on stderr) on
    // any failure.
    bool open(int count);
    // Sends one text message from `client`, masked as a client must.
    bool sendText(int client, QByteArrayView text);
    // Runs until `finished()` returns true or something fails; false on failure.
    bool run(const OnMessage &onMessage, const std::function<bool()> &finished);
    // Sends a close frame on every connection and closes them.
    void closeAll();

private:
    struct Conn;
    bool onReadable(int client, const OnMessage &onMessage);
    bool flush(Conn &c);

    QString m_host;
    quint16 m_port;
    QByteArray m_path;
    int m_epoll = -1;
    std::vector<std::unique_ptr<Conn>> m_conns;
    quint32 m_maskState = 0x9e3779b9u;
};
