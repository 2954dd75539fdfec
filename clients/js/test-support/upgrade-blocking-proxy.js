// An HTTP proxy that refuses every WebSocket upgrade with 403 and forwards everything else, streaming: the kind of
// corporate proxy the SSE transport exists for (protocol.md section 11). Pages loaded through it must work over SSE.
import http from 'node:http';

/**
 * @param {{host: string, port: number}} target
 * @returns {Promise<{url: string, upgradesRefused: () => number, close(): void}>}
 */
export async function startUpgradeBlockingProxy(target) {
  let refused = 0;
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((request, response) => {
    const upstream = http.request(
      { host: target.host, port: target.port, method: request.method, path: request.url, headers: request.headers, agent },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        response.flushHeaders();
        answer.pipe(response);
        // A page that goes away ends its event stream upstream too, as a real proxy would.
        response.on('close', () => {
          if (!answer.complete) answer.destroy();
        });
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  server.on('upgrade', (request, socket) => {
    refused += 1;
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`,
    upgradesRefused: () => refused,
    close() {
      server.closeAllConnections();
      server.close();
      agent.destroy();
    },
  };
}
