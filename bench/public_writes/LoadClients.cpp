#include "LoadClients.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QTextStream>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

bool fail(const QString &what)
{
    QTextStream(stderr) << "load clients: " << what << '\n';
    return false;
}

QString sysError(const char *call)
{
    return QStringLiteral("%1: %2").arg(QLatin1String(call), QString::fromLocal8Bit(std::strerror(errno)));
}

} // namespace

struct LoadClients::Conn {
    int fd = -1;
    quint32 index = 0;   // its place in m_conns, the epoll tag
    QByteArray in;       // received bytes not yet decoded
    QByteArray out;      // bytes the kernel did not take yet
    QByteArray fragment; // a fragmented message being assembled
    bool wantWrite = false;
};

LoadClients::LoadClients(QString host, quint16 port, QByteArray path)
    : m_host(std::move(host)), m_port(port), m_path(std::move(path))
{}

LoadClients::~LoadClients()
{
    closeAll();
}

bool LoadClients::open(int count)
{
    if (m_epoll < 0 && (m_epoll = ::epoll_create1(EPOLL_CLOEXEC)) < 0)
        return fail(sysError("epoll_create1"));
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *found = nullptr;
    if (int e = ::getaddrinfo(m_host.toUtf8().constData(), QByteArray::number(m_port).constData(), &hints,
                              &found);
        e != 0)
        return fail(QStringLiteral("cannot resolve %1: %2").arg(m_host, QString::fromUtf8(gai_strerror(e))));
    std::unique_ptr<addrinfo, void (*)(addrinfo *)> address(found, ::freeaddrinfo);

    for (int i = 0; i < count; ++i) {
        auto c = std::make_unique<Conn>();
        c->fd = ::socket(address->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (c->fd < 0)
            return fail(sysError("socket"));
        if (::connect(c->fd, address->ai_addr, address->ai_addrlen) < 0) {
            ::close(c->fd);
            return fail(sysError("connect"));
        }
        const int one = 1;
        ::setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

        // The upgrade, blocking: on loopback it takes well under a millisecond.
        QByteArray nonce(16, Qt::Uninitialized);
        QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(nonce.data()), 4);
        const QByteArray key = nonce.toBase64();
        const QByteArray request =
            "GET " + m_path + " HTTP/1.1\r\nHost: " + m_host.toUtf8() + ':' + QByteArray::number(m_port) +
            "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key +
            "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        if (::send(c->fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL) != request.size()) {
            ::close(c->fd);
            return fail(sysError("send"));
        }
        QByteArray head;
        qsizetype end = -1;
        while ((end = head.indexOf("\r\n\r\n")) < 0) {
            char buffer[4096];
            const ssize_t n = ::recv(c->fd, buffer, sizeof buffer, 0);
            if (n <= 0) {
                ::close(c->fd);
                return fail(QStringLiteral("the server ended the connection during the upgrade"));
            }
            head.append(buffer, n);
        }
        const QByteArray expected =
            QCryptographicHash::hash(QByteArray(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
                                     QCryptographicHash::Sha1)
                .toBase64();
        if (!head.startsWith("HTTP/1.1 101 ") ||
            !head.toLower().contains(QByteArray("sec-websocket-accept: " + expected.toLower()))) {
            ::close(c->fd);
            return fail(QStringLiteral("upgrade refused: %1").arg(QString::fromUtf8(head.left(end))));
        }
        c->in = head.mid(end + 4);

        ::fcntl(c->fd, F_SETFL, ::fcntl(c->fd, F_GETFL) | O_NONBLOCK);
        epoll_event ev{};
        ev.events = EPOLLIN;
        c->index = quint32(m_conns.size());
        ev.data.u32 = c->index;
        if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
            ::close(c->fd);
            return fail(sysError("epoll_ctl"));
        }
        m_conns.push_back(std::move(c));
    }
    return true;
}

bool LoadClients::sendText(int client, QByteArrayView text)
{
    Conn &c = *m_conns[size_t(client)];
    uchar header[14];
    int size = 0;
    header[size++] = 0x81; // FIN, text
    const quint64 length = quint64(text.size());
    if (length < 126) {
        header[size++] = uchar(0x80 | length);
    } else if (length < 65536) {
        header[size++] = 0x80 | 126;
        header[size++] = uchar(length >> 8);
        header[size++] = uchar(length);
    } else {
        header[size++] = 0x80 | 127;
        for (int shift = 56; shift >= 0; shift -= 8)
            header[size++] = uchar(length >> shift);
    }
    // xorshift32: masks need not be strong here, only present (RFC 6455 5.3 is about proxies).
    m_maskState ^= m_maskState << 13;
    m_maskState ^= m_maskState >> 17;
    m_maskState ^= m_maskState << 5;
    uchar mask[4];
    std::memcpy(mask, &m_maskState, 4);
    std::memcpy(header + size, mask, 4);
    size += 4;

    const qsizetype start = c.out.size();
    c.out.resize(start + size + text.size());
    char *to = c.out.data() + start;
    std::memcpy(to, header, size_t(size));
    to += size;
    for (qsizetype i = 0; i < text.size(); ++i)
        to[i] = char(text[i] ^ char(mask[i & 3]));
    return flush(c);
}

