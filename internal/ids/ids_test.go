package ids

import (
	"fmt"
	"strings"
	"testing"
)

func TestNew(t *testing.T) {
	for _, n := range []int{0, 1, 20, 64} {
		id := New(n)
		if len(id) != n {
			t.Fatalf("New(%d) has length %d", n, len(id))
		}
		for _, c := range id {
			if !strings.ContainsRune(Alphabet, c) {
				t.Fatalf("New(%d) = %q has %q outside the alphabet", n, id, c)
			}
		}
	}
	if New(20) == New(20) {
		t.Fatal("two 20-character ids collided")
	}
}

// TestNewUniform draws 124,000 characters: each of the 62 should come about
// 2,000 times (standard deviation ~44). Taking bytes mod 62 without
// rejecting 248–255 would draw the first eight characters 25 % more often.
func TestNewUniform(t *testing.T) {
	counts := map[rune]int{}
	for range 6200 {
		for _, c := range New(SelfIDLen) {
			counts[c]++
		}
	}
	for _, c := range Alphabet {
		if n := counts[c]; n < 1700 || n > 2300 {
			t.Errorf("%q drawn %d times of 124000, want about 2000", c, n)
		}
	}
}

func TestValid(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want bool
	}{
		{"GW8x2NijagYFduwG9Q6C", true}, // protocol-0.18 §2 example
		{New(SelfIDLen), true},
		{"GW8x2NijagYFduwG9Q6", false},
		{"GW8x2NijagYFduwG9Q6/", false},
		{"", false},
	} {
		if got := Valid(tc.id); got != tc.want {
			t.Errorf("Valid(%q) = %v, want %v", tc.id, got, tc.want)
		}
	}
}

func ExampleNew() {
	selfID := New(SelfIDLen)
	fmt.Println(len(selfID), Valid(selfID))
	// Output: 20 true
}
