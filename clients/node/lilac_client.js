'use strict';
// A Node.js client for lilacd (lilac.v1): the protos loaded at run time with
// @grpc/proto-loader, and an event follower that resumes from its cursors.
//
//   const {connect, EventFollower} = require('./lilac_client');
//   const lilac = connect('127.0.0.1:5345', {protos: 'protos'});
//   for await (const event of new EventFollower(lilac, {sessions: ['bot']})) { ... }

const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

// Field names as in the protos, 64-bit numbers as strings, enums by name, empty repeated
// fields as empty arrays.
const LOAD_OPTIONS = {keepCase: true, longs: String, enums: String, oneofs: true, arrays: true};

// A LilacService client for `address`; `protos` is the import root (the repository's protos/).
function connect(address, {protos = 'protos', credentials} = {}) {
  const definition = protoLoader.loadSync('lilac/v1/lilac.proto',
      {...LOAD_OPTIONS, includeDirs: [protos]});
  const {LilacService} = grpc.loadPackageDefinition(definition).lilac.v1;
  return new LilacService(address, credentials || grpc.credentials.createInsecure());
}

// Calls a unary method as a promise: await call(lilac, 'Login', {...}).
function call(client, method, request, deadlineSeconds = 30) {
  return new Promise((resolve, reject) => {
    client[method](request, {deadline: Date.now() + deadlineSeconds * 1000},
        (error, response) => (error ? reject(error) : resolve(response)));
  });
}

const FATAL = new Set([grpc.status.INVALID_ARGUMENT, grpc.status.NOT_FOUND,
  grpc.status.PERMISSION_DENIED, grpc.status.UNAUTHENTICATED, grpc.status.UNIMPLEMENTED]);

// Events of some sessions, in order per session, as an async iterator. Keeps a cursor per
// session (last sequence, lilacd run); when the stream breaks it reconnects with backoff and
// resumes right after the last event given. `onReset(session)` is told when lilacd resets a
// cursor (another run, or ahead of the session); each heartbeat sets `lastHeartbeat` and
// calls `onHeartbeat(time)`; `onRetry(error)` is told of each broken stream before retrying.
class EventFollower {
  constructor(client, {sessions = [], allSessions = false, cursors = {}, heartbeatSeconds = 30,
    onReset = () => {}, onHeartbeat = () => {}, onRetry = () => {},
    maxBackoffSeconds = 30} = {}) {
    this.client = client;
    this.sessions = new Set(sessions);
    this.allSessions = allSessions;
    this.cursors = {...cursors};
    this.heartbeatSeconds = heartbeatSeconds;
    this.onReset = onReset;
    this.onHeartbeat = onHeartbeat;
    this.onRetry = onRetry;
    this.maxBackoff = maxBackoffSeconds * 1000;
    this.instanceId = '';
    this.lastHeartbeat = null;
    this.closed = false;
    this.call = null;
  }

  close() {
    this.closed = true;
    if (this.call) this.call.cancel();
  }

  request() {
    const names = new Set([...this.sessions, ...Object.keys(this.cursors)]);
    return {
      all_sessions: this.allSessions,
      heartbeat_interval: {seconds: String(this.heartbeatSeconds), nanos: 0},
      sessions: [...names].sort().map((session) => {
        const [after, instance] = this.cursors[session] || ['0', ''];
        return {session, after_sequence: after, instance_id: instance};
      }),
    };
  }

  async* [Symbol.asyncIterator]() {
    let backoff = 100;
    while (!this.closed) {
      this.call = this.client.StreamEvents(this.request());
      try {
        for await (const message of this.call) {
          if (message.opened) {
            backoff = 100;
            this.instanceId = message.opened.instance_id;
            for (const session of message.opened.reset_sessions) {
              // Still followed, from its oldest buffered event.
              this.cursors[session] = ['0', this.instanceId];
              this.onReset(session);
            }
          } else if (message.heartbeat) {
            this.lastHeartbeat = message.heartbeat.time;
            this.onHeartbeat(message.heartbeat.time);
          } else if (message.event) {
            const event = message.event;
            this.cursors[event.session] = [event.sequence, this.instanceId];
            if (event.session_ended) {
              delete this.cursors[event.session];
              this.sessions.delete(event.session);
            }
            yield event;
          }
        }
        return;  // the server ended the stream
      } catch (error) {
        if (this.closed || error.code === grpc.status.CANCELLED) return;
        // Only a broken stream is worth retrying; a bug or a refusal is not.
        if (error.code === undefined || FATAL.has(error.code)) throw error;
        this.onRetry(error);
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, this.maxBackoff);
      }
    }
  }
}

module.exports = {connect, call, EventFollower, grpc};
