// Command scenario runs lilacclient against a real lilacd and prpl-jabber on a
// real Prosody: two accounts message each other, meet in a room, and a follower
// resumes after stopping without losing or repeating an event. Run by
// //clients/go:xmpp_client_test; exits 0 when every check holds.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	lilacv1 "lilac/v1"
	"lilacclient"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/durationpb"
)

const timeout = 30 * time.Second

var (
	address   = flag.String("lilacd", "", "lilacd's address")
	domain    = flag.String("domain", "", "the XMPP domain")
	mucDomain = flag.String("muc_domain", "", "the MUC domain")
	port      = flag.String("port", "", "Prosody's c2s port")
	alicePass = flag.String("alice_password", "", "")
	bobPass   = flag.String("bob_password", "", "")
)

func check(ok bool, what string) {
	if !ok {
		fmt.Println("FAILED:", what)
		os.Exit(1)
	}
	fmt.Println("ok:", what)
}

func must(err error, what string) {
	if err != nil {
		fmt.Println("FAILED:", what+":", err)
		os.Exit(1)
	}
}

// next waits for an event that satisfies `match`.
func next(events <-chan *lilacv1.Event, what string, match func(*lilacv1.Event) bool) *lilacv1.Event {
	deadline := time.After(timeout)
	for {
		select {
		case event := <-events:
			if match(event) {
				return event
			}
		case <-deadline:
			check(false, "no event within 30s: "+what)
		}
	}
}

func main() {
	flag.Parse()
	conn, err := grpc.Dial(*address, grpc.WithInsecure())
	must(err, "dial lilacd")
	client := lilacv1.NewLilacServiceClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	jid := func(user string) string { return user + "@" + *domain }

	for user, password := range map[string]string{"alice": *alicePass, "bob": *bobPass} {
		_, err := client.Login(ctx, &lilacv1.LoginRequest{
			Session: user, Protocol: "prpl-jabber", Username: jid(user) + "/lilac", Password: password,
			Settings: map[string]string{"connect_server": "127.0.0.1", "port": *port,
				"connection_security": "opportunistic_tls", "auth_plain_in_clear": "true"},
			ConnectTimeout: durationpb.New(timeout)})
		must(err, "Login "+user)
	}
	follower := lilacclient.NewFollower(client, []string{"alice", "bob"}, nil)
	follower.Heartbeat = time.Second
	events := make(chan *lilacv1.Event, 1024)
	followCtx, stopFollowing := context.WithCancel(ctx)
	go follower.Run(followCtx, events)
	// Both at once: either may sign on first, and next drops what it skips.
	waiting := map[string]bool{"alice": true, "bob": true}
	for len(waiting) > 0 {
		e := next(events, "alice and bob connected", func(e *lilacv1.Event) bool {
			return waiting[e.Session] && e.GetConnectionChanged().GetState() == lilacv1.ConnectionState_CONNECTION_STATE_CONNECTED
		})
		delete(waiting, e.Session)
	}
	check(len(follower.InstanceID()) == 32, "the stream named this lilacd run")

	sent, err := client.SendMessage(ctx, &lilacv1.SendMessageRequest{
		Session: "alice", To: jid("bob"), Text: "hello from go", ClientMessageId: "go-1"})
	must(err, "SendMessage")
	check(sent.Accepted, "alice's message was accepted")
	got := next(events, "bob gets it", func(e *lilacv1.Event) bool {
		return e.Session == "bob" && e.GetMessageReceived().GetText() == "hello from go"
	})
	check(got.GetMessageReceived().Peer == jid("alice"), "bob sees it from alice")
	_, err = client.SendMessage(ctx, &lilacv1.SendMessageRequest{Session: "bob", To: jid("alice"), Text: "hi go"})
	must(err, "SendMessage back")
	next(events, "alice gets the reply", func(e *lilacv1.Event) bool {
		return e.Session == "alice" && e.GetMessageReceived().GetText() == "hi go"
	})

	room := "golilac@" + *mucDomain
	_, err = client.JoinChat(ctx, &lilacv1.JoinChatRequest{Session: "alice", Chat: room, Nickname: "alice"})
	must(err, "JoinChat alice")
	next(events, "alice joined", func(e *lilacv1.Event) bool { return e.Session == "alice" && e.GetChatJoined() != nil })
	subject, err := client.SetChatSubject(ctx, &lilacv1.SetChatSubjectRequest{Session: "alice", Chat: room, Subject: "from go"})
	must(err, "SetChatSubject")
	check(subject.GetFailure() == nil && subject.GetSubject() == "from go", "the network confirmed the subject")
	next(events, "the room is configured", func(e *lilacv1.Event) bool {
		return e.Session == "alice" && e.GetChatSubjectChanged().GetSubject() == "from go"
	})
	_, err = client.JoinChat(ctx, &lilacv1.JoinChatRequest{Session: "bob", Chat: room, Nickname: "bob"})
	must(err, "JoinChat bob")
	next(events, "bob joined", func(e *lilacv1.Event) bool { return e.Session == "bob" && e.GetChatJoined() != nil })
	said, err := client.SendChatMessage(ctx, &lilacv1.SendChatMessageRequest{Session: "alice", Chat: room, Text: "hello room"})
	must(err, "SendChatMessage")
	check(said.Accepted, "the room message was accepted")
	heard := next(events, "bob hears it", func(e *lilacv1.Event) bool {
		return e.Session == "bob" && e.GetChatMessageReceived().GetText() == "hello room"
	})
	check(heard.GetChatMessageReceived().SenderNickname == "alice", "from alice's nickname")

	caps, err := client.GetCapabilities(ctx, &lilacv1.GetCapabilitiesRequest{Session: "alice", Chat: room})
	must(err, "GetCapabilities")
	check(caps.GetSession().GetChatList() && caps.GetSession().GetSendFiles(), "XMPP lists chats and sends files")
	check(caps.GetChat().GetRole().GetFounder(), "alice founded the room")
	listed, err := client.ListChats(ctx, &lilacv1.ListChatsRequest{Session: "alice"})
	must(err, "ListChats")
	found := false
	for _, c := range listed.GetChats() {
		found = found || c.GetChat() == room
	}
	check(found, "the directory lists the room")

	// Resume: stop following, send something meanwhile, follow again from the cursors.
	stopFollowing()
	cursors := follower.Cursors()
	_, err = client.SendMessage(ctx, &lilacv1.SendMessageRequest{Session: "bob", To: jid("alice"), Text: "while away"})
	must(err, "SendMessage while away")
	resumed := lilacclient.NewFollower(client, nil, map[string]lilacclient.Cursor{"alice": cursors["alice"]})
	again := make(chan *lilacv1.Event, 1024)
	go resumed.Run(ctx, again)
	first := next(again, "the first event after resuming", func(*lilacv1.Event) bool { return true })
	check(first.Sequence == cursors["alice"].Sequence+1, "resumed right after the last event seen")

	for _, user := range []string{"alice", "bob"} {
		_, err := client.Logout(ctx, &lilacv1.LogoutRequest{Session: user})
		must(err, "Logout "+user)
	}
	fmt.Println("all checks passed")
}
