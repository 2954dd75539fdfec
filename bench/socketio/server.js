// The Socket.IO comparison: every "publish" re-emitted to the other clients of the sender's room (the handshake's
// `room` query parameter, `bench` without one), WebSocket transport only.
// With REDIS_URL set, the servers of a cluster are linked by Socket.IO's Redis adapter (the two-pod scenario).
const { Server } = require('socket.io');
const port = Number(process.argv[2]);

async function main() {
  const io = new Server(port, { transports: ['websocket'], perMessageDeflate: false });
  if (process.env.REDIS_URL) {
    const { createClient } = require('redis');
    const { createAdapter } = require('@socket.io/redis-adapter');
    const pub = createClient({ url: process.env.REDIS_URL });
    const sub = pub.duplicate();
    await Promise.all([pub.connect(), sub.connect()]);
    io.adapter(createAdapter(pub, sub));
  }
  io.on('connection', (socket) => {
    const room = String(socket.handshake.query.room || 'bench');
    socket.join(room);
    socket.on('publish', (data) => socket.to(room).emit('tick', data));
  });
  console.log('listening on ' + port);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
