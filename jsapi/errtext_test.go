package jsapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/transfer"
)

// The JS texts are Trystero 0.18's, as captured from it
// (testdata/vectors/018-room-framing.json), for the Go errors of the same
// conditions, however they are wrapped.
func TestErrorTextIsTrysteros(t *testing.T) {
	var v struct {
		Errors struct {
			LongName, EmptyName, MetaWithString, UndefinedData, MetaNotObject string
		} `json:"errors"`
	}
	if err := json.Unmarshal(testutil.Vector(t, "018-room-framing.json"), &v); err != nil {
		t.Fatal(err)
	}
	want := v.Errors
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&transfer.ActionNameError{Name: "thirteen-byte", Bytes: 13, Limit: 12}, want.LongName},
		{transfer.ErrEmptyAction, want.EmptyName},
		{fmt.Errorf("send: %w", transfer.ErrMetaNotBinary), want.MetaWithString},
		{errDataUndefined, want.UndefinedData},
		{transfer.ErrMetaNotObject, want.MetaNotObject},
		{posthorn.ErrNoAppID, "Trystero: config map is missing appId field"},
		{fmt.Errorf("posthorn: join: %w", posthorn.ErrNoRoomID), "Trystero: namespace argument required"},
		{posthorn.ErrNoPeerID, "Trystero: ping() must be called with target peer ID"},
	} {
		if got := errorText(tc.err); got != tc.want {
			t.Errorf("errorText(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
	// Conditions Trystero has no text for keep the Go error's.
	other := errors.New("posthorn: something else")
	if got := errorText(other); got != other.Error() {
		t.Errorf("errorText(other) = %q", got)
	}
}