bool LoadClients::flush(Conn &c)
{
    qsizetype done = 0;
    while (done < c.out.size()) {
        const ssize_t n = ::send(c.fd, c.out.constData() + done, size_t(c.out.size() - done), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            return fail(sysError("send"));
        }
        done += n;
    }
    c.out.remove(0, done);
    const bool wantWrite = !c.out.isEmpty();
    if (wantWrite != c.wantWrite) {
        c.wantWrite = wantWrite;
        epoll_event ev{};
        ev.events = EPOLLIN | (wantWrite ? quint32(EPOLLOUT) : 0u);
        ev.data.u32 = c.index;
        if (::epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev) < 0)
            return fail(sysError("epoll_ctl"));
    }
    return true;
}

bool LoadClients::run(const OnMessage &onMessage, const std::function<bool()> &finished)
{
    // Bytes that came with the upgrade response.
    for (size_t i = 0; i < m_conns.size(); ++i)
        if (!m_conns[i]->in.isEmpty() && !onReadable(int(i), onMessage))
            return false;
    constexpr int kMaxEvents = 256;
    epoll_event events[kMaxEvents];
    while (!finished()) {
        const int n = ::epoll_wait(m_epoll, events, kMaxEvents, 30000);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return fail(sysError("epoll_wait"));
        if (n == 0)
            return fail(QStringLiteral("no answer from the server for 30 s"));
        for (int i = 0; i < n; ++i) {
            const int client = int(events[i].data.u32);
            if ((events[i].events & EPOLLOUT) && !flush(*m_conns[size_t(client)]))
                return false;
            if ((events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !onReadable(client, onMessage))
                return false;
        }
    }
    return true;
}

bool LoadClients::onReadable(int client, const OnMessage &onMessage)
{
    Conn &c = *m_conns[size_t(client)];
    for (;;) {
        char buffer[65536];
        const ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
        if (n == 0)
            return fail(QStringLiteral("client %1: the server ended the connection").arg(client));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            return fail(sysError("recv"));
        }
        c.in.append(buffer, n);
        if (size_t(n) < sizeof buffer)
            break;
    }

    // Server frames (RFC 6455 5.2): never masked; FIN and opcode in the first byte.
    qsizetype at = 0;
    for (;;) {
        const qsizetype left = c.in.size() - at;
        if (left < 2)
            break;
        const auto *p = reinterpret_cast<const uchar *>(c.in.constData() + at);
        if (p[1] & 0x80)
            return fail(QStringLiteral("client %1: the server sent a masked frame").arg(client));
        quint64 length = p[1] & 0x7f;
        qsizetype headerSize = 2;
        if (length == 126) {
            headerSize = 4;
            if (left < headerSize)
                break;
            length = (quint64(p[2]) << 8) | p[3];
        } else if (length == 127) {
            headerSize = 10;
            if (left < headerSize)
                break;
            length = 0;
            for (int k = 2; k < 10; ++k)
                length = (length << 8) | p[k];
        }
        if (quint64(left - headerSize) < length)
            break;
        const bool fin = p[0] & 0x80;
        const int opcode = p[0] & 0x0f;
        const QByteArrayView payload(c.in.constData() + at + headerSize, qsizetype(length));
        at += headerSize + qsizetype(length);
        switch (opcode) {
        case 0x1: // text
        case 0x2: // binary
            if (!fin) {
                c.fragment = payload.toByteArray();
                break;
            }
            if (!onMessage(client, payload))
                return false;
            break;
        case 0x0: // continuation
            c.fragment.append(payload);
            if (fin) {
                const QByteArray whole = std::exchange(c.fragment, QByteArray());
                if (!onMessage(client, whole))
                    return false;
            }
            break;
        case 0x9: { // ping: answer with a pong carrying the same payload
            uchar header[6] = {0x8A, uchar(0x80 | length), 0, 0, 0, 0};
            QByteArray pong(reinterpret_cast<const char *>(header), 6);
            pong.append(payload); // mask 0: the payload stays as it is
            c.out.append(pong);
            if (!flush(c))
                return false;
            break;
        }
        case 0xA: // pong
            break;
        case 0x8: {
            const quint16 code = length >= 2 ? quint16((uchar(payload[0]) << 8) | uchar(payload[1])) : 1005;
            return fail(QStringLiteral("client %1: the server closed the connection (%2 %3)")
                            .arg(client)
                            .arg(code)
                            .arg(QString::fromUtf8(payload.sliced(qMin<qsizetype>(2, payload.size())))));
        }
        default:
            return fail(QStringLiteral("client %1: unknown opcode %2").arg(client).arg(opcode));
        }
    }
    c.in.remove(0, at);
    return true;
}

void LoadClients::closeAll()
{
    static const char closeFrame[] = {char(0x88), char(0x82), 0, 0, 0, 0, char(0x03), char(0xe8)}; // 1000
    for (auto &c : m_conns) {
        (void)::send(c->fd, closeFrame, sizeof closeFrame, MSG_NOSIGNAL);
        ::close(c->fd);
    }
    m_conns.clear();
    if (m_epoll >= 0)
        ::close(m_epoll);
    m_epoll = -1;
}
