'use strict';
// lilac_client.js against a real lilacd with prpl-fake on the fake network: logs in, follows
// events (StreamOpened, connection, heartbeat), sends a message, logs out. Run by
// //clients/node:fake_network_client_test; exits 0 when every check holds.
const {connect, call, EventFollower} = require('../lilac_client');

function arg(name) {
  const prefix = `--${name}=`;
  const found = process.argv.find((a) => a.startsWith(prefix));
  if (!found) throw new Error(`missing --${name}`);
  return found.slice(prefix.length);
}

function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
  console.log(`ok: ${what}`);
}

async function main() {
  const lilac = connect(arg('lilacd'), {protos: arg('protos')});
  const login = await call(lilac, 'Login', {
    session: 'node-alice', protocol: 'prpl-fake', username: 'alice', password: 'secret',
    settings: {server: arg('server'), port: arg('port')},
    connect_timeout: {seconds: '30', nanos: 0},
  });
  check(login.session.session === 'node-alice', 'logged in as node-alice');

  let sent = false;
  let loggedOut = false;
  let heartbeats = 0;
  // Once the message is out the stream idles: its heartbeat is the cue to log out.
  const follower = new EventFollower(lilac, {
    sessions: ['node-alice'], heartbeatSeconds: 1,
    onRetry: (error) => console.log(`stream broke, retrying: ${error.message}`),
    onHeartbeat: () => {
      ++heartbeats;
      if (sent && !loggedOut) {
        loggedOut = true;
        console.log('ok: an idle stream gets heartbeats');
        call(lilac, 'Logout', {session: 'node-alice'}).catch((error) => {
          console.log(`FAILED: Logout: ${error.message}`);
          process.exit(1);
        });
      }
    },
  });
  const timeout = setTimeout(() => {
    console.log(`FAILED: timed out (sent ${sent}, heartbeats ${heartbeats})`);
    process.exit(1);
  }, 60000);
  for await (const event of follower) {
    if (event.connection_changed &&
        event.connection_changed.state === 'CONNECTION_STATE_CONNECTED' && !sent) {
      check(/^[0-9a-f]{32}$/.test(follower.instanceId), 'the stream named this lilacd run');
      const reply = await call(lilac, 'SendMessage', {
        session: 'node-alice', to: 'bob', text: 'hello from node', client_message_id: 'n-1'});
      check(reply.accepted && reply.client_message_id === 'n-1', 'the message was accepted');
      sent = true;
    }
    if (event.session_ended) {
      check(loggedOut, 'the session ended after Logout');
      break;
    }
  }
  follower.close();
  clearTimeout(timeout);
  console.log('all checks passed');
  lilac.close();
}

main().catch((error) => {
  console.log(`FAILED: ${error.message}`);
  process.exit(1);
});
