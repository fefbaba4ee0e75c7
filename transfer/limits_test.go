package transfer

import "testing"

func TestLimitsDefaults(t *testing.T) {
	const room = DefaultMaxRoomBytes
	cases := []struct {
		in, want Limits
	}{
		{Limits{}, Limits{DefaultMaxPending, DefaultMaxBytes, DefaultMaxBytes, room}},
		{Limits{-1, -1, -1, -1}, Limits{DefaultMaxPending, DefaultMaxBytes, DefaultMaxBytes, room}},
		{Limits{3, 100, 0, 0}, Limits{3, 100, 100, room}},
		{Limits{3, 100, 500, 0}, Limits{3, 100, 100, room}},
		{Limits{3, 100, 50, 0}, Limits{3, 100, 50, room}},
		{Limits{3, 100, 50, 70}, Limits{3, 100, 50, 100}}, // a room holds at least one peer's budget
		{Limits{3, 100, 50, 1000}, Limits{3, 100, 50, 1000}},
		{Limits{3, 1 << 30, 0, 0}, Limits{3, 1 << 30, 1 << 30, 1 << 30}},
	}
	for _, c := range cases {
		if got := c.in.WithDefaults(); got != c.want {
			t.Errorf("%+v → %+v, want %+v", c.in, got, c.want)
		}
	}
}
