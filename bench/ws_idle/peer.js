// The reference: a minimal Node.js `ws` server that answers `hello` like era-server (no auth).
//   node peer.js [port]   -> prints "LISTENING <port>"
'use strict';
const { WebSocketServer } = require('ws');

const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.argv[2] || 0), path: '/api/v1/ws' });
wss.on('listening', () => console.log(`LISTENING ${wss.address().port}`));
wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    let cmd;
    try { cmd = JSON.parse(data); } catch { return; }
    if (cmd.type === 'cmd')
      ws.send(JSON.stringify({ type: 'res', id: cmd.id, ok: true, result: { protocol: 1 } }));
  });
});
