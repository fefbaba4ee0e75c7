package nostrrelay

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	gonostr "github.com/nbd-wtf/go-nostr"
)

func TestEphemeralEventIsForwardedByTagAndNotStored(t *testing.T) {
	_, url := startRelay(t, Config{})
	sub, pub := dial(t, url), dial(t, url)
	now := time.Now().Unix()
	sub.send(fmt.Sprintf(`["REQ","s1",{"kinds":[29333],"since":%d,"#x":["trystero/a/r"]}]`, now-5))
	sub.expect("EOSE")

	other, _ := signed(t, 29333, gonostr.Tags{{"x", "trystero/a/other"}}, `"x"`, now)
	pub.send(`["EVENT",` + other + `]`)
	if m := pub.expect("OK"); string(m[2]) != "true" {
		t.Fatalf("OK %s", m)
	}
	want, ev := signed(t, 29333, gonostr.Tags{{"x", "trystero/a/r"}}, `"<&>é"`, now)
	pub.send(`["EVENT",` + want + `]`)
	pub.expect("OK")

	m := sub.expect("EVENT") // the non-matching event never arrives first
	if str(m[1]) != "s1" || string(m[2]) != want {
		t.Fatalf("forwarded %s", m)
	}
	// Ephemeral: a new subscription gets nothing stored.
	sub.send(`["REQ","s2",{"ids":["` + ev.ID + `"]}]`)
	if m := sub.recv(); str(m[0]) != "EOSE" {
		t.Fatalf("ephemeral event was stored: %s", m)
	}
}

func TestRegularEventsAreStoredAndQueried(t *testing.T) {
	_, url := startRelay(t, Config{MaxStored: 3})
	c := dial(t, url)
	var evs []gonostr.Event
	for i := range 4 { // the first is evicted
		j, e := signed(t, 1, gonostr.Tags{{"t", fmt.Sprint(i % 2)}}, fmt.Sprint("note ", i), int64(1000+i))
		c.send(`["EVENT",` + j + `]`)
		c.expect("OK")
		evs = append(evs, e)
	}
	// duplicate
	c.send(`["EVENT",` + evs[3].String() + `]`)
	if m := c.expect("OK"); string(m[2]) != "true" || !strings.HasPrefix(str(m[3]), "duplicate:") {
		t.Fatalf("duplicate: %s", m)
	}
	tests := []struct {
		name   string
		filter string
		want   []int // indexes into evs, in order received
	}{
		{"all newest first", `{}`, []int{3, 2, 1}},
		{"limit", `{"limit":2}`, []int{3, 2}},
		{"limit 0", `{"limit":0}`, nil},
		{"tag", `{"#t":["1"]}`, []int{3, 1}},
		{"since until", `{"since":1002,"until":1002}`, []int{2}},
		{"ids", `{"ids":["` + evs[1].ID + `"]}`, []int{1}},
		{"evicted", `{"ids":["` + evs[0].ID + `"]}`, nil},
		{"authors", `{"authors":["` + evs[0].PubKey + `"],"kinds":[1]}`, []int{3, 2, 1}},
		{"other kind", `{"kinds":[2]}`, nil},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sid := fmt.Sprint("q", i)
			c.send(`["REQ","` + sid + `",` + tc.filter + `]`)
			var got []int
			for {
				m := c.recv()
				if str(m[0]) == "EOSE" {
					break
				}
				for k, e := range evs {
					if strings.Contains(string(m[2]), e.ID) {
						got = append(got, k)
					}
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			c.send(`["CLOSE","` + sid + `"]`)
		})
	}
}

