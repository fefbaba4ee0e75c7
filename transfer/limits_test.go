package transfer

import "testing"

func TestLimitsDefaults(t *testing.T) {
	cases := []struct {
		in, want Limits
	}{
		{Limits{}, Limits{DefaultMaxPending, DefaultMaxBytes, DefaultMaxBytes}},
		{Limits{-1, -1, -1}, Limits{DefaultMaxPending, DefaultMaxBytes, DefaultMaxBytes}},
		{Limits{3, 100, 0}, Limits{3, 100, 100}},
		{Limits{3, 100, 500}, Limits{3, 100, 100}},
		{Limits{3, 100, 50}, Limits{3, 100, 50}},
	}
	for _, c := range cases {
		if got := c.in.WithDefaults(); got != c.want {
			t.Errorf("%+v → %+v, want %+v", c.in, got, c.want)
		}
	}
}
