import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * The baseline: a bare Vert.x WebSocket server that writes every text message it receives to every other connection
 * on one event loop, the same String to all. No auth, no rooms, no JSON: the floor Roomcast is compared with.
 * Run by bench/run with Roomcast's own vertx-core and Netty jars on the classpath.
 */
public class VertxBroadcast {
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Vertx vertx = Vertx.vertx();
        List<ServerWebSocket> sockets = new ArrayList<>();
        vertx.createHttpServer()
                .webSocketHandler(ws -> {
                    sockets.add(ws);
                    ws.closeHandler(ignored -> sockets.remove(ws));
                    ws.textMessageHandler(text -> {
                        for (ServerWebSocket other : sockets) {
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
