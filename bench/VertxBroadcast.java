import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline: a bare Vert.x WebSocket server that writes every text message it receives to every other connection
 * of its room, on one event loop, the same String to all. A room is the URL's path. No auth, no JSON: the floor
 * Roomcast is compared with. Run by bench/run with Roomcast's own vertx-core and Netty jars on the classpath.
 */
public class VertxBroadcast {
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Vertx vertx = Vertx.vertx();
        Map<String, List<ServerWebSocket>> rooms = new HashMap<>();
        vertx.createHttpServer()
                .webSocketHandler(ws -> {
                    List<ServerWebSocket> room = rooms.computeIfAbsent(ws.path(), path -> new ArrayList<>());
                    room.add(ws);
                    ws.closeHandler(ignored -> room.remove(ws));
                    ws.textMessageHandler(text -> {
                        for (ServerWebSocket other : room) {
                            if (other != ws) {
                                other.writeTextMessage(text);
                            }
                        }
                    });
                })
                .listen(port)
                .onSuccess(server -> System.out.println("listening on " + port));
    }
}
