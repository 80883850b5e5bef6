// Command echo logs in and answers every one-to-one message with its own text.
//
//	echo --lilacd 127.0.0.1:5345 --protocol prpl-jabber --username bot@example.org/lilac
//
// The password is read from the LILAC_PASSWORD environment variable, never argv.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"

	lilacv1 "lilac/v1"
	"lilacclient"

	"google.golang.org/grpc"
)

func main() {
	address := flag.String("lilacd", "127.0.0.1:5345", "lilacd's address")
	session := flag.String("session", "echo-bot", "the session key")
	protocol := flag.String("protocol", "", "a protocol id from ListProtocols")
	username := flag.String("username", "", "the account's username")
	flag.Parse()
	conn, err := grpc.Dial(*address, grpc.WithInsecure())
	if err != nil {
		log.Fatal(err)
	}
	client := lilacv1.NewLilacServiceClient(conn)
	ctx := context.Background()
	if _, err := client.Login(ctx, &lilacv1.LoginRequest{Session: *session, Protocol: *protocol,
		Username: *username, Password: os.Getenv("LILAC_PASSWORD"),
		Reconnect: &lilacv1.ReconnectPolicy{Enabled: true}}); err != nil {
		log.Fatal(err)
	}
	events := make(chan *lilacv1.Event, 64)
	go func() { log.Fatal(lilacclient.NewFollower(client, []string{*session}, nil).Run(ctx, events)) }()
	for event := range events {
		if m := event.GetMessageReceived(); m != nil && !m.GetFlags().GetSentByUsElsewhere() {
			if _, err := client.SendMessage(ctx, &lilacv1.SendMessageRequest{
				Session: *session, To: m.Peer, Text: m.Text,
				ClientMessageId: fmt.Sprintf("echo-%d", event.Sequence)}); err != nil {
				log.Print(err)
			}
		}
	}
}
