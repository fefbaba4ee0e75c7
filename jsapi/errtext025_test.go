package jsapi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
