// Opens N WebSocket connections in batches, each sends `hello` with a token and waits for its reply,
// then all stay idle. Reports the time to connect + authenticate all of them and the server's RSS
// growth per connection (VmRSS from /proc/<pid>/status before and after, divided by N).
//   node client.js --url ws://127.0.0.1:PORT/api/v1/ws --pid PID [--n 10000] [--batch 500] [--token T]
// Prints one JSON line.
'use strict';
const fs = require('fs');
const WebSocket = require('ws');

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const url = args.url;
const pid = Number(args.pid);
const n = Number(args.n || 10000);
const batch = Number(args.batch || 500);
const token = args.token || 'bench';
const settleMs = Number(args.settle || 1500);
const idleSeconds = Number(args.idle || 0); // then measure the server's CPU while all sit idle

function rssKb(p) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
  return Number(m[1]);
}
// utime + stime of the server process, in seconds (USER_HZ is 100 on Linux).
function cpuSeconds(p) {
  const fields = fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function openOne() {
  return new Promise((resolve, reject) => {
    // No permessage-deflate: the servers do not negotiate it and it would only cost client memory.
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const fail = (e) => reject(e instanceof Error ? e : new Error(String(e)));
    ws.once('error', fail);
    ws.once('open', () => {
      ws.send(JSON.stringify({ type: 'cmd', id: '1', name: 'hello', args: { protocol: 1, token } }));
    });
    ws.once('message', (data) => {
      const reply = JSON.parse(data);
      if (reply.type !== 'res' || reply.id !== '1' || reply.ok !== true)
        return fail(new Error(`bad hello reply: ${data}`));
      ws.removeListener('error', fail);
      ws.on('error', () => {});
      resolve(ws);
    });
    ws.once('close', (code) => fail(new Error(`closed with ${code} before the hello reply`)));
  });
}

(async () => {
  await sleep(300);
  const before = rssKb(pid);
  const cpuBefore = cpuSeconds(pid);
  const sockets = [];
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i += batch) {
    const size = Math.min(batch, n - i);
    sockets.push(...await Promise.all(Array.from({ length: size }, openOne)));
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const serverCpuSeconds = cpuSeconds(pid) - cpuBefore;
  await sleep(settleMs); // let the server finish what it allocates after the last reply
  const after = rssKb(pid);
  let idleCpuPercent = null;
  if (idleSeconds > 0) {
    const cpu0 = cpuSeconds(pid);
    await sleep(idleSeconds * 1000);
    idleCpuPercent = (cpuSeconds(pid) - cpu0) / idleSeconds * 100;
  }
  const alive = sockets.filter((s) => s.readyState === WebSocket.OPEN).length;
  console.log(JSON.stringify({ n, batch, seconds, rssBeforeKb: before, rssAfterKb: after,
                               kbPerConnection: (after - before) / n, serverCpuSeconds, idleCpuPercent, alive }));
  for (const s of sockets) s.terminate();
  await sleep(200);
  process.exit(0);
})().catch((e) => { console.error(`client failed: ${e.message}`); process.exit(1); });
