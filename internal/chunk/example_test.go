package chunk_test

import (
	"fmt"

	"github.com/posthorn/posthorn/internal/chunk"
	"github.com/posthorn/posthorn/transfer"
)

// A sender encodes one send into chunks; a receiver parses each chunk and
// feeds it to the Reassembler it keeps for that peer.
func Example() {
	f := chunk.Framing018

	// Sender: one NonceCounter per action, shared by all target peers.
	var nonces chunk.NonceCounter
	data := make([]byte, 20000)
	tx, err := nonces.Encode(f, "file", transfer.KindBinary, data, []byte(`{"name":"a.bin"}`))
	if err != nil {
		panic(err)
	}
	var wire [][]byte // stands in for the data channel
	for chunk, ok := tx.Next(); ok; chunk, ok = tx.Next() {
		wire = append(wire, append([]byte(nil), chunk...)) // chunk is reused by Next
	}

	// Receiver.
	r := chunk.NewReassembler(f, transfer.Limits{})
	for _, b := range wire {
		c, err := f.Parse(b)
		if err != nil {
			fmt.Println("bad chunk:", err)
			continue
		}
		// (The room checks here that c.Type is a registered action.)
		msg, prog, err := r.Push(c)
		if err != nil {
			fmt.Println("dropped:", err)
			continue
		}
		fmt.Printf("%s #%d: %3.0f%% meta=%s\n", prog.Action, prog.Nonce, 100*prog.Fraction(), prog.Meta)
		if msg != nil {
			fmt.Printf("received %s %s: %d bytes, meta %s\n", msg.Kind, msg.Action, len(msg.Data), msg.Meta)
		}
	}
	// Output:
	// file #0:  33% meta={"name":"a.bin"}
	// file #0:  67% meta={"name":"a.bin"}
	// file #0: 100% meta={"name":"a.bin"}
	// received binary file: 20000 bytes, meta {"name":"a.bin"}
}

// A KindJSON send: the payload is JSON.stringify's bytes.
func ExampleFraming_Encode_json() {
	tx, _ := chunk.Framing018.Encode("chat", 1, transfer.KindJSON, []byte(`{"a":1}`), nil)
	c, _ := tx.Next()
	fmt.Printf("%x\n", c)
	// Output:
	// 6368617400000000000000000109ff7b2261223a317d
}
