package frozen

import (
	"errors"
	"testing"
)

func TestParseSpecs(t *testing.T) {
	tests := []struct {
		in   string
		want []string // Spec.String() of each
	}{
		{"x", []string{"x:0"}},
		{"x:1", []string{"x:1"}},
		{"Placeholder:0[1,28,28,3]", []string{"Placeholder:0[1,28,28,3]"}},
		{"a:0[-1,3],b[?,?]", []string{"a:0[?,3]", "b:0[?,?]"}},
		{"scope/a:0, scope/b:2", []string{"scope/a:0", "scope/b:2"}},
		{"s:0[]", []string{"s:0[]"}},
		{"a:0,", []string{"a:0"}},
	}
	for _, tc := range tests {
		got, err := ParseSpecs(tc.in)
		if err != nil {
			t.Errorf("ParseSpecs(%q): %v", tc.in, err)
			continue
		}
		if len(got) != len(tc.want) {
			t.Errorf("ParseSpecs(%q) = %v, want %v", tc.in, got, tc.want)
			continue
		}
		for i := range got {
			if got[i].String() != tc.want[i] {
				t.Errorf("ParseSpecs(%q)[%d] = %s, want %s", tc.in, i, got[i], tc.want[i])
			}
		}
	}
}

func TestParseSpecsErrors(t *testing.T) {
	for _, in := range []string{"", "x:a", "x:-1", ":0", "x[1,2", "x]", "x[1,a]", "x[-2]", ",x", "a b"} {
		_, err := ParseSpecs(in)
		var se *SpecError
		if !errors.As(err, &se) {
			t.Errorf("ParseSpecs(%q) = %v, want a SpecError", in, err)
		}
	}
}

func TestSplitTensorName(t *testing.T) {
	tests := []struct {
		ref     string
		node    string
		port    int
		control bool
	}{
		{"a", "a", 0, false},
		{"a:2", "a", 2, false},
		{"^a", "a", 0, true},
		{"scope/a:10", "scope/a", 10, false},
	}
	for _, tc := range tests {
		n, p, c := SplitTensorName(tc.ref)
		if n != tc.node || p != tc.port || c != tc.control {
			t.Errorf("SplitTensorName(%q) = %q %d %v", tc.ref, n, p, c)
		}
	}
}
