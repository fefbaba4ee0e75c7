package reqres

import (
	"errors"
	"fmt"
	"testing"
)

func TestRequestMeta(t *testing.T) {
	for _, c := range []struct {
		req  Request
		want string
	}{
		{Request{ID: "R"}, `{"r":"R"}`},
		{Request{ID: "R", User: []byte(`{"name":"x<y"}`)}, `{"r":"R","m":{"name":"x<y"}}`},
		{Request{ID: "R", User: []byte(`null`)}, `{"r":"R","m":null}`},
		{Request{ID: "R", User: []byte(`7`)}, `{"r":"R","m":7}`},
	} {
		b, err := c.req.Marshal()
		if err != nil || string(b) != c.want {
			t.Errorf("Marshal(%+v) = %s, %v; want %s", c.req, b, err, c.want)
		}
		back, err := ParseRequest(b)
		if err != nil || back.ID != c.req.ID || string(back.User) != string(c.req.User) {
			t.Errorf("ParseRequest(%s) = %+v, %v", b, back, err)
		}
	}
	if _, err := (Request{ID: "R", User: []byte(`{`)}).Marshal(); !errors.Is(err, ErrMeta) {
		t.Errorf("bad user metadata: %v", err)
	}
	if r, err := ParseRequest([]byte(`{"m":1,"r":"R","x":2}`)); err != nil || r.ID != "R" || string(r.User) != "1" {
		t.Errorf("extra members: %+v, %v", r, err)
	}
	for _, in := range []string{``, `null`, `[]`, `"r"`, `{}`, `{"r":7}`, `{"r":null}`, `{"r":["R"]}`} {
		if _, err := ParseRequest([]byte(in)); !errors.Is(err, ErrMeta) {
			t.Errorf("ParseRequest(%s): %v", in, err)
		}
	}
}

func TestResponseMeta(t *testing.T) {
	for _, c := range []struct {
		resp Response
		want string
	}{
		{Response{ID: "R"}, `{"r":"R"}`},
		{Response{ID: "R", Failed: true, Err: Unavailable}, `{"r":"R","e":"request handler unavailable"}`},
		{Response{ID: "R", Failed: true}, `{"r":"R","e":""}`},
	} {
		b, err := c.resp.Marshal()
		if err != nil || string(b) != c.want {
			t.Errorf("Marshal(%+v) = %s, %v", c.resp, b, err)
		}
		if back, err := ParseResponse(b); err != nil || back != c.resp {
			t.Errorf("ParseResponse(%s) = %+v, %v", b, back, err)
		}
	}
	if r, err := ParseResponse([]byte(`{"r":"R","e":7}`)); err != nil || r.Failed {
		t.Errorf("non-string e: %+v, %v", r, err)
	}
	if _, err := ParseResponse([]byte(`{"e":"x"}`)); !errors.Is(err, ErrMeta) {
		t.Errorf("no r: %v", err)
	}
	if id := NewID(); len(id) != IDLen {
		t.Errorf("NewID = %q", id)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"r":"R","m":{"a":1}}`))
	f.Add([]byte(`{"r":"R","e":"boom"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if req, err := ParseRequest(b); err == nil {
			again, err := req.Marshal()
			if err != nil {
				t.Fatalf("re-marshal %+v: %v", req, err)
			}
			if back, err := ParseRequest(again); err != nil || back.ID != req.ID {
				t.Fatalf("round trip %s: %+v, %v", again, back, err)
			}
		} else if !errors.Is(err, ErrMeta) {
			t.Fatal(err)
		}
		if resp, err := ParseResponse(b); err == nil {
			again, _ := resp.Marshal()
			if back, err := ParseResponse(again); err != nil || back != resp {
				t.Fatalf("round trip %s: %+v, %v", again, back, err)
			}
		} else if !errors.Is(err, ErrMeta) {
			t.Fatal(err)
		}
	})
}

func ExampleParseResponse() {
	r, _ := ParseResponse([]byte(`{"r":"abc","e":"request handler unavailable"}`))
	fmt.Println(r.ID, r.Failed, r.Err)
	// Output: abc true request handler unavailable
}
