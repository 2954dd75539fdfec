// The bare Node.js baseline: every text message written to every other client of its room (the URL's path), the same
// string to all. No auth, no JSON, the `ws` package Socket.IO itself runs on.
const { WebSocketServer } = require('ws');
const port = Number(process.argv[2]);
const server = new WebSocketServer({ port, perMessageDeflate: false });
const rooms = new Map();
server.on('connection', (socket, request) => {
  const path = new URL(request.url, 'http://localhost').pathname;
  let room = rooms.get(path);
  if (!room) {
    room = new Set();
    rooms.set(path, room);
  }
  room.add(socket);
  socket.on('close', () => room.delete(socket));
  socket.on('message', (data, isBinary) => {
    for (const other of room) {
      if (other !== socket) {
        other.send(data, { binary: isBinary });
      }
    }
  });
});
console.log('listening on ' + port);
