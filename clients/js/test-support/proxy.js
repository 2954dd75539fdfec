// A TCP forwarder standing in for a Kubernetes Service in front of the pods: each new connection goes to the
// current target, and a test moves the target when it kills a pod, as endpoints follow readiness.
import net from 'node:net';

/**
 * @param {{host: string, port: number}} target
 * @returns {Promise<{url: string, switchTo(target: {host: string, port: number}): void, close(): void}>}
 */
export async function startProxy(target) {
  let current = target;
  const pairs = new Set();
  const server = net.createServer((downstream) => {
    const upstream = net.connect(current.port, current.host);
    const pair = { downstream, upstream };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      downstream.destroy();
      upstream.destroy();
    };
    for (const socket of [downstream, upstream]) {
      socket.on('error', end);
      socket.on('close', end);
    }
    downstream.pipe(upstream);
    upstream.pipe(downstream);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${server.address().port}`,
    switchTo(next) {
      current = next;
    },
    close() {
      for (const { downstream, upstream } of pairs) {
        downstream.destroy();
        upstream.destroy();
      }
      server.close();
    },
  };
}
