// Drives the official socket.io-client against a Loopin server; prints one JSON line of what happened.
// usage: node client.mjs <url> <token> <conversation_id>
import { io } from "socket.io-client";

const [url, token, conversationId] = process.argv.slice(2);
const out = {};
const timer = setTimeout(() => { out.timeout = true; finish(1); }, 20000);

function finish(code) {
  clearTimeout(timer);
  console.log(JSON.stringify(out));
  process.exit(code);
}

const refused = io(url, { transports: ["websocket"], auth: { token: "not-a-token" }, reconnection: false });
refused.on("connect_error", (err) => {
  out.refused = { message: err.message, data: err.data };
  refused.close();
  const socket = io(url, { transports: ["websocket"], auth: { token }, reconnection: false });
  const done = () => {
    if (out.received && out.sync) {
      socket.close();
      finish(0);
    }
  };
  socket.on("message", (m) => {
    out.received = m;
    done();
  });
  socket.on("connect", async () => {
    out.connected = true;
    out.sent = await socket.emitWithAck("send", { conversation_id: conversationId, client_message_id: "js-1", body: "from node" });
    out.bad = await socket.emitWithAck("send", { conversation_id: conversationId });
    out.sync = await socket.emitWithAck("sync", { conversations: [{ conversation_id: conversationId, after_seq: 0 }] });
    done();
  });
});
