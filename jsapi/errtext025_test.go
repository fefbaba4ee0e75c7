package jsapi

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/v025/reqres"
)

// The 0.25 API's texts appear verbatim in @trystero-p2p/core@0.25.4's code
// (interop/js025, pinned by its lock file), each thrown through mkErr, which
// prefixes "Trystero: ".
func TestErrorText025IsTrysteros(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "interop", "js025", "node_modules", "@trystero-p2p", "core", "dist", "*.mjs"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no @trystero-p2p/core in interop/js025/node_modules (run scripts/deps): %v", err)
	}
	var src strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
	}
	for _, err := range []error{errNoConfig, errCallbacks025, errNoRoomID025, errHandshakeTimeout025, errRequestKind025, errAborted, errDataUndefined} {
		text := errorText(err)
		msg, ok := strings.CutPrefix(text, trysteroPrefix)
		if !ok {
			t.Errorf("%q lacks the prefix", text)
			continue
		}
		// The code spells msg as a JS string literal: "…" (escaping its
		// double quotes) or '…' when it has some.
		if !strings.Contains(src.String(), `mkErr("`+strings.ReplaceAll(msg, `"`, `\"`)+`")`) &&
			!strings.Contains(src.String(), `mkErr('`+msg+`')`) &&
			!strings.Contains(src.String(), `makeActionError("aborted", "`+msg+`")`) {
			t.Errorf("%q is not among @trystero-p2p/core's texts", msg)
		}
	}
	if got := errorText(errNoActivePeer("abc")); got != "Trystero: no active peer with id abc" ||
		!strings.Contains(src.String(), "mkErr(`no active peer with id ${id}`)") {
		t.Errorf("no active peer: %q", got)
	}
}

// The request errors' texts are 0.25.4's: mkErr's prefix on the peer's
// message, and on its own Error's message again for a peer gone.
func TestRequestError025(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "interop", "js025", "node_modules", "@trystero-p2p", "core", "dist", "*.mjs"))
	var src strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
	}
	for _, lit := range []string{`makeActionError("timeout", "request timed out")`, `mkErr("request handler returned undefined")`,
		`mkErr("peer disconnected")`, `mkErr("room left")`, `mkErr("peer left room")`, "mkErr(`action type \"${type}\" cannot be redefined`)",
		`toErrorMessage(error, "request failed")`, `makeActionError("rejected", parsed.e)`} {
		if !strings.Contains(src.String(), lit) {
			t.Errorf("@trystero-p2p/core lacks %s", lit)
		}
	}
	for _, tc := range []struct {
		err        error
		text, kind string
	}{
		{&posthorn.RequestError{PeerID: "p", Msg: "boom"}, "Trystero: boom", "rejected"},
		{fmt.Errorf("x: %w", posthorn.ErrRequestTimeout), "Trystero: request timed out", "timeout"},
		{&posthorn.UnknownPeerError{ID: "p"}, "Trystero: no active peer with id p", "disconnected"},
		{fmt.Errorf("x: %w", posthorn.ErrPeerLeft), "Trystero: Trystero: peer disconnected", "disconnected"},
		{fmt.Errorf("x: %w: %w", posthorn.ErrPeerLeft, reqres.ErrSaidLeave), "Trystero: Trystero: peer left room", "disconnected"},
		{posthorn.ErrLeft, "Trystero: Trystero: room left", "disconnected"},
	} {
		e := requestError025("p", tc.err)
		var ae *actionError
		if !errors.As(e, &ae) || ae.kind != tc.kind || errorText(e) != tc.text {
			t.Errorf("%v: %q (%v), want %q (%s)", tc.err, errorText(e), e, tc.text, tc.kind)
		}
	}
	if got := errorText(errRedefined025("x")); got != `Trystero: action type "x" cannot be redefined` {
		t.Errorf("redefined: %q", got)
	}
	if undefinedResponse025 != trysteroPrefix+"request handler returned undefined" {
		t.Error(undefinedResponse025)
	}
}
