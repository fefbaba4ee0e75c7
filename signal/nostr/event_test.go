package nostr

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	gonostr "github.com/nbd-wtf/go-nostr"

	"github.com/posthorn/posthorn/internal/nip01"
	"github.com/posthorn/posthorn/internal/testutil"
)

type nostrCapture struct {
	SelfID          string            `json:"selfId"`
	InitialMessages []json.RawMessage `json:"initialMessages"`
	OfferEvent      json.RawMessage   `json:"offerEvent"`
	AnswerEvent     json.RawMessage   `json:"answerEvent"`
	LeaveMessages   []string          `json:"leaveMessages"`
	EventFieldOrder []string          `json:"eventFieldOrder"`
}

func loadCapture(t *testing.T) nostrCapture {
	t.Helper()
	b := testutil.Vector(t, "018-nostr-capture.json")
	var c nostrCapture
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func compact(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// The captured events verify, and re-encoding them gives JS's exact bytes
// in JS's member order (protocol-0.18 §7.2, §9).
func TestCapturedEvents(t *testing.T) {
	c := loadCapture(t)
	for name, raw := range map[string]json.RawMessage{
		"announcement": c.InitialMessages[2], "offer": c.OfferEvent, "answer": c.AnswerEvent,
	} {
		t.Run(name, func(t *testing.T) {
			m, err := parseRelayMessage(raw) // ["EVENT", ev] has the shape of a sub-less EVENT
			if err != nil && m.Type != "EVENT" {
				t.Fatal(err)
			}
			var arr []json.RawMessage
			if err := json.Unmarshal(raw, &arr); err != nil {
				t.Fatal(err)
			}
			ev, err := parseEvent(arr[1])
			if err != nil {
				t.Fatal(err)
			}
			if err := ev.Verify(); err != nil {
				t.Fatalf("captured event does not verify: %v", err)
			}
			got := eventMessage(ev, false)
			if want := compact(t, raw); string(got) != want {
				t.Fatalf("re-encoded\n%s\nwant\n%s", got, want)
			}
			if ev.Kind != kind {
				t.Fatalf("kind %d", ev.Kind)
			}
		})
	}
	if strings.Join(c.EventFieldOrder, ",") != "kind,content,pubkey,created_at,tags,id,sig" {
		t.Fatalf("field order %v", c.EventFieldOrder)
	}
}

func TestCapturedREQAndCLOSE(t *testing.T) {
	c := loadCapture(t)
	for i, topic := range []string{"trystero/test-app/room-1", "trystero/test-app/room-1/" + c.SelfID} {
		var req []json.RawMessage
		if err := json.Unmarshal(c.InitialMessages[i], &req); err != nil {
			t.Fatal(err)
		}
		var sub string
		var f struct{ Since int64 }
		_ = json.Unmarshal(req[1], &sub)
		_ = json.Unmarshal(req[2], &f)
		if len(sub) != subIDLen {
			t.Fatalf("sub id length %d", len(sub))
		}
		if got, want := string(reqMessage(sub, []int{kind}, []string{topic}, f.Since)), compact(t, c.InitialMessages[i]); got != want {
			t.Fatalf("REQ\n%s\nwant\n%s", got, want)
		}
		if got := string(closeMessage(sub)); got != c.LeaveMessages[i] {
			t.Fatalf("CLOSE %s, want %s", got, c.LeaveMessages[i])
		}
	}
}

// Our events are hashed over exactly JSON.stringify's bytes, also for
// strings Go's encoding/json would escape differently (protocol-0.18 §7.2).
func TestSerializeIsJSONStringify(t *testing.T) {
	k := nip01.NewKeys()
	tests := []struct {
		name, topic, content, want string
	}{
		{"html", "trystero/<a>/&b", `{"x":"<&>"}`,
			`[0,"PK",5,29333,[["x","trystero/<a>/&b"]],"{\"x\":\"<&>\"}"]`},
		{"unicode", "trystero/é/日本", "\u2028\u2029é😀",
			`[0,"PK",5,29333,[["x","trystero/é/日本"]],"` + "\u2028\u2029é😀" + `"]`},
		{"controls", "t", "\n\r\t\b\f\x01\x1f\x7f\"\\",
			`[0,"PK",5,29333,[["x","t"]],"\n\r\t\b\f\u0001\u001f` + "\x7f" + `\"\\"]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev := nip01.Event{Kind: kind, Content: tc.content, PubKey: k.PublicKey, CreatedAt: 5, Tags: [][]string{{tagName, tc.topic}}}
			ser := ev.Serialize()
			if want := strings.Replace(tc.want, "PK", k.PublicKey, 1); string(ser) != want {
				t.Fatalf("serialised\n%s\nwant\n%s", ser, want)
			}
			if err := k.Sign(&ev); err != nil {
				t.Fatal(err)
			}
			h := sha256.Sum256(ser)
			if ev.ID != hex.EncodeToString(h[:]) {
				t.Fatal("id is not the hash of the serialisation")
			}
			if err := ev.Verify(); err != nil {
				t.Fatal(err)
			}
			// go-nostr (what relays such as ours use) agrees.
			ge := goNostr(ev)
			if !ge.CheckID() {
				t.Fatal("go-nostr computes another id")
			}
			wire := ev.Marshal()
			if !bytes.HasPrefix(wire, []byte(`{"kind":29333,"content":`)) {
				t.Fatalf("wire order: %s", wire)
			}
		})
	}
}

func TestVerifyRejects(t *testing.T) {
	k := nip01.NewKeys()
	ev, err := newEvent(k, kind, "trystero/a/r", `"id"`)
	if err != nil {
		t.Fatal(err)
	}
	other := nip01.NewKeys()
	tests := []struct {
		name   string
		mutate func(*nip01.Event)
		want   error
	}{
		{"content", func(e *nip01.Event) { e.Content = `"other"` }, nip01.ErrEventID},
		{"tag", func(e *nip01.Event) { e.Tags[0][1] = "trystero/a/s" }, nip01.ErrEventID},
		{"created_at", func(e *nip01.Event) { e.CreatedAt++ }, nip01.ErrEventID},
		{"short id", func(e *nip01.Event) { e.ID = e.ID[:10] }, nip01.ErrEventShape},
		{"upper hex", func(e *nip01.Event) { e.ID = strings.ToUpper(e.ID) }, nip01.ErrEventShape},
		{"foreign key", func(e *nip01.Event) { e.PubKey = other.PublicKey; e.ID = e.ComputeID() }, nip01.ErrSignature},
		{"zero sig", func(e *nip01.Event) { e.Sig = strings.Repeat("0", 128) }, nip01.ErrSignature},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := ev
			e.Tags = [][]string{{tagName, ev.Tags[0][1]}}
			tc.mutate(&e)
			if err := e.Verify(); !errors.Is(err, tc.want) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
	if err := ev.Verify(); err != nil {
		t.Fatalf("original: %v", err)
	}
	// The event is also valid for go-nostr.
	if ok, err := goNostr(ev).CheckSignature(); !ok || err != nil {
		t.Fatal("go-nostr rejects our signature")
	}
}

func TestParseRelayMessage(t *testing.T) {
	tests := []struct {
		in      string
		typ     string
		wantErr bool
	}{
		{`["EVENT","sub",{"kind":1}]`, "EVENT", false},
		{`["OK","abc",false,"blocked: no"]`, "OK", false},
		{`["EOSE","sub"]`, "EOSE", false},
		{`["NOTICE","hi"]`, "NOTICE", false},
		{`["CLOSED","sub","error: x"]`, "CLOSED", false},
		{`["AUTH","challenge"]`, "AUTH", false}, // unknown types are passed on and ignored
		{`["EVENT","sub"]`, "", true},
		{`["EVENT",5,{}]`, "", true},
		{`["OK","abc","yes"]`, "", true},
		{`{}`, "", true},
		{`[]`, "", true},
		{`[1]`, "", true},
	}
	for _, tc := range tests {
		m, err := parseRelayMessage([]byte(tc.in))
		if tc.wantErr {
			if !errors.Is(err, errRelayMessage) {
				t.Errorf("%s: err = %v", tc.in, err)
			}
			continue
		}
		if err != nil || m.Type != tc.typ {
			t.Errorf("%s: %+v, %v", tc.in, m, err)
		}
	}
}

// TestRoomsOnly: the strategy's watcher skips EVENTs and EOSEs (the rooms
// decode them) and decodes everything else.
func TestRoomsOnly(t *testing.T) {
	for in, want := range map[string]bool{
		`["EVENT","sub",{}]`:         true,
		` [ "EOSE","sub"]`:           true,
		"[\n\t\"EVENT\",\"sub\",{}]": true,
		`["OK","abc",false,"x"]`:     false,
		`["NOTICE","EVENT"]`:         false,
		`["CLOSED","sub","EOSE"]`:    false,
		`["EVENTS"]`:                 false,
		`"EVENT"`:                    false,
		``:                           false,
	} {
		if got := roomsOnly([]byte(in)); got != want {
			t.Errorf("roomsOnly(%q) = %v, want %v", in, got, want)
		}
	}
}

func FuzzParseRelayMessage(f *testing.F) {
	for _, s := range []string{`["EVENT","s",{"kind":29333,"content":"\"x\"","tags":[["x","t"]]}]`,
		`["OK","a",true,""]`, `["EOSE","s"]`, `["NOTICE"]`, `[null]`,
		`["EVENT","s",{"KIND":1,"kind":null,"Tags":[null,["x",null]],"created_at":1.5}]`,
		`["EVENT","s",{"id":"a","ID":null,"sig":5}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseRelayMessage(b)
		if want, wantErr := parseRelayMessageReflect(b); (err == nil) != (wantErr == nil) || (err == nil && !reflect.DeepEqual(m, want)) {
			t.Fatalf("%s: parseRelayMessage gives %+v, %v; encoding/json %+v, %v", b, m, err, want, wantErr)
		}
		if err != nil {
			if !errors.Is(err, errRelayMessage) {
				t.Fatalf("error does not wrap errRelayMessage: %v", err)
			}
			return
		}
		if roomsOnly(b) && m.Type != "EVENT" && m.Type != "EOSE" {
			t.Fatalf("%s: the watcher would skip a %s", b, m.Type)
		}
		if m.Type == "EVENT" {
			var want nip01.Event
			wantErr := json.Unmarshal(m.Event, &want) // the reference: encoding/json into the struct
			ev, err := parseEvent(m.Event)
			if (err == nil) != (wantErr == nil) || (err == nil && !reflect.DeepEqual(ev, want)) {
				t.Fatalf("%s: parseEvent gives %+v, %v; encoding/json %+v, %v", m.Event, ev, err, want, wantErr)
			}
			if err == nil {
				_ = ev.Verify() // must not panic
				_, _ = ev.Tag(tagName)
			}
		}
	})
}

// goNostr converts e to go-nostr's event type, an independent check of
// nip01's ids and signatures.
func goNostr(e nip01.Event) gonostr.Event {
	tags := make(gonostr.Tags, len(e.Tags))
	for i, t := range e.Tags {
		tags[i] = gonostr.Tag(t)
	}
	return gonostr.Event{ID: e.ID, PubKey: e.PubKey, CreatedAt: gonostr.Timestamp(e.CreatedAt),
		Kind: e.Kind, Tags: tags, Content: e.Content, Sig: e.Sig}
}

// parseRelayMessageReflect is parseRelayMessage through encoding/json's
// reflection, the reference FuzzParseRelayMessage holds it to.
func parseRelayMessageReflect(b []byte) (relayMessage, error) {
	var arr []json.RawMessage
	if err := json.Unmarshal(b, &arr); err != nil || len(arr) == 0 {
		return relayMessage{}, errRelayMessage
	}
	var m relayMessage
	if err := json.Unmarshal(arr[0], &m.Type); err != nil {
		return relayMessage{}, errRelayMessage
	}
	str := func(i int, dst *string) error {
		if len(arr) <= i || json.Unmarshal(arr[i], dst) != nil {
			return errRelayMessage
		}
		return nil
	}
	var err error
	switch m.Type {
	case "EVENT":
		if err = str(1, &m.SubID); err == nil {
			if len(arr) < 3 {
				err = errRelayMessage
			} else {
				m.Event = arr[2]
			}
		}
	case "OK":
		if err = str(1, &m.EventID); err == nil && len(arr) > 2 {
			if json.Unmarshal(arr[2], &m.OK) != nil {
				err = errRelayMessage
			} else if len(arr) > 3 {
				_ = json.Unmarshal(arr[3], &m.Message)
			}
		}
	case "EOSE":
		err = str(1, &m.SubID)
	case "CLOSED":
		if err = str(1, &m.SubID); err == nil && len(arr) > 2 {
			_ = json.Unmarshal(arr[2], &m.Message)
		}
	case "NOTICE":
		if len(arr) > 1 {
			_ = json.Unmarshal(arr[1], &m.Message)
		}
	}
	return m, err
}
