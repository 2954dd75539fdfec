// The Socket.IO comparison: one room, every "publish" re-emitted to the room's other clients, WebSocket transport only.
const { Server } = require('socket.io');
const port = Number(process.argv[2]);
const io = new Server(port, { transports: ['websocket'], perMessageDeflate: false });
io.on('connection', (socket) => {
  socket.join('bench');
  socket.on('publish', (data) => socket.to('bench').emit('tick', data));
});
console.log('listening on ' + port);
