package posthorn

import "github.com/posthorn/posthorn/transfer"

// Message is one complete message an action received: its Kind, the data as
// sent and any metadata. It is transfer.Message, named here so that a
// program that only chats needs no other import.
type Message = transfer.Message
