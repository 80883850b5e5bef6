// Package lilacclient follows lilacd's event stream (lilac.v1): it resumes from
// cursors after a broken stream, notices a restarted lilacd (explicit resets)
// and takes heartbeats.
package lilacclient

import (
	"context"
	"sort"
	"sync"
	"time"

	lilacv1 "lilac/v1"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Cursor is where to resume one session: after Sequence, seen on InstanceID.
type Cursor struct {
	Sequence   uint64
	InstanceID string
}

// Follower delivers the events of some sessions, in order per session.
type Follower struct {
	Client    lilacv1.LilacServiceClient
	Sessions  []string
	Heartbeat time.Duration
	// OnReset is told when lilacd resets a session's cursor.
	OnReset func(session string)

	mu            sync.Mutex
	cursors       map[string]Cursor
	instanceID    string
	lastHeartbeat time.Time
}

// NewFollower follows `sessions`, resuming from `cursors` (may be nil).
func NewFollower(client lilacv1.LilacServiceClient, sessions []string, cursors map[string]Cursor) *Follower {
	f := &Follower{Client: client, Sessions: sessions, Heartbeat: 30 * time.Second, cursors: map[string]Cursor{}}
	for session, cursor := range cursors {
		f.cursors[session] = cursor
	}
	return f
}

// Cursors returns where to resume each session.
func (f *Follower) Cursors() map[string]Cursor {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]Cursor{}
	for session, cursor := range f.cursors {
		out[session] = cursor
	}
	return out
}

// InstanceID names the lilacd run of the current stream.
func (f *Follower) InstanceID() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.instanceID
}

// LastHeartbeat is when the last heartbeat arrived (zero if none).
func (f *Follower) LastHeartbeat() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lastHeartbeat
}

func (f *Follower) request() *lilacv1.StreamEventsRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	names := map[string]bool{}
	for _, s := range f.Sessions {
		names[s] = true
	}
	for s := range f.cursors {
		names[s] = true
	}
	sorted := make([]string, 0, len(names))
	for s := range names {
		sorted = append(sorted, s)
	}
	sort.Strings(sorted)
	request := &lilacv1.StreamEventsRequest{HeartbeatInterval: durationpb.New(f.Heartbeat)}
	for _, s := range sorted {
		c := f.cursors[s]
		request.Sessions = append(request.Sessions, &lilacv1.SessionCursor{
			Session: s, AfterSequence: c.Sequence, InstanceId: c.InstanceID})
	}
	return request
}

// Run sends every event to `events` until ctx ends or the stream fails for
// good (a refused request); a broken stream is followed again with backoff.
func (f *Follower) Run(ctx context.Context, events chan<- *lilacv1.Event) error {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		stream, err := f.Client.StreamEvents(ctx, f.request())
		for err == nil {
			var message *lilacv1.StreamEventsResponse
			message, err = stream.Recv()
			if err != nil {
				break
			}
			switch kind := message.Kind.(type) {
			case *lilacv1.StreamEventsResponse_Opened:
				backoff = 100 * time.Millisecond
				f.mu.Lock()
				f.instanceID = kind.Opened.InstanceId
				for _, s := range kind.Opened.ResetSessions {
					// Still followed, from its oldest buffered event.
					f.cursors[s] = Cursor{0, f.instanceID}
				}
				f.mu.Unlock()
				for _, s := range kind.Opened.ResetSessions {
					if f.OnReset != nil {
						f.OnReset(s)
					}
				}
			case *lilacv1.StreamEventsResponse_Heartbeat:
				f.mu.Lock()
				f.lastHeartbeat = time.Now()
				f.mu.Unlock()
			case *lilacv1.StreamEventsResponse_Event:
				// The cursor moves only past what was delivered.
				select {
				case events <- kind.Event:
				case <-ctx.Done():
					return ctx.Err()
				}
				f.mu.Lock()
				f.cursors[kind.Event.Session] = Cursor{kind.Event.Sequence, f.instanceID}
				if kind.Event.GetSessionEnded() != nil {
					// Nothing follows; a later stream must not name it.
					delete(f.cursors, kind.Event.Session)
					f.Sessions = without(f.Sessions, kind.Event.Session)
				}
				f.mu.Unlock()
			}
		}
		switch status.Code(err) {
		case codes.InvalidArgument, codes.NotFound, codes.PermissionDenied,
			codes.Unauthenticated, codes.Unimplemented:
			return err
		}
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
		}
		if backoff *= 2; backoff > 30*time.Second {
			backoff = 30 * time.Second
		}
	}
	return ctx.Err()
}

func without(sessions []string, session string) []string {
	kept := sessions[:0:0]
	for _, s := range sessions {
		if s != session {
			kept = append(kept, s)
		}
	}
	return kept
}