func TestInvalidInputKeepsConnection(t *testing.T) {
	_, url := startRelay(t, Config{})
	c := dial(t, url)
	good, ev := signed(t, 29333, gonostr.Tags{{"x", "t"}}, "hi", time.Now().Unix())
	badSig := strings.Replace(good, ev.Sig, strings.Repeat("0", 128), 1)
	badID := strings.Replace(good, `"hi"`, `"ho"`, 1)
	for _, tc := range []struct{ msg, typ, text string }{
		{`not json`, "NOTICE", "invalid:"},
		{`{}`, "NOTICE", "invalid:"},
		{`[]`, "NOTICE", "invalid:"},
		{`["PING"]`, "NOTICE", "unknown message type"},
		{`["REQ"]`, "NOTICE", "subscription id"},
		{`["REQ","` + strings.Repeat("a", 65) + `",{}]`, "NOTICE", "subscription id"},
		{`["REQ","s",5]`, "NOTICE", "filter"},
		{`["REQ","s",{"kinds":"x"}]`, "NOTICE", "kinds"},
		{`["REQ","s"]`, "NOTICE", "filters"},
		{`["EVENT",{"id":5}]`, "NOTICE", "invalid: malformed event"},
		{`["EVENT",` + badSig + `]`, "OK", "invalid: bad signature"},
		{`["EVENT",` + badID + `]`, "OK", "invalid: event id"},
	} {
		c.send(tc.msg)
		m := c.expect(tc.typ)
		text := str(m[1])
		if tc.typ == "OK" {
			if string(m[2]) != "false" {
				t.Fatalf("%s accepted: %s", tc.msg, m)
			}
			text = str(m[3])
		}
		if !strings.Contains(text, tc.text) {
			t.Errorf("%.40s: reply %q does not contain %q", tc.msg, text, tc.text)
		}
	}
	c.send(`["EVENT",` + good + `]`)
	if m := c.expect("OK"); string(m[2]) != "true" {
		t.Fatalf("valid event after errors: %s", m)
	}
}

func TestCloseEndsSubscription(t *testing.T) {
	_, url := startRelay(t, Config{})
	sub, pub := dial(t, url), dial(t, url)
	sub.send(`["REQ","a",{"#x":["t"]}]`)
	sub.expect("EOSE")
	sub.send(`["REQ","b",{"#x":["marker"]}]`)
	sub.expect("EOSE")
	sub.send(`["CLOSE","a"]`)
	// CLOSE has no reply; a REQ round trip proves it was processed.
	sub.send(`["REQ","sync",{"#x":["none"]}]`)
	sub.expect("EOSE")
	e1, _ := signed(t, 29333, gonostr.Tags{{"x", "t"}}, "1", time.Now().Unix())
	e2, _ := signed(t, 29333, gonostr.Tags{{"x", "marker"}}, "2", time.Now().Unix())
	pub.send(`["EVENT",` + e1 + `]`)
	pub.expect("OK")
	pub.send(`["EVENT",` + e2 + `]`)
	pub.expect("OK")
	if m := sub.expect("EVENT"); str(m[1]) != "b" {
		t.Fatalf("closed subscription got %s", m)
	}
}

func TestLimits(t *testing.T) {
	_, url := startRelay(t, Config{MaxSubscriptions: 2, MaxFilters: 2, MaxMessageBytes: 4096})
	c := dial(t, url)
	c.send(`["REQ","a",{}]`)
	c.expect("EOSE")
	c.send(`["REQ","b",{}]`)
	c.expect("EOSE")
	c.send(`["REQ","a",{"kinds":[1]}]`) // replacing is fine
	c.expect("EOSE")
	c.send(`["REQ","c",{}]`)
	if m := c.expect("CLOSED"); str(m[1]) != "c" {
		t.Fatalf("CLOSED %s", m)
	}
	c.send(`["REQ","d",{},{},{}]`)
	c.expect("NOTICE")

	c.send(`["EVENT",{"content":"` + strings.Repeat("x", 5000) + `"}]`)
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if _, _, err := c.ws.Read(ctx); websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
		t.Fatalf("oversized message: %v, want close 1009", err)
	}
}

func TestServerRefusesPlainHTTPAndClose(t *testing.T) {
	s, url := startRelay(t, Config{})
	c := dial(t, url)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if _, _, err := c.ws.Read(ctx); err == nil {
		t.Fatal("connection survived Close")
	}
}
