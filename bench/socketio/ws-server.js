// The bare Node.js baseline: every text message written to every other client, the same string to all. No auth, no
// rooms, no JSON, the `ws` package Socket.IO itself runs on.
const { WebSocketServer } = require('ws');
const port = Number(process.argv[2]);
const server = new WebSocketServer({ port, perMessageDeflate: false });
server.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => {
    for (const other of server.clients) {
      if (other !== socket) {
        other.send(data, { binary: isBinary });
      }
    }
  });
});
console.log('listening on ' + port);
